import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { definedTargets, renderMakefile } from '../../src/generate/makefile.js';
import { isMigrateError } from '../../src/errors.js';
import { component } from './helpers.js';

const hasMake = spawnSync('make', ['--version']).status === 0;
if (!hasMake && process.env.CI === 'true') throw new Error('make is required in CI');

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A component dir with the rendered files, a stub `docker` that logs its args, and a stub test runner. */
function sandbox(files: { path: string; content: string }[]): {
  dir: string;
  run: (
    target: string,
    env?: Record<string, string>,
  ) => { status: number | null; out: string; log: string[] };
} {
  const root = mkdtempSync(join(tmpdir(), 'cm-make-'));
  dirs.push(root);
  const dir = join(root, 'comp');
  const bin = join(root, 'bin');
  execFileSync('mkdir', ['-p', dir, bin]);
  for (const f of files) writeFileSync(join(dir, f.path.split('/').pop() as string), f.content);
  const log = join(root, 'docker.log');
  writeFileSync(
    join(bin, 'docker'),
    `#!/bin/sh\nprintf '%s\\n' "docker $*" >> '${log}'\ncase " $* " in *" up "*) [ -n "$FAIL_UP" ] && exit 3;; esac\nexit 0\n`,
  );
  writeFileSync(
    join(bin, 'run-tests'),
    `#!/bin/sh\nprintf '%s\\n' "tests ran" >> '${log}'\nexit "\${TEST_STATUS:-0}"\n`,
  );
  chmodSync(join(bin, 'docker'), 0o755);
  chmodSync(join(bin, 'run-tests'), 0o755);
  return {
    dir,
    run(target, env = {}) {
      const r = spawnSync('make', target === '' ? ['-s'] : ['-s', target], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, ...env },
      });
      const lines = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
      rmSync(log, { force: true });
      return { status: r.status, out: r.stdout + r.stderr, log: lines };
    },
  };
}

const pourtier = component('pourtier', 'pourtier', ['pourtier'], {
  runner: { command: 'run-tests', unitCommand: 'run-tests unit', manifest: 'pourtier/pyproject.toml' },
});
const files = { dev: 'docker-compose.yaml', test: 'docker-compose.test.yaml' };

