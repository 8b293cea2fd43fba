import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderComponentCompose } from '../../src/generate/compose-writer.js';
import type { Adjustment } from '../../src/analysis/types.js';
import type { CommentMap, YamlMap } from '../../src/compose/types.js';
import { component, project, servicesOf } from './helpers.js';

const api = (extra: YamlMap = {}): YamlMap => ({
  build: { context: '.', dockerfile: 'apps/api/Dockerfile', target: 'dev' },
  ...extra,
});

describe('path rebasing', () => {
  const pathsService: YamlMap = {
    build: { context: '.', dockerfile: 'apps/api/Dockerfile' },
    env_file: ['./apps/api/.env', { path: './shared/common.env', required: false }],
    label_file: './apps/api/labels',
    volumes: [
      './apps/api/src:/app/src:ro',
      { type: 'bind', source: './shared/config', target: '/config', read_only: true },
      'apidata:/var/data',
      '~/.aws:/root/.aws',
      '/var/run/docker.sock:/var/run/docker.sock',
      '${HOME:-/tmp}/cache:/cache',
      '/anonymous',
    ],
    extends: { file: './common/base.yaml', service: 'base' },
    develop: { watch: [{ path: './apps/api/src', action: 'sync', target: '/app/src' }] },
  };
  const top = {
    volumes: { apidata: null, unused: null },
    configs: { cfg: { file: './apps/api/app.conf' } },
    secrets: { tok: { file: './secrets/token.txt' }, other: { file: './x' } },
  };

  it.each([
    [
      'apps/api',
      {
        ctx: '../..',
        src: './src:/app/src:ro',
        shared: '../../shared/config',
        env: './.env',
        common: '../../shared/common.env',
        ext: '../../common/base.yaml',
        cfg: './app.conf',
        tok: '../../secrets/token.txt',
        labels: './labels',
        watch: './src',
      },
    ],
    [
      'api',
      {
        ctx: '..',
        src: '../apps/api/src:/app/src:ro',
        shared: '../shared/config',
        env: '../apps/api/.env',
        common: '../shared/common.env',
        ext: '../common/base.yaml',
        cfg: '../apps/api/app.conf',
        tok: '../secrets/token.txt',
        labels: '../apps/api/labels',
        watch: '../apps/api/src',
      },
    ],
  ])('rebases every path kind into %s', (dir, want) => {
    const svc = { ...structuredClone(pathsService), configs: ['cfg'], secrets: [{ source: 'tok' }] };
    const p = project('dev', { api: svc }, structuredClone(top));
    const { text } = renderComponentCompose({
      component: component('api', dir, ['api']),
      env: 'dev',
      project: p,
      services: ['api'],
      adjustments: [],
      isTest: false,
    });
    const doc = parse(text) as YamlMap & { services: { api: YamlMap } };
    const out = doc.services.api;
    expect(out.build).toEqual({ context: want.ctx, dockerfile: 'apps/api/Dockerfile' });
    expect(out.env_file).toEqual([want.env, { path: want.common, required: false }]);
    expect(out.label_file).toBe(want.labels);
    expect(out.volumes).toEqual([
      want.src,
      { type: 'bind', source: want.shared, target: '/config', read_only: true },
      'apidata:/var/data',
      '~/.aws:/root/.aws',
      '/var/run/docker.sock:/var/run/docker.sock',
      '${HOME:-/tmp}/cache:/cache',
      '/anonymous',
    ]);
    expect(out.extends).toEqual({ file: want.ext, service: 'base' });
    expect(out.develop).toEqual({ watch: [{ path: want.watch, action: 'sync', target: '/app/src' }] });
    expect(doc.configs).toEqual({ cfg: { file: want.cfg } });
    // "other" is unreferenced and pruned; "tok" is rebased.
    expect(doc.secrets).toEqual({ tok: { file: want.tok } });
    expect(doc.volumes).toEqual({ apidata: null });
    // The source project is not mutated.
    expect(p.services.get('api')?.config.build).toEqual({ context: '.', dockerfile: 'apps/api/Dockerfile' });
  });

  it('rebases a string build and spells out a missing context', () => {
    const p = project('dev', { a: { build: './passeur' }, b: { build: { dockerfile: 'b/Dockerfile' } } });
    const { text } = renderComponentCompose({
      component: component('passeur', 'passeur', ['a', 'b']),
      env: 'dev',
      project: p,
      services: ['a', 'b'],
      adjustments: [],
      isTest: false,
    });
    const s = servicesOf(text);
    expect(s.a?.build).toBe('.');
    expect(s.b?.build).toEqual({ dockerfile: 'b/Dockerfile', context: '..' });
  });

  it('keeps interpolation verbatim', () => {
    const p = project('dev', {
      api: api({
        environment: { DB: 'postgres://${USER:-me}:$${LITERAL}@db', TAG: '${TAG?need tag}' },
        image: 'x/api:${TAG:-latest}',
      }),
    });
    const { text } = renderComponentCompose({
      component: component('api', 'apps/api', ['api']),
      env: 'dev',
      project: p,
      services: ['api'],
      adjustments: [],
      isTest: false,
    });
    expect(text).toContain('postgres://${USER:-me}:$${LITERAL}@db');
    expect(text).toContain('${TAG?need tag}');
    expect(text).toContain('x/api:${TAG:-latest}');
  });
});

