import { Document, isScalar, isSeq, visit } from 'yaml';
import type { Adjustment, Component, EnvName } from '../analysis/types.js';
import { randomBytes } from 'node:crypto';
import type { EffectiveProject, SourcePos, VarSource, YamlMap, YamlValue } from '../compose/types.js';
import { cloneValue } from '../compose/clone.js';
import { joinPath } from '../compose/value.js';
import { rawScalarFor } from '../compose/yaml11.js';
import { MigrateError } from '../errors.js';
import { applyComments } from './comments.js';
import { shiftHostPort } from './ports.js';
import { implicitProfiles, profileMembers, profilesToDrop } from './profiles.js';
import { collectTopLevelUse, dropDanglingReferences } from './service-references.js';
import { rebaseServicePaths, rebaseTopLevel } from './service-paths.js';
import { isYamlMap } from '../compose/short-syntax.js';
import { dataOnTmpfs, dependOnHealthy, ensureHealthcheck, hasHealthcheck } from './test-tweaks.js';
import { knownImage } from './known-images.js';

export interface RenderComposeInput {
  component: Component;
  env: EnvName;
  project: EffectiveProject;
  /** Own + backing + pulled peer services, in dependency order. */
  services: string[];
  /** Cross-component adjustments from analysis (any env; only this env's are used). */
  adjustments: Adjustment[];
  isTest: boolean;
  /** Variables known at plan time (root .env, the plan's environment): volume sources written with one. */
  vars?: VarSource;
}

export interface RenderedCompose {
  text: string;
  /** Every intentional change the file carries, including its own test tweaks and dropped references. */
  applied: Adjustment[];
}

const TOP_LEVEL = ['networks', 'volumes', 'configs', 'secrets'] as const;

/**
 * The component's compose file for one environment: the chosen services with every relative path
 * rebased to the component directory, references kept consistent, analysis adjustments applied,
 * and top-level entries pruned to what the services use.
 */
/** Per environment, built once: every component's file of that environment asks the same question. */
const profileIndexes = new WeakMap<
  EffectiveProject,
  { configs: Map<string, YamlMap>; members: Map<string, Set<string>> }
>();
function profileIndex(project: EffectiveProject): {
  configs: Map<string, YamlMap>;
  members: Map<string, Set<string>>;
} {
  let index = profileIndexes.get(project);
  if (!index) {
    const configs = new Map([...project.services].map(([name, s]) => [name, s.config]));
    index = { configs, members: profileMembers(configs) };
    profileIndexes.set(project, index);
  }
  return index;
}

export function renderComponentCompose(input: RenderComposeInput): RenderedCompose {
  const { component, env, project } = input;
  const kept = new Set(input.services);
  const own = new Set(input.services.filter((s) => component.services.includes(s)));
  const peers = new Set(component.pulledPeers[env] ?? []);
  const applied: Adjustment[] = [];
  const adjustments = input.adjustments.filter((a) => a.env === env);

  const { configs: rootConfigs, members } = profileIndex(project);
  const implicit = implicitProfiles(rootConfigs, kept, own, members);

  const services = new Map<string, YamlMap>();
  for (const name of input.services) {
    const svc = project.services.get(name);
    if (!svc) {
      throw new MigrateError('compose-shape', `service "${name}" is not defined for environment "${env}"`, {
        file: project.files[0] ?? '',
      });
    }
    const config = rebaseServicePaths(cloneValue(svc.config), component.path);
    applied.push(...dropDanglingReferences(name, config, kept, env, input.vars));

    const drop = profilesToDrop(config.profiles, implicit);
    if (drop.length) {
      delete config.profiles;
      applied.push({ kind: 'profiles-dropped', env, service: name, profiles: drop });
    }
    services.set(name, config);
  }

  for (const adj of adjustments) {
    if (adj.kind === 'container-name') {
      const config = services.get(adj.service);
      if (!config || config.container_name === undefined) continue;
      if (adj.to === null) delete config.container_name;
      else config.container_name = adj.to;
      applied.push(adj);
    } else if (adj.kind === 'host-port') {
      const config = services.get(adj.service);
      if (config && shiftHostPort(config, adj.target, adj.from, adj.to)) applied.push(adj);
    }
  }

  if (input.isTest) {
    const isBacking = (name: string): boolean => {
      const config = services.get(name);
      return (
        !own.has(name) &&
        !peers.has(name) &&
        config !== undefined &&
        config.build === undefined &&
        knownImage(config.image) !== undefined
      );
    };
    for (const [name, config] of services) {
      if (!isBacking(name)) continue;
      applied.push(...dataOnTmpfs(name, config, env));
      applied.push(...ensureHealthcheck(name, config, env));
    }
    const healthyBacking = (dep: string): boolean => {
      const c = services.get(dep);
      return c !== undefined && !own.has(dep) && !peers.has(dep) && hasHealthcheck(c);
    };
    for (const [name, config] of services)
      applied.push(...dependOnHealthy(name, config, healthyBacking, env));
  }

  const top = pruneTopLevel(project, [...services.values()], component.path, input.vars);
  for (const adj of adjustments) {
    if (adj.kind !== 'volume-name') continue;
    const vols = top.volumes;
    if (!vols || !(adj.volume in vols)) continue;
    const entry = vols[adj.volume] ?? null;
    if (
      isYamlMap(entry) &&
      (entry.name !== undefined || (entry.external !== undefined && entry.external !== false))
    )
      continue;
    vols[adj.volume] = { ...(isYamlMap(entry) ? entry : {}), name: adj.name };
    applied.push(adj);
  }

  const body: YamlMap = { services: Object.fromEntries(services) };
  for (const key of TOP_LEVEL) {
    const entries = top[key];
    if (entries && Object.keys(entries).length) body[key] = entries;
  }
  // The text is written on first use: verify needs only `applied`, and stringifying is most of a render.
  let text: string | undefined;
  return {
    applied,
    get text() {
      return (text ??= stringify(body, project, (segs) => sameListShape(segs, project, body)));
    },
  };
}