describe.skipIf(!hasMake)('generated Makefile, run by make', () => {
  it('creates a Makefile whose targets drive compose from the component dir', () => {
    const r = renderMakefile({ component: pourtier, files, envFile: '../.env' });
    expect(r.clashes).toEqual([]);
    expect(r.files.map((f) => [f.path, f.op])).toEqual([['pourtier/Makefile', 'create']]);
    const box = sandbox(r.files);
    const dry = spawnSync('make', ['-n', 'dev', 'logs', 'down'], { cwd: box.dir, encoding: 'utf8' });
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain("docker compose --env-file '../.env' -f 'docker-compose.yaml' up -d");
    expect(dry.stdout).toContain("docker compose --env-file '../.env' -f 'docker-compose.yaml' logs -f");
    expect(dry.stdout).toContain("docker compose --env-file '../.env' -f 'docker-compose.yaml' down");
    // The default goal is dev.
    expect(box.run('').log).toEqual(['docker compose --env-file ../.env -f docker-compose.yaml up -d']);
    expect(box.run('clean').log).toEqual([
      'docker compose --env-file ../.env -f docker-compose.yaml down -v --remove-orphans',
      'docker compose --env-file ../.env -f docker-compose.test.yaml down -v --remove-orphans',
    ]);
  });

  it('test: up --wait, tests, down -v; passing tests pass', () => {
    const box = sandbox(renderMakefile({ component: pourtier, files }).files);
    const r = box.run('test');
    expect(r.status).toBe(0);
    expect(r.log).toEqual([
      'docker compose -f docker-compose.test.yaml up -d --wait',
      'tests ran',
      'docker compose -f docker-compose.test.yaml down -v',
    ]);
  });

  it('test: failing tests still tear down, and their exit status is kept', () => {
    const box = sandbox(renderMakefile({ component: pourtier, files }).files);
    const r = box.run('test', { TEST_STATUS: '7' });
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/Error 7/);
    expect(r.log).toEqual([
      'docker compose -f docker-compose.test.yaml up -d --wait',
      'tests ran',
      'docker compose -f docker-compose.test.yaml down -v',
    ]);
  });

  it('test: a failed start tears down what started and skips the tests', () => {
    const box = sandbox(renderMakefile({ component: pourtier, files }).files);
    const r = box.run('test', { FAIL_UP: '1' });
    expect(r.out).toMatch(/Error 3/);
    expect(r.log).toEqual([
      'docker compose -f docker-compose.test.yaml up -d --wait',
      'docker compose -f docker-compose.test.yaml down -v',
    ]);
  });

  it('host-only components run their runner on the host, test by default', () => {
    const courier = component('courier', 'courier', ['courier'], {
      kind: 'host',
      runner: { command: 'run-tests', unitCommand: 'run-tests unit', manifest: 'courier/pyproject.toml' },
    });
    const r = renderMakefile({ component: courier, files: {} });
    const box = sandbox(r.files);
    expect(r.files[0]?.content).not.toContain('docker');
    const run = box.run('');
    expect(run.status).toBe(0);
    expect(run.log).toEqual(['tests ran']);
    expect(box.run('test-unit', { TEST_STATUS: '5' }).out).toMatch(/Error 5/);
  });

  it('keeps an existing Makefile line for line, includes compose.mk once, renames clashing targets', () => {
    const existing =
      '# Passeur developer shortcuts\n.PHONY: lint test\n\nlint:\n\tnpx eslint src\n\ntest:\n\tnode --test tests/\n';
    const r = renderMakefile({ component: pourtier, files, existing });
    expect(r.clashes).toEqual(['test']);
    const makefile = r.files.find((f) => f.path === 'pourtier/Makefile');
    const mk = r.files.find((f) => f.path === 'pourtier/compose.mk');
    expect(makefile?.op).toBe('modify');
    expect(mk?.op).toBe('create');
    expect(makefile?.content.startsWith(existing)).toBe(true);
    expect(makefile?.content.match(/^include compose\.mk$/gm)).toHaveLength(1);
    expect(mk?.content).not.toMatch(/^test:/m);
    expect(mk?.content).toMatch(/^compose-test:/m);
    expect(mk?.content).not.toContain('DEFAULT_GOAL');

    // Re-rendering against the modified Makefile does not add a second include.
    const again = renderMakefile({
      component: pourtier,
      files,
      existing: makefile?.content,
      existingComposeMk: mk?.content,
    });
    expect(again.files.map((f) => [f.path, f.op])).toEqual([['pourtier/compose.mk', 'modify']]);
    expect(again.files[0]?.content).toBe(mk?.content);

    const box = sandbox(r.files);
    const dry = spawnSync('make', ['-n', 'test'], { cwd: box.dir, encoding: 'utf8' });
    expect(dry.stdout.trim()).toBe('node --test tests/');
    expect(dry.stderr).not.toMatch(/warning/i);
    expect(box.run('compose-test').log).toEqual([
      'docker compose -f docker-compose.test.yaml up -d --wait',
      'tests ran',
      'docker compose -f docker-compose.test.yaml down -v',
    ]);
    // The user's first target is still the default goal.
    const def = spawnSync('make', ['-n'], { cwd: box.dir, encoding: 'utf8' });
    expect(def.stdout.trim()).toBe('npx eslint src');
  });

  it.each([
    '$(shell touch PWNED)',
    '`touch PWNED`',
    '$(touch PWNED)',
    "it's; touch PWNED",
    'two words',
    '"quoted" $HOME ${PATH}',
    'back\\slash #hash %pct',
  ])('hostile component name %j cannot inject commands', (name) => {
    for (const kind of ['compose', 'host'] as const) {
      const c = component(name, `apps/${name}`, [], {
        kind,
        runner: { command: 'run-tests', unitCommand: 'run-tests unit', manifest: 'x' },
      });
      const r = renderMakefile({
        component: c,
        files: kind === 'compose' ? files : {},
        envFile: kind === 'compose' ? `../${name}/.env` : undefined,
      });
      const box = sandbox(r.files);
      const dry = spawnSync('make', ['-n', 'dev'], { cwd: box.dir, encoding: 'utf8' });
      expect(dry.status).toBe(0);
      expect(existsSync(join(box.dir, 'PWNED'))).toBe(false);
      const run = box.run('dev');
      expect(run.status).toBe(0);
      expect(existsSync(join(box.dir, 'PWNED'))).toBe(false);
      expect(run.out).toContain(name);
      if (kind === 'compose')
        expect(run.log).toEqual([`docker compose --env-file ../${name}/.env -f docker-compose.yaml up -d`]);
    }
  });
});

