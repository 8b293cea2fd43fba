import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateMonorepo } from '../../bench/generate.js';
import { analyzeRepo } from '../../src/analysis/load-repo.js';
import { DiskSnapshot } from '../../src/repo/disk.js';

// The bench's synthetic repository, small: every component has its own database and cache.
const work = mkdtempSync(join(tmpdir(), 'cm-bench-shape-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the bench repository', () => {
  it('gives every component its own database and cache, and every component comes out compose', () => {
    const repo = generateMonorepo(join(work, 'mono'), {
      components: 8,
      servicesPerComponent: 3,
      groupSize: 4,
    });
    const a = analyzeRepo(new DiskSnapshot(repo.root), {}, { withPeers: false }).analysis;
    expect(a.components.map((c) => c.name).sort()).toEqual([...repo.components].sort());
    for (const c of a.components) {
      expect(c.kind, c.name).toBe('compose');
      expect(Object.keys(c.backing).sort()).toEqual(['dev', 'test']);
      for (const list of Object.values(c.backing)) expect(list).toEqual(repo.expectedBacking[c.name]);
    }
    // comp003 reaches its cache through a variable only: its name alone brings it in.
    expect(a.attributions.find((x) => x.service === 'comp003-cache')).toMatchObject({
      role: 'backing',
      backingOf: 'comp003',
    });
    expect(a.components.find((c) => c.name === 'comp003')?.backingWhy?.['comp003-cache']).toBe(
      'cache named for it',
    );
  });
});
