/**
 * One place that turns a value (a component directory, a file name, a service name) into a token of
 * the language it is pasted into: POSIX sh, a Makefile recipe or variable, JSON, YAML, Python and
 * TypeScript/JavaScript string literals. Every generator that writes such a value into generated
 * text goes through here, so a name like `x;id>PWNED;` or `x","postinstall":"id"` stays data.
 *
 * Functions that cannot represent a value in their language (a NUL in sh, a line break in a
 * one-line Makefile statement) throw UnquotableError; callers turn it into a finding or an error
 * that names the value and where it was going.
 */

export class UnquotableError extends Error {
  constructor(
    readonly value: string,
    readonly language: string,
    readonly why: string,
  ) {
    super(`${JSON.stringify(value)} cannot be written into ${language}: ${why}`);
    this.name = 'UnquotableError';
  }
}

/** Characters that never need quoting as (part of) one sh word. `=` and `~` are left out on purpose. */
const SH_SAFE = /^[A-Za-z0-9_@%+:,./-]+$/u;

/**
 * One POSIX sh word that the shell reads back as exactly `s`: left bare when it holds only safe
 * characters, otherwise in single quotes (a quote inside becomes `'\''`). The empty string is `''`.
 */
export function shQuote(s: string, opts: { always?: boolean } = {}): string {
  if (s.includes('\0')) throw new UnquotableError(s, 'a shell command', 'it contains a NUL byte');
  if (!opts.always && SH_SAFE.test(s)) return s;
  return `'${s.replace(/'/gu, `'\\''`)}'`;
}

/** True when `s` would be written into sh unchanged (no quoting needed). */
export function shSafe(s: string): boolean {
  return SH_SAFE.test(s);
}

function oneLine(s: string, language: string): void {
  if (/[\n\r\0]/u.test(s))
    throw new UnquotableError(s, language, 'a line break or NUL would end the line it is written on');
}

/**
 * One word of a Makefile recipe line: a sh word in which make's `$` is doubled. Make passes the
 * rest of a recipe line (`#` included) to the shell untouched.
 */
export function makeRecipeWord(s: string, opts: { always?: boolean } = {}): string {
  oneLine(s, 'a Makefile recipe');
  return shQuote(s, opts).replace(/\$/gu, '$$$$');
}

/**
 * One word on the right of a Makefile variable assignment whose value later reaches a recipe as a
 * sh word: as makeRecipeWord, and `#` (a comment outside recipes) escaped as `\#`. A backslash
 * before `#` would itself be read as escaping it, so such values are refused.
 */
export function makeVariableWord(s: string): string {
  oneLine(s, 'a Makefile variable');
  if (/\\#/u.test(s))
    throw new UnquotableError(s, 'a Makefile variable', 'a backslash before # cannot be expressed');
  return shQuote(s).replace(/\$/gu, '$$$$').replace(/#/gu, '\\#');
}

/**
 * The value of a Makefile `export NAME ?= value` line, which make hands to the processes it starts
 * as that variable's value: `$` doubled, `#` (a comment) escaped as `\#`. Make strips leading blanks
 * and reads a trailing backslash as a line continuation, so those values are refused, as is a
 * backslash before `#`.
 */
export function makeExportValue(s: string): string {
  oneLine(s, 'a Makefile variable');
  if (/\\#/u.test(s))
    throw new UnquotableError(s, 'a Makefile variable', 'a backslash before # cannot be expressed');
  if (/^\s|\s$|\\$/u.test(s) || s === '')
    throw new UnquotableError(
      s,
      'a Makefile variable',
      'leading or trailing blanks, a trailing backslash or an empty value',
    );
  return s.replace(/\$/gu, '$$$$').replace(/#/gu, '\\#');
}

/** The value a `makeExportValue` text stands for (the inverse, for readers of generated Makefiles). */
export function readMakeExportValue(text: string): string {
  return text.trim().replace(/\$\$|\\#/gu, (m) => (m === '$$' ? '$' : '#'));
}

/** The JSON string literal for `s`, quotes included. */
export function jsonString(s: string): string {
  return escapeLineSeparators(JSON.stringify(s));
}

/** `s` escaped for the inside of an existing JSON string literal (no surrounding quotes). */
export function jsonStringContent(s: string): string {
  return jsonString(s).slice(1, -1);
}

function escapeLineSeparators(s: string): string {
  return s.replace(/\u2028/gu, '\\u2028').replace(/\u2029/gu, '\\u2029');
}

const hex = (n: number, width: number): string => n.toString(16).toUpperCase().padStart(width, '0');

/**
 * A YAML double-quoted scalar that YAML 1.1 and 1.2 readers (go-yaml, PyYAML, `yaml`) all read back
 * as `s`: printable ASCII as is, everything else as an escape.
 */
export function yamlDoubleQuoted(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (cp <= 0xff) out += `\\x${hex(cp, 2)}`;
    else if (cp <= 0xffff) {
      // A lone surrogate has no UTF-8 form; no YAML reader accepts it.
      if (cp >= 0xd800 && cp <= 0xdfff)
        throw new UnquotableError(s, 'YAML', 'it contains a lone UTF-16 surrogate');
      out += `\\u${hex(cp, 4)}`;
    } else out += `\\U${hex(cp, 8)}`;
  }
  return out + '"';
}

/** Python and JS share these escapes for characters that cannot stand raw inside a literal. */
function escapeCodeUnits(
  s: string,
  keep: (ch: string) => boolean,
  specials: Readonly<Record<string, string>>,
): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const cu = s.charCodeAt(i);
    const special = specials[ch];
    if (special !== undefined) out += special;
    else if (cu >= 0xd800 && cu <= 0xdbff && i + 1 < s.length && /[\udc00-\udfff]/u.test(s[i + 1]!)) {
      out += ch + s[i + 1]!;
      i++;
    } else if (cu < 0x20 || cu === 0x7f || (cu >= 0xd800 && cu <= 0xdfff) || !keep(ch)) {
      out += cu <= 0xff ? `\\x${hex(cu, 2)}` : `\\u${hex(cu, 4)}`;
    } else out += ch;
  }
  return out;
}

const LINE_BREAKS: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * A Python 3 string literal (not raw, not an f-string) that `ast.literal_eval` reads back as `s`.
 * Lone surrogates (which a UTF-8 source file cannot hold) are written as `\u` escapes.
 */
export function pyString(s: string, quote: '"' | "'" = "'"): string {
  return quote + pyStringContent(s, quote) + quote;
}

function pyStringContent(s: string, quote: '"' | "'"): string {
  return escapeCodeUnits(s, (ch) => ch !== '\u2028' && ch !== '\u2029' && ch !== '\u0085', {
    ...LINE_BREAKS,
    '\\': '\\\\',
    [quote]: `\\${quote}`,
  });
}

/** `s` as literal text inside a Python f-string delimited by `quote`: braces doubled as well. */
export function pyFStringText(s: string, quote: '"' | "'"): string {
  return pyStringContent(s, quote).replace(/\{/gu, '{{').replace(/\}/gu, '}}');
}

/** A JavaScript/TypeScript string literal that evaluates to `s`. */
export function jsString(s: string, quote: '"' | "'" = "'"): string {
  return (
    quote +
    escapeCodeUnits(s, (ch) => ch !== '\u2028' && ch !== '\u2029', {
      ...LINE_BREAKS,
      '\\': '\\\\',
      [quote]: `\\${quote}`,
    }) +
    quote
  );
}

/** `s` as literal text inside a JS/TS template literal: no substitution can start, nothing ends it. */
export function jsTemplateText(s: string): string {
  return escapeCodeUnits(s, (ch) => ch !== '\u2028' && ch !== '\u2029', {
    ...LINE_BREAKS,
    '\\': '\\\\',
    '`': '\\`',
    $: '\\$',
  });
}
