import { describe, expect, it } from 'vitest';
import {
  classifyFile,
  discoverRootComposeFiles,
  layoutEnvironments,
  tokensOf,
} from '../../src/analysis/environments.js';
import type { MigrateConfig } from '../../src/config/types.js';
import { MemorySnapshot } from '../../src/repo/memory.js';

const svc = (name: string, body = '    image: busybox') => `  ${name}:\n${body}\n`;
const stack = (...names: string[]) => `services:\n${names.map((n) => svc(n)).join('')}`;

/** Layout of an in-memory repository: compose files plus any scripts that invoke them. */
function layout(files: Record<string, string>, config: MigrateConfig = {}) {
  const snapshot = new MemorySnapshot(files);
  const compose = Object.keys(files)
    .filter((f) => /(^|\/)(docker-)?compose[^/]*\.ya?ml$/.test(f))
    .sort();
  return layoutEnvironments({ snapshot, files: compose, config });
}
const envs = (l: ReturnType<typeof layout>) => l.environments.map((e) => ({ name: e.name, files: e.files }));

describe('root compose files', () => {
  it('finds docker-compose*/compose* at the root and in configured dirs, never the tool config', () => {
    const snap = new MemorySnapshot({
      'docker-compose.yml': '',
      'compose.test.yaml': '',
      'deploy/docker-compose.prod.yml': '',
      'other/docker-compose.yml': '',
      'compose-migrate.config.yaml': '',
      'my-docker-compose.yml': '',
      'docker-compose.yml.bak': '',
    });
    expect(discoverRootComposeFiles(snap, {})).toEqual(['docker-compose.yml', 'compose.test.yaml']);
    expect(discoverRootComposeFiles(snap, { composeDirs: ['deploy/'] })).toEqual([
      'docker-compose.yml',
      'compose.test.yaml',
      'deploy/docker-compose.prod.yml',
    ]);
  });

  it('reads name tokens', () => {
    expect(tokensOf('docker-compose.yml')).toEqual([]);
    expect(tokensOf('docker-compose.alpine-test.yml')).toEqual(['alpine-test']);
    expect(tokensOf('compose.dev.yaml')).toEqual(['dev']);
    expect(tokensOf('deploy/docker-compose.Production.yaml')).toEqual(['production']);
  });
});

describe('classification', () => {
  const role = (p: string) => classifyFile(p, {}).role;
  it.each([
    ['docker-compose.development.yaml', 'dev'],
    ['docker-compose.local.yml', 'dev'],
    ['docker-compose.dev.yml', 'dev'],
    ['docker-compose.test.yaml', 'test'],
    ['docker-compose.testing.yaml', 'test'],
    ['docker-compose.ci.yml', 'ci'],
    ['compose.tests.yaml', 'test'],
    ['compose.deploy.yml', 'prod'],
    ['docker-compose-local.yml', 'dev'],
    ['docker-compose.images.yml', 'images'],
    ['docker-compose.e2e.yml', 'test'],
    ['docker-compose.integration.yml', 'test'],
    ['docker-compose.prod.yml', 'prod'],
    ['docker-compose.production.yaml', 'prod'],
    ['docker-compose.alpine-test.yml', 'alpine-test'],
  ])('%s -> %s', (file, env) => {
    expect(role(file)).toMatchObject({ kind: 'env', env });
  });

  it('base, override and unclassified', () => {
    expect(role('docker-compose.yml')).toEqual({ kind: 'base' });
    expect(role('compose.yaml')).toEqual({ kind: 'base' });
    expect(role('docker-compose.override.yml')).toEqual({ kind: 'override' });
    expect(role('docker-compose.backend.yml')).toEqual({ kind: 'unclassified', env: 'backend' });
  });

  it('config answers what the name cannot', () => {
    expect(
      classifyFile('docker-compose.backend.yml', { environments: { 'docker-compose.backend.yml': 'base' } })
        .role,
    ).toEqual({ kind: 'base' });
    expect(
      classifyFile('docker-compose.staging.yml', { environments: { 'docker-compose.staging.yml': 'prod' } })
        .role,
    ).toMatchObject({ kind: 'env', env: 'prod' });
    expect(
      classifyFile('docker-compose.yml', { environments: { 'docker-compose.yml': 'dev' } }).role,
    ).toMatchObject({ kind: 'env', env: 'dev' });
    expect(
      classifyFile('docker-compose.tools.yml', { environments: { 'docker-compose.tools.yml': 'ignore' } })
        .role,
    ).toEqual({ kind: 'ignore' });
  });
});

