import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { MigrateConfig } from '../../src/config/types.js';
import { analyzeRepo } from '../../src/analysis/load-repo.js';
import { DiskSnapshot } from '../../src/repo/disk.js';
import { MemorySnapshot } from '../../src/repo/memory.js';

// Fixtures shaped like real monorepos: components, attribution and backing services.
function fixture(name: string) {
  const snapshot = new DiskSnapshot(fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url)));
  return analyzeRepo(snapshot, loadConfig(snapshot).config, { withPeers: false }).analysis;
}
function memory(files: Record<string, string>, config: MigrateConfig = {}) {
  return analyzeRepo(new MemorySnapshot(files, '/work/shop'), config, { withPeers: false }).analysis;
}
type A = ReturnType<typeof fixture>;
const comp = (a: A, name: string) => {
  const c = a.components.find((x) => x.name === name);
  if (!c) throw new Error(`no component ${name} in ${a.components.map((x) => x.name).join(', ')}`);
  return c;
};
const attr = (a: A, service: string) => a.attributions.find((x) => x.service === service);
const table = (a: A) =>
  Object.fromEntries(
    a.components.map((c) => [c.name, { kind: c.kind, services: c.services, backing: c.backing }]),
  );

describe("a component's own database", () => {
  it('api + api-db (image postgres, named for api) makes api a compose component holding api-db', () => {
    const a = memory({
      'docker-compose.yml':
        'services:\n  api:\n    build: ./api\n    depends_on: [api-db]\n  api-db:\n    image: postgres:16\n',
      'api/Dockerfile': 'FROM node:20\n',
    });
    expect(attr(a, 'api-db')).toMatchObject({ role: 'backing', backingOf: 'api', evidence: 'backing-image' });
    expect(attr(a, 'api-db')?.reason).toBe(
      'image postgres:16 is a database (postgres), named for api: a backing service of api',
    );
    expect(table(a)).toEqual({ api: { kind: 'compose', services: ['api'], backing: { dev: ['api-db'] } } });
    expect(comp(a, 'api').backingWhy).toEqual({ 'api-db': 'database named for it' });
  });

  it('own-databases: databases named for their component join its files even without an edge; shared ones are copied', () => {
    const a = fixture('own-databases');
    expect(table(a)).toEqual({
      billing: {
        kind: 'compose',
        services: ['billing'],
        backing: { dev: ['billing-cache', 'billing-db', 'events'] },
      },
      gateway: { kind: 'host', services: ['gateway'], backing: { dev: [] } },
      ledger: { kind: 'compose', services: ['ledger'], backing: { dev: ['events', 'ledger-mongodb'] } },
    });
    expect(attr(a, 'ledger-mongodb')).toMatchObject({ backingOf: 'ledger' });
    expect(attr(a, 'billing-cache')).toMatchObject({ backingOf: 'billing' });
    expect(attr(a, 'events')).toMatchObject({ role: 'backing' });
    expect(attr(a, 'events')?.backingOf).toBeUndefined();
    expect(comp(a, 'billing').backingWhy?.['events']).toBe('billing depends_on');
  });
});

describe('folders that only build images', () => {
  it('db-image-folder: mysql/ (FROM mysql + init scripts) is not a component; each database belongs to the service named like it', () => {
    const a = fixture('db-image-folder');
    expect(a.components.map((c) => c.name)).toEqual(['orders-service', 'stock-service']);
    expect(comp(a, 'orders-service')).toMatchObject({ kind: 'compose', backing: { dev: ['orders-mysql'] } });
    expect(comp(a, 'stock-service')).toMatchObject({ kind: 'compose', backing: { dev: ['stock-mysql'] } });
    expect(attr(a, 'orders-mysql')?.reason).toContain('starts FROM mysql:8.4 is a database (mysql)');
    const note = a.findings.find((f) => f.code === 'not-a-component');
    expect(note?.message).toMatch(/^mysql\/ only builds a database image \(FROM mysql:8\.4\)/);
  });

  it('a published image named for a database family is a backing service too (acme/shop-mysql)', () => {
    const a = memory({
      'docker-compose.yml':
        'services:\n  orders-service:\n    build: ./orders-service\n  orders-mysql:\n    image: acme/shop-mysql:2\n',
      'orders-service/pom.xml': '<project/>\n',
    });
    expect(attr(a, 'orders-mysql')).toMatchObject({ role: 'backing', backingOf: 'orders-service' });
  });

  it('shared-dockerfiles: containers/ is not a component; Dockerfile names and environment prefixes attribute', () => {
    const a = fixture('shared-dockerfiles');
    expect(a.components.map((c) => c.name).sort()).toEqual(['core_engine', 'identity_service', 'webui']);
    expect(attr(a, 'dev-identity')).toMatchObject({
      component: 'identity_service',
      evidence: 'build',
      reason: 'dockerfile containers/identity.Dockerfile is named for identity_service',
    });
    expect(attr(a, 'test-identity')).toMatchObject({ component: 'identity_service', evidence: 'build' });
    expect(attr(a, 'test-engine')).toMatchObject({ component: 'core_engine' });
    // core_engine/ has no manifest: the Dockerfiles that copy it whole make it a component.
    expect(comp(a, 'core_engine').reasons[0]).toBe(
      'core_engine/ is copied whole into the image containers/engine.Dockerfile builds from the repository root',
    );
    expect(attr(a, 'dev-webui')).toMatchObject({ component: 'webui' });
    expect(attr(a, 'slim-test-postgres')).toMatchObject({ role: 'backing' });
    expect(attr(a, 'test-seeder')).toMatchObject({ role: 'undecided' });
    expect(a.findings.find((f) => f.decision?.id === 'attribution:test-seeder')?.decision?.configKey).toBe(
      'services.test-seeder',
    );
    expect(comp(a, 'identity_service').backing['dev']).toEqual([
      'dev-postgres',
      'dev-redis',
      'slim-test-postgres',
    ]);
    expect(comp(a, 'webui').kind).toBe('host');
    expect(a.findings.find((f) => f.code === 'not-a-component')?.message).toContain(
      'containers/ holds Dockerfiles for several services (engine, identity, seeder, webui)',
    );
  });

  it('environment prefixes are stripped from service names before matching', () => {
    const a = memory({
      'docker-compose.yml': [
        'services:',
        '  alpine-test-backend:',
        '    image: python:3.12',
        '  dev-backend:',
        '    image: python:3.12',
        '  alpine-test-postgres:',
        '    image: postgres:16',
        '',
      ].join('\n'),
      'backend/pyproject.toml': '[project]\nname="backend"\n',
    });
    expect(attr(a, 'alpine-test-backend')).toMatchObject({ component: 'backend', evidence: 'name' });
    expect(attr(a, 'dev-backend')).toMatchObject({ component: 'backend', evidence: 'name' });
    expect(attr(a, 'alpine-test-postgres')).toMatchObject({ role: 'backing' });
    expect(attr(a, 'alpine-test-postgres')?.backingOf).toBeUndefined();
  });
});

