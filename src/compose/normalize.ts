import {
  formatVolumeSpec,
  isYamlMap,
  keyValueEntries,
  mountOf,
  parseShortPort,
  parseVolumeSpec,
  volumeSourceKind,
} from './short-syntax.js';
import { posix } from 'node:path';
import { interpolate, interpolateDeep } from './interpolate.js';
import { mapServicePaths } from './paths.js';
import type { VarSource, YamlMap, YamlValue } from './types.js';

/**
 * Canonical form of one service for comparisons (verify, and tests against `docker-compose config`):
 * interpolated, long-form ports/volumes/secrets/configs, mappings for environment/labels/depends_on,
 * absolute host paths. Never written anywhere.
 */
export interface NormalizeOptions {
  /** Absolute directory that the config's relative paths resolve against (the repo root after loadProject). */
  projectDir: string;
  vars: VarSource;
  /** Expands a leading `~` in host paths when given (compose uses the user's home). */
  home?: string;
  /** false for input that is already interpolated (e.g. `docker-compose config` output). */
  interpolate?: boolean;
  /**
   * Absolute directory compose runs in, which a path that starts with a variable (`${CFG}:/etc/x`,
   * left as written by the loader) resolves against once interpolated; defaults to projectDir.
   */
  variableDir?: string;
}

function hostPath(p: string, opts: NormalizeOptions): string {
  if (p.startsWith('~')) return opts.home !== undefined ? posix.join(opts.home, p.slice(1)) : p;
  if (p.startsWith('/')) return posix.normalize(p).replace(/(.)\/$/, '$1');
  return posix.join(opts.projectDir, p).replace(/(.)\/$/, '$1');
}

function scalarString(v: YamlValue): string | null {
  if (v === null) return null;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** "K=V" / "K" list or mapping -> mapping of strings; a bare "K" takes its value from `vars`, or null. */
export function kvMap(v: YamlValue | undefined, vars: VarSource, separator: string | RegExp = '='): YamlMap {
  const out: YamlMap = {};
  if (isYamlMap(v)) {
    for (const [k, x] of Object.entries(v)) out[k] = scalarString(x);
    return out;
  }
  for (const [k, x] of keyValueEntries(v, separator)) out[k] = x ?? vars(k) ?? null;
  return out;
}

interface PortRange {
  start: number;
  end: number;
}

function range(s: string): PortRange | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  if (!m) return undefined;
  const start = Number(m[1]);
  return { start, end: m[2] !== undefined ? Number(m[2]) : start };
}

/** Short port syntax in long form; ranges expand to one entry per port as compose does. */
export function longPorts(v: YamlValue): YamlMap[] {
  if (isYamlMap(v)) {
    const out: YamlMap = {
      target: Number(v.target),
      protocol: typeof v.protocol === 'string' ? v.protocol : 'tcp',
    };
    if (v.published !== undefined && v.published !== null && v.published !== '')
      out.published = String(v.published);
    if (typeof v.host_ip === 'string' && v.host_ip !== '') out.host_ip = v.host_ip;
    if (typeof v.mode === 'string' && v.mode !== 'ingress') out.mode = v.mode;
    if (typeof v.app_protocol === 'string') out.app_protocol = v.app_protocol;
    return [out];
  }
  const text = String(v);
  const { hostIp, published, target, protocol } = parseShortPort(text);
  const t = range(target);
  const p = published === '' ? undefined : range(published);
  if (!t) return [{ target, protocol }];
  const out: YamlMap[] = [];
  const count = t.end - t.start + 1;
  for (let i = 0; i < count; i++) {
    const e: YamlMap = { target: t.start + i, protocol };
    if (p) {
      // A published range wider than the target range means "any of these" for a single target.
      e.published =
        p.end - p.start + 1 === count
          ? String(p.start + i)
          : p.start === p.end
            ? String(p.start)
            : `${p.start}-${p.end}`;
    }
    if (hostIp !== '') e.host_ip = hostIp;
    out.push(e);
  }
  return out;
}

