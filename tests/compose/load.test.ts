import { describe, expect, test } from 'vitest';
import { isMigrateError, type MigrateError } from '../../src/errors.js';
import { loadProject, normalizeProjectName } from '../../src/compose/load.js';
import type { ComposeFile } from '../../src/compose/types.js';
import { DiskSnapshot } from '../../src/repo/disk.js';
import { MemorySnapshot } from '../../src/repo/memory.js';

function loadError(fn: () => unknown): MigrateError {
  try {
    fn();
  } catch (e) {
    if (isMigrateError(e)) return e;
    throw e;
  }
  throw new Error('expected a MigrateError');
}

describe('lumiere', () => {
  const snap = new DiskSnapshot('fixtures/lumiere');
  const dev = loadProject(snap, ['docker-compose.development.yaml'], 'dev');

  test('services, paths, interpolation kept verbatim', () => {
    expect([...dev.services.keys()]).toEqual([
      'postgres',
      'redis',
      'pourtier',
      'courier',
      'passeur',
      'solana',
    ]);
    const pg = dev.services.get('postgres')?.config;
    expect(pg?.ports).toEqual(['${PG_PORT:-5432}:5432']);
    expect(pg?.volumes).toEqual([
      'postgres_dev_data:/var/lib/postgresql/data',
      './postgres/init-scripts:/docker-entrypoint-initdb.d:ro',
    ]);
    expect(dev.services.get('passeur')?.config.build).toBe('./passeur');
    expect(dev.services.get('pourtier')?.config.build).toEqual({
      context: '.',
      dockerfile: 'pourtier/Dockerfile',
      target: 'development',
    });
    expect(dev.volumes).toEqual({ postgres_dev_data: null });
    expect(dev.projectName).toBe('lumiere');
  });

  test('origin, positions and comments', () => {
    const pourtier = dev.services.get('pourtier');
    expect(pourtier?.origin).toEqual({ file: 'docker-compose.development.yaml', line: 27, col: 3 });
    expect(pourtier?.positions.get('build.dockerfile')).toEqual({
      file: 'docker-compose.development.yaml',
      line: 30,
      col: 7,
    });
    expect(pourtier?.positions.get('environment.REDIS_URL')?.line).toBe(40);
    expect(pourtier?.positions.get('ports[0]')?.line).toBe(35);
    expect(dev.services.get('passeur')?.positions.get('environment.POURTIER_URL')?.line).toBe(66);
    expect(dev.comments.get('services.pourtier.ports[0]')).toEqual({ after: ' API' });
    expect(dev.comments.get('services.postgres')?.before).toBe(
      ' Shared database; each component gets its own schema.',
    );
  });
});

describe('layered', () => {
  const snap = new DiskSnapshot('fixtures/layered');
  const cache = new Map<string, ComposeFile>();
  const ci = loadProject(
    snap,
    ['docker-compose.yml', 'docker-compose.test.yml', 'docker-compose.ci.yml'],
    'ci',
    { cache },
  );

  test('tags applied across three layers', () => {
    const api = ci.services.get('api')?.config;
    expect(api?.ports).toEqual(['8001:8000']);
    expect(api?.volumes).toEqual([
      './api/tests:/app/tests',
      { type: 'volume', source: 'venv_shared', target: '/app/.venv' },
    ]);
    expect(ci.services.get('traefik')?.config.command).toBeUndefined();
    expect(ci.services.get('postgres')?.config.volumes).toBeUndefined();
    expect(ci.services.get('postgres')?.config.tmpfs).toEqual(['/var/lib/postgresql/data']);
    expect(ci.networks).toEqual({ proxy: { external: false, driver: 'bridge' } });
    expect(Object.keys(ci.extensions)).toEqual(['x-app-env', 'x-healthcheck', 'x-app-service']);
    expect(ci.services.get('api')?.sources).toEqual([
      'docker-compose.yml',
      'docker-compose.test.yml',
      'docker-compose.ci.yml',
    ]);
  });

  test('later layer wins for positions and comments of the same key', () => {
    expect(ci.services.get('api')?.positions.get('ports')?.file).toBe('docker-compose.test.yml');
    expect(ci.services.get('api')?.positions.get('image')?.file).toBe('docker-compose.yml');
    expect(ci.comments.get('services.postgres.ports[0]')).toEqual({ after: ' alternate test port' });
  });

  test('the parse cache is shared across environments', () => {
    const before = cache.get('docker-compose.yml');
    expect(before).toBeDefined();
    const dev = loadProject(
      snap,
      ['docker-compose.yml', 'docker-compose.dev.yml', 'docker-compose.override.yml'],
      'dev',
      { cache },
    );
    expect(cache.get('docker-compose.yml')).toBe(before);
    expect(dev.services.get('app')?.config.volumes).toEqual([
      { type: 'bind', source: './app', target: '/app' },
      '~/.config/aws:/root/.aws:ro',
    ]);
    // The base's list still holds only its own entries: layering did not mutate a shared value.
    expect(ci.services.get('app')?.config.ports).toEqual(['5001:5000']);
  });

  test('projects sharing a cache (and its layers) get configs of their own', () => {
    const load = () => loadProject(snap, ['docker-compose.yml'], 'base', { cache });
    const one = load();
    const two = load();
    const a = one.services.get('postgres')!;
    const b = two.services.get('postgres')!;
    expect(b.config).toEqual(a.config);
    expect(b.config).not.toBe(a.config);
    a.config.image = 'changed';
    (a.config.volumes as unknown[] | undefined)?.push('extra:/x');
    expect(load().services.get('postgres')?.config).toEqual(b.config);
  });
});

