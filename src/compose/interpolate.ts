import { MigrateError, type Location } from '../errors.js';
import type { VarSource, YamlMap, YamlValue } from './types.js';

/**
 * Compose variable interpolation, evaluated only where analysis needs a value; the model that is
 * written back always keeps the `${...}` text.
 */

const NAME_START = /[_a-zA-Z]/;
const NAME_CHAR = /[_a-zA-Z0-9]/;

type Op = ':-' | '-' | ':?' | '?' | ':+' | '+';

/** One `${...}` or `$NAME` occurrence. */
interface Ref {
  name: string;
  op?: Op;
  /** Raw text after the operator, itself a template (nested defaults). */
  arg?: string;
  /** Index just past the reference. */
  end: number;
}

function fail(message: string, where: Location | undefined): MigrateError {
  return new MigrateError('compose-interpolation', message, where);
}

function readName(s: string, i: number): number {
  let j = i;
  if (j < s.length && NAME_START.test(s[j] ?? '')) {
    j++;
    while (j < s.length && NAME_CHAR.test(s[j] ?? '')) j++;
  }
  return j;
}

/** Find the `}` closing a `${` opened before `start`, skipping nested `${...}` and `$$`. */
function closingBrace(s: string, start: number): number {
  let depth = 1;
  for (let i = start; i < s.length; i++) {
    const c = s[i];
    if (c === '$' && s[i + 1] === '$') {
      i++;
    } else if (c === '$' && s[i + 1] === '{') {
      depth++;
      i++;
    } else if (c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

const OPS: readonly Op[] = [':-', ':?', ':+', '-', '?', '+'];

/** Parse the reference starting at `s[i] === '$'` (not `$$`). */
function parseRef(s: string, i: number, where: Location | undefined): Ref {
  const next = s[i + 1];
  if (next === '{') {
    const close = closingBrace(s, i + 2);
    if (close < 0) throw fail(`invalid interpolation: unclosed '\${' in ${JSON.stringify(s)}`, where);
    const body = s.slice(i + 2, close);
    const nameEnd = readName(body, 0);
    const name = body.slice(0, nameEnd);
    if (name === '') throw fail(`invalid interpolation: '\${${body}}' has no variable name`, where);
    if (nameEnd === body.length) return { name, end: close + 1 };
    const rest = body.slice(nameEnd);
    const op = OPS.find((o) => rest.startsWith(o));
    if (!op) throw fail(`invalid interpolation: unexpected '${rest}' in '\${${body}}'`, where);
    return { name, op, arg: rest.slice(op.length), end: close + 1 };
  }
  const nameEnd = readName(s, i + 1);
  if (nameEnd === i + 1) {
    throw fail(
      `invalid interpolation at ${JSON.stringify(s.slice(i, i + 8))}: use '$$' for a literal '$'`,
      where,
    );
  }
  return { name: s.slice(i + 1, nameEnd), end: nameEnd };
}

function evaluate(ref: Ref, vars: VarSource, where: Location | undefined): string {
  const value = vars(ref.name);
  const arg = (): string => interpolate(ref.arg ?? '', vars, where);
  switch (ref.op) {
    case undefined:
      return value ?? '';
    case ':-':
      return value === undefined || value === '' ? arg() : value;
    case '-':
      return value === undefined ? arg() : value;
    case ':?':
      if (value === undefined || value === '') throw fail(required(ref.name, arg()), where);
      return value;
    case '?':
      if (value === undefined) throw fail(required(ref.name, arg()), where);
      return value;
    case ':+':
      return value === undefined || value === '' ? '' : arg();
    case '+':
      return value === undefined ? '' : arg();
  }
}

function required(name: string, message: string): string {
  return message === ''
    ? `required variable ${name} is missing a value`
    : `required variable ${name} is missing a value: ${message}`;
}

/** Evaluate `$VAR`, `${VAR}`, `${VAR:-d}`, `${VAR-d}`, `${VAR:?e}`, `${VAR?e}`, `${VAR:+x}`, `${VAR+x}` and `$$`. */
export function interpolate(value: string, vars: VarSource, where?: Location): string {
  if (!value.includes('$')) return value;
  let out = '';
  let i = 0;
  while (i < value.length) {
    const at = value.indexOf('$', i);
    if (at < 0) {
      out += value.slice(i);
      break;
    }
    out += value.slice(i, at);
    if (value[at + 1] === '$') {
      out += '$';
      i = at + 2;
      continue;
    }
    const ref = parseRef(value, at, where);
    out += evaluate(ref, vars, where);
    i = ref.end;
  }
  return out;
}

function collect(value: string, into: string[], seen: Set<string>): void {
  let i = 0;
  while (i < value.length) {
    const at = value.indexOf('$', i);
    if (at < 0) return;
    if (value[at + 1] === '$') {
      i = at + 2;
      continue;
    }
    let ref: Ref;
    try {
      ref = parseRef(value, at, undefined);
    } catch {
      i = at + 1;
      continue;
    }
    if (!seen.has(ref.name)) {
      seen.add(ref.name);
      into.push(ref.name);
    }
    if (ref.arg) collect(ref.arg, into, seen);
    i = ref.end;
  }
}

/** Names referenced by a template, nested defaults included, in order of first use. Malformed parts are skipped. */
export function variablesIn(value: string): string[] {
  const out: string[] = [];
  collect(value, out, new Set());
  return out;
}

/** Interpolate every string value (keys are left alone, as compose does). */
export function interpolateDeep(value: YamlValue, vars: VarSource, where?: Location): YamlValue {
  if (typeof value === 'string') return interpolate(value, vars, where);
  if (Array.isArray(value)) return value.map((v) => interpolateDeep(v, vars, where));
  if (value !== null && typeof value === 'object') {
    const out: YamlMap = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolateDeep(v, vars, where);
    return out;
  }
  return value;
}

/** Shell env first, then the given maps in order (typically the root .env). */
export function varSource(
  ...layers: ReadonlyArray<ReadonlyMap<string, string> | Record<string, string | undefined>>
): VarSource {
  return (name) => {
    for (const layer of layers) {
      const v = layer instanceof Map ? layer.get(name) : (layer as Record<string, string | undefined>)[name];
      if (v !== undefined) return v;
    }
    return undefined;
  };
}

const DQ_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"', $: '\\$' };

/**
 * Parse a compose `.env` file: `KEY=VALUE`, `export KEY=VALUE`, full-line and ` #` inline comments,
 * single quotes (literal), double quotes (escapes, may span lines). Unquoted and double-quoted values
 * may refer to variables defined earlier in the file (`lookup` is consulted after those).
 */
export function loadDotEnv(text: string, lookup: VarSource = () => undefined): Map<string, string> {
  const out = new Map<string, string>();
  const vars: VarSource = (n) => out.get(n) ?? lookup(n);
  const src = text.replace(/\r\n?/g, '\n').replace(/^\uFEFF/, '');
  let i = 0;
  while (i < src.length) {
    let eol = src.indexOf('\n', i);
    if (eol < 0) eol = src.length;
    const line = src.slice(i, eol);
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      i = eol + 1;
      continue;
    }
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*(=|:\s)\s*/.exec(line);
    if (!m) {
      i = eol + 1;
      continue;
    }
    const key = m[1] ?? '';
    let pos = i + m[0].length;
    const q = src[pos];
    let value: string;
    if (q === "'" || q === '"') {
      let j = pos + 1;
      let raw = '';
      while (j < src.length && src[j] !== q) {
        if (q === '"' && src[j] === '\\' && j + 1 < src.length) {
          const e = src[j + 1] ?? '';
          raw += DQ_ESCAPES[e] ?? `\\${e}`;
          j += 2;
          continue;
        }
        raw += src[j];
        j++;
      }
      value = q === '"' ? safeInterpolate(raw, vars) : raw;
      pos = j + 1;
      const nl = src.indexOf('\n', pos);
      i = nl < 0 ? src.length : nl + 1;
    } else {
      let raw = src.slice(pos, eol);
      const hash = raw.search(/\s#/);
      if (hash >= 0) raw = raw.slice(0, hash);
      value = safeInterpolate(raw.trim(), vars);
      i = eol + 1;
    }
    out.set(key, value);
  }
  return out;
}

/** A .env value that is not a valid template is taken literally rather than failing the whole file. */
function safeInterpolate(raw: string, vars: VarSource): string {
  return interpolateOrKeep(raw.replace(/\\\$/g, '$$$$'), vars, raw);
}

/**
 * The value as compose would interpolate it where analysis only needs a reading: a required variable
 * that is unset (`${X:?err}`) or a malformed template gives `fallback` (the text as written) instead of
 * failing the run.
 */
export function interpolateOrKeep(value: string, vars: VarSource, fallback = value): string {
  if (!value.includes('$')) return value;
  try {
    return interpolate(value, vars);
  } catch {
    return fallback;
  }
}
