import type { Adjustment, EnvName } from '../analysis/types.js';
import type { YamlMap, YamlValue } from '../compose/types.js';
import { knownImage } from './known-images.js';
import { isYamlMap, listOrMapKeys, mountOf } from '../compose/short-syntax.js';

/**
 * Test data is throwaway: put a known backing image's data directory on tmpfs. A named or anonymous
 * volume at that directory is replaced; a bind mount is the user's deliberate choice and stays.
 */
export function dataOnTmpfs(service: string, config: YamlMap, env: EnvName): Adjustment[] {
  const known = knownImage(config.image);
  if (!known) return [];
  const applied: Adjustment[] = [];
  const tmpfs = tmpfsList(config.tmpfs);
  for (const dir of known.dataDirs) {
    if (tmpfs.some((t) => t.split(':')[0] === dir)) continue;
    let boundByUser = false;
    let replaced: string | undefined;
    if (Array.isArray(config.volumes)) {
      const keep: YamlValue[] = [];
      for (const v of config.volumes) {
        const m = mountOf(v);
        if (m.target === dir && (m.kind === 'volume' || m.kind === 'anonymous')) {
          replaced = m.source === undefined ? dir : `${m.source}:${dir}`;
          continue;
        }
        if (m.target === dir) boundByUser = true;
        keep.push(v);
      }
      if (keep.length) config.volumes = keep;
      else delete config.volumes;
    }
    if (boundByUser) continue;
    tmpfs.push(dir);
    applied.push({ kind: 'tmpfs-data', env, service, target: dir, ...(replaced ? { replaced } : {}) });
  }
  if (applied.length) config.tmpfs = tmpfs;
  return applied;
}

function tmpfsList(v: YamlValue | undefined): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((t): t is string => typeof t === 'string');
  return [];
}

/** Whether compose can wait for this service to be healthy. */
export function hasHealthcheck(config: YamlMap): boolean {
  const hc = config.healthcheck;
  return (
    isYamlMap(hc) &&
    hc.disable !== true &&
    hc.test !== undefined &&
    !(Array.isArray(hc.test) && hc.test[0] === 'NONE')
  );
}

/** Add the image's usual readiness probe when the service has none (a disabled one is respected). */
export function ensureHealthcheck(service: string, config: YamlMap, env: EnvName): Adjustment[] {
  const known = knownImage(config.image);
  if (!known || config.healthcheck !== undefined) return [];
  config.healthcheck = structuredClone(known.healthcheck);
  return [{ kind: 'healthcheck', env, service, test: probeText(known.healthcheck.test) }];
}

/** A probe as one line: ["CMD-SHELL", "pg_isready"] -> "pg_isready", ["CMD", "redis-cli", "ping"] -> "redis-cli ping". */
function probeText(test: YamlValue | undefined): string {
  if (typeof test === 'string') return test;
  if (!Array.isArray(test)) return '';
  const words = test.filter((w): w is string => typeof w === 'string');
  return (words[0] === 'CMD' || words[0] === 'CMD-SHELL' ? words.slice(1) : words).join(' ');
}

/**
 * Wait for healthy backing services instead of merely started ones. Converts short depends_on to
 * the long form, keeping compose's short-form default (service_started) for the other entries.
 */
export function dependOnHealthy(
  service: string,
  config: YamlMap,
  isHealthyBacking: (name: string) => boolean,
  env: EnvName,
): Adjustment[] {
  // A list entry written with a variable cannot become a mapping key: compose never interpolates keys.
  if (
    Array.isArray(config.depends_on) &&
    config.depends_on.some((d) => typeof d === 'string' && d.includes('$'))
  )
    return [];
  const names = listOrMapKeys(config.depends_on);
  const upgrade = names.filter((n) => {
    if (!isHealthyBacking(n)) return false;
    const cur = isYamlMap(config.depends_on) ? config.depends_on[n] : undefined;
    const condition = isYamlMap(cur) ? cur.condition : undefined;
    return condition === undefined || condition === 'service_started';
  });
  if (!upgrade.length) return [];
  const long: YamlMap = {};
  for (const n of names) {
    const cur = isYamlMap(config.depends_on) ? config.depends_on[n] : undefined;
    const base: YamlMap = isYamlMap(cur) ? { ...cur } : { condition: 'service_started' };
    if (upgrade.includes(n)) base.condition = 'service_healthy';
    long[n] = base;
  }
  config.depends_on = long;
  return upgrade.map(
    (dependency) => ({ kind: 'depends-on-healthy', env, service, dependency }) as Adjustment,
  );
}
