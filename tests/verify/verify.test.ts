import { describe, expect, it } from 'vitest';
import { verifyComponent, verifyService } from '../../src/verify/verify.js';
import { fixtureFiles, renderLumiere, ROOT_FILES, snapshotWith } from '../generate/lumiere.js';

describe('verifyComponent on the lumiere fixture', () => {
  const files = fixtureFiles();
  const base = snapshotWith(files, []);
  const rendered = renderLumiere(base);

  it.each(rendered.map((r) => [r.path, r] as const))(
    '%s: zero unexplained differences after a correct render',
    (_, r) => {
      const snap = snapshotWith(files, rendered);
      const diffs = verifyComponent({
        snapshot: snap,
        env: r.env,
        rootFiles: [...ROOT_FILES[r.env]],
        componentFile: r.path,
        adjustments: r.applied,
      });
      expect(diffs).toEqual([]);
      // The check is not vacuous: the file holds the component's services.
      expect(r.content).toContain(`${r.component}`);
    },
  );

  it('reports a bind path deliberately left un-rebased', () => {
    const dev = rendered.find((r) => r.path === 'pourtier/docker-compose.yaml');
    expect(dev?.content).toContain('- ./src:/app/src');
    const broken = {
      ...dev!,
      content: dev!.content.replace('- ./src:/app/src', '- ./pourtier/src:/app/src'),
    };
    const snap = snapshotWith(files, [broken]);
    const diffs = verifyComponent({
      snapshot: snap,
      env: 'dev',
      rootFiles: [...ROOT_FILES.dev],
      componentFile: broken.path,
      adjustments: broken.applied,
    });
    expect(diffs).toEqual([
      {
        service: 'pourtier',
        env: 'dev',
        path: 'volumes[0].source',
        original: '/repo/lumiere/pourtier/src',
        generated: '/repo/lumiere/pourtier/pourtier/src',
      },
    ]);
  });

  it('reports changes no adjustment explains, and a volume whose real name would change', () => {
    const dev = rendered.find((r) => r.path === 'passeur/docker-compose.yaml')!;
    const withoutPin = dev.applied.filter((a) => a.kind !== 'volume-name');
    const text = dev.content
      .replace(/\n {4}name: .*_postgres_dev_data/, '')
      .replace('POSTGRES_USER: lumiere', 'POSTGRES_USER: other');
    const snap = snapshotWith(files, [{ path: dev.path, content: text }]);
    const diffs = verifyComponent({
      snapshot: snap,
      env: 'dev',
      rootFiles: [...ROOT_FILES.dev],
      componentFile: dev.path,
      adjustments: withoutPin,
    });
    expect(diffs.map((d) => `${d.service}:${d.path}`)).toEqual([
      'postgres:environment.POSTGRES_USER',
      ':volumes.postgres_dev_data.name',
    ]);
    expect(diffs[1]).toMatchObject({
      original: 'lumiere_postgres_dev_data',
      generated: 'passeur_postgres_dev_data',
    });
  });
});

describe('verifyComponent: top-level declarations the services use', () => {
  const files = fixtureFiles();
  const rendered = renderLumiere(snapshotWith(files, []));
  const dev = rendered.find((r) => r.path === 'passeur/docker-compose.yaml')!;
  const verifyText = (text: string) =>
    verifyComponent({
      snapshot: snapshotWith(files, [{ path: dev.path, content: text }]),
      env: 'dev',
      rootFiles: [...ROOT_FILES.dev],
      componentFile: dev.path,
      adjustments: dev.applied,
    });
  const pin = '  postgres_dev_data:\n    name: lumiere_postgres_dev_data\n';

  it('reports a volume declared with another driver or options', () => {
    expect(dev.content).toContain(pin);
    const diffs = verifyText(dev.content.replace(pin, `${pin}    driver_opts:\n      type: tmpfs\n`));
    expect(diffs).toEqual([
      {
        service: '',
        env: 'dev',
        path: 'volumes.postgres_dev_data.driver_opts',
        original: undefined,
        generated: { type: 'tmpfs' },
      },
    ]);
  });

  it('reports a network the services use that the root declared and the file does not', () => {
    // The root declares no network here: add one on the root side through a service that uses it.
    const root = files[ROOT_FILES.dev[0]]!;
    expect(root).toMatch(/^volumes:/m);
    const withNet = root.replace(/^volumes:/m, 'networks:\n  backend:\n    driver: bridge\nvolumes:');
    const svc = dev.content.match(/^ {2}(\S+):\n/m)![1]!;
    const text = dev.content.replace(new RegExp(`^  ${svc}:\n`, 'm'), `  ${svc}:\n    networks: [backend]\n`);
    const rootSvc = withNet.replace(new RegExp(`^  ${svc}:\n`, 'm'), `  ${svc}:\n    networks: [backend]\n`);
    expect(rootSvc).not.toBe(withNet);
    const diffs = verifyComponent({
      snapshot: snapshotWith({ ...files, [ROOT_FILES.dev[0]]: rootSvc }, [{ path: dev.path, content: text }]),
      env: 'dev',
      rootFiles: [...ROOT_FILES.dev],
      componentFile: dev.path,
      adjustments: dev.applied,
    });
    expect(diffs.map((d) => [d.path, d.original, d.generated])).toEqual([
      ['networks.backend', { driver: 'bridge' }, undefined],
    ]);
  });
});