describe('renderMakefile input checks', () => {
  it('refuses a name with a line break', () => {
    const c = component('evil\ntarget:', 'evil', []);
    let err: unknown;
    try {
      renderMakefile({ component: c, files });
    } catch (e) {
      err = e;
    }
    expect(isMigrateError(err) && err.code).toBe('component-name');
  });

  it('finds rule targets, not assignments, recipes or special targets', () => {
    const targets = definedTargets(
      'X := 1\nY = a:b\n.PHONY: a\na b: c\n\techo d: e\ntest::\nlint: ; true\n# c: d\nifeq ($(X),1)\nendif\n',
    );
    expect([...targets].sort()).toEqual(['a', 'b', 'lint', 'test']);
  });
});

describe.skipIf(!hasMake)('targets without a test file or a known runner', () => {
  it('a dev-only component tests against its development stack and never removes its volumes', () => {
    const r = renderMakefile({ component: pourtier, files: { dev: 'docker-compose.yaml' } });
    const box = sandbox(r.files);
    const run = box.run('test');
    expect(run.status).toBe(0);
    expect(run.log).toEqual(['docker compose -f docker-compose.yaml up -d --wait', 'tests ran']);
    const failing = box.run('test', { TEST_STATUS: '4' });
    expect(failing.status).not.toBe(0);
    expect(failing.log.some((l) => l.includes('down'))).toBe(false);
  });

  it('a component whose manifest names no runner fails its test targets with the config key to set', () => {
    const bare = component('gateway', 'gateway', [], {
      kind: 'host',
      runner: { command: '', unitCommand: '', manifest: '' },
    });
    const r = renderMakefile({ component: bare, files: {} });
    const box = sandbox(r.files);
    const test = box.run('test');
    expect(test.status).not.toBe(0);
    expect(test.out).toContain(
      'gateway: no test command is known; set testCommands.gateway in compose-migrate.config.yaml',
    );
    const unit = box.run('test-unit');
    expect(unit.status).not.toBe(0);
    expect(unit.out).toContain('gateway: no unit tests found (no tests/unit folder, no test:unit script)');
    // A configured command wins.
    const configured = sandbox(
      renderMakefile({ component: bare, files: {}, testCommand: 'run-tests' }).files,
    );
    expect(configured.run('test')).toMatchObject({ status: 0, log: ['tests ran'] });
  });
});

