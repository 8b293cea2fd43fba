import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Adjustment } from '../../src/analysis/types.js';
import { DiskSnapshot } from '../../src/repo/disk.js';
import { FIXTURE, renderLumiere, ROOT_FILES, type RenderedFile } from './lumiere.js';

/**
 * docker-compose (v1, no engine needed) is the referee: `config` prints the merged, interpolated,
 * path-resolved project. Each migrated service must come out the same from its component file as
 * from the root files, except for what the writer says it changed on purpose.
 */
const hasCompose = spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0;
if (!hasCompose && process.env.CI === 'true')
  throw new Error('docker-compose is required in CI for the referee tests');

type Config = {
  services: Record<string, Record<string, unknown>>;
  volumes?: Record<string, Record<string, unknown> | null>;
};

function composeConfig(cwd: string, args: string[]): Config {
  // A clean environment: only the env file decides interpolation, on both sides.
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' };
  const r = spawnSync('docker-compose', [...args, 'config'], { cwd, encoding: 'utf8', env });
  if (r.status !== 0)
    throw new Error(`docker-compose ${args.join(' ')} config failed in ${cwd}:\n${r.stderr}`);
  return parse(r.stdout) as Config;
}

/** Undo, on both sides, exactly what the adjustments claim to have changed. */
function mask(
  service: string,
  original: Record<string, unknown>,
  generated: Record<string, unknown>,
  applied: Adjustment[],
): void {
  for (const a of applied) {
    if (!('service' in a) || a.service !== service) continue;
    switch (a.kind) {
      case 'container-name':
        expect(original.container_name).toBe(a.from);
        expect(generated.container_name ?? null).toBe(a.to);
        delete original.container_name;
        delete generated.container_name;
        break;
      case 'host-port': {
        const g = (generated.ports as { target: number; published: number | string }[]).find(
          (p) => String(p.target) === a.target,
        );
        const o = (original.ports as { target: number; published: number | string }[]).find(
          (p) => String(p.target) === a.target,
        );
        // The published port is either the shifted one or, when a variable set in .env wins, unchanged.
        expect([a.to, String(o?.published)]).toContain(String(g?.published));
        if (g && o) g.published = o.published;
        break;
      }
      case 'profiles-dropped':
        expect(original.profiles).toEqual(a.profiles);
        expect(generated.profiles).toBeUndefined();
        delete original.profiles;
        break;
      case 'tmpfs-data':
        expect(generated.tmpfs).toContain(a.target);
        generated.tmpfs = (generated.tmpfs as string[]).filter((t) => t !== a.target);
        if ((generated.tmpfs as string[]).length === 0) delete generated.tmpfs;
        if (Array.isArray(original.volumes)) {
          original.volumes = (original.volumes as string[]).filter(
            (v) => !String(v).includes(`:${a.target}`),
          );
          if ((original.volumes as unknown[]).length === 0) delete original.volumes;
        }
        break;
      case 'healthcheck':
        expect(original.healthcheck).toBeUndefined();
        expect(generated.healthcheck).toBeDefined();
        delete generated.healthcheck;
        break;
      case 'depends-on-healthy': {
        const g = generated.depends_on as Record<string, { condition: string }>;
        const o = original.depends_on as Record<string, { condition: string }>;
        expect(g[a.dependency]?.condition).toBe('service_healthy');
        g[a.dependency] = { ...g[a.dependency], condition: o[a.dependency]?.condition ?? 'service_started' };
        break;
      }
      case 'dependency-dropped': {
        const o = original.depends_on as Record<string, unknown> | undefined;
        if (a.key === 'depends_on' && o) delete o[a.dependency];
        break;
      }
    }
  }
}

describe.skipIf(!hasCompose)('referee: docker-compose config, root files vs component files', () => {
  let root: string;
  let rendered: RenderedFile[];

  beforeAll(() => {
    const tmp = mkdtempSync(join(tmpdir(), 'cm-referee-'));
    root = join(tmp, 'lumiere');
    cpSync(FIXTURE, root, { recursive: true });
    rendered = renderLumiere(new DiskSnapshot(root));
    for (const f of rendered) writeFileSync(join(root, f.path), f.content);
  });
  afterAll(() => rmSync(join(root, '..'), { recursive: true, force: true }));

  it('renders four files', () => {
    expect(rendered.map((r) => r.path).sort()).toEqual([
      'passeur/docker-compose.test.yaml',
      'passeur/docker-compose.yaml',
      'pourtier/docker-compose.test.yaml',
      'pourtier/docker-compose.yaml',
    ]);
  });

  for (const path of [
    'pourtier/docker-compose.yaml',
    'pourtier/docker-compose.test.yaml',
    'passeur/docker-compose.yaml',
    'passeur/docker-compose.test.yaml',
  ]) {
    it(`${path}: every service equals the root's, except intentional adjustments`, () => {
      const file = rendered.find((r) => r.path === path)!;
      const [dir, name] = path.split('/') as [string, string];
      const original = composeConfig(root, ['-f', ROOT_FILES[file.env][0]]);
      const generated = composeConfig(join(root, dir), ['--env-file', '../.env', '-f', name]);
      expect(Object.keys(generated.services).sort()).toEqual(
        Object.keys(generated.services)
          .filter((s) => s in original.services)
          .sort(),
      );
      for (const [service, g] of Object.entries(generated.services)) {
        const o = structuredClone(original.services[service]!);
        const gen = structuredClone(g);
        mask(service, o, gen, file.applied);
        // Absolute paths on both sides: build contexts and bind sources must name the same places.
        expect({ service, ...gen }).toEqual({ service, ...o });
      }
      // Named volumes keep their real Docker name, so existing data is found again.
      for (const [vol, def] of Object.entries(generated.volumes ?? {})) {
        const realOriginal = (original.volumes?.[vol] as { name?: string } | null)?.name ?? `lumiere_${vol}`;
        expect((def as { name?: string } | null)?.name ?? `${dir}_${vol}`).toBe(realOriginal);
      }
    });
  }
});
