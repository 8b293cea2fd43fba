import { parseShortPort } from './short-syntax.js';
import { isYamlMap, parseVolumeSpec } from './short-syntax.js';
import type { YamlMap, YamlValue } from './types.js';
import { tagOf, untag } from './value.js';

/**
 * Compose Specification merge rules for layered files and `extends`
 * (https://github.com/compose-spec/compose-spec/blob/main/13-merge.md, compose-go override/merge.go).
 * Inputs may carry `!reset`/`!override` markers; outputs keep the author's syntax where possible
 * (short vs long ports, list vs map environment) and never interpolate.
 */

type Rule = (base: YamlValue, override: YamlValue, path: string) => YamlValue;

/** Stable identity for de-duplication of arbitrary items. */
function itemKey(v: YamlValue): string {
  return typeof v === 'string' ? `s:${v}` : `j:${JSON.stringify(v)}`;
}

/** Append override items; an item whose key already exists replaces the base item in place. */
function mergeByKey(key: (v: YamlValue) => string): Rule {
  return (base, override) => {
    if (!Array.isArray(base) || !Array.isArray(override)) return plain(override);
    const out: YamlValue[] = [];
    const index = new Map<string, number>();
    for (const item of [...base, ...override]) {
      const k = key(item);
      const at = index.get(k);
      if (at === undefined) {
        index.set(k, out.length);
        out.push(plain(item));
      } else {
        out[at] = plain(item);
      }
    }
    return out;
  };
}

const unique = mergeByKey(itemKey);

const replace: Rule = (_base, override) => plain(override);

function str(v: YamlValue | undefined): string {
  return v === undefined || v === null ? '' : String(v);
}

/** (host ip, published, target, protocol) of a port in either syntax. */
export function portKey(v: YamlValue): string {
  if (isYamlMap(v)) {
    return [str(v.host_ip), str(v.published), str(v.target), str(v.protocol) || 'tcp'].join('|');
  }
  if (typeof v === 'number') return ['', '', String(v), 'tcp'].join('|');
  if (typeof v !== 'string') return itemKey(v);
  const { hostIp: ip, published, target, protocol } = parseShortPort(v);
  return [ip, published, target, protocol].join('|');
}

/** Container path of a volume or device entry. */
export function mountTarget(v: YamlValue): string {
  if (typeof v === 'string') return `t:${parseVolumeSpec(v).target}`;
  if (isYamlMap(v)) return `t:${str(v.target)}`;
  return itemKey(v);
}

function deviceTarget(v: YamlValue): string {
  if (typeof v === 'string') {
    const parts = v.split(':');
    return `t:${parts.length >= 2 ? parts[1] : parts[0]}`;
  }
  return mountTarget(v);
}

/** secrets/configs in a service: by target, which defaults to the source name. */
function grantKey(v: YamlValue): string {
  if (typeof v === 'string') return `g:${v}`;
  if (isYamlMap(v)) return `g:${str(v.target) || str(v.source)}`;
  return itemKey(v);
}

function envFileKey(v: YamlValue): string {
  if (isYamlMap(v)) return `p:${str(v.path)}`;
  return typeof v === 'string' ? `p:${v}` : itemKey(v);
}

/**
 * env-like values: a mapping, or a list of "K=V" (or "K:V" for extra_hosts). The list form is turned
 * into entries for merging and back again when the base used it.
 */
interface KvSyntax {
  sep: RegExp;
  join: string;
}
const EQ: KvSyntax = { sep: /=/, join: '=' };
const HOSTS: KvSyntax = { sep: /[=:]/, join: ':' };

function kvEntries(v: YamlValue, syntax: KvSyntax): Map<string, YamlValue> | undefined {
  const out = new Map<string, YamlValue>();
  if (isYamlMap(v)) {
    for (const [k, x] of Object.entries(v)) out.set(k, x);
    return out;
  }
  if (!Array.isArray(v)) return undefined;
  for (const item of v) {
    if (typeof item !== 'string') return undefined;
    const m = syntax.sep.exec(item);
    if (!m) out.set(item, null);
    else out.set(item.slice(0, m.index), item.slice(m.index + 1));
  }
  return out;
}

function kvRule(syntax: KvSyntax): Rule {
  return (base, override) => {
    const b = kvEntries(base, syntax);
    const o = kvEntries(override, syntax);
    if (!b || !o) return plain(override);
    for (const [k, v] of o) {
      const mark = tagOf(v);
      if (mark?.tag === 'reset') b.delete(k);
      else b.set(k, plain(v));
    }
    if (Array.isArray(base)) {
      return [...b].map(([k, v]) =>
        v === null ? k : `${k}${syntax.join}${typeof v === 'object' ? JSON.stringify(v) : String(v)}`,
      );
    }
    return Object.fromEntries(b);
  };
}

const envLike = kvRule(EQ);

/** Short `depends_on: [a, b]` as its long form. */
function dependsOnMap(v: YamlValue): YamlMap | undefined {
  if (isYamlMap(v)) return v;
  if (!Array.isArray(v)) return undefined;
  const out: YamlMap = {};
  for (const item of v) if (typeof item === 'string') out[item] = { condition: 'service_started' };
  return out;
}

const mergeDependsOn: Rule = (base, override, path) => {
  if (Array.isArray(base) && Array.isArray(override)) return unique(base, override, path);
  const b = dependsOnMap(base);
  const o = dependsOnMap(override);
  if (!b || !o) return plain(override);
  return mergeMaps(b, o, path);
};