/**
 * A comment on a list item ("services.db.volumes[1]") still belongs to that index only when no item
 * of that list was removed or added; otherwise it would land on a neighbour.
 */
function sameListShape(segs: (string | number)[], project: EffectiveProject, body: YamlMap): boolean {
  const at = segs.findIndex((s) => typeof s === 'number');
  if (at < 0) return true;
  if (segs[0] !== 'services' || typeof segs[1] !== 'string') return false;
  const before = dig(project.services.get(segs[1])?.config, segs.slice(2, at));
  const after = dig(body, segs.slice(0, at));
  return Array.isArray(before) && Array.isArray(after) && before.length === after.length;
}

function dig(v: YamlValue | undefined, segs: (string | number)[]): YamlValue | undefined {
  let cur = v;
  for (const s of segs) {
    if (cur === undefined || cur === null || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? (typeof s === 'number' ? cur[s] : undefined) : (cur as YamlMap)[String(s)];
  }
  return cur;
}

function pruneTopLevel(
  project: EffectiveProject,
  services: YamlMap[],
  dir: string,
  vars: VarSource | undefined,
): Partial<Record<(typeof TOP_LEVEL)[number], YamlMap>> {
  const use = collectTopLevelUse(services, vars);
  const out: Partial<Record<(typeof TOP_LEVEL)[number], YamlMap>> = {};
  for (const key of TOP_LEVEL) {
    const declared = project[key];
    const kept: YamlMap = {};
    const names = key === 'volumes' && use.anyVolume ? Object.keys(declared) : use[key];
    for (const name of names) if (name in declared) kept[name] = cloneValue(declared[name] ?? null);
    out[key] = rebaseTopLevel(key, kept, dir);
  }
  return out;
}

function stringify(
  body: YamlMap,
  project: EffectiveProject,
  accept: (segs: (string | number)[]) => boolean,
): string {
  const raw = withRawScalars(body, project);
  // YAML 1.1 quoting keeps "22:22", "yes" and "0755" strings for PyYAML-based readers (compose v1).
  const doc = new Document(raw.body, { schema: 'yaml-1.1' });
  visit(doc, {
    Scalar(_, node) {
      // "." is a plain string in every YAML version; the 1.1 schema quotes it needlessly.
      if (node.value === '.') node.type = 'PLAIN';
    },
    Pair(_, pair) {
      // Exec-form probes read best on one line, as users write them.
      if (
        isScalar(pair.key) &&
        pair.key.value === 'test' &&
        isSeq(pair.value) &&
        pair.value.items.every(isScalar)
      )
        pair.value.flow = true;
      // Port mappings read as strings everywhere when quoted, whatever their digits.
      if (isScalar(pair.key) && pair.key.value === 'ports' && isSeq(pair.value)) {
        for (const item of pair.value.items) {
          if (isScalar(item) && typeof item.value === 'string') item.type = 'QUOTE_DOUBLE';
        }
      }
    },
  });
  applyComments(doc, project.comments, accept);
  return raw.restore(doc.toString({ nullStr: '', lineWidth: 0 }));
}

/**
 * Scalars the tool did not change keep the spelling they were written with (`mode: 0440`,
 * `UMASK: 0022`, `1_000`, `on`, a timestamp): Compose reads these YAML 1.1-style, so respelling
 * one can change its value. Each is replaced by a plain placeholder token before the document is
 * built and the placeholder by the source text afterwards.
 */
function withRawScalars(
  body: YamlMap,
  project: EffectiveProject,
): { body: YamlMap; restore: (text: string) => string } {
  const services = body.services;
  const texts: string[] = [];
  const token = `cmraw${randomBytes(6).toString('hex')}x`;
  if (!isYamlMap(services)) return { body, restore: (t) => t };
  const swap = (value: YamlValue, path: string, positions: Map<string, SourcePos>): YamlValue => {
    if (Array.isArray(value)) return value.map((item, i) => swap(item, `${path}[${i}]`, positions));
    if (isYamlMap(value)) {
      const out: YamlMap = {};
      for (const [k, v] of Object.entries(value)) out[k] = swap(v, joinPath(path, k), positions);
      return out;
    }
    const text = rawScalarFor(positions.get(path), value);
    if (text === undefined) return value;
    texts.push(text);
    return `${token}${texts.length - 1}`;
  };
  const swapped: YamlMap = {};
  for (const [name, config] of Object.entries(services)) {
    const positions = project.services.get(name)?.positions;
    swapped[name] = positions ? swap(config, '', positions) : config;
  }
  if (texts.length === 0) return { body, restore: (t) => t };
  const pattern = new RegExp(`"(${token}\\d+)"|(${token}\\d+)`, 'gu');
  return {
    body: { ...body, services: swapped },
    restore: (t) =>
      t.replace(pattern, (_m, quoted: string | undefined, bare: string | undefined) => {
        const id = Number((quoted ?? bare ?? '').slice(token.length));
        return texts[id] ?? '';
      }),
  };
}