describe('modular: include and extends', () => {
  const snap = new DiskSnapshot('fixtures/modular');
  const dev = loadProject(snap, ['docker-compose.yml', 'docker-compose.dev.yml'], 'dev');

  test('paths inside extended and included files are made repo-relative', () => {
    const nest = dev.services.get('nestjs-api');
    expect(nest?.config.build).toEqual({
      context: './apps/nestjs-api',
      dockerfile: 'Dockerfile',
      args: { NODE_VERSION: '20' },
    });
    expect(nest?.config.volumes).toEqual(['./apps/nestjs-api/src:/app/src']);
    expect(nest?.config.env_file).toEqual(['./docker-compose/environments/.env.shared']);
    expect(nest?.config.extends).toBeUndefined();
    expect(nest?.sources).toEqual([
      'docker-compose/services/nestjs.yml',
      'docker-compose.yml',
      'docker-compose.dev.yml',
    ]);
    expect(dev.services.get('mongodb')?.config.volumes).toEqual([
      'mongodb_data:/data/db',
      './infra/mongo/init.js:/docker-entrypoint-initdb.d/init.js:ro',
    ]);
    expect(dev.services.get('mongodb')?.interpolationEnvFiles).toEqual([
      'docker-compose/environments/.env.development',
    ]);
    // The base declared a mapping, so the merged value stays a mapping.
    expect(dev.services.get('fastify-api')?.config.environment).toEqual({
      PORT: '3001',
      MONGODB_URI: 'mongodb://mongodb:27017/codiesvibe',
      LOG_LEVEL: 'debug',
    });
    expect(dev.volumes).toEqual({ mongodb_data: null });
  });

  test('top-level name wins over the directory name', () => {
    expect(dev.projectName).toBe('codiesvibe');
  });
});

describe('errors', () => {
  test('extends cycle names the chain', () => {
    const snap = new MemorySnapshot({
      'docker-compose.yml':
        'services:\n  a:\n    extends: b\n  b:\n    extends:\n      file: other/x.yml\n      service: c\n',
      'other/x.yml': 'services:\n  c:\n    extends:\n      file: ../docker-compose.yml\n      service: a\n',
    });
    const e = loadError(() => loadProject(snap, ['docker-compose.yml'], 'dev'));
    expect(e.code).toBe('compose-cycle');
    expect(e.message).toBe(
      'extends cycle: docker-compose.yml#a -> docker-compose.yml#b -> other/x.yml#c -> docker-compose.yml#a',
    );
  });

  test('include cycle names the chain', () => {
    const snap = new MemorySnapshot({
      'docker-compose.yml': 'include: [infra/a.yml]\nservices: {}\n',
      'infra/a.yml': 'include:\n  - path: b.yml\n',
      'infra/b.yml': 'include: [../docker-compose.yml]\n',
    });
    const e = loadError(() => loadProject(snap, ['docker-compose.yml'], 'dev'));
    expect(e.code).toBe('compose-cycle');
    expect(e.message).toBe(
      'include cycle: docker-compose.yml -> infra/a.yml -> infra/b.yml -> docker-compose.yml',
    );
  });

  test('missing extended service and missing file', () => {
    const snap = new MemorySnapshot({
      'a.yml': 'services:\n  a:\n    extends: nope\n',
      'b.yml': 'services:\n  a:\n    extends: {file: gone.yml, service: x}\n',
    });
    expect(loadError(() => loadProject(snap, ['a.yml'], 'dev')).code).toBe('compose-extends');
    expect(loadError(() => loadProject(snap, ['b.yml'], 'dev')).code).toBe('compose-extends');
  });

  test('a compose file that is a symlink out of the repo', () => {
    const snap = new MemorySnapshot({ 'docker-compose.yml': 'services: {}\n' }, '/repo', {
      'docker-compose.yml': null,
    });
    expect(loadError(() => loadProject(snap, ['docker-compose.yml'], 'dev')).code).toBe('path-outside-repo');
  });

  test('extends of a file outside the repository', () => {
    const snap = new MemorySnapshot({
      'docker-compose.yml': 'services:\n  a:\n    extends: {file: ../../etc/x.yml, service: a}\n',
    });
    expect(loadError(() => loadProject(snap, ['docker-compose.yml'], 'dev')).code).toBe('path-outside-repo');
  });

  test('a service both included and declared', () => {
    const snap = new MemorySnapshot({
      'docker-compose.yml': 'include: [infra.yml]\nservices:\n  redis:\n    image: redis\n',
      'infra.yml': 'services:\n  redis:\n    image: redis:7\n',
    });
    expect(loadError(() => loadProject(snap, ['docker-compose.yml'], 'dev')).code).toBe('compose-include');
  });
});

