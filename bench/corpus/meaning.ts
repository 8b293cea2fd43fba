/**
 * The referee's verdict on meaning: a service in a generated file against the same service of the
 * root environment, both as `docker-compose config` resolves them (paths absolute, variables
 * interpolated, env files folded). A key that differs is a difference unless it is one of the kinds
 * of change the plan makes on purpose (issue "adjustments"): a scoped `container_name`, a shifted
 * host port (same container port), dropped `profiles`, an added `healthcheck` or `tmpfs`, a changed
 * `depends_on` condition (same dependencies). A dropped dependency is a difference. Volumes are
 * compared by target (see normalise). The top-level volumes, networks, configs and secrets the
 * generated services use are compared too ("volumes.<name>"), a volume's pinned `name` being one of
 * the intentional kinds.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Services, TopLevel } from './referee.js';

export interface MeaningDiff {
  /** "service.key" pairs that differ beyond the intentional kinds. */
  differences: string[];
  /** "service.key" pairs that differ only in an intentional way. */
  intentional: string[];
  /** Generated services with no counterpart in the root environment. */
  unmatched: string[];
}

type Cfg = Record<string, unknown>;

const targets = (ports: unknown): string[] =>
  Array.isArray(ports)
    ? ports
        .map((p) =>
          p && typeof p === 'object'
            ? `${String((p as Cfg).target)}/${String((p as Cfg).protocol ?? 'tcp')}`
            : String(p),
        )
        .sort()
    : [];

const dependencyNames = (deps: unknown): string[] =>
  Array.isArray(deps)
    ? deps.map(String).sort()
    : deps && typeof deps === 'object'
      ? Object.keys(deps).sort()
      : [];

/** Whether a differing key is one of the plan's intentional kinds of change. */
function isIntentional(key: string, before: unknown, after: unknown): boolean {
  switch (key) {
    case 'container_name':
      return true;
    case 'ports':
      return isDeepStrictEqual(targets(before), targets(after));
    case 'profiles':
      return after === undefined;
    case 'healthcheck':
    case 'tmpfs':
      return before === undefined;
    case 'depends_on':
      return isDeepStrictEqual(dependencyNames(before), dependencyNames(after));
    default:
      return false;
  }
}

const tmpfsTargets = (tmpfs: unknown): string[] =>
  (typeof tmpfs === 'string' ? [tmpfs] : Array.isArray(tmpfs) ? tmpfs.map(String) : []).map(
    (t) => t.split(':')[0] ?? t,
  );

const volumeTarget = (v: unknown): string | undefined =>
  typeof v === 'string'
    ? v.split(':')[1]
    : v && typeof v === 'object'
      ? String((v as Cfg).target)
      : undefined;

/**
 * A test copy may keep a database's data on a tmpfs instead of a volume: the root side's volume at a
 * newly tmpfs-backed target is then part of that intentional change, not a loss.
 */
function withoutTmpfsVolumes(orig: Cfg, gen: Cfg): Cfg {
  const before = new Set(tmpfsTargets(orig.tmpfs));
  const added = tmpfsTargets(gen.tmpfs).filter((t) => !before.has(t));
  if (added.length === 0 || !Array.isArray(orig.volumes)) return orig;
  const volumes = orig.volumes.filter((v) => !added.includes(volumeTarget(v) ?? ''));
  const copy: Cfg = { ...orig, volumes };
  if (volumes.length === 0) delete copy.volumes;
  return copy;
}

/**
 * 1.29 writes a service's network entry as `null` for one file and `{}` after merging two: the same
 * attachment with no options either way. Mounts are keyed by their target in Compose (a later layer
 * replaces the mount at the same target), and 1.29 reorders the list when it merges layers: the
 * list is compared as a set, in target order.
 */
function normalise(cfg: Cfg): Cfg {
  const out: Cfg = { ...cfg };
  const networks = cfg.networks;
  if (networks && typeof networks === 'object' && !Array.isArray(networks))
    out.networks = Object.fromEntries(Object.entries(networks as Cfg).map(([k, v]) => [k, v ?? {}]));
  if (Array.isArray(cfg.volumes))
    out.volumes = [...(cfg.volumes as unknown[])].sort((a, b) =>
      (volumeTarget(a) ?? '').localeCompare(volumeTarget(b) ?? ''),
    );
  return out;
}

