import type { RepoSnapshot } from '../repo/snapshot.js';
import type { MigrateConfig } from '../model.js';
import type { Finding } from './types.js';
import { isDockerfileName, MANIFEST_NAMES } from './manifests.js';
import { backingImage } from './backing-images.js';
import type { DockerfileReader } from './dockerfiles.js';
import { dockerfileNameWords } from './names.js';

/** A directory that may own services. Kind and services are decided later by attribution. */
export interface ComponentDir {
  name: string;
  path: string;
  manifests: string[];
  hasDockerfile: boolean;
  reasons: string[];
}

/** Directories that are never components whatever they hold. */
const NEVER = new Set([
  'todo',
  'docs',
  'doc',
  '.github',
  '.gitlab',
  '.circleci',
  'node_modules',
  'scripts',
  'test',
  'tests',
]);

/** Make and the shell give these meaning; such names are quoted in everything generated and flagged. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export interface ComponentDiscovery {
  dirs: ComponentDir[];
  findings: Finding[];
}

/** Why a directory that holds a Dockerfile is still not a component. */
export type NotComponent =
  | { kind: 'backing-image'; dir: string; from: string[] }
  | { kind: 'dockerfile-folder'; dir: string; names: string[] };

/**
 * Components: top-level directories (and one level into group directories such as apps/, services/)
 * holding a Dockerfile or a language manifest, directories used as a build context or copied whole by a
 * Dockerfile built from the root context, and those the
 * config lists. `buildContexts` are repo-relative directories named by services' build contexts.
 */