test('!reset on a whole service removes it; relative paths of override layers use the first file dir', () => {
  const snap = new MemorySnapshot({
    'deploy/compose.yaml': 'services:\n  a:\n    image: x\n  b:\n    build: ./b\n',
    'deploy/compose.test.yaml': 'services:\n  a: !reset null\n  b:\n    volumes: [./data:/data]\n',
  });
  const p = loadProject(snap, ['deploy/compose.yaml', 'deploy/compose.test.yaml'], 'test', {
    projectName: 'X',
  });
  expect([...p.services.keys()]).toEqual(['b']);
  expect(p.services.get('b')?.config).toEqual({ build: './deploy/b', volumes: ['./deploy/data:/data'] });
  expect(p.projectName).toBe('X');
});

test('normalizeProjectName', () => {
  expect(normalizeProjectName('My.Project_1-x')).toBe('myproject_1-x');
  expect(normalizeProjectName('-_Lead')).toBe('lead');
});

// Speed is measured by `npm run bench`, not asserted here: this checks that a large layered set loads right.
test('1,000 services across 200 component-sized files load with every merge key and path intact', () => {
  const files: Record<string, string> = {};
  const names: string[] = [];
  for (let f = 0; f < 200; f++) {
    const lines = ['x-base: &base', '  restart: unless-stopped', '  environment: {LOG: info}', 'services:'];
    for (let s = 0; s < 5; s++) {
      const n = `svc${f}-${s}`;
      lines.push(
        `  ${n}:`,
        '    <<: *base',
        `    build: ./c${f}`,
        `    ports: ["${10000 + f * 5 + s}:80"]`,
        `    volumes: ["./c${f}/src:/app/src"]`,
        `    depends_on: [db${f}]`,
      );
    }
    lines.push(`  db${f}:`, '    image: postgres:16');
    files[`compose.c${f}.yaml`] = lines.join('\n');
    names.push(`compose.c${f}.yaml`);
  }
  const snap = new MemorySnapshot(files);
  const p = loadProject(snap, names, 'dev');
  expect(p.services.size).toBe(1200);
  expect(p.services.get('svc199-4')?.config.volumes).toEqual(['./c199/src:/app/src']);
});

describe('empty layers', () => {
  test('a comment-only override loads as an empty layer and changes nothing', () => {
    const snap = new MemorySnapshot({
      'docker-compose.yml': 'services:\n  web:\n    image: nginx\n    ports: ["8080:80"]\n',
      'docker-compose.override.yml': '# Local overrides go here; this checkout has none.\n',
    });
    const alone = loadProject(snap, ['docker-compose.yml'], 'dev');
    const both = loadProject(snap, ['docker-compose.yml', 'docker-compose.override.yml'], 'dev');
    expect([...both.services.keys()]).toEqual(['web']);
    expect(both.services.get('web')?.config).toEqual(alone.services.get('web')?.config);
    expect(both.files).toEqual(['docker-compose.yml', 'docker-compose.override.yml']);
  });
});
