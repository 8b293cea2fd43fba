import { posix } from 'node:path';
import type { YamlMap, YamlValue } from './types.js';

/**
 * POSIX path helpers for paths written inside compose files. A "repo dir" is a repo-relative
 * directory ('' for the root). Paths we produce keep compose's "./" style: "./pourtier/src", ".",
 * "../shared".
 */

/** Paths compose does not resolve against a directory: home, absolute, variable-leading, Windows. */
export function isUnresolvable(p: string): boolean {
  return (
    p.startsWith('~') ||
    p.startsWith('/') ||
    p.startsWith('$') ||
    p.startsWith('\\\\') ||
    /^[a-zA-Z]:[\\/]/.test(p)
  );
}

/** "./x" for relative paths that stay inside, "../x" for those that leave, "." for the dir itself. */
function dotStyle(rel: string): string {
  if (rel === '' || rel === '.') return '.';
  if (rel === '..' || rel.startsWith('../')) return rel;
  return `./${rel}`;
}

/** Keep a trailing slash the author wrote ("./data/" stays a directory-looking path). */
function keepTrailingSlash(original: string, out: string): string {
  return original.length > 1 && original.endsWith('/') && !out.endsWith('/') && out !== '.' ? `${out}/` : out;
}

/** A path written in a file whose relative paths resolve against repo dir `fileDir`, made repo-root-relative. */
export function resolveRelative(p: string, fileDir: string): string {
  if (p === '' || isUnresolvable(p)) return p;
  const joined = posix.normalize(posix.join(fileDir === '' ? '.' : fileDir, p));
  return keepTrailingSlash(p, dotStyle(joined === '.' ? '' : joined.replace(/\/$/, '')));
}

/** The location `p` (relative to repo dir `fromDir`) expressed relative to repo dir `toDir`. */
export function rebasePath(p: string, fromDir: string, toDir: string): string {
  if (p === '' || isUnresolvable(p)) return p;
  // Relative arithmetic rather than absolute joins: a path above the repository root must keep its "..".
  const target = segments(posix.normalize(posix.join(fromDir === '' ? '.' : fromDir, p)));
  const base = segments(posix.normalize(toDir === '' ? '.' : toDir));
  let common = 0;
  while (
    common < base.length &&
    common < target.length &&
    base[common] === target[common] &&
    base[common] !== '..'
  )
    common++;
  const up = base.slice(common).map(() => '..');
  const rel = [...up, ...target.slice(common)].join('/');
  return keepTrailingSlash(p, dotStyle(rel));
}

function segments(normalized: string): string[] {
  return normalized
    .replace(/\/$/, '')
    .split('/')
    .filter((s) => s !== '' && s !== '.');
}

/** True for a repo-root-relative path that points above the repository root. */
export function isOutsideRepo(repoRelative: string): boolean {
  if (isUnresolvable(repoRelative)) return false;
  const n = posix.normalize(repoRelative);
  return n === '..' || n.startsWith('../');
}

/** Repo dir of a repo-relative file path ('' for root files). */
export function dirOf(file: string): string {
  const d = posix.dirname(file);
  return d === '.' ? '' : d;
}

/** Repo-relative form without "./" ("./pourtier/src" -> "pourtier/src", "." -> ""), for snapshot lookups. */
export function toRepoPath(p: string): string {
  const n = posix.normalize(p).replace(/\/$/, '');
  return n === '.' ? '' : n.replace(/^\.\//, '');
}

/**
 * Compose's rule for the source of a short-syntax volume ("src:target[:mode]"): a path when it starts
 * with '.', '/' or '~' (or is a Windows path); anything else, "data/x" included, is a named volume
 * (compose-go `isFilePath`; docker-compose 1.29 agrees and rejects "data/x" as an undeclared volume).
 */
export function isBindSource(shortSyntaxSource: string): boolean {
  if (shortSyntaxSource === '') return false;
  const c = shortSyntaxSource[0];
  if (c === '.' || c === '/' || c === '~') return true;
  if (shortSyntaxSource.startsWith('$'))
    return /^\$\{?[A-Za-z_][A-Za-z0-9_]*(:?-[^}]*)?\}?\//.test(shortSyntaxSource);
  return shortSyntaxSource.startsWith('\\\\') || /^[a-zA-Z]:[\\/]/.test(shortSyntaxSource);
}

