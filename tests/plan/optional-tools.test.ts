/**
 * An optional (profile-gated) service of a component that runs on the host goes into the files of
 * the one compose component it reaches, its profiles kept; one that reaches two stays not-carried.
 */
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { buildPlan } from '../../src/generate/build-plan.js';
import { DiskSnapshot } from '../../src/repo/disk.js';

describe('optional services of host components (fixtures/optional-tools)', async () => {
  const snapshot = new DiskSnapshot(fileURLToPath(new URL('../../fixtures/optional-tools', import.meta.url)));
  const plan = await buildPlan({ snapshot, loaded: loadConfig(snapshot) });
  const component = (name: string) => plan.components.find((c) => c.name === name);

  it("carries loadgen, which reaches only catalog, into catalog's file with its profile", () => {
    expect(component('loadgen')?.kind).toBe('host');
    expect(component('catalog')?.pulledPeers).toEqual({ dev: ['loadgen'] });
    const file = plan.changes.find((c) => c.path === 'catalog/docker-compose.yml');
    const doc = parse(file?.content ?? '') as {
      services: Record<string, { profiles?: string[]; build?: string }>;
    };
    expect(Object.keys(doc.services).sort()).toEqual(['catalog', 'catalog-db', 'loadgen']);
    expect(doc.services['loadgen']).toMatchObject({ profiles: ['load'], build: '../loadgen' });
    expect(doc.services['catalog']?.profiles).toBeUndefined();
    expect(plan.adjustments.filter((a) => a.service === 'loadgen')).toEqual([]);
    expect(component('catalog')?.reasons).toContain(
      'carries loadgen (optional service of loadgen, profiles: load; reaches catalog)',
    );
  });

  it('leaves smoke, which reaches catalog and orders, in no file, and says so', () => {
    const lost = plan.findings.filter((f) => f.code === 'not-carried');
    expect(lost.map((f) => `${f.env}/${f.service}`)).toEqual(['dev/smoke']);
    expect(component('orders')?.pulledPeers).toEqual({ dev: [] });
  });
});