/** A volume entry in long form (its bind source already made absolute through the path table). */
export function longVolume(v: YamlValue, opts: NormalizeOptions): YamlMap {
  if (isYamlMap(v)) {
    const out: YamlMap = { ...v };
    if (out.read_only === false) delete out.read_only;
    if (isYamlMap(out.bind) && Object.keys(out.bind).length === 0) delete out.bind;
    if (isYamlMap(out.volume) && Object.keys(out.volume).length === 0) delete out.volume;
    return out;
  }
  const parts = parseVolumeSpec(String(v));
  if (parts.source === undefined) return { type: 'volume', target: parts.target };
  const bind = volumeSourceKind(parts.source, opts.vars) === 'bind';
  const out: YamlMap = bind
    ? { type: 'bind', source: parts.source, target: parts.target }
    : { type: 'volume', source: parts.source, target: parts.target };
  const modes = (parts.mode ?? '').split(',').filter((m) => m !== '');
  if (modes.includes('ro')) out.read_only = true;
  const selinux = modes.find((m) => m === 'z' || m === 'Z');
  if (selinux && bind) out.bind = { selinux };
  const propagation = modes.find((m) => /^(r?shared|r?slave|r?private)$/.test(m));
  if (propagation && bind) out.bind = { ...(isYamlMap(out.bind) ? out.bind : {}), propagation };
  if (modes.includes('nocopy') && !bind) out.volume = { nocopy: true };
  return out;
}

function grants(v: YamlValue): YamlMap[] {
  if (!Array.isArray(v)) return [];
  return v.map((g) =>
    typeof g === 'string' ? { source: g } : isYamlMap(g) ? { ...g } : { source: String(g) },
  );
}

function stringList(v: YamlValue): YamlValue[] {
  if (v === null || v === undefined) return [];
  return Array.isArray(v) ? v.map((x) => (typeof x === 'number' ? String(x) : x)) : [String(v)];
}

function normalizeBuild(v: YamlValue, opts: NormalizeOptions): YamlValue {
  const build: YamlMap = typeof v === 'string' ? { context: v } : isYamlMap(v) ? { ...v } : {};
  if (build.args !== undefined) build.args = kvMap(build.args, opts.vars);
  if (build.labels !== undefined) build.labels = kvMap(build.labels, opts.vars);
  if (isYamlMap(build.additional_contexts) || Array.isArray(build.additional_contexts))
    build.additional_contexts = kvMap(build.additional_contexts, opts.vars);
  return build;
}

function normalizeDependsOn(v: YamlValue): YamlMap {
  const out: YamlMap = {};
  if (Array.isArray(v)) {
    for (const s of v) if (typeof s === 'string') out[s] = { condition: 'service_started' };
  } else if (isYamlMap(v)) {
    for (const [k, d] of Object.entries(v)) {
      const e: YamlMap = { condition: 'service_started', ...(isYamlMap(d) ? d : {}) };
      out[k] = e;
    }
  }
  return out;
}

/** Service keys whose scalar form means a one-item list. */
const LIST_KEYS = [
  'dns',
  'dns_search',
  'tmpfs',
  'expose',
  'cap_add',
  'cap_drop',
  'dns_opt',
  'profiles',
] as const;

/**
 * Paths that start with a variable made absolute against `variableDir` with their value, before the
 * rest is interpolated: the loader could not resolve them, compose resolves them where it runs.
 */