describe.skipIf(!hasMake)('every generated target, run with a recording docker', () => {
  it('tests run inside the test-runner container, and every failure path tears down', () => {
    const r = renderMakefile({ component: pourtier, files, testRunnerService: 'pourtier-runner' });
    const box = sandbox(r.files);
    const ok = box.run('test');
    expect(ok.status).toBe(0);
    expect(ok.log).toEqual([
      'docker compose -f docker-compose.test.yaml up -d --wait',
      'docker compose -f docker-compose.test.yaml exec -T pourtier-runner run-tests',
      'docker compose -f docker-compose.test.yaml down -v',
    ]);
    // A failed start: teardown, no exec.
    expect(box.run('test', { FAIL_UP: '1' }).log).toEqual([
      'docker compose -f docker-compose.test.yaml up -d --wait',
      'docker compose -f docker-compose.test.yaml down -v',
    ]);
    // A shell command goes through sh -c inside the container, as one word.
    const shell = renderMakefile({
      component: pourtier,
      files,
      testRunnerService: 'pourtier-runner',
      testCommand: 'cd /app && python -m pytest tests/integration',
    });
    expect(sandbox(shell.files).run('test').log[1]).toBe(
      'docker compose -f docker-compose.test.yaml exec -T pourtier-runner sh -c cd /app && python -m pytest tests/integration',
    );
  });

  it('an unknown test command fails the target after tearing down, with no "@echo" inside a shell line', () => {
    const bare = component('gateway', 'gateway', ['gateway'], {
      runner: { command: '', unitCommand: '', manifest: '' },
    });
    const r = renderMakefile({ component: bare, files });
    expect(r.files[0]!.content).not.toMatch(/[;&|] *@echo/);
    const run = sandbox(r.files).run('test');
    expect(run.status).not.toBe(0);
    expect(run.out).not.toContain('@echo: not found');
    expect(run.out).toContain('set testCommands.gateway');
    expect(run.log).toEqual([
      'docker compose -f docker-compose.test.yaml up -d --wait',
      'docker compose -f docker-compose.test.yaml down -v',
    ]);
  });

  it('prod targets run the production file; dev, down, logs, clean are exact', () => {
    const r = renderMakefile({
      component: pourtier,
      files: { ...files, prod: 'docker-compose.production.yaml' },
    });
    const box = sandbox(r.files);
    const expected: Record<string, string[]> = {
      dev: ['docker compose -f docker-compose.yaml up -d'],
      down: ['docker compose -f docker-compose.yaml down'],
      logs: ['docker compose -f docker-compose.yaml logs -f'],
      'test-unit': ['tests ran'],
      clean: [
        'docker compose -f docker-compose.yaml down -v --remove-orphans',
        'docker compose -f docker-compose.test.yaml down -v --remove-orphans',
      ],
      prod: ['docker compose -f docker-compose.production.yaml up -d'],
      'prod-down': ['docker compose -f docker-compose.production.yaml down'],
      'prod-logs': ['docker compose -f docker-compose.production.yaml logs -f'],
    };
    for (const [target, log] of Object.entries(expected)) {
      const run = box.run(target);
      expect([target, run.status, run.log]).toEqual([target, 0, log]);
    }
  });

  it('a host component with only a prod file: host tests, prod targets, down and logs that say so', () => {
    const web = component('web', 'web', ['web'], {
      kind: 'host',
      runner: { command: 'run-tests', unitCommand: 'run-tests unit', manifest: 'web/package.json' },
    });
    const r = renderMakefile({ component: web, files: { prod: 'docker-compose.production.yaml' } });
    const box = sandbox(r.files);
    expect(box.run('test').log).toEqual(['tests ran']);
    expect(box.run('prod').log).toEqual(['docker compose -f docker-compose.production.yaml up -d']);
    expect(box.run('prod-down').log).toEqual(['docker compose -f docker-compose.production.yaml down']);
    for (const target of ['down', 'logs']) {
      const run = box.run(target);
      expect(run.status).toBe(0);
      expect(run.log).toEqual([]);
      expect(run.out).toContain('web runs on the host');
    }
    const hostOnly = sandbox(renderMakefile({ component: web, files: {} }).files);
    expect(hostOnly.run('down')).toMatchObject({ status: 0, log: [] });
    expect(hostOnly.run('prod').status).not.toBe(0);
  });
});
