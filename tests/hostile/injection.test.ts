/**
 * Names and config values that are code in the languages the tool writes: after apply, running what
 * it rewrote (root Makefile targets, a shell script, npm scripts, CI steps) must never run them.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { STACK_LINE, buildOnce, cli, findNamed, git, porcelain, repoFor, stubBin } from './helpers.js';

beforeAll(() => buildOnce(), 120_000);

const SEMI = 'x;id>PWNED;';
const JSONISH = 'x","postinstall":"id>PWNED","z":"';

function injectionRepo() {
  return repoFor('injection', ({ repo }) => {
    for (const dir of [SEMI, JSONISH]) {
      mkdirSync(join(repo, dir));
      writeFileSync(join(repo, dir, 'Dockerfile'), 'FROM python:3.12-slim\n');
      writeFileSync(join(repo, dir, 'pyproject.toml'), '[project]\nname = "x"\nversion = "0.1.0"\n');
    }
  });
}

describe('component paths that are shell, make and JSON syntax', () => {
  it('apply rewrites every reference quoted; running the results runs nothing', () => {
    const { sandbox, repo } = injectionRepo();
    const r = cli(['apply', '-C', repo, '--all', '--yes']);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.status, r.stderr).toBe(0);
    expect(porcelain(repo)).toBe('');

    // package.json: still exactly the two scripts, each naming both component files as one word.
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(Object.keys(pkg.scripts).sort()).toEqual(['down', 'up']);
    expect(pkg.scripts['up']).toContain(`${JSONISH}/docker-compose.yml`.replace(/'/g, `'\\''`));

    const { bin, log } = stubBin(sandbox, ['docker', 'docker-compose', 'pytest']);
    const env = { ...process.env, PATH: `${bin}:/usr/bin:/bin` };
    const sh = (script: string) => spawnSync('sh', ['-c', script], { cwd: repo, env, encoding: 'utf8' });
    for (const script of Object.values(pkg.scripts)) expect(sh(script).status).toBe(0);
    expect(spawnSync('sh', ['scripts/dev.sh'], { cwd: repo, env }).status).toBe(0);
    const make = spawnSync('make', ['up', 'stop'], { cwd: repo, env, encoding: 'utf8' });
    expect(make.status, make.stderr).toBe(0);
    const workflow = parse(readFileSync(join(repo, '.github/workflows/ci.yml'), 'utf8')) as {
      jobs: { test: { steps: { run?: string }[] } };
    };
    const runs = workflow.jobs.test.steps.flatMap((s) => (s.run ? [s.run] : []));
    expect(runs.length).toBe(2);
    for (const run of runs) expect(sh(run).status).toBe(0);

    expect(findNamed(sandbox, 'PWNED')).toEqual([]);
    // Each component file reached docker as one argument.
    const calls = readFileSync(log, 'utf8');
    expect(calls).toContain(`[-f] [${SEMI}/docker-compose.yml]`);
    expect(calls).toContain(`[-f] [${JSONISH}/docker-compose.yml]`);
    expect(calls).not.toMatch(/\[id\]|uid=/);
  });
});

describe('config values that reach generated code', () => {
  it('a fileNames value that is code is refused with the config file and line; nothing written', () => {
    const { repo } = repoFor('bad-file-names');
    for (const args of [
      ['plan', '-C', repo],
      ['apply', '-C', repo, '--all', '--yes'],
    ]) {
      const r = cli(args);
      expect(r.stderr).not.toMatch(STACK_LINE);
      expect(r.status).toBe(1);
      expect(r.stderr.trim()).toMatch(
        /^compose-migrate: compose-migrate\.config\.yaml:3:\d+: fileNames\.test: .* must be a plain file name/,
      );
      expect(r.stdout).toBe('');
      expect(porcelain(repo)).toBe('');
    }
  });

  it.each([
    ['a directory separator', 'test: sub/docker-compose.yml'],
    ['a parent directory', 'test: ../x.yml'],
    ['two environments sharing one name', 'dev: same.yml\n  test: same.yml'],
    ['a default name of another environment', 'dev: docker-compose.test.yaml'],
    ['a template substitution', 'test: "x${process.exit()}.yml"'],
  ])('fileNames with %s is refused', (_what, entry) => {
    const { repo } = repoFor('bad-file-names', ({ repo }) => {
      writeFileSync(join(repo, 'compose-migrate.config.yaml'), `fileNames:\n  ${entry}\n`);
    });
    const head = git(repo, 'rev-parse', 'HEAD');
    const r = cli(['apply', '-C', repo, '--all', '--yes']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^compose-migrate: compose-migrate\.config\.yaml:\d+:\d+: fileNames\.(dev|test): /,
    );
    expect(porcelain(repo)).toBe('');
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(head);
  });
});

describe('network_mode: service:<sidecar>', () => {
  it('the sidecar travels with the service; network_mode is kept and verify is clean', () => {
    const { repo } = repoFor('network-sidecar');
    const r = cli(['apply', '-C', repo, '--component', 'api', '--yes']);
    expect(r.status, r.stderr).toBe(0);
    const file = parse(readFileSync(join(repo, 'api/docker-compose.yml'), 'utf8')) as {
      services: Record<string, { network_mode?: string }>;
    };
    expect(file.services['api']?.network_mode).toBe('service:tunnel');
    expect(Object.keys(file.services).sort()).toEqual(['api', 'postgres', 'tunnel']);
    const v = cli(['verify', '-C', repo, '--component', 'api']);
    expect(v.status, v.stdout + v.stderr).toBe(0);
  });
});
