import { interpolate } from './interpolate.js';
import type { VarSource, YamlMap, YamlValue } from './types.js';

/**
 * The one reader of each Compose short syntax: volumes ("source:target[:mode]"), ports
 * ("[ip:]published:target[/proto]"), list-or-mapping keys (environment, labels, depends_on, networks)
 * and configs/secrets grants. Written by people who also put `${VAR:-default}`, IPv6 brackets and
 * Windows drive letters in them. Loader, normalize, analysis, generate and verify all read through
 * these functions, so a rule is decided once.
 */

/**
 * Split on `sep` outside `${...}` and `[...]`, so "${HOME:-/x}:/data" and "[::1]:80:80" keep their
 * inner colons.
 */
export function splitOutside(s: string, sep: string): string[] {
  const parts: string[] = [];
  let depthBrace = 0;
  let depthBracket = 0;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    if (ch === '$' && s[i + 1] === '{') {
      depthBrace++;
      cur += '${';
      i++;
      continue;
    }
    if (ch === '}' && depthBrace > 0) depthBrace--;
    else if (ch === '[') depthBracket++;
    else if (ch === ']' && depthBracket > 0) depthBracket--;
    if (ch === sep && depthBrace === 0 && depthBracket === 0) {
      parts.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  parts.push(cur);
  return parts;
}

export interface ShortPort {
  /** Host IP without IPv6 brackets, "" when none. */
  hostIp: string;
  /** Published (host) port or range as written, "" when none. */
  published: string;
  /** Container port or range as written. */
  target: string;
  protocol: string;
}

/** "[ip:]published:target[/protocol]" or a lone "target", variables and IPv6 kept intact. */
export function parseShortPort(spec: string): ShortPort {
  const [body = '', protocol = 'tcp'] = splitOutside(spec, '/');
  const parts = splitOutside(body, ':');
  const target = parts[parts.length - 1] ?? '';
  const published = parts.length >= 2 ? (parts[parts.length - 2] ?? '') : '';
  const hostIp =
    parts.length >= 3
      ? parts
          .slice(0, -2)
          .join(':')
          .replace(/^\[(.*)\]$/, '$1')
      : '';
  return { hostIp, published, target, protocol };
}

// ---- plain YAML data ----

/** A plain mapping in resolved YAML data (not a `yaml` library node: see `isMap` from 'yaml' for those). */
export function isYamlMap(v: YamlValue | undefined): v is YamlMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A scalar as compose reads it where a string is expected (numbers are written unquoted often). */
export function scalarText(v: YamlValue | undefined): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

// ---- volumes ----

/** A short-syntax volume "source:target[:mode]", or a lone "target" (an anonymous volume). */
export interface VolumeSpec {
  source?: string;
  target: string;
  mode?: string;
}

const WINDOWS_DRIVE = /^[a-zA-Z]:[\\/]/;

/**
 * "source:target[:mode]" split on the colons compose splits on: not inside `${...}` (defaults may
 * hold colons), and not the one after a Windows drive letter ("C:\data:/data").
 */
export function parseVolumeSpec(spec: string): VolumeSpec {
  const drive = WINDOWS_DRIVE.test(spec) ? 2 : 0;
  const parts = splitOutside(spec.slice(drive), ':');
  parts[0] = spec.slice(0, drive) + (parts[0] ?? '');
  if (parts.length === 1) return { target: parts[0] };
  const [source = '', target = '', ...rest] = parts;
  return rest.length ? { source, target, mode: rest.join(':') } : { source, target };
}

export function formatVolumeSpec(v: VolumeSpec): string {
  if (v.source === undefined) return v.target;
  return v.mode !== undefined ? `${v.source}:${v.target}:${v.mode}` : `${v.source}:${v.target}`;
}

/**
 * Compose's rule for a short-syntax source (compose-go `isFilePath`, docker-compose 1.29 agrees): a
 * host path when it starts with '.', '/' or '~', or is a Windows drive or UNC path; anything else is
 * a volume name, "data/x" included (compose then rejects it as an undeclared volume).
 */
export function isHostPath(source: string): boolean {
  if (source === '') return false;
  const c = source[0];
  return c === '.' || c === '/' || c === '~' || source.startsWith('\\\\') || WINDOWS_DRIVE.test(source);
}

/** `$NAME` or `${NAME...}` at the start of a value, with the operator of the braced form. */
const LEADING_VARIABLE = /^\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)(:?[-+?])?)/;

export type VolumeSourceKind = 'bind' | 'volume' | 'unknown';

/**
 * What a short-syntax source is. Compose decides after interpolation, so a source that starts with
 * a variable is decided by its value: from `vars` (the root .env and whatever environment the caller
 * has), else from the `${NAME:-default}` / `${NAME-default}` default, else it is "unknown" and stays
 * unknown until the variable has a value. Every consumer treats "unknown" the same careful way: it is
 * not rebased, not a named volume use, and not evidence of anything.
 */
