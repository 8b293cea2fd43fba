/**
 * Compose reads YAML 1.1-style scalars: go-yaml (Compose v2) and PyYAML (v1) both read `0440` as
 * octal (288) and `1_000` as 1000, where a YAML 1.2 core parser reads 440 and the string "1_000".
 * Values are read here as Compose reads them, and the source text of every plain scalar whose
 * spelling a writer would not reproduce (`0440`, `1_000`, `yes`, `off`, `~`, `2001-12-14`, `1e3`) is
 * remembered, so that generated files can write an unchanged scalar back exactly as it was written.
 */
import type { SourcePos, YamlValue } from './types.js';

/** Integers in the forms YAML 1.1 and go-yaml accept but YAML 1.2 core reads differently. */
const OCTAL_11 = /^[-+]?0[0-7_]+$/u;
const BINARY_11 = /^[-+]?0b[01_]+$/u;
const HEX_11 = /^[-+]?0x[0-9a-fA-F_]+$/u;
const DECIMAL_11 = /^[-+]?(?:0|[1-9][0-9_]*)$/u;
const FLOAT_11 = /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+][0-9]+)?$/u;

/**
 * The value Compose gives a plain scalar where that differs from the YAML 1.2 reading, else
 * undefined (the 1.2 value stands).
 */
export function composeNumber(src: string): number | undefined {
  if (!src.includes('_') && !OCTAL_11.test(src) && !BINARY_11.test(src)) return undefined;
  const sign = src.startsWith('-') ? -1 : 1;
  const body = src.replace(/^[-+]/u, '').replace(/_/gu, '');
  if (body === '' || body === '.') return undefined;
  if (OCTAL_11.test(src) && body.length > 1) return sign * parseInt(body, 8);
  if (BINARY_11.test(src)) return sign * parseInt(body.slice(2), 2);
  if (HEX_11.test(src)) return sign * parseInt(body.slice(2), 16);
  if (DECIMAL_11.test(src)) return sign * parseInt(body, 10);
  if (FLOAT_11.test(src)) return sign * parseFloat(body);
  return undefined;
}

/**
 * Plain scalars a writer might spell differently (or quote) while Compose reads them as something
 * other than the obvious string: numbers in any spelling, YAML 1.1 booleans and nulls, timestamps,
 * infinities. Sexagesimal-looking values with `:` (ports) are left to the writer's own quoting.
 */
const SPELLING_SENSITIVE =
  /^(?:[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|[-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)?|[-+]?0[xob][0-9a-fA-F_]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|~|null|Null|NULL|\d{4}-\d\d?-\d\d?(?:[Tt ].*)?)$/u;

export function spellingSensitive(src: string): boolean {
  return SPELLING_SENSITIVE.test(src);
}

interface RawScalar {
  text: string;
  value: YamlValue;
}

/** Source spelling of the scalar value at a key path, keyed by that path's SourcePos object. */
const rawScalars = new WeakMap<SourcePos, RawScalar>();

export function rememberRawScalar(pos: SourcePos, text: string, value: YamlValue): void {
  rawScalars.set(pos, { text, value });
}

/**
 * The source text of the scalar recorded at `pos`, when the value there is still the one read from
 * it (a value the tool changed is written fresh).
 */
export function rawScalarFor(pos: SourcePos | undefined, value: YamlValue): string | undefined {
  if (!pos) return undefined;
  const raw = rawScalars.get(pos);
  if (!raw) return undefined;
  return Object.is(raw.value, value) ? raw.text : undefined;
}