/** `build: ./dir` is `build: {context: ./dir}`; two strings stay a string. */
const mergeBuild: Rule = (base, override, path) => {
  if (typeof base === 'string' && typeof override === 'string') return override;
  const b = typeof base === 'string' ? { context: base } : base;
  const o = typeof override === 'string' ? { context: override } : override;
  if (!isYamlMap(b) || !isYamlMap(o)) return plain(override);
  return mergeMaps(b, o, path);
};

/** Different drivers: the override's logging replaces the base's; same driver: options merge. */
const mergeLogging: Rule = (base, override, path) => {
  if (!isYamlMap(base) || !isYamlMap(override)) return plain(override);
  if (override.driver !== undefined && base.driver !== undefined && override.driver !== base.driver)
    return plain(override);
  return mergeMaps(base, override, path);
};

/** Each ulimit is replaced whole (an int and a {soft, hard} do not merge). */
const mergeUlimits: Rule = (base, override) => {
  if (!isYamlMap(base) || !isYamlMap(override)) return plain(override);
  const out: YamlMap = { ...base };
  for (const [k, v] of Object.entries(override)) {
    if (tagOf(v)?.tag === 'reset') delete out[k];
    else out[k] = plain(v);
  }
  return out;
};

const mergeNetworks: Rule = (base, override, path) => {
  if (Array.isArray(base) && Array.isArray(override)) return unique(base, override, path);
  const toMap = (v: YamlValue): YamlMap | undefined => {
    if (isYamlMap(v)) return v;
    if (!Array.isArray(v)) return undefined;
    const out: YamlMap = {};
    for (const n of v) if (typeof n === 'string') out[n] = null;
    return out;
  };
  const b = toMap(base);
  const o = toMap(override);
  if (!b || !o) return plain(override);
  return mergeMaps(b, o, path);
};

/** Rules by service-relative path; '*' matches one key. Everything else: maps merge, lists append. */
const SERVICE_RULES: Record<string, Rule> = {
  command: replace,
  entrypoint: replace,
  'healthcheck.test': replace,
  ports: mergeByKey(portKey),
  volumes: mergeByKey(mountTarget),
  devices: mergeByKey(deviceTarget),
  secrets: mergeByKey(grantKey),
  configs: mergeByKey(grantKey),
  env_file: mergeByKey(envFileKey),
  label_file: unique,
  expose: mergeByKey((v) => `e:${str(v)}`),
  dns: unique,
  dns_search: unique,
  dns_opt: unique,
  tmpfs: unique,
  cap_add: unique,
  cap_drop: unique,
  links: unique,
  external_links: unique,
  volumes_from: unique,
  profiles: unique,
  security_opt: unique,
  environment: envLike,
  labels: envLike,
  annotations: envLike,
  sysctls: envLike,
  extra_hosts: kvRule(HOSTS),
  ulimits: mergeUlimits,
  depends_on: mergeDependsOn,
  build: mergeBuild,
  'build.args': envLike,
  'build.labels': envLike,
  'build.extra_hosts': kvRule(HOSTS),
  'build.tags': unique,
  'build.cache_from': unique,
  'build.platforms': unique,
  'deploy.labels': envLike,
  logging: mergeLogging,
  networks: mergeNetworks,
  'networks.*.aliases': unique,
};

/** Top-level definitions (networks, volumes, configs, secrets): entries merge as mappings. */
const TOP_RULES: Record<string, Rule> = {
  '*.labels': envLike,
  '*.driver_opts': envLike,
};

/** Remove any markers from a value taken as-is. */
function plain(v: YamlValue): YamlValue {
  return untag(v) ?? null;
}

function ruleFor(rules: Record<string, Rule>, path: string): Rule | undefined {
  const direct = rules[path];
  if (direct) return direct;
  const parts = path.split('.');
  for (let i = 0; i < parts.length; i++) {
    const wild = [...parts.slice(0, i), '*', ...parts.slice(i + 1)].join('.');
    const r = rules[wild];
    if (r) return r;
  }
  return undefined;
}

function mergeValue(
  base: YamlValue | undefined,
  override: YamlValue,
  path: string,
  rules: Record<string, Rule>,
): YamlValue | undefined {
  const mark = tagOf(override);
  if (mark) return mark.tag === 'reset' ? undefined : plain(mark.value);
  if (base === undefined) return plain(override);
  // `pgdata:` left empty in a later file declares nothing new; it does not wipe the definition.
  if (override === null && isYamlMap(base)) return base;
  const rule = ruleFor(rules, path);
  if (rule) return rule(base, override, path);
  if (isYamlMap(base) && isYamlMap(override)) return mergeMaps(base, override, path, rules);
  if (Array.isArray(base) && Array.isArray(override)) return [...base, ...override].map(plain);
  return plain(override);
}

function mergeMaps(
  base: YamlMap,
  override: YamlMap,
  path: string,
  rules: Record<string, Rule> = SERVICE_RULES,
): YamlMap {
  const out: YamlMap = {};
  for (const [k, v] of Object.entries(base)) {
    const p = untag(v);
    if (p !== undefined) out[k] = p;
  }
  for (const [k, v] of Object.entries(override)) {
    const merged = mergeValue(out[k], v, path === '' ? k : `${path}.${k}`, rules);
    if (merged === undefined) delete out[k];
    else out[k] = merged;
  }
  return out;
}

/** Merge one service definition onto another (later file or extending service = override). */
export function mergeServices(base: YamlMap, override: YamlMap): YamlMap {
  return mergeMaps(base, override, '', SERVICE_RULES);
}

/**
 * Merge a top-level section (networks, volumes, configs, secrets) or the set of `x-*` fields:
 * entries by name, each merged as a mapping; `!reset` removes an entry.
 */
export function mergeTopLevel(base: YamlMap, override: YamlMap): YamlMap {
  return mergeMaps(base, override, '', TOP_RULES);
}
