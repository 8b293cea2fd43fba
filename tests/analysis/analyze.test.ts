import { describe, expect, it } from 'vitest';
import { analyzeRepo } from '../../src/analysis/load-repo.js';
import type { MigrateConfig } from '../../src/config/types.js';
import { MemorySnapshot } from '../../src/repo/memory.js';

const DOCKERFILE = 'FROM scratch\n';

function analyse(files: Record<string, string>, config: MigrateConfig = {}, withPeers = false) {
  return analyzeRepo(new MemorySnapshot(files, '/work/shop'), config, { withPeers }).analysis;
}

const component = (a: ReturnType<typeof analyse>, name: string) => {
  const c = a.components.find((x) => x.name === name);
  if (!c) throw new Error(`no component ${name} in ${a.components.map((x) => x.name).join(', ')}`);
  return c;
};
const attribution = (a: ReturnType<typeof analyse>, service: string) =>
  a.attributions.find((x) => x.service === service);

describe('components', () => {
  it('finds top-level and grouped directories with a Dockerfile or manifest; not mount-only or tooling dirs', () => {
    const a = analyse({
      'docker-compose.yml': `services:
  db:
    image: postgres:16
    volumes: ["./postgres/init:/docker-entrypoint-initdb.d:ro"]
  api:
    build: ./apps/api
    depends_on: [db]
`,
      'apps/api/Dockerfile': DOCKERFILE,
      'apps/web/package.json': '{}',
      'billing/go.mod': 'module billing\n',
      'postgres/init/01.sql': 'select 1;\n',
      'docs/README.md': '# docs\n',
      '.github/workflows/ci.yml': 'on: push\n',
      'package.json': '{"private": true}',
    });
    // billing/ and apps/web/ hold manifests but no service belongs to them: libraries, reported.
    expect(a.components.map((c) => [c.name, c.path]).sort()).toEqual([['api', 'apps/api']]);
    const idle = a.findings.find((f) => f.code === 'not-a-component');
    expect(idle?.message).toContain('apps/web/, billing/');
    expect(idle?.message).toContain('config components.<name>');
  });

  it('config components makes a directory without services a component', () => {
    const a = analyse(
      {
        'docker-compose.yml': 'services:\n  api:\n    build: ./apps/api\n',
        'apps/api/Dockerfile': DOCKERFILE,
        'billing/go.mod': 'module billing\n',
      },
      { components: { billing: 'billing' } },
    );
    expect(a.components.map((c) => c.name).sort()).toEqual(['api', 'billing']);
    expect(component(a, 'billing').runner.command).toBe('go test ./...');
    expect(component(a, 'billing').kind).toBe('host');
  });

  it('qualifies nested components that share a basename', () => {
    const a = analyse({
      'compose.yaml': 'services:\n  a:\n    build: ./apps/api\n  b:\n    build: ./services/api\n',
      'apps/api/Dockerfile': DOCKERFILE,
      'services/api/Dockerfile': DOCKERFILE,
    });
    expect(a.components.map((c) => c.name).sort()).toEqual(['apps-api', 'services-api']);
  });
});