describe('pruning and references', () => {
  it('keeps only referenced networks, volumes, configs, secrets (incl. default and build secrets)', () => {
    const p = project(
      'dev',
      {
        api: api({
          networks: ['back'],
          volumes: ['data:/d', { type: 'volume', source: 'cache', target: '/c' }],
          build: { context: '.', secrets: ['npmrc'] },
        }),
        worker: { image: 'busybox' },
        other: { image: 'busybox', networks: { front: null }, volumes: ['otherdata:/x'] },
      },
      {
        networks: { back: { driver: 'bridge' }, front: null, default: { name: 'shared-net' } },
        volumes: { data: null, cache: { driver: 'local' }, otherdata: null },
        secrets: { npmrc: { file: './.npmrc' }, unused: { file: './u' } },
      },
    );
    const { text } = renderComponentCompose({
      component: component('api', 'api', ['api', 'worker']),
      env: 'dev',
      project: p,
      services: ['api', 'worker'],
      adjustments: [],
      isTest: false,
    });
    const doc = parse(text) as YamlMap;
    expect(doc.networks).toEqual({ back: { driver: 'bridge' }, default: { name: 'shared-net' } });
    expect(doc.volumes).toEqual({ data: null, cache: { driver: 'local' } });
    expect(doc.secrets).toEqual({ npmrc: { file: '../.npmrc' } });
    expect(Object.keys(servicesOf(text))).toEqual(['api', 'worker']);
  });

  it('drops references to services outside the file and reports each', () => {
    const p = project('dev', {
      api: api({
        depends_on: { db: { condition: 'service_healthy' }, other: { condition: 'service_started' } },
        links: ['db:database', 'other'],
        volumes_from: ['other:ro', 'container:legacy'],
      }),
      side: { image: 'busybox', depends_on: ['other'] },
      db: { image: 'postgres:16' },
      other: { image: 'busybox' },
    });
    const { text, applied } = renderComponentCompose({
      component: component('api', 'api', ['api', 'side']),
      env: 'dev',
      project: p,
      services: ['db', 'api', 'side'],
      adjustments: [],
      isTest: false,
    });
    const s = servicesOf(text);
    expect(s.api?.depends_on).toEqual({ db: { condition: 'service_healthy' } });
    expect(s.api?.links).toEqual(['db:database']);
    expect(s.api?.volumes_from).toEqual(['container:legacy']);
    expect(s.side?.depends_on).toBeUndefined();
    const dropped = applied
      .filter((a) => a.kind === 'dependency-dropped')
      .map((a) => a.kind === 'dependency-dropped' && `${a.service}.${a.key}->${a.dependency}`);
    expect(dropped.sort()).toEqual([
      'api.depends_on->other',
      'api.links->other',
      'api.volumes_from->other',
      'side.depends_on->other',
    ]);
  });

  it('never drops network_mode: service:x (it decides where traffic goes): refuses, naming both', () => {
    const p = project('dev', {
      api: api(),
      side: { image: 'busybox', network_mode: 'service:vpn' },
      vpn: { image: 'busybox' },
    });
    expect(() =>
      renderComponentCompose({
        component: component('api', 'api', ['api', 'side']),
        env: 'dev',
        project: p,
        services: ['api', 'side'],
        adjustments: [],
        isTest: false,
      }),
    ).toThrow(/"side" \(dev\) runs in the network namespace of "vpn"/);
  });

  it('fails with a located error for an unknown service', () => {
    const p = project('dev', { api: api() });
    expect(() =>
      renderComponentCompose({
        component: component('api', 'api', ['api']),
        env: 'dev',
        project: p,
        services: ['api', 'ghost'],
        adjustments: [],
        isTest: false,
      }),
    ).toThrow(/ghost/);
  });
});