export function discoverComponents(
  snapshot: RepoSnapshot,
  config: MigrateConfig,
  buildContexts: ReadonlySet<string>,
  dockerfiles: DockerfileReader,
  /** Directories a Dockerfile built from the root context copies whole, with that Dockerfile. */
  copiedDirs: ReadonlyMap<string, string> = new Map(),
): ComponentDiscovery {
  const ignore = new Set((config.ignoreDirs ?? []).map(stripSlashes));
  const composeDirs = new Set((config.composeDirs ?? []).map(stripSlashes));
  const byDir = new Map<string, { manifests: Set<string>; dockerfile: boolean; dockerfiles: string[] }>();
  for (const file of snapshot.files()) {
    const slash = file.lastIndexOf('/');
    if (slash < 0) continue;
    const dir = file.slice(0, slash);
    const base = file.slice(slash + 1);
    const depth = dir.split('/').length;
    if (depth > 2) continue;
    const isManifest = MANIFEST_NAMES.has(base);
    const isDockerfile = isDockerfileName(base);
    if (!isManifest && !isDockerfile) continue;
    const entry = byDir.get(dir) ?? { manifests: new Set<string>(), dockerfile: false, dockerfiles: [] };
    if (isManifest) entry.manifests.add(base);
    if (isDockerfile) {
      entry.dockerfile = true;
      entry.dockerfiles.push(file);
    }
    byDir.set(dir, entry);
  }

  const excluded = (dir: string): boolean => {
    const top = dir.split('/')[0] ?? dir;
    return (
      ignore.has(dir) ||
      ignore.has(top) ||
      composeDirs.has(dir) ||
      NEVER.has(top) ||
      top.startsWith('.') ||
      dir.split('/').some((seg) => seg.startsWith('.'))
    );
  };

  const candidates = new Map<string, ComponentDir>();
  const add = (dir: string, reason: string) => {
    const existing = candidates.get(dir);
    if (existing) {
      if (!existing.reasons.includes(reason)) existing.reasons.push(reason);
      return;
    }
    const entry = byDir.get(dir);
    const manifests = [...(entry?.manifests ?? [])].sort();
    candidates.set(dir, {
      name: dir.slice(dir.lastIndexOf('/') + 1),
      path: dir,
      manifests,
      hasDockerfile: entry?.dockerfile ?? false,
      reasons: [reason],
    });
  };

  for (const [dir, entry] of [...byDir].sort(([a], [b]) => a.localeCompare(b))) {
    if (excluded(dir)) continue;
    const parts = dir.split('/');
    // A nested directory counts when its parent is a plain group (no manifest of its own).
    if (parts.length === 2 && byDir.get(parts[0] ?? '')?.manifests.size) continue;
    const what = [...(entry.dockerfile ? ['a Dockerfile'] : []), ...[...entry.manifests].sort()].join(', ');
    add(dir, `${dir}/ holds ${what}`);
  }
  for (const ctx of [...buildContexts].sort()) {
    if (ctx === '' || excluded(ctx) || ctx.startsWith('..')) continue;
    if (ctx.split('/').length > 2) continue;
    add(ctx, `${ctx}/ is a service's build context`);
  }
  for (const [dir, dockerfile] of [...copiedDirs].sort(([a], [b]) => a.localeCompare(b))) {
    const parts = dir.split('/');
    if (excluded(dir) || parts.length > 2) continue;
    // As for manifests: a nested directory counts only inside a plain group.
    if (parts.length === 2 && byDir.get(parts[0] ?? '')?.manifests.size) continue;
    add(dir, `${dir}/ is copied whole into the image ${dockerfile} builds from the repository root`);
  }
  for (const [name, dir] of Object.entries(config.components ?? {})) {
    const path = stripSlashes(dir);
    add(path, `listed in config components.${name}`);
    const c = candidates.get(path);
    if (c) c.name = name;
  }

  const findings: Finding[] = [];
  const listed = new Set(Object.values(config.components ?? {}).map(stripSlashes));
  for (const dir of [...candidates.keys()]) {
    if (listed.has(dir)) continue;
    const entry = byDir.get(dir);
    const not = entry ? notAComponent(dir, entry, dockerfiles) : undefined;
    if (!not) continue;
    candidates.delete(dir);
    findings.push({ level: 'info', code: 'not-a-component', message: notComponentMessage(not) });
  }
  const dirs = [...candidates.values()].sort((a, b) => a.path.localeCompare(b.path));
  // Nested components may share a basename (apps/api, services/api): qualify them with the group.
  const counts = new Map<string, number>();
  for (const d of dirs) counts.set(d.name, (counts.get(d.name) ?? 0) + 1);
  for (const d of dirs) {
    if ((counts.get(d.name) ?? 0) > 1 && d.path.includes('/')) d.name = d.path.replace(/\//g, '-');
    if (!SAFE_NAME.test(d.name)) {
      findings.push({
        level: 'warning',
        code: 'component-name',
        message: `component directory "${d.path}" has characters that the shell or make would interpret; every generated command quotes it`,
        component: d.name,
      });
    }
  }
  return { dirs, findings };
}

/**
 * A directory with no language manifest whose Dockerfiles all start FROM a database, cache, queue or
 * other backing image only builds that image (init scripts, config); one whose Dockerfiles are named
 * for several different services (`auth.Dockerfile`, `backend.alpine.Dockerfile`) is a shared
 * Dockerfile folder. Neither is a component: the services built there are attributed by the rest of
 * the evidence (the Dockerfile's name, the service's name, its mounts).
 */
function notAComponent(
  dir: string,
  entry: { manifests: Set<string>; dockerfiles: string[] },
  dockerfiles: DockerfileReader,
): NotComponent | undefined {
  if (entry.manifests.size > 0 || entry.dockerfiles.length === 0) return undefined;
  const bases = entry.dockerfiles.map((f) => dockerfiles.baseImage(f));
  if (bases.every((b) => b !== undefined && backingImage(b) !== undefined))
    return { kind: 'backing-image', dir, from: [...new Set(bases as string[])].sort() };
  const names = new Set(
    entry.dockerfiles.map((f) => dockerfileNameWords(f).join('-')).filter((n) => n !== ''),
  );
  if (names.size >= 2) return { kind: 'dockerfile-folder', dir, names: [...names].sort() };
  return undefined;
}

function notComponentMessage(n: NotComponent): string {
  const add = `config components.<name>: ${n.dir} makes it one`;
  if (n.kind === 'backing-image') {
    const families = [...new Set(n.from.map((f) => backingImage(f)?.kind ?? 'backing'))].join(', ');
    return `${n.dir}/ only builds a ${families} image (FROM ${n.from.join(', ')}), so it is not a component; services built there are backing services (${add})`;
  }
  return `${n.dir}/ holds Dockerfiles for several services (${n.names.join(', ')}) and no manifest, so it is not a component; services built from it are attributed by their Dockerfile's name, their own name or their mounts (${add})`;
}

function stripSlashes(p: string): string {
  return p.replace(/^\.\//, '').replace(/\/+$/, '');
}