describe('layout', () => {
  it('layers base under every environment, override onto dev; ci stays its own environment', () => {
    const l = layout({
      'docker-compose.yml': stack('api', 'db'),
      'docker-compose.ci.yml': 'services:\n  api:\n    environment: {CI: "1"}\n',
      'docker-compose.dev.yml': 'services:\n  api:\n    ports: ["8000:8000"]\n',
      'docker-compose.override.yml': '# nothing yet\n',
      'docker-compose.test.yml': 'services:\n  api:\n    command: pytest\n',
    });
    expect(envs(l)).toEqual([
      { name: 'dev', files: ['docker-compose.yml', 'docker-compose.dev.yml', 'docker-compose.override.yml'] },
      { name: 'test', files: ['docker-compose.yml', 'docker-compose.test.yml'] },
      { name: 'ci', files: ['docker-compose.yml', 'docker-compose.ci.yml'] },
    ]);
    expect(l.extension).toBe('.yml');
    const test = l.environments.find((e) => e.name === 'test');
    expect(test?.evidence.join('\n')).toMatch(
      /api has no image or build: it patches a service defined in another file/,
    );
    expect(l.findings.filter((f) => f.level === 'decision')).toEqual([]);
  });

  it('ci run on top of the test files is a test overlay, in the order the command gives', () => {
    const l = layout({
      'docker-compose.yml': stack('api'),
      'docker-compose.test.yml': 'services:\n  api:\n    command: pytest\n',
      'docker-compose.ci.yml': 'services:\n  api:\n    environment: {CI: "1"}\n',
      '.github/workflows/ci.yml':
        'jobs:\n  t:\n    steps:\n      - run: |\n          docker compose -f docker-compose.yml -f docker-compose.test.yml \\\n            -f docker-compose.ci.yml up -d\n',
    });
    expect(envs(l)).toEqual([
      { name: 'dev', files: ['docker-compose.yml'] },
      { name: 'test', files: ['docker-compose.yml', 'docker-compose.test.yml', 'docker-compose.ci.yml'] },
    ]);
    expect(l.environments[1]?.evidence.join('\n')).toMatch(
      /only ever run on top of the test files \(\.github\/workflows\/ci\.yml:5\)/,
    );
  });

  it("a command in a component folder that reads its own files is no evidence about the root's", () => {
    const files = {
      'docker-compose.yml': stack('api'),
      'docker-compose.test.yml': 'services:\n  api:\n    command: pytest\n',
      'docker-compose.ci.yml': 'services:\n  api:\n    environment: {CI: "1"}\n',
      '.github/workflows/ci.yml':
        'jobs:\n  t:\n    steps:\n      - run: docker compose -f docker-compose.yml -f docker-compose.test.yml -f docker-compose.ci.yml up -d\n',
    };
    // A migrated component's file keeps the root file's usage comment: beside it are its own
    // docker-compose.yml and docker-compose.test.yml, so docker-compose.ci.yml is not the root's either.
    const withComponent = layoutEnvironments({
      snapshot: new MemorySnapshot({
        ...files,
        'api/docker-compose.test.yml':
          '# Usage: docker compose -f docker-compose.yml -f docker-compose.test.yml -f docker-compose.ci.yml up -d\nservices:\n  api:\n    image: api\n',
        'api/docker-compose.yml': stack('api'),
      }),
      files: ['docker-compose.ci.yml', 'docker-compose.test.yml', 'docker-compose.yml'],
      config: {},
    });
    expect(envs(withComponent)).toEqual(envs(layout(files)));
    expect(envs(withComponent)).toEqual([
      { name: 'dev', files: ['docker-compose.yml'] },
      { name: 'test', files: ['docker-compose.yml', 'docker-compose.test.yml', 'docker-compose.ci.yml'] },
    ]);
  });

  it('files run alone (-f x) are environments of their own; the plain file alone is dev', () => {
    const l = layout({
      'docker-compose.yml': stack('dev-api', 'dev-db'),
      'docker-compose.test.yml': stack('test-api', 'test-db'),
      'docker-compose.slim-test.yml': stack('slim-test-api', 'slim-test-db'),
      'scripts/ci.sh': 'docker compose -f docker-compose.test.yml up -d --wait\n',
      'tools/runner.py': 'cmd = ["docker", "compose", "-f", "docker-compose.slim-test.yml", "up", "-d"]\n',
    });
    expect(envs(l)).toEqual([
      { name: 'dev', files: ['docker-compose.yml'] },
      { name: 'test', files: ['docker-compose.test.yml'] },
      { name: 'slim-test', files: ['docker-compose.slim-test.yml'] },
    ]);
    expect(l.environments[1]?.evidence).toEqual([
      'docker-compose.test.yml: run alone (-f docker-compose.test.yml) at scripts/ci.sh:1',
    ]);
    expect(l.environments[2]?.evidence[0]).toMatch(/tools\/runner\.py:1/);
  });

  it('`docker compose up` without -f runs the plain file (and override) where it is run', () => {
    const l = layout({
      'docker-compose.yml': stack('api'),
      'docker-compose.dev.yml': 'services:\n  api:\n    build: ./api\n',
      'README.md':
        'Just run `docker compose up -d`.\nOr build: `docker compose -f docker-compose.yml -f docker-compose.dev.yml up`\n',
      'api/README.md': 'docker compose up (this one runs api/docker-compose.yml, not ours)\n',
    });
    expect(envs(l)).toEqual([
      { name: 'dev', files: ['docker-compose.yml', 'docker-compose.dev.yml'] },
      { name: 'prod', files: ['docker-compose.yml'] },
    ]);
    expect(l.environments[1]?.evidence[0]).toBe('docker-compose.yml: run alone at README.md:1');
  });

  it('complete services none of which the plain file defines: a stack of its own', () => {
    const l = layout({ 'docker-compose.yml': stack('api'), 'docker-compose.test.yml': stack('test-api') });
    expect(envs(l)).toEqual([
      { name: 'dev', files: ['docker-compose.yml'] },
      { name: 'test', files: ['docker-compose.test.yml'] },
    ]);
  });

  it('a service that depends on one the file lacks needs the plain file under it', () => {
    const l = layout({
      'docker-compose.yml': stack('api'),
      'docker-compose.test.yml': 'services:\n  tests:\n    image: runner\n    depends_on: [api]\n',
    });
    expect(envs(l)[1]).toEqual({ name: 'test', files: ['docker-compose.yml', 'docker-compose.test.yml'] });
    expect(l.environments[1]?.evidence[0]).toMatch(/tests -> api: a service it does not define/);
  });

  it("complete services that redefine the plain file's: a decision (layers.<env>), planned layered", () => {
    const l = layout({ 'docker-compose.yml': stack('api'), 'docker-compose.prod.yml': stack('api') });
    const d = l.findings.find((f) => f.code === 'layering');
    expect(d?.decision).toMatchObject({
      id: 'layers:prod',
      kind: 'layers',
      configKey: 'layers.prod',
      choices: ['docker-compose.yml + docker-compose.prod.yml', 'docker-compose.prod.yml'],
    });
    // Nothing runs the files: no reading is safe enough for --yes to take.
    expect(d?.decision?.default).toBeUndefined();
    expect(envs(l)).toContainEqual({
      name: 'prod',
      files: ['docker-compose.yml', 'docker-compose.prod.yml'],
    });
  });

  it('run alone in one script and layered in another: a decision', () => {
    const l = layout({
      'docker-compose.yml': stack('api'),
      'docker-compose.dev.yml': stack('api'),
      Makefile:
        'up:\n\tdocker compose -f docker-compose.yml -f docker-compose.dev.yml up\nalone:\n\tdocker compose -f docker-compose.dev.yml up\n',
    });
    const d = l.findings.find((f) => f.code === 'layering');
    expect(d?.message).toMatch(/the evidence disagrees/);
    expect(d?.message).toMatch(/Makefile:2/);
    expect(d?.message).toMatch(/Makefile:4/);
  });

  it('documentation counts only when no script, CI file or code says otherwise', () => {
    const l = layout({
      'docker-compose.yml': stack('api'),
      'docker-compose.dev.yml': stack('api'),
      'README.md': '    docker compose -f docker-compose.dev.yml up\n',
      'scripts/dev.sh': 'docker compose -f docker-compose.yml -f docker-compose.dev.yml up "$@"\n',
      'scripts/stop.sh': 'docker compose -f docker-compose.dev.yml down\n',
    });
    expect(l.findings.filter((f) => f.level === 'decision')).toEqual([]);
    expect(envs(l)).toEqual([{ name: 'dev', files: ['docker-compose.yml', 'docker-compose.dev.yml'] }]);
  });

  it('a standalone dev file leaves the plain file as another stack: a decision planned as prod', () => {
    const l = layout({
      'docker-compose.yml': stack('web', 'db'),
      'docker-compose-local.yml': stack('web', 'db'),
      'setup.sh': 'echo "run: docker compose -f docker-compose-local.yml up -d"\n',
    });
    expect(envs(l)).toEqual([
      { name: 'dev', files: ['docker-compose-local.yml'] },
      { name: 'prod', files: ['docker-compose.yml'] },
    ]);
    const d = l.findings.find((f) => f.code === 'layering');
    expect(d?.decision).toMatchObject({ kind: 'layers', configKey: 'layers.prod' });
    expect(d?.decision?.default).toBeUndefined();
  });

  it('config layers says which files make an environment, alone or in order', () => {
    const files = {
      'docker-compose.yml': stack('web', 'db'),
      'docker-compose-local.yml': stack('web', 'db'),
    };
    const l = layout(files, { layers: { prod: ['docker-compose.yml'], dev: ['docker-compose-local.yml'] } });
    expect(envs(l)).toEqual([
      { name: 'dev', files: ['docker-compose-local.yml'] },
      { name: 'prod', files: ['docker-compose.yml'] },
    ]);
    expect(l.findings.filter((f) => f.level === 'decision')).toEqual([]);
    expect(l.environments[0]?.evidence).toEqual(['config layers.dev']);
    const none = layout(files, {
      layers: { prod: [], dev: ['docker-compose.yml', 'docker-compose-local.yml'] },
    });
    expect(envs(none)).toEqual([{ name: 'dev', files: ['docker-compose.yml', 'docker-compose-local.yml'] }]);
  });

  it('config layers naming a file that is not a compose file of the repository is refused (exit 2)', () => {
    let err: unknown;
    try {
      layout({ 'docker-compose.yml': stack('web') }, { layers: { prod: ['docker-compose.prd.yml'] } });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'config-invalid', exitCode: 2 });
    expect(String((err as Error).message)).toMatch(
      /layers\.prod: docker-compose\.prd\.yml is not one of the compose files found/,
    );
  });

  it('an alternative stack of complete image services runs alone; the plain file stays dev', () => {
    const l = layout({
      'docker-compose.yml': 'services:\n  vote:\n    build: ./vote\n  db:\n    image: postgres:16\n',
      'docker-compose.images.yml':
        'services:\n  vote:\n    image: example/vote\n  db:\n    image: postgres:16\n',
    });
    expect(envs(l)).toEqual([
      { name: 'dev', files: ['docker-compose.yml'] },
      { name: 'images', files: ['docker-compose.images.yml'] },
    ]);
    expect(l.findings.filter((f) => f.level === 'decision')).toEqual([]);
  });

  it('a file of anchors alone defines nothing to run: in no environment, said as info', () => {
    const l = layout({
      'docker-compose.yml': stack('api'),
      'docker-compose.base.yml': "version: '3.8'\nx-health: &h {interval: 5s}\nx-more: {healthcheck: *h}\n",
    });
    expect(envs(l)).toEqual([{ name: 'dev', files: ['docker-compose.yml'] }]);
    expect(l.findings.find((f) => f.code === 'inert-file')?.file).toBe('docker-compose.base.yml');
  });

  it('an unclassified file is a decision with its config key, planned by its evidence', () => {
    const l = layout({
      'docker-compose.yml': stack('api'),
      'docker-compose.backend.yml': 'services:\n  api:\n    ports: ["80:80"]\n',
    });
    const decision = l.findings.find((f) => f.code === 'unclassified-file');
    expect(decision?.decision?.default).toBeUndefined();
    expect(decision?.decision?.configKey).toBe('environments["docker-compose.backend.yml"]');
    expect(envs(l)).toEqual([{ name: 'dev', files: ['docker-compose.yml', 'docker-compose.backend.yml'] }]);
  });

  it('keeps the majority extension', () => {
    expect(
      layout({
        'docker-compose.development.yaml': stack('a'),
        'docker-compose.test.yaml': stack('b'),
        'x/docker-compose.prod.yml': stack('c'),
      }).extension,
    ).toBe('.yaml');
  });
});