describe('comments', () => {
  it('carries comments by key path and keeps the header', () => {
    const comments: CommentMap = new Map([
      ['', { before: ' Development stack' }],
      ['services.db', { before: ' Shared database' }],
      ['services.api.ports[0]', { after: ' API' }],
      ['services.api.environment.ENV', { after: ' which stack' }],
      ['services.gone', { before: ' not in this file' }],
      ['volumes.data', { before: ' keep me' }],
    ]);
    const p = project(
      'dev',
      {
        db: { image: 'postgres:16', volumes: ['data:/var/lib/postgresql/data'] },
        api: api({ ports: ['9000:8000'], environment: { ENV: 'dev' } }),
        gone: { image: 'x' },
      },
      { volumes: { data: null } },
      comments,
    );
    const { text } = renderComponentCompose({
      component: component('api', 'api', ['api']),
      env: 'dev',
      project: p,
      services: ['db', 'api'],
      adjustments: [],
      isTest: false,
    });
    expect(text.startsWith('# Development stack\n')).toBe(true);
    expect(text).toMatch(/# Shared database\n\s+db:/);
    expect(text).toContain('- "9000:8000" # API');
    expect(text).toContain('ENV: dev # which stack');
    expect(text).toMatch(/# keep me\n\s+data:/);
    expect(text).not.toContain('not in this file');
  });
});

describe('comments on list items', () => {
  it('drops an item comment when items of its list were removed, keeps it otherwise', () => {
    const comments: CommentMap = new Map([
      ['services.db.volumes[1]', { after: ' init scripts' }],
      ['services.db.ports[0]', { after: ' alternate port' }],
    ]);
    const p = project(
      'test',
      {
        db: {
          image: 'postgres:16',
          ports: ['5433:5432'],
          volumes: ['pgdata:/var/lib/postgresql/data', './init:/docker-entrypoint-initdb.d'],
        },
        api: api({ depends_on: ['db'] }),
      },
      { volumes: { pgdata: null } },
      comments,
    );
    const { text } = renderComponentCompose({
      component: component('api', 'api', ['api']),
      env: 'test',
      project: p,
      services: ['db', 'api'],
      adjustments: [],
      isTest: true,
    });
    // The data volume went to tmpfs: index 1 no longer exists and index 0 is the init mount.
    expect(text).not.toContain('init scripts');
    expect(text).toContain('- "5433:5432" # alternate port');
  });
});

describe('profiles', () => {
  it('drops environment-wide and component-selecting profiles, keeps optional ones', () => {
    const p = project('test', {
      db: { image: 'postgres:16', profiles: ['integration', 'e2e'] },
      api: api({ profiles: ['integration', 'e2e'] }),
      debug: { image: 'busybox', profiles: ['integration', 'e2e', 'debug'] },
      web: { image: 'web', profiles: ['integration', 'e2e'] },
    });
    const { text, applied } = renderComponentCompose({
      component: component('api', 'api', ['api', 'debug']),
      env: 'test',
      project: p,
      services: ['db', 'api', 'debug'],
      adjustments: [],
      isTest: false,
    });
    const s = servicesOf(text);
    expect(s.db?.profiles).toBeUndefined();
    expect(s.api?.profiles).toBeUndefined();
    // It carried an implicit profile, so it always started with the environment: still always starts.
    expect(s.debug?.profiles).toBeUndefined();
    expect(applied.filter((a) => a.kind === 'profiles-dropped')).toHaveLength(3);
  });

  it('keeps a profile that marks an optional tool, drops one that selects the component', () => {
    const p = project('dev', {
      db: { image: 'postgres:16', profiles: ['api'] },
      api: api({ profiles: ['api'] }),
      adminer: { image: 'adminer', profiles: ['tools'] },
      web: { image: 'web' },
      webdb: { image: 'redis', profiles: ['tools'] },
    });
    const { text, applied } = renderComponentCompose({
      component: component('api', 'api', ['api']),
      env: 'dev',
      project: p,
      services: ['db', 'api', 'adminer'],
      adjustments: [],
      isTest: false,
    });
    const s = servicesOf(text);
    expect(s.api?.profiles).toBeUndefined();
    expect(s.db?.profiles).toBeUndefined();
    expect(s.adminer?.profiles).toEqual(['tools']);
    expect(applied).toEqual([
      { kind: 'profiles-dropped', env: 'dev', service: 'db', profiles: ['api'] },
      { kind: 'profiles-dropped', env: 'dev', service: 'api', profiles: ['api'] },
    ]);
  });

  it('keeps a profile shared with another component', () => {
    const p = project('dev', {
      api: api({ profiles: ['apps'] }),
      web: { image: 'w', profiles: ['apps'] },
      db: { image: 'postgres' },
    });
    const { text } = renderComponentCompose({
      component: component('api', 'api', ['api']),
      env: 'dev',
      project: p,
      services: ['api'],
      adjustments: [],
      isTest: false,
    });
    expect(servicesOf(text).api?.profiles).toEqual(['apps']);
  });
});

describe('analysis adjustments', () => {
  const base = (): ReturnType<typeof project> =>
    project(
      'dev',
      {
        db: {
          image: 'postgres:16',
          container_name: 'shared-db',
          ports: ['${PG_PORT:-5432}:5432', '127.0.0.1:6543:6543/udp'],
          volumes: ['pgdata:/var/lib/postgresql/data'],
        },
        api: api({
          container_name: 'api-dev',
          ports: [{ target: 8000, published: 9000, protocol: 'tcp' }, '9001:8001'],
        }),
      },
      { volumes: { pgdata: null } },
    );

  it('scopes, keeps or drops container names', () => {
    const adjustments: Adjustment[] = [
      { kind: 'container-name', env: 'dev', service: 'db', from: 'shared-db', to: 'api-db-dev' },
      { kind: 'container-name', env: 'dev', service: 'api', from: 'api-dev', to: null },
      { kind: 'container-name', env: 'test', service: 'db', from: 'shared-db', to: 'wrong-env' },
    ];
    const { text, applied } = renderComponentCompose({
      component: component('api', 'api', ['api']),
      env: 'dev',
      project: base(),
      services: ['db', 'api'],
      adjustments,
      isTest: false,
    });
    const s = servicesOf(text);
    expect(s.db?.container_name).toBe('api-db-dev');
    expect(s.api?.container_name).toBeUndefined();
    expect(applied).toEqual(adjustments.slice(0, 2));
  });

  it('shifts only the published part, in every syntax, including a variable default', () => {
    const adjustments: Adjustment[] = [
      { kind: 'host-port', env: 'dev', service: 'db', target: '5432', from: '5432', to: '15432' },
      { kind: 'host-port', env: 'dev', service: 'db', target: '6543', from: '6543', to: '16543' },
      { kind: 'host-port', env: 'dev', service: 'api', target: '8000', from: '9000', to: '19000' },
      { kind: 'host-port', env: 'dev', service: 'api', target: '8001', from: '7777', to: '17777' },
    ];
    const { text, applied } = renderComponentCompose({
      component: component('api', 'api', ['api']),
      env: 'dev',
      project: base(),
      services: ['db', 'api'],
      adjustments,
      isTest: false,
    });
    const s = servicesOf(text);
    expect(s.db?.ports).toEqual(['${PG_PORT:-15432}:5432', '127.0.0.1:16543:6543/udp']);
    expect(s.api?.ports).toEqual([{ target: 8000, published: 19000, protocol: 'tcp' }, '9001:8001']);
    // The last one did not match anything and is not claimed.
    expect(applied).toEqual(adjustments.slice(0, 3));
  });

  it('pins a volume to its old Docker name unless named or external', () => {
    const p = project(
      'dev',
      { db: { image: 'postgres:16', volumes: ['pgdata:/var/lib/postgresql/data', 'named:/n', 'ext:/e'] } },
      { volumes: { pgdata: null, named: { name: 'keep-me' }, ext: { external: true }, other: null } },
    );
    const adjustments: Adjustment[] = [
      { kind: 'volume-name', env: 'dev', volume: 'pgdata', name: 'lumiere_pgdata' },
      { kind: 'volume-name', env: 'dev', volume: 'named', name: 'lumiere_named' },
      { kind: 'volume-name', env: 'dev', volume: 'ext', name: 'lumiere_ext' },
      { kind: 'volume-name', env: 'dev', volume: 'other', name: 'lumiere_other' },
    ];
    const { text, applied } = renderComponentCompose({
      component: component('api', 'api', []),
      env: 'dev',
      project: p,
      services: ['db'],
      adjustments,
      isTest: false,
    });
    expect((parse(text) as YamlMap).volumes).toEqual({
      pgdata: { name: 'lumiere_pgdata' },
      named: { name: 'keep-me' },
      ext: { external: true },
    });
    expect(applied).toEqual([adjustments[0]]);
  });
});

describe('test files', () => {
  const testProject = (): ReturnType<typeof project> =>
    project(
      'test',
      {
        'postgres-test': {
          image: 'postgres:16',
          ports: ['5433:5432'],
          volumes: ['pgtest:/var/lib/postgresql/data', './db/init:/docker-entrypoint-initdb.d:ro'],
        },
        'redis-test': {
          image: 'redis:7-alpine',
          healthcheck: { test: ['CMD', 'redis-cli', 'ping'], interval: '1s' },
        },
        'mongo-test': { image: 'mongo:7', healthcheck: { disable: true } },
        'mysql-test': { image: 'mysql:8', volumes: ['./fixtures/mysql:/var/lib/mysql'] },
        'api-test': api({
          depends_on: ['postgres-test', 'redis-test', 'mongo-test', 'mysql-test', 'web-test'],
        }),
        'web-test': { build: './web', healthcheck: { test: ['CMD', 'true'] } },
      },
      { volumes: { pgtest: null } },
    );

  it('puts data on tmpfs, adds or keeps healthchecks, waits for healthy backing services', () => {
    const { text, applied } = renderComponentCompose({
      component: component('api', 'api', ['api-test'], { pulledPeers: { test: ['web-test'] } }),
      env: 'test',
      project: testProject(),
      services: ['postgres-test', 'redis-test', 'mongo-test', 'mysql-test', 'web-test', 'api-test'],
      adjustments: [],
      isTest: true,
    });
    const doc = parse(text) as YamlMap;
    const s = servicesOf(text);
    expect(s['postgres-test']?.tmpfs).toEqual(['/var/lib/postgresql/data']);
    expect(s['postgres-test']?.volumes).toEqual(['../db/init:/docker-entrypoint-initdb.d:ro']);
    expect(s['postgres-test']?.ports).toEqual(['5433:5432']);
    expect((s['postgres-test']?.healthcheck as YamlMap).test).toEqual([
      'CMD-SHELL',
      'pg_isready -U "$${POSTGRES_USER:-postgres}"',
    ]);
    expect(s['redis-test']?.healthcheck).toEqual({ test: ['CMD', 'redis-cli', 'ping'], interval: '1s' });
    expect(s['redis-test']?.tmpfs).toEqual(['/data']);
    expect(s['mongo-test']?.healthcheck).toEqual({ disable: true });
    // A bind mount at the data dir is deliberate: left alone, no tmpfs on top.
    expect(s['mysql-test']?.tmpfs).toBeUndefined();
    expect(s['mysql-test']?.volumes).toEqual(['../fixtures/mysql:/var/lib/mysql']);
    expect(s['api-test']?.depends_on).toEqual({
      'postgres-test': { condition: 'service_healthy' },
      'redis-test': { condition: 'service_healthy' },
      'mongo-test': { condition: 'service_started' },
      'mysql-test': { condition: 'service_healthy' },
      // A peer component's service is not backing: compose's default kept.
      'web-test': { condition: 'service_started' },
    });
    // The replaced data volume is no longer referenced.
    expect(doc.volumes).toBeUndefined();
    const kinds = applied.map((a) => `${a.kind}:${'service' in a ? a.service : ''}`).sort();
    expect(kinds).toEqual([
      'depends-on-healthy:api-test',
      'depends-on-healthy:api-test',
      'depends-on-healthy:api-test',
      'healthcheck:mysql-test',
      'healthcheck:postgres-test',
      'tmpfs-data:mongo-test',
      'tmpfs-data:postgres-test',
      'tmpfs-data:redis-test',
    ]);
  });

  it('leaves dev files without test tweaks', () => {
    const { text, applied } = renderComponentCompose({
      component: component('api', 'api', ['api-test']),
      env: 'test',
      project: testProject(),
      services: ['postgres-test', 'api-test'],
      adjustments: [],
      isTest: false,
    });
    const s = servicesOf(text);
    expect(s['postgres-test']?.tmpfs).toBeUndefined();
    expect(s['api-test']?.depends_on).toEqual(['postgres-test']);
    expect(applied.every((a) => a.kind === 'dependency-dropped')).toBe(true);
  });

  it('quotes values YAML 1.1 readers would misread', () => {
    const p = project('dev', {
      ssh: { image: 'x', ports: ['22:22'], environment: { FLAG: 'yes', MODE: '0755' } },
    });
    const { text } = renderComponentCompose({
      component: component('ssh', 'ssh', ['ssh']),
      env: 'dev',
      project: p,
      services: ['ssh'],
      adjustments: [],
      isTest: false,
    });
    expect(text).toContain('- "22:22"');
    expect(text).toContain('FLAG: "yes"');
    expect(text).toContain('MODE: "0755"');
  });
});
