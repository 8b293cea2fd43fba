import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Adjustment, Component } from '../../src/analysis/types.js';
import { renderComponentCompose } from '../../src/generate/compose-writer.js';
import { loadProject } from '../../src/compose/load.js';
import type { EffectiveProject } from '../../src/compose/types.js';
import { MemorySnapshot } from '../../src/repo/memory.js';
import type { RepoSnapshot } from '../../src/repo/snapshot.js';
import { component } from './helpers.js';

export const FIXTURE = fileURLToPath(new URL('../../fixtures/lumiere', import.meta.url));

/** Every file of the fixture, repo-relative, for in-memory snapshots and temp copies. */
export function fixtureFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const abs = join(dir, name);
      if (statSync(abs).isDirectory()) walk(abs);
      else out[relative(FIXTURE, abs).split('\\').join('/')] = readFileSync(abs, 'utf8');
    }
  };
  walk(FIXTURE);
  return out;
}

export const ROOT_FILES = {
  dev: ['docker-compose.development.yaml'],
  test: ['docker-compose.test.yaml'],
} as const;

/** The two compose components as analysis describes them (hand-built: the writer's input contract). */
export const COMPONENTS: Record<
  'pourtier' | 'passeur',
  { component: Component; services: { dev: string[]; test: string[] } }
> = {
  pourtier: {
    component: component('pourtier', 'pourtier', ['pourtier', 'pourtier-test'], {
      backing: { dev: ['postgres', 'redis'], test: ['postgres-test'] },
    }),
    services: { dev: ['postgres', 'redis', 'pourtier'], test: ['postgres-test', 'pourtier-test'] },
  },
  passeur: {
    component: component('passeur', 'passeur', ['passeur', 'passeur-test'], {
      backing: { dev: ['postgres', 'solana'], test: ['postgres-test', 'solana-test'] },
    }),
    services: {
      dev: ['postgres', 'solana', 'passeur'],
      test: ['postgres-test', 'solana-test', 'passeur-test'],
    },
  },
};

/** Cross-component conflicts between the two components' files, resolved the default way. */
export function lumiereAdjustments(name: 'pourtier' | 'passeur', projectName: string): Adjustment[] {
  const adj: Adjustment[] = [
    {
      kind: 'container-name',
      env: 'dev',
      service: 'postgres',
      from: 'lumiere-postgres-dev',
      to: `${name}-postgres-dev`,
    },
    {
      kind: 'volume-name',
      env: 'dev',
      volume: 'postgres_dev_data',
      name: `${projectName}_postgres_dev_data`,
    },
  ];
  if (name === 'passeur') {
    adj.push({
      kind: 'host-port',
      env: 'dev',
      service: 'postgres',
      target: '5432',
      from: '5432',
      to: '5434',
    });
    adj.push({
      kind: 'host-port',
      env: 'test',
      service: 'postgres-test',
      target: '5432',
      from: '5433',
      to: '5435',
    });
  }
  return adj;
}

export interface RenderedFile {
  path: string;
  content: string;
  env: 'dev' | 'test';
  component: 'pourtier' | 'passeur';
  applied: Adjustment[];
}

export function loadLumiere(snapshot: RepoSnapshot): Record<'dev' | 'test', EffectiveProject> {
  return {
    dev: loadProject(snapshot, [...ROOT_FILES.dev], 'dev'),
    test: loadProject(snapshot, [...ROOT_FILES.test], 'test'),
  };
}

/** Render both components' dev and test files from the root files held by `snapshot`. */
export function renderLumiere(snapshot: RepoSnapshot): RenderedFile[] {
  const projects = loadLumiere(snapshot);
  const out: RenderedFile[] = [];
  for (const name of ['pourtier', 'passeur'] as const) {
    const { component: c, services } = COMPONENTS[name];
    for (const env of ['dev', 'test'] as const) {
      const r = renderComponentCompose({
        component: c,
        env,
        project: projects[env],
        services: services[env],
        adjustments: lumiereAdjustments(name, projects.dev.projectName),
        isTest: env === 'test',
      });
      out.push({
        path: `${name}/${env === 'dev' ? 'docker-compose.yaml' : 'docker-compose.test.yaml'}`,
        content: r.text,
        env,
        component: name,
        applied: r.applied,
      });
    }
  }
  return out;
}

export function snapshotWith(
  files: Record<string, string>,
  extra: { path: string; content: string }[],
  root = '/repo/lumiere',
): MemorySnapshot {
  const all = { ...files };
  for (const f of extra) all[f.path] = f.content;
  return new MemorySnapshot(all, root);
}