describe('root-context builds', () => {
  it('root-dockerfiles: dockerfile apps/engine/Dockerfile and Dockerfile.indexer attribute; transitive infrastructure follows', () => {
    const a = fixture('root-dockerfiles');
    for (const s of ['engine-api', 'agent-planner', 'agent-writer'])
      expect(attr(a, s)).toMatchObject({ component: 'engine', evidence: 'build' });
    expect(attr(a, 'engine-api')?.reason).toBe(
      'dockerfile apps/engine/Dockerfile is inside apps/engine/ (context .)',
    );
    expect(attr(a, 'indexer')).toMatchObject({
      component: 'indexer',
      reason: 'dockerfile Dockerfile.indexer is named for indexer',
    });
    expect(comp(a, 'engine').backing['dev']).toEqual(['etcd', 'milvus', 'minio', 'postgres', 'redis']);
    expect(comp(a, 'engine').backingWhy?.['etcd']).toBe('via milvus');
    expect(comp(a, 'indexer').kind).toBe('host');
    const note = a.findings.find((f) => f.code === 'variable-dependency');
    expect(note?.message).toContain(
      'indexer reads OPENSEARCH_URL from variables the repository does not set',
    );
    expect(note?.message).toContain('named like search: config services.<name>: backing:indexer');
  });

  it('config services.<name>: backing:<component> carries a backing service into that component', () => {
    const snapshot = new DiskSnapshot(
      fileURLToPath(new URL('../../fixtures/root-dockerfiles', import.meta.url)),
    );
    const a = analyzeRepo(
      snapshot,
      { services: { search: 'backing:indexer' } },
      { withPeers: false },
    ).analysis;
    expect(comp(a, 'indexer')).toMatchObject({ kind: 'compose', backing: { dev: ['search'] } });
    expect(a.findings.some((f) => f.code === 'variable-dependency')).toBe(false);
  });

  it('a dockerfile written from the root under a compose-file context is read from the root, and said so', () => {
    const a = memory(
      {
        'deploy/docker-compose.yml':
          'services:\n  gateway:\n    build:\n      context: .\n      dockerfile: apps/backend/Dockerfile\n',
        'apps/backend/Dockerfile': 'FROM python:3.12\n',
        'apps/backend/pyproject.toml': '[project]\nname="backend"\n',
      },
      { composeDirs: ['deploy'] },
    );
    expect(attr(a, 'gateway')).toMatchObject({ component: 'backend', evidence: 'build' });
    expect(attr(a, 'gateway')?.reason).toContain('read from the repository root');
  });
});

describe('directories no service belongs to', () => {
  it('library-packages: packages/* are libraries, reported once with the config key', () => {
    const a = fixture('library-packages');
    expect(a.components.map((c) => c.name)).toEqual(['portal', 'worker']);
    expect(comp(a, 'worker').backing['dev']).toEqual(['cache', 'db']);
    const note = a.findings.filter((f) => f.code === 'not-a-component');
    expect(note).toHaveLength(1);
    expect(note[0]?.message).toContain('packages/config/, packages/icons/, packages/ui/');
    expect(note[0]?.message).toContain('config components.<name>: <dir>');
  });

  it('one-app: services built from the root are one application: said once, each asked, none lost', () => {
    const a = fixture('one-app');
    expect(a.components.map((c) => c.name)).toEqual(['frontend']);
    expect(attr(a, 'ui')).toMatchObject({ component: 'frontend', evidence: 'mount' });
    expect(attr(a, 'ui')?.reason).toBe('mounts ./frontend from frontend/ at its working_dir /srv/ui');
    const asked = a.findings
      .filter((f) => f.code === 'unattributed-service')
      .map((f) => f.decision?.configKey);
    expect(asked.sort()).toEqual(['services.beat', 'services.jobs', 'services.web']);
    expect(a.findings.find((f) => f.code === 'one-application')?.message).toMatch(
      /^beat, jobs, web all build from the repository root \(Dockerfile, pyproject\.toml\)/,
    );
    expect(a.attributions.map((x) => x.service).sort()).toEqual([
      'beat',
      'jobs',
      'postgres',
      'redis',
      'ui',
      'web',
    ]);
  });
});