describe('attribution', () => {
  const files = {
    'docker-compose.yml': `services:
  search:
    build:
      context: .
      dockerfile: Dockerfile.search-api
  orders-worker:
    image: registry.example.com/shop/orders:1.2
  test-billing:
    image: python:3.12
    command: pytest
  reports:
    image: python:3.12
    volumes: ["./billing/reports:/reports"]
  cache:
    image: redis:7
  mystery:
    build: .
`,
    'Dockerfile.search-api': DOCKERFILE,
    'search-api/package.json': '{}',
    'orders/Dockerfile': DOCKERFILE,
    'billing/pyproject.toml': '[project]\nname="billing"\n',
  };

  it('takes the strongest evidence and records it', () => {
    const a = analyse(files);
    expect(attribution(a, 'search')).toMatchObject({ component: 'search-api', evidence: 'build' });
    expect(attribution(a, 'orders-worker')).toMatchObject({ component: 'orders', evidence: 'image' });
    expect(attribution(a, 'test-billing')).toMatchObject({ component: 'billing', evidence: 'name' });
    expect(attribution(a, 'reports')).toMatchObject({ component: 'billing', evidence: 'mount' });
    expect(attribution(a, 'cache')).toMatchObject({
      component: null,
      role: 'backing',
      evidence: 'backing-image',
    });
    expect(attribution(a, 'mystery')).toMatchObject({ component: null, role: 'undecided' });
    const decision = a.findings.find((f) => f.code === 'unattributed-service');
    expect(decision?.decision?.configKey).toBe('services.mystery');
    expect(decision?.decision?.default).toBeUndefined();
    expect(decision?.file).toBe('docker-compose.yml');
    expect(decision?.line).toBe(16);
  });

  it('config wins over everything', () => {
    const a = analyse(files, { services: { mystery: 'orders', cache: 'billing' } });
    expect(attribution(a, 'mystery')).toMatchObject({ component: 'orders', evidence: 'config' });
    expect(attribution(a, 'cache')).toMatchObject({ component: 'billing', evidence: 'config' });
    expect(a.findings.some((f) => f.code === 'unattributed-service')).toBe(false);
  });
});

describe('dependencies and kinds', () => {
  const files = {
    'docker-compose.yml': `services:
  api:
    build: ./api
    environment:
      DATABASE_URL: postgresql://u:p@\${DB_HOST:-postgres}:5432/app
      SEARCH_HOST: milvus
  web:
    build: ./web
    environment:
      API_URL: http://api:4000
  postgres:
    image: postgres:16
  milvus:
    image: milvusdb/milvus:v2.3.0
    depends_on: [etcd]
    links: ["minio:objects"]
  etcd:
    image: quay.io/coreos/etcd:v3.5.5
  minio:
    image: minio/minio
    network_mode: "service:etcd"
`,
    'api/Dockerfile': DOCKERFILE,
    'web/Dockerfile': DOCKERFILE,
  };

  it('closes over backing services transitively and keeps each edge kind', () => {
    const a = analyse(files);
    const api = component(a, 'api');
    expect(api.kind).toBe('compose');
    expect(api.backing['dev']).toEqual(['etcd', 'milvus', 'minio', 'postgres']);
    const kinds = a.edges.map((e) => `${e.from}->${e.service}:${e.kind}`).sort();
    expect(kinds).toEqual(
      [
        'api->postgres:hostname',
        'api->milvus:hostname',
        'web->api:hostname',
        'milvus->etcd:depends_on',
        'milvus->minio:links',
        'minio->etcd:network_mode',
      ].sort(),
    );
  });

  it('a peer edge found only in environment is reported with where it came from, and not pulled in', () => {
    const a = analyse(files);
    const web = component(a, 'web');
    expect(web.kind).toBe('host');
    const edge = web.dependsOn.find((e) => e.service === 'api');
    expect(edge).toMatchObject({
      kind: 'hostname',
      role: 'peer',
      peerComponent: 'api',
      via: 'docker-compose.yml:10 environment.API_URL',
    });
    const finding = a.findings.find((f) => f.code === 'peer-dependency');
    expect(finding).toMatchObject({ file: 'docker-compose.yml', line: 10, component: 'web' });
    expect(finding?.decision).toMatchObject({ default: 'no', configKey: 'peers.web', flag: '--with-peers' });
  });

  it('pulls peers (and their backing services) when chosen', () => {
    const a = analyse(files, {}, true);
    const web = component(a, 'web');
    expect(web.kind).toBe('compose');
    expect(web.pulledPeers['dev']).toEqual(['api']);
    expect(web.backing['dev']).toEqual(['etcd', 'milvus', 'minio', 'postgres']);
    expect(component(analyse(files, { peers: { web: ['api'] } }), 'web').pulledPeers['dev']).toEqual(['api']);
  });
});

