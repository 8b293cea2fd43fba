import { referencedService } from '../compose/short-syntax.js';
import { loadProject } from '../compose/load.js';
import type { ComposeFile, YamlValue } from '../compose/types.js';
import { isMigrateError } from '../errors.js';
import type { RepoSnapshot } from '../repo/snapshot.js';
import { topEntries } from '../compose/value.js';

/**
 * What one compose file says on its own, as evidence for whether it runs alone or layers onto another:
 * a service with neither `image` nor `build` (after its own `extends`) only patches a service some other
 * file defines; a reference to a service the file does not define needs that other file too.
 */
export interface FileFacts {
  path: string;
  services: string[];
  /** Services with neither image nor build: they only patch keys of a service defined elsewhere. */
  patches: string[];
  /** "web -> db": references (depends_on, links, volumes_from, network_mode) to services the file lacks. */
  missing: string[];
  /** Defines nothing compose would run or create: no services, networks, volumes, configs, secrets, include. */
  inert: boolean;
  /** The file could not be read on its own (an `extends` into another file that is missing, ...). */
  unreadable?: string;
}

const isMap = (v: YamlValue | undefined): v is Record<string, YamlValue> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function references(config: Record<string, YamlValue>): string[] {
  const out: string[] = [];
  const dep = config.depends_on;
  if (Array.isArray(dep)) out.push(...dep.filter((d): d is string => typeof d === 'string'));
  else if (isMap(dep)) out.push(...Object.keys(dep));
  for (const list of [config.links, config.volumes_from])
    if (Array.isArray(list))
      for (const entry of list) {
        const service = typeof entry === 'string' ? referencedService(entry) : undefined;
        if (service !== undefined) out.push(service);
      }
  const nm = config.network_mode;
  if (typeof nm === 'string' && nm.startsWith('service:')) out.push(nm.slice('service:'.length));
  return out;
}

export function fileFacts(snapshot: RepoSnapshot, path: string, cache: Map<string, ComposeFile>): FileFacts {
  let project;
  try {
    project = loadProject(snapshot, [path], 'probe', { cache, projectName: 'probe' });
  } catch (e) {
    if (!isMigrateError(e) || e.code === 'yaml-syntax' || e.code === 'yaml-alias-bomb') throw e;
    return { path, services: [], patches: [], missing: [], inert: false, unreadable: e.message };
  }
  const services = [...project.services.keys()];
  const patches: string[] = [];
  const missing: string[] = [];
  for (const [name, svc] of project.services) {
    if (svc.config.image === undefined && svc.config.build === undefined) patches.push(name);
    for (const ref of references(svc.config))
      if (!project.services.has(ref)) missing.push(`${name} -> ${ref}`);
  }
  const file = cache.get(path);
  const top = file ? topEntries(file) : new Map();
  const inert =
    services.length === 0 &&
    !['services', 'networks', 'volumes', 'configs', 'secrets', 'include'].some(
      (k) => top.has(k) && !isEmpty(file, k),
    );
  return { path, services, patches, missing, inert };
}

function isEmpty(file: ComposeFile | undefined, key: string): boolean {
  if (!file) return true;
  const entry = topEntries(file).get(key);
  const node = entry?.valueNode as { items?: unknown[]; value?: unknown } | null | undefined;
  if (!node) return true;
  if (Array.isArray(node.items)) return node.items.length === 0;
  return node.value === null || node.value === undefined;
}