function pinVariablePaths(config: YamlMap, opts: NormalizeOptions): YamlMap {
  const dir = opts.variableDir ?? opts.projectDir;
  // Against the project directory they come out the same after interpolation: nothing to pin.
  if (dir === opts.projectDir) return config;
  const pin = (p: string): string => {
    if (!p.startsWith('$') || p.startsWith('$$')) return p;
    let value: string;
    try {
      value = interpolate(p, opts.vars);
    } catch {
      return p; // left for interpolateDeep to report
    }
    if (value === '' || value.startsWith('/') || value.startsWith('~')) return p;
    return posix.join(dir, value).replace(/\$/g, '$$$$');
  };
  const out = mapServicePaths(config, (p, _id, base) => (base === 'context' ? p : pin(p)));
  // A short volume whose source is a variable is not a path until interpolated: the table skips it.
  if (Array.isArray(out.volumes))
    out.volumes = out.volumes.map((v) => {
      if (typeof v !== 'string') return v;
      const spec = parseVolumeSpec(v);
      if (spec.source === undefined || !spec.source.startsWith('$')) return v;
      if (volumeSourceKind(spec.source, opts.vars) !== 'bind') return v;
      return formatVolumeSpec({ ...spec, source: pin(spec.source) });
    });
  return out;
}

/** The canonical form of one service (see NormalizeOptions). Pure. */
export function normalizeService(config: YamlMap, opts: NormalizeOptions): YamlMap {
  const interpolated =
    opts.interpolate === false
      ? config
      : (interpolateDeep(pinVariablePaths(config, opts), opts.vars) as YamlMap);
  // A build without a context builds the project directory: spelled out so it is made absolute too.
  const build = interpolated.build;
  const withContext =
    isYamlMap(build) && build.context === undefined
      ? { ...interpolated, build: { ...build, context: '.' } }
      : interpolated;
  // Every host path absolute, through the one path table; a context-relative path stays as written.
  const out = mapServicePaths(withContext, (p, _id, base) => (base === 'context' ? p : hostPath(p, opts)));
  delete out.extends;
  if (out.build !== undefined) out.build = normalizeBuild(out.build, opts);
  if (Array.isArray(out.ports)) out.ports = out.ports.flatMap(longPorts);
  if (Array.isArray(out.volumes)) {
    // A source whose variable has no value is neither a path nor a name yet: it is compared as written.
    const raw = Array.isArray(config.volumes) && opts.interpolate !== false ? config.volumes : [];
    out.volumes = out.volumes.map((v, i) => {
      const m = raw[i] === undefined ? undefined : mountOf(raw[i], opts.vars);
      return m?.kind === 'unknown'
        ? { type: 'unknown', source: m.source ?? '', target: m.target ?? '' }
        : longVolume(v, opts);
    });
  }
  if (out.environment !== undefined) out.environment = kvMap(out.environment, opts.vars);
  if (out.labels !== undefined) out.labels = kvMap(out.labels, opts.vars);
  if (out.annotations !== undefined) out.annotations = kvMap(out.annotations, opts.vars);
  if (out.sysctls !== undefined) out.sysctls = kvMap(out.sysctls, opts.vars);
  if (out.extra_hosts !== undefined) {
    // "host=ip" or the older "host:ip"; the first separator splits, so an IPv6 address keeps its colons.
    const hosts = kvMap(out.extra_hosts, () => undefined, /[=:]/);
    out.extra_hosts = Object.entries(hosts).map(([h, ip]) => `${h}:${ip ?? ''}`);
  }
  if (out.depends_on !== undefined) out.depends_on = normalizeDependsOn(out.depends_on);
  if (out.env_file !== undefined) {
    out.env_file = stringList(Array.isArray(out.env_file) ? out.env_file : [out.env_file]).map((e) =>
      isYamlMap(e) ? { ...e, path: String(e.path) } : String(e),
    );
  }
  if (out.label_file !== undefined) out.label_file = stringList(out.label_file).map(String);
  for (const key of LIST_KEYS) if (out[key] !== undefined) out[key] = stringList(out[key]);
  // `networks: [a]`, `networks: {a: null}` and `networks: {a: {}}` attach the service the same way.
  if (Array.isArray(out.networks)) {
    out.networks = Object.fromEntries(out.networks.map((n) => [String(n), {}]));
  } else if (isYamlMap(out.networks)) {
    out.networks = Object.fromEntries(Object.entries(out.networks).map(([n, v]) => [n, v ?? {}]));
  }
  if (out.secrets !== undefined) out.secrets = grants(out.secrets);
  if (out.configs !== undefined) out.configs = grants(out.configs);
  return out;
}
