import { posix } from 'node:path';
import { formatVolumeSpec, isYamlMap, parseVolumeSpec, volumeSourceKind } from './short-syntax.js';
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

/** build.context values that are not directories: URLs and git references. */
export function isRemoteContext(context: string): boolean {
  return /^(https?:\/\/|git:\/\/|ssh:\/\/|git@|github\.com\/)/.test(context) || /\.git(#.*)?$/.test(context);
}

/** Non-path values of build.additional_contexts. */
function isContextReference(v: string): boolean {
  return /^(docker-image|service|oci-layout):\/\//.test(v) || /^[a-z-]+:\/\//.test(v) || isRemoteContext(v);
}

/** What a path in a row is relative to: the project directory (or the declaring file's directory, for
 * extends/include) or the service's build context. */
export type PathBase = 'project' | 'context';

/** Rewrites one path; `id` says which row it came from and `base` what it is relative to. */
export type PathMapper = (path: string, id: PathKeyId, base: PathBase) => string;

/** A row of the path table: a tree path and the resolver that visits every host path under it. */
interface PathRow<Id extends string> {
  id: Id;
  /** Where the key lives: in a service, in a top-level section entry, or the top-level include. */
  scope: 'service' | 'configs' | 'secrets' | 'volumes' | 'include';
  /** The tree path, compose-go style. */
  key: string;
  base: PathBase;
  /** Returns a copy of `node` (a service config or a top-level entry) with each path passed through `fn`. */
  map(node: YamlMap, fn: (path: string) => string): YamlMap;
}

const row = <Id extends string>(r: PathRow<Id>): PathRow<Id> => r;

function mapStrings(v: YamlValue | undefined, fn: (s: string) => string): YamlValue | undefined {
  if (typeof v === 'string') return fn(v);
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? fn(x) : x));
  return v;
}

function withKey(node: YamlMap, key: string, value: YamlValue | undefined): YamlMap {
  return value === undefined || value === node[key] ? node : { ...node, [key]: value };
}

/** The sub-map at `key` rewritten by `fn`, when it is a map. */
function inMap(node: YamlMap, key: string, fn: (m: YamlMap) => YamlMap): YamlMap {
  const m = node[key];
  return isYamlMap(m) ? withKey(node, key, fn(m)) : node;
}

/**
 * Every key that holds a host path, made executable (as compose-go's `paths/resolve.go` maps tree
 * paths to resolvers). The loader resolves with it, normalize makes paths absolute with it, the
 * generated-file writer rebases with it, and attribution and the outside-the-repository check read
 * through it: a new path key is one new row.
 */