/** Short volume syntax split into parts; a Windows drive letter stays with the source. */
export interface ShortVolume {
  source?: string;
  target: string;
  mode?: string;
}

export function splitShortVolume(spec: string): ShortVolume {
  const drive = /^[a-zA-Z]:[\\/]/.test(spec) ? 2 : 0;
  const parts: string[] = [];
  let start = 0;
  for (let i = drive; i <= spec.length; i++) {
    if (i === spec.length || spec[i] === ':') {
      parts.push(spec.slice(start, i));
      start = i + 1;
    }
  }
  if (parts.length === 1) return { target: parts[0] ?? '' };
  const [source = '', target = '', ...rest] = parts;
  return rest.length ? { source, target, mode: rest.join(':') } : { source, target };
}

export function joinShortVolume(v: ShortVolume): string {
  if (v.source === undefined) return v.target;
  return v.mode !== undefined ? `${v.source}:${v.target}:${v.mode}` : `${v.source}:${v.target}`;
}

/** build.context values that are not directories: URLs and git references. */
export function isRemoteContext(context: string): boolean {
  return /^(https?:\/\/|git:\/\/|ssh:\/\/|git@|github\.com\/)/.test(context) || /\.git(#.*)?$/.test(context);
}

/** Non-path values of build.additional_contexts. */
function isContextReference(v: string): boolean {
  return /^(docker-image|service|oci-layout):\/\//.test(v) || /^[a-z-]+:\/\//.test(v) || isRemoteContext(v);
}

/**
 * Every key that holds a host path. `base` says what the path is relative to: the project (or the
 * file that declares it, for extends/include) or the service's build context.
 */
export const PATH_KEYS = [
  { id: 'build', scope: 'service', key: 'build', base: 'project', form: 'string: the context' },
  {
    id: 'build.context',
    scope: 'service',
    key: 'build.context',
    base: 'project',
    form: 'string; URLs and git refs are not paths',
  },
  {
    id: 'build.dockerfile',
    scope: 'service',
    key: 'build.dockerfile',
    base: 'context',
    form: 'string; relative to the context, never rebased with the file',
  },
  {
    id: 'build.additional_contexts',
    scope: 'service',
    key: 'build.additional_contexts',
    base: 'project',
    form: 'map name: path, or list "name=path"; docker-image:// and service: are not paths',
  },
  {
    id: 'volumes.short',
    scope: 'service',
    key: 'volumes[]',
    base: 'project',
    form: '"src:target[:mode]" when src is a bind source (see isBindSource)',
  },
  {
    id: 'volumes.long',
    scope: 'service',
    key: 'volumes[].source',
    base: 'project',
    form: 'long syntax with type: bind',
  },
  {
    id: 'env_file',
    scope: 'service',
    key: 'env_file',
    base: 'project',
    form: 'string, list of strings, list of {path, required}',
  },
  { id: 'label_file', scope: 'service', key: 'label_file', base: 'project', form: 'string or list' },
  { id: 'extends.file', scope: 'service', key: 'extends.file', base: 'project', form: 'string' },
  {
    id: 'develop.watch.path',
    scope: 'service',
    key: 'develop.watch[].path',
    base: 'project',
    form: 'string',
  },
  { id: 'configs.file', scope: 'top', key: 'configs.*.file', base: 'project', form: 'string' },
  { id: 'secrets.file', scope: 'top', key: 'secrets.*.file', base: 'project', form: 'string' },
  {
    id: 'include',
    scope: 'top',
    key: 'include',
    base: 'project',
    form: 'string, list of strings, list of {path (string|list), env_file (string|list), project_directory}',
  },
] as const;

export type PathKeyId = (typeof PATH_KEYS)[number]['id'];

/** Rewrites one path; `id` tells which key it came from. Return the value unchanged to keep it. */
export type PathMapper = (path: string, id: PathKeyId) => string;

const isMap = (v: YamlValue | undefined): v is YamlMap =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function mapStrings(v: YamlValue | undefined, fn: (s: string) => string): YamlValue | undefined {
  if (typeof v === 'string') return fn(v);
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? fn(x) : x));
  return v;
}

