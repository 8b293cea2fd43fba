import { MigrateError } from '../errors.js';
import type { Adjustment, EnvName } from '../analysis/types.js';
import type { VarSource, YamlMap } from '../compose/types.js';
import { interpolateOrKeep } from '../compose/interpolate.js';
import { grantSources, isYamlMap, listOrMapKeys, mountOf } from '../compose/short-syntax.js';

/** The service a volumes_from entry names, or undefined for "container:x". */
function volumesFromService(entry: string): string | undefined {
  if (entry.startsWith('container:')) return undefined;
  const rest = entry.startsWith('service:') ? entry.slice('service:'.length) : entry;
  return rest.split(':')[0];
}

/**
 * Remove references to services the file does not hold, so the file stays valid on its own.
 * Each removal is reported: it is a real change in behaviour the user must know about.
 */
export function dropDanglingReferences(
  service: string,
  config: YamlMap,
  kept: ReadonlySet<string>,
  env: EnvName,
  vars?: VarSource,
): Adjustment[] {
  const dropped: Adjustment[] = [];
  // Compose interpolates these values (never mapping keys) before it reads the service names in them;
  // the file keeps the text as written.
  const value = (written: string): string => (vars ? interpolateOrKeep(written, vars) : written);
  const note = (dependency: string, key: 'depends_on' | 'links' | 'volumes_from' | 'network_mode'): void => {
    dropped.push({ kind: 'dependency-dropped', env, service, dependency, key });
  };

  const dependsOn = config.depends_on;
  if (Array.isArray(dependsOn)) {
    const keep = dependsOn.filter((d) => {
      if (typeof d !== 'string' || kept.has(value(d))) return true;
      note(value(d), 'depends_on');
      return false;
    });
    if (keep.length) config.depends_on = keep;
    else delete config.depends_on;
  } else if (isYamlMap(dependsOn)) {
    for (const name of Object.keys(dependsOn)) {
      if (!kept.has(name)) {
        delete dependsOn[name];
        note(name, 'depends_on');
      }
    }
    if (Object.keys(dependsOn).length === 0) delete config.depends_on;
  }

  if (Array.isArray(config.links)) {
    const keep = config.links.filter((l) => {
      if (typeof l !== 'string') return true;
      const name = value(l).split(':')[0] as string;
      if (kept.has(name)) return true;
      note(name, 'links');
      return false;
    });
    if (keep.length) config.links = keep;
    else delete config.links;
  }

  if (Array.isArray(config.volumes_from)) {
    const keep = config.volumes_from.filter((v) => {
      if (typeof v !== 'string') return true;
      const name = volumesFromService(value(v));
      if (name === undefined || kept.has(name)) return true;
      note(name, 'volumes_from');
      return false;
    });
    if (keep.length) config.volumes_from = keep;
    else delete config.volumes_from;
  }

  const mode = typeof config.network_mode === 'string' ? value(config.network_mode) : undefined;
  if (mode?.startsWith('service:')) {
    const name = mode.slice('service:'.length);
    // Dropping it would silently change where the service's traffic goes (a VPN sidecar, a proxy).
    if (!kept.has(name))
      throw new MigrateError(
        'compose-shape',
        `service "${service}" (${env}) runs in the network namespace of "${name}" (network_mode: service:${name}), which its file would not hold; migrate them together or attribute "${name}" with the services config key`,
      );
  }
  return dropped;
}

/** Top-level entries a set of services uses. */
export interface TopLevelUse {
  networks: Set<string>;
  volumes: Set<string>;
  /** A volume source whose variable has no value may name any declared volume: keep them all. */
  anyVolume: boolean;
  configs: Set<string>;
  secrets: Set<string>;
}

export function collectTopLevelUse(services: Iterable<YamlMap>, vars?: VarSource): TopLevelUse {
  const use: TopLevelUse = {
    networks: new Set(),
    volumes: new Set(),
    anyVolume: false,
    configs: new Set(),
    secrets: new Set(),
  };
  for (const s of services) {
    if (s.networks !== undefined) for (const n of listOrMapKeys(s.networks)) use.networks.add(n);
    // Without networks or network_mode a service joins the project's default network.
    else if (s.network_mode === undefined) use.networks.add('default');
    if (Array.isArray(s.volumes)) {
      for (const v of s.volumes) {
        const m = mountOf(v, vars);
        if (m.kind === 'volume' && m.source !== undefined)
          use.volumes.add(vars === undefined ? m.source : interpolateOrKeep(m.source, vars));
        if (m.kind === 'unknown') use.anyVolume = true;
      }
    }
    for (const c of grantSources(s.configs)) use.configs.add(c);
    for (const c of grantSources(s.secrets)) use.secrets.add(c);
    const build = s.build;
    if (isYamlMap(build)) for (const c of grantSources(build.secrets)) use.secrets.add(c);
  }
  return use;
}

/** Services a service refers to by name (depends_on, links, volumes_from, network_mode). */
export function serviceReferences(config: YamlMap): string[] {
  const out = new Set<string>(listOrMapKeys(config.depends_on));
  if (Array.isArray(config.links))
    for (const l of config.links) if (typeof l === 'string') out.add(l.split(':')[0] as string);
  if (Array.isArray(config.volumes_from)) {
    for (const v of config.volumes_from) {
      const n = typeof v === 'string' ? volumesFromService(v) : undefined;
      if (n !== undefined) out.add(n);
    }
  }
  if (typeof config.network_mode === 'string' && config.network_mode.startsWith('service:')) {
    out.add(config.network_mode.slice('service:'.length));
  }
  return [...out];
}

/** A volume name written with a variable ("${STACK}_data") under the value `vars` gives it, when it can. */