export function volumeSourceKind(source: string, vars?: VarSource): VolumeSourceKind {
  let text = source;
  if (source.startsWith('$') && !source.startsWith('$$')) {
    const m = LEADING_VARIABLE.exec(source);
    if (!m) return 'unknown';
    const value = vars?.((m[1] ?? m[2])!);
    const op = m[3];
    const unset = value === undefined || (value === '' && op?.startsWith(':') === true);
    if (unset && (op === undefined || !op.endsWith('-'))) return 'unknown';
    try {
      text = interpolate(source, (name) => vars?.(name));
    } catch {
      return 'unknown';
    }
  }
  return isHostPath(text) ? 'bind' : 'volume';
}

export type MountKind = 'bind' | 'volume' | 'anonymous' | 'tmpfs' | 'other' | 'unknown';

/** One entry of a service's `volumes`, whichever syntax wrote it. */
export interface Mount {
  kind: MountKind;
  syntax: 'short' | 'long';
  /** Host path (bind), volume name (volume), or the source as written (unknown). */
  source?: string;
  target?: string;
  readOnly: boolean;
}

/** A `volumes` entry of a service in short or long syntax; `vars` as for `volumeSourceKind`. */
export function mountOf(entry: YamlValue, vars?: VarSource): Mount {
  if (typeof entry === 'string') {
    const v = parseVolumeSpec(entry);
    const readOnly = (v.mode ?? '').split(',').includes('ro');
    if (v.source === undefined || v.source === '')
      return { kind: 'anonymous', syntax: 'short', target: v.target, readOnly };
    const kind = volumeSourceKind(v.source, vars);
    return { kind, syntax: 'short', source: v.source, target: v.target, readOnly };
  }
  if (!isYamlMap(entry)) return { kind: 'other', syntax: 'long', readOnly: false };
  const target = scalarText(entry.target);
  const source = scalarText(entry.source);
  const readOnly = entry.read_only === true;
  const base = { syntax: 'long' as const, readOnly, ...(target !== undefined ? { target } : {}) };
  switch (entry.type) {
    case 'bind':
      return { kind: 'bind', ...base, ...(source !== undefined ? { source } : {}) };
    case 'volume':
    case undefined:
      return source ? { kind: 'volume', ...base, source } : { kind: 'anonymous', ...base };
    case 'tmpfs':
      return { kind: 'tmpfs', ...base };
    default:
      return { kind: 'other', ...base, ...(source !== undefined ? { source } : {}) };
  }
}

// ---- list-or-mapping keys ----

/**
 * `environment`, `labels`, `extra_hosts`-style entries as [key, value] pairs: "K=V" and "K" items of
 * a list, or a mapping. A bare "K" (or a mapping to null) has no value here: compose takes it from
 * the environment at run time.
 */
export function keyValueEntries(
  v: YamlValue | undefined,
  separator: string | RegExp = '=',
): [string, string | null][] {
  if (Array.isArray(v)) {
    return v.flatMap((item): [string, string | null][] => {
      const s = scalarText(item);
      if (s === undefined) return [];
      const m = typeof separator === 'string' ? undefined : separator.exec(s);
      const at = typeof separator === 'string' ? s.indexOf(separator) : (m?.index ?? -1);
      const width = typeof separator === 'string' ? separator.length : (m?.[0].length ?? 0);
      return [at < 0 ? [s, null] : [s.slice(0, at), s.slice(at + width)]];
    });
  }
  if (isYamlMap(v)) {
    return Object.entries(v).map(([k, x]): [string, string | null] => [
      k,
      x === null ? null : (scalarText(x) ?? JSON.stringify(x)),
    ]);
  }
  return [];
}

/** Names a list-or-mapping key lists (`networks`, `depends_on`, `links` targets are not this). */
export function listOrMapKeys(v: YamlValue | undefined): string[] {
  if (Array.isArray(v)) return v.map(scalarText).filter((x): x is string => x !== undefined);
  if (isYamlMap(v)) return Object.keys(v);
  return [];
}

/** One `depends_on` entry, the short list form given compose's defaults. */
export interface Dependency {
  service: string;
  condition: string;
  required: boolean;
  restart: boolean;
}

/**
 * The service a `links` entry (`db`, `db:alias`) or a `volumes_from` entry (`db`, `db:ro`,
 * `service:db:ro`) names; undefined for a container (`container:name`), which is no service.
 */
export function referencedService(entry: string): string | undefined {
  if (entry.startsWith('container:')) return undefined;
  const rest = entry.startsWith('service:') ? entry.slice('service:'.length) : entry;
  return rest.split(':')[0] ?? rest;
}

/** `depends_on` in list or mapping syntax. */
export function dependencies(v: YamlValue | undefined): Dependency[] {
  if (Array.isArray(v)) {
    return listOrMapKeys(v).map((service) => ({
      service,
      condition: 'service_started',
      required: true,
      restart: false,
    }));
  }
  if (!isYamlMap(v)) return [];
  return Object.entries(v).map(([service, d]) => {
    const m = isYamlMap(d) ? d : {};
    return {
      service,
      condition: scalarText(m.condition) ?? 'service_started',
      required: m.required !== false,
      restart: m.restart === true,
    };
  });
}

/** Names a service's `configs` / `secrets` grant ("name" or { source: name }). */
export function grantSources(v: YamlValue | undefined): string[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((e) => {
    if (typeof e === 'string') return [e];
    const source = isYamlMap(e) ? scalarText(e.source) : undefined;
    return source !== undefined ? [source] : [];
  });
}