function mapBuild(build: YamlValue, fn: PathMapper): YamlValue {
  if (typeof build === 'string') return isRemoteContext(build) ? build : fn(build, 'build');
  if (!isMap(build)) return build;
  const out: YamlMap = { ...build };
  if (typeof out.context === 'string' && !isRemoteContext(out.context))
    out.context = fn(out.context, 'build.context');
  if (typeof out.dockerfile === 'string') out.dockerfile = fn(out.dockerfile, 'build.dockerfile');
  const ac = out.additional_contexts;
  if (isMap(ac)) {
    const m: YamlMap = {};
    for (const [k, v] of Object.entries(ac)) {
      m[k] = typeof v === 'string' && !isContextReference(v) ? fn(v, 'build.additional_contexts') : v;
    }
    out.additional_contexts = m;
  } else if (Array.isArray(ac)) {
    out.additional_contexts = ac.map((item) => {
      if (typeof item !== 'string') return item;
      const eq = item.indexOf('=');
      if (eq < 0) return item;
      const v = item.slice(eq + 1);
      return isContextReference(v) ? item : `${item.slice(0, eq)}=${fn(v, 'build.additional_contexts')}`;
    });
  }
  return out;
}

function mapVolume(v: YamlValue, fn: PathMapper): YamlValue {
  if (typeof v === 'string') {
    const parts = splitShortVolume(v);
    if (parts.source === undefined || !isBindSource(parts.source)) return v;
    return joinShortVolume({ ...parts, source: fn(parts.source, 'volumes.short') });
  }
  if (isMap(v) && v.type === 'bind' && typeof v.source === 'string') {
    return { ...v, source: fn(v.source, 'volumes.long') };
  }
  return v;
}

function mapEnvFile(v: YamlValue, fn: PathMapper): YamlValue {
  const one = (x: YamlValue): YamlValue => {
    if (typeof x === 'string') return fn(x, 'env_file');
    if (isMap(x) && typeof x.path === 'string') return { ...x, path: fn(x.path, 'env_file') };
    return x;
  };
  return Array.isArray(v) ? v.map(one) : one(v);
}

/**
 * A copy of a service config with every host path passed through `fn`. Keys the config does not
 * have are not added; tagged values (!reset/!override markers) are left to the caller.
 */
export function mapServicePaths(config: YamlMap, fn: PathMapper): YamlMap {
  const out: YamlMap = { ...config };
  if (out.build !== undefined) out.build = mapBuild(out.build, fn);
  if (Array.isArray(out.volumes)) out.volumes = out.volumes.map((v) => mapVolume(v, fn));
  if (out.env_file !== undefined) out.env_file = mapEnvFile(out.env_file, fn);
  if (out.label_file !== undefined)
    out.label_file = mapStrings(out.label_file, (s) => fn(s, 'label_file')) ?? null;
  if (isMap(out.extends) && typeof out.extends.file === 'string') {
    out.extends = { ...out.extends, file: fn(out.extends.file, 'extends.file') };
  }
  const develop = out.develop;
  if (isMap(develop) && Array.isArray(develop.watch)) {
    out.develop = {
      ...develop,
      watch: develop.watch.map((w) =>
        isMap(w) && typeof w.path === 'string' ? { ...w, path: fn(w.path, 'develop.watch.path') } : w,
      ),
    };
  }
  return out;
}

/** `configs` / `secrets` top-level entries: only `file` is a path. */
export function mapFileEntries(
  section: YamlMap,
  id: 'configs.file' | 'secrets.file',
  fn: PathMapper,
): YamlMap {
  const out: YamlMap = {};
  for (const [name, def] of Object.entries(section)) {
    out[name] = isMap(def) && typeof def.file === 'string' ? { ...def, file: fn(def.file, id) } : def;
  }
  return out;
}

/** Top-level `include` in any of its forms. */
export function mapIncludePaths(include: YamlValue, fn: PathMapper): YamlValue {
  const one = (x: YamlValue): YamlValue => {
    if (typeof x === 'string') return fn(x, 'include');
    if (!isMap(x)) return x;
    const out: YamlMap = { ...x };
    if (out.path !== undefined) out.path = mapStrings(out.path, (s) => fn(s, 'include')) ?? null;
    if (out.env_file !== undefined) out.env_file = mapStrings(out.env_file, (s) => fn(s, 'include')) ?? null;
    if (typeof out.project_directory === 'string')
      out.project_directory = fn(out.project_directory, 'include');
    return out;
  };
  return Array.isArray(include) ? include.map(one) : one(include);
}