export const PATH_KEYS = [
  row({
    id: 'build.context',
    scope: 'service',
    key: 'services.*.build.context (or a string build)',
    base: 'project',
    map: (svc, fn) => {
      const b = svc.build;
      if (typeof b === 'string') return isRemoteContext(b) ? svc : withKey(svc, 'build', fn(b));
      return inMap(svc, 'build', (build) =>
        typeof build.context === 'string' && !isRemoteContext(build.context)
          ? withKey(build, 'context', fn(build.context))
          : build,
      );
    },
  }),
  row({
    id: 'build.dockerfile',
    scope: 'service',
    key: 'services.*.build.dockerfile',
    base: 'context',
    map: (svc, fn) =>
      inMap(svc, 'build', (build) =>
        typeof build.dockerfile === 'string' ? withKey(build, 'dockerfile', fn(build.dockerfile)) : build,
      ),
  }),
  row({
    id: 'build.additional_contexts',
    scope: 'service',
    key: 'services.*.build.additional_contexts.*',
    base: 'project',
    map: (svc, fn) =>
      inMap(svc, 'build', (build) => {
        const ac = build.additional_contexts;
        if (isYamlMap(ac)) {
          const m: YamlMap = {};
          for (const [k, v] of Object.entries(ac))
            m[k] = typeof v === 'string' && !isContextReference(v) ? fn(v) : v;
          return withKey(build, 'additional_contexts', m);
        }
        if (!Array.isArray(ac)) return build;
        const list = ac.map((item) => {
          if (typeof item !== 'string' || !item.includes('=')) return item;
          const eq = item.indexOf('=');
          const v = item.slice(eq + 1);
          return isContextReference(v) ? item : `${item.slice(0, eq)}=${fn(v)}`;
        });
        return withKey(build, 'additional_contexts', list);
      }),
  }),
  row({
    id: 'volumes.short',
    scope: 'service',
    key: 'services.*.volumes[] "source:target[:mode]" with a host-path source',
    base: 'project',
    map: (svc, fn) =>
      Array.isArray(svc.volumes)
        ? withKey(
            svc,
            'volumes',
            svc.volumes.map((v) => {
              if (typeof v !== 'string') return v;
              const spec = parseVolumeSpec(v);
              if (spec.source === undefined || volumeSourceKind(spec.source) !== 'bind') return v;
              return formatVolumeSpec({ ...spec, source: fn(spec.source) });
            }),
          )
        : svc,
  }),
  row({
    id: 'volumes.long',
    scope: 'service',
    key: 'services.*.volumes[].source with type: bind',
    base: 'project',
    map: (svc, fn) =>
      Array.isArray(svc.volumes)
        ? withKey(
            svc,
            'volumes',
            svc.volumes.map((v) =>
              isYamlMap(v) && v.type === 'bind' && typeof v.source === 'string'
                ? { ...v, source: fn(v.source) }
                : v,
            ),
          )
        : svc,
  }),
  row({
    id: 'env_file',
    scope: 'service',
    key: 'services.*.env_file (string, list of strings, list of {path, required})',
    base: 'project',
    map: (svc, fn) => {
      const one = (x: YamlValue): YamlValue => {
        if (typeof x === 'string') return fn(x);
        if (isYamlMap(x) && typeof x.path === 'string') return { ...x, path: fn(x.path) };
        return x;
      };
      const v = svc.env_file;
      return v === undefined || v === null
        ? svc
        : withKey(svc, 'env_file', Array.isArray(v) ? v.map(one) : one(v));
    },
  }),
  row({
    id: 'label_file',
    scope: 'service',
    key: 'services.*.label_file (string or list)',
    base: 'project',
    map: (svc, fn) => withKey(svc, 'label_file', mapStrings(svc.label_file, fn)),
  }),
  row({
    id: 'extends.file',
    scope: 'service',
    key: 'services.*.extends.file',
    base: 'project',
    map: (svc, fn) =>
      inMap(svc, 'extends', (ext) =>
        typeof ext.file === 'string' ? withKey(ext, 'file', fn(ext.file)) : ext,
      ),
  }),
  row({
    id: 'develop.watch.path',
    scope: 'service',
    key: 'services.*.develop.watch[].path',
    base: 'project',
    map: (svc, fn) =>
      inMap(svc, 'develop', (develop) =>
        Array.isArray(develop.watch)
          ? withKey(
              develop,
              'watch',
              develop.watch.map((w) =>
                isYamlMap(w) && typeof w.path === 'string' ? { ...w, path: fn(w.path) } : w,
              ),
            )
          : develop,
      ),
  }),
  row({
    id: 'configs.file',
    scope: 'configs',
    key: 'configs.*.file',
    base: 'project',
    map: (def, fn) => (typeof def.file === 'string' ? withKey(def, 'file', fn(def.file)) : def),
  }),
  row({
    id: 'secrets.file',
    scope: 'secrets',
    key: 'secrets.*.file',
    base: 'project',
    map: (def, fn) => (typeof def.file === 'string' ? withKey(def, 'file', fn(def.file)) : def),
  }),
  row({
    id: 'volumes.device',
    scope: 'volumes',
    key: 'volumes.*.driver_opts.device of a local bind volume (o: bind)',
    base: 'project',
    map: (def, fn) => {
      const opts = def.driver_opts;
      if (!isYamlMap(opts) || (def.driver ?? 'local') !== 'local' || typeof opts.device !== 'string')
        return def;
      const o = typeof opts.o === 'string' ? opts.o.split(',') : [];
      // Only a bind device is a host path; any relative one ("data" too) is the project directory's, as
      // compose-go resolves it. Absolute, home and variable paths pass through the resolvers unchanged.
      if (!o.includes('bind')) return def;
      return withKey(def, 'driver_opts', { ...opts, device: fn(opts.device) });
    },
  }),
  row({
    id: 'include',
    scope: 'include',
    key: 'include[] (string, or {path (string|list), env_file (string|list), project_directory})',
    base: 'project',
    map: (entry, fn) => {
      let out = entry;
      out = withKey(out, 'path', mapStrings(out.path, fn));
      out = withKey(out, 'env_file', mapStrings(out.env_file, fn));
      if (typeof out.project_directory === 'string')
        out = withKey(out, 'project_directory', fn(out.project_directory));
      return out;
    },
  }),
] as const;

export type PathKeyId = (typeof PATH_KEYS)[number]['id'];

const rowsFor = (scope: PathRow<string>['scope']): readonly PathRow<PathKeyId>[] =>
  PATH_KEYS.filter((r) => r.scope === scope);

/**
 * A copy of a service config with every host path passed through `fn`. Keys the config does not
 * have are not added; tagged values (!reset/!override markers) are left to the caller.
 */
export function mapServicePaths(config: YamlMap, fn: PathMapper): YamlMap {
  let out: YamlMap = { ...config };
  for (const r of rowsFor('service')) out = r.map(out, (p) => fn(p, r.id, r.base));
  return out;
}

/** Every host path of a service config, with its row: the read-only walk of the same table. */
export function servicePaths(config: YamlMap): { path: string; id: PathKeyId; base: PathBase }[] {
  const out: { path: string; id: PathKeyId; base: PathBase }[] = [];
  mapServicePaths(config, (path, id, base) => {
    out.push({ path, id, base });
    return path;
  });
  return out;
}

/** Entries of a top-level `configs`, `secrets` or `volumes` section with their host paths passed through `fn`. */
export function mapTopLevelPaths(
  section: 'configs' | 'secrets' | 'volumes',
  entries: YamlMap,
  fn: PathMapper,
): YamlMap {
  const rows = rowsFor(section);
  const out: YamlMap = {};
  for (const [name, def] of Object.entries(entries)) {
    let v = def;
    for (const r of rows) if (isYamlMap(v)) v = r.map(v, (p) => fn(p, r.id, r.base));
    out[name] = v;
  }
  return out;
}

/** Top-level `include` in any of its forms. */
export function mapIncludePaths(include: YamlValue, fn: PathMapper): YamlValue {
  const [r] = rowsFor('include');
  const one = (x: YamlValue): YamlValue => {
    if (typeof x === 'string') return fn(x, 'include', 'project');
    return isYamlMap(x) && r ? r.map(x, (p) => fn(p, r.id, r.base)) : x;
  };
  return Array.isArray(include) ? include.map(one) : one(include);
}