/** Names of top-level resources the services use, per section. */
function usedResources(services: Services): Record<keyof TopLevel, Set<string>> {
  const used = {
    volumes: new Set<string>(),
    networks: new Set<string>(),
    configs: new Set<string>(),
    secrets: new Set<string>(),
  };
  const sourceOf = (v: unknown): string | undefined =>
    typeof v === 'string' ? v : isCfg(v) && typeof v.source === 'string' ? v.source : undefined;
  for (const svc of Object.values(services)) {
    if (isCfg(svc.networks)) for (const n of Object.keys(svc.networks)) used.networks.add(n);
    else if (Array.isArray(svc.networks)) for (const n of svc.networks) used.networks.add(String(n));
    else if (svc.network_mode === undefined) used.networks.add('default');
    for (const v of Array.isArray(svc.volumes) ? svc.volumes : []) {
      // 1.29 writes a named volume as "name:/target[:mode]", a bind mount with an absolute source.
      const source =
        typeof v === 'string' ? v.split(':')[0] : isCfg(v) && v.type === 'volume' ? v.source : undefined;
      if (typeof source === 'string' && source !== '' && !source.startsWith('/') && !source.startsWith('.'))
        used.volumes.add(source);
    }
    for (const section of ['configs', 'secrets'] as const)
      for (const g of Array.isArray(svc[section]) ? (svc[section] as unknown[]) : []) {
        const source = sourceOf(g);
        if (source !== undefined) used[section].add(source);
      }
  }
  return used;
}

const isCfg = (v: unknown): v is Cfg => v !== null && typeof v === 'object' && !Array.isArray(v);

function compareTopLevel(
  generated: Services,
  top: { root: TopLevel; generated: TopLevel },
  out: MeaningDiff,
): void {
  const used = usedResources(generated);
  for (const section of ['volumes', 'networks', 'configs', 'secrets'] as const) {
    for (const name of [...used[section]].sort()) {
      const declared = top.root[section];
      if (!declared || !(name in declared)) continue;
      const before: Cfg = { ...(isCfg(declared[name]) ? declared[name] : {}) };
      const g = top.generated[section]?.[name];
      const after: Cfg | undefined = g === undefined ? undefined : { ...(isCfg(g) ? g : {}) };
      let pinned = false;
      if (section === 'volumes' && after && before.name !== after.name) {
        pinned = true;
        delete before.name;
        delete after.name;
      }
      if (!isDeepStrictEqual(before, after)) out.differences.push(`${section}.${name}`);
      else if (pinned) out.intentional.push(`${section}.${name}.name`);
    }
  }
}

export function compareMeaning(
  root: Services,
  generated: Services,
  top?: { root: TopLevel; generated: TopLevel },
): MeaningDiff {
  const out: MeaningDiff = { differences: [], intentional: [], unmatched: [] };
  if (top) compareTopLevel(generated, top, out);
  for (const [name, rawGen] of Object.entries(generated)) {
    const gen = normalise(rawGen);
    const found = root[name] ? normalise(root[name]) : undefined;
    if (!found) {
      out.unmatched.push(name);
      continue;
    }
    const orig = withoutTmpfsVolumes(found, gen);
    if (orig !== found) out.intentional.push(`${name}.volumes (data volume now tmpfs)`);
    const keys = new Set([...Object.keys(orig), ...Object.keys(gen)]);
    for (const key of [...keys].sort()) {
      const before = orig[key];
      const after = gen[key];
      if (isDeepStrictEqual(before, after)) continue;
      (isIntentional(key, before, after) ? out.intentional : out.differences).push(`${name}.${key}`);
    }
  }
  return out;
}

/** What `verify --json` says of one file (the fields the comparison reads). */
export interface VerifyFileJson {
  file: string;
  differences: unknown[];
  verdict?: 'equal' | 'differs' | 'error';
  error?: { message: string; file?: string; line?: number };
}

/**
 * verify's verdict on a file against the referee's: both equal, or both differ; a file verify could
 * not compare (compose refuses it) must be one the referee refuses too (the file or its root
 * environment). Returns undefined when they agree, else what each said.
 */
export function verdictMismatch(
  verify: VerifyFileJson | undefined,
  referee: {
    generated: { ok: boolean; error?: string };
    root: { ok: boolean; error?: string } | undefined;
    meaning?: MeaningDiff;
  },
): string | undefined {
  if (!verify) return 'verify did not check the file';
  if (verify.error !== undefined || verify.verdict === 'error') {
    if (!referee.generated.ok || referee.root?.ok === false) return undefined;
    return `verify could not compare it (${verify.error?.message ?? '?'}), the referee reads both sides`;
  }
  if (!referee.meaning) {
    // Refused like its root environment: a part of the spec 1.29 predates, no verdict to compare.
    if (!referee.generated.ok && referee.root?.ok !== false)
      return `the referee refuses it (${referee.generated.error ?? '?'}), verify compared it`;
    return undefined; // the root environment is unreadable to the referee: no verdict to compare
  }
  const refereeEqual = referee.meaning.differences.length === 0 && referee.meaning.unmatched.length === 0;
  const verifyEqual = verify.differences.length === 0;
  if (refereeEqual === verifyEqual) return undefined;
  return refereeEqual
    ? `verify: ${verify.differences.length} difference(s); referee: equal`
    : `verify: equal; referee: differs in ${[...referee.meaning.differences, ...referee.meaning.unmatched].join(', ')}`;
}