describe('conflicts', () => {
  const files = {
    'docker-compose.yml': `services:
  a:
    build: ./a
    depends_on: [db]
  b:
    build: ./b
    depends_on: [db]
  db:
    image: postgres:16
    container_name: shop-db
    ports: ["\${PG_PORT:-5432}:5432"]
    volumes: [pgdata:/var/lib/postgresql/data, named:/named]
volumes:
  pgdata:
  named:
    name: already-named
`,
    'a/Dockerfile': DOCKERFILE,
    'b/Dockerfile': DOCKERFILE,
  };

  it('shifts a duplicated backing service port, scopes repeated container names, pins volumes', () => {
    const a = analyse(files);
    expect(a.adjustments['b']).toEqual(
      expect.arrayContaining([
        { kind: 'host-port', env: 'dev', service: 'db', target: '5432', from: '5432', to: '5433' },
        { kind: 'container-name', env: 'dev', service: 'db', from: 'shop-db', to: 'b-db-dev' },
        { kind: 'volume-name', env: 'dev', volume: 'pgdata', name: 'shop_pgdata' },
      ]),
    );
    expect(a.adjustments['a']).toEqual(
      expect.arrayContaining([
        { kind: 'container-name', env: 'dev', service: 'db', from: 'shop-db', to: 'a-db-dev' },
        { kind: 'volume-name', env: 'dev', volume: 'pgdata', name: 'shop_pgdata' },
      ]),
    );
    expect(a.adjustments['a']?.some((x) => x.kind === 'host-port')).toBe(false);
    // A volume that already has name: keeps it; nothing to pin.
    expect(
      Object.values(a.adjustments)
        .flat()
        .some((x) => x.kind === 'volume-name' && x.volume === 'named'),
    ).toBe(false);
    expect(a.findings.some((f) => f.code === 'volume-shared')).toBe(true);
  });

  it('a set variable is replaced whole, since shifting its default would change nothing', () => {
    const a = analyzeRepo(
      new MemorySnapshot({ ...files, '.env': 'PG_PORT=5432\n' }, '/work/shop'),
      {},
    ).analysis;
    expect(a.adjustments['b']).toContainEqual({
      kind: 'host-port',
      env: 'dev',
      service: 'db',
      target: '5432',
      from: '${PG_PORT:-5432}',
      to: '5433',
    });
    expect(a.rootEnvVars).toEqual({ a: ['PG_PORT'], b: ['PG_PORT'] });
  });

  it('obeys keep and drop', () => {
    const keep = analyse(files, { ports: 'keep', containerNames: 'keep' });
    expect(
      Object.values(keep.adjustments)
        .flat()
        .filter((x) => x.kind !== 'volume-name'),
    ).toEqual([]);
    const drop = analyse(files, { containerNames: 'drop' });
    expect(drop.adjustments['a']).toContainEqual({
      kind: 'container-name',
      env: 'dev',
      service: 'db',
      from: 'shop-db',
      to: null,
    });
  });
});

describe('paths outside the repository', () => {
  it('are flagged with the service and where they are written', () => {
    const a = analyse({
      'docker-compose.yml': `services:
  api:
    build:
      context: ../shared-libs
      dockerfile: ../shop/api/Dockerfile
    volumes:
      - ./api/src:/src
      - ../secrets:/run/secrets:ro
`,
      'api/Dockerfile': DOCKERFILE,
    });
    const found = a.findings.filter((f) => f.code === 'path-outside-repo');
    expect(found.map((f) => f.message)).toEqual([
      expect.stringContaining('build.context ../shared-libs points outside the repository'),
      expect.stringContaining('../secrets'),
    ]);
    expect(found[0]).toMatchObject({ level: 'warning', file: 'docker-compose.yml', line: 4 });
  });
});