describe('verifyService', () => {
  it('explains exactly the adjusted parts', () => {
    const original = {
      image: 'postgres:16',
      container_name: 'db',
      ports: ['${P:-5432}:5432', '8080:80'],
      depends_on: ['a', 'b'],
      profiles: ['x'],
    };
    const generated = {
      image: 'postgres:16',
      container_name: 'c-db',
      ports: ['${P:-6432}:5432', '8081:80'],
      depends_on: { a: { condition: 'service_healthy' } },
    };
    const diffs = verifyService({
      service: 'db',
      env: 'dev',
      original,
      generated,
      adjustments: [
        { kind: 'container-name', env: 'dev', service: 'db', from: 'db', to: 'c-db' },
        { kind: 'host-port', env: 'dev', service: 'db', target: '5432', from: '5432', to: '6432' },
        { kind: 'depends-on-healthy', env: 'dev', service: 'db', dependency: 'a' },
        { kind: 'dependency-dropped', env: 'dev', service: 'db', dependency: 'b', key: 'depends_on' },
        { kind: 'profiles-dropped', env: 'dev', service: 'db', profiles: ['x'] },
        // Another env's adjustment explains nothing here.
        { kind: 'host-port', env: 'test', service: 'db', target: '80', from: '8080', to: '8081' },
      ],
      normalize: { projectDir: '/repo', vars: () => undefined },
    });
    // The dropped dependency changes what the file means: a difference, marked as the plan's own report.
    expect(diffs).toEqual([
      { service: 'db', env: 'dev', path: 'ports[1].published', original: '8080', generated: '8081' },
      {
        service: 'db',
        env: 'dev',
        path: 'depends_on.b',
        original: { condition: 'service_started' },
        generated: undefined,
        reported: 'dependency-dropped',
      },
    ]);
  });

  it('keeps a change beyond the dropped reference unexplained', () => {
    const diffs = verifyService({
      service: 'web',
      env: 'dev',
      original: { image: 'web', links: ['api', 'cache'] },
      generated: { image: 'web', links: ['cache:redis'] },
      adjustments: [
        { kind: 'dependency-dropped', env: 'dev', service: 'web', dependency: 'api', key: 'links' },
      ],
      normalize: { projectDir: '/repo', vars: () => undefined },
    });
    expect(diffs).toEqual([
      { service: 'web', env: 'dev', path: 'links', original: ['api', 'cache'], generated: ['cache:redis'] },
    ]);
  });

  it('compares mounts by target, whatever their order', () => {
    const diffs = verifyService({
      service: 'db',
      env: 'dev',
      original: {
        image: 'postgres',
        volumes: ['data:/var/lib/postgresql/data', './init:/docker-entrypoint-initdb.d'],
      },
      generated: {
        image: 'postgres',
        volumes: ['./init:/docker-entrypoint-initdb.d', 'data:/var/lib/postgresql/data'],
      },
      adjustments: [],
      normalize: { projectDir: '/repo', vars: () => undefined },
    });
    expect(diffs).toEqual([]);
  });

  it("resolves a path held in a variable where each side runs, with that side's variables", () => {
    const input = {
      service: 'api',
      env: 'dev',
      original: { image: 'api', volumes: ['${CFG}:/etc/app.yml'] },
      generated: { image: 'api', volumes: ['${CFG}:/etc/app.yml'] },
      adjustments: [],
      normalize: {
        projectDir: '/repo',
        variableDir: '/repo',
        vars: (n: string) => ({ CFG: './conf/app.yml' })[n],
      },
    };
    // Read with the root's variables from the root folder on both sides (what verify did before), the
    // copy looks equal: the case the referee disagreed with.
    expect(verifyService(input)).toEqual([]);
    // Copied as is and read with the root .env's value: it now names a place under the component folder.
    const unrebased = verifyService({
      ...input,
      generatedNormalize: { ...input.normalize, variableDir: '/repo/api' },
    });
    expect(unrebased).toEqual([
      {
        service: 'api',
        env: 'dev',
        path: 'volumes[0].source',
        original: '/repo/conf/app.yml',
        generated: '/repo/api/conf/app.yml',
      },
    ]);
    // With the value the component's Makefile exports, the same place.
    const rebased = verifyService({
      ...input,
      generatedNormalize: {
        projectDir: '/repo',
        variableDir: '/repo/api',
        vars: (n: string) => ({ CFG: '../conf/app.yml' })[n],
      },
    });
    expect(rebased).toEqual([]);
  });
});
