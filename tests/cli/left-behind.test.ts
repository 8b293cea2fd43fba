/**
 * The left-behind fixture: a host component's own service, an environment that holds only
 * infrastructure for apps run on the host, and a dependency on a service outside the generated file.
 * Each is a `not-carried` finding `plan --strict` exits 1 on; apply refuses to archive the
 * environment nothing replaces unless told to; after the fixes the plan names, nothing is left.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupRepos,
  cliProcess as cli,
  cloneRepo,
  ensureBuilt,
  expectOneLineError,
  git,
  porcelain,
  makeRepo,
  readText,
  treeHashes,
  writeText,
  type TestRepo,
} from '../helpers/cli.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

let repo: TestRepo;

beforeAll(() => {
  ensureBuilt();
  repo = makeRepo('left-behind');
});
afterAll(cleanupRepos);

interface JsonFinding {
  code: string;
  message: string;
  service?: string;
  env?: string;
  key?: string;
  file?: string;
  line?: number;
  component?: string;
  reason?: string;
}
interface JsonPlan {
  findings: JsonFinding[];
  adjustments: {
    component: string;
    env: string;
    service?: string;
    key: string;
    before: string;
    after: string;
  }[];
  changes: { op: string; path: string }[];
}

const planJson = (dir: string): JsonPlan => {
  const r = cli(dir, ['plan', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as JsonPlan;
};

/** Work tree bytes, index and HEAD: what "nothing changed" means. */
const state = (dir: string) => ({
  tree: treeHashes(dir),
  index: git(dir, 'ls-files', '--stage'),
  head: git(dir, 'rev-parse', 'HEAD'),
  status: porcelain(dir),
});

describe('plan names each loss', () => {
  it('as not-carried findings in JSON: services with their environment, the dropped key with its place', () => {
    const lost = planJson(repo.dir).findings.filter((f) => f.code === 'not-carried');
    expect(lost.map((f) => `${f.env}/${f.service}${f.key ? ` ${f.key}` : ''}`).sort()).toEqual([
      'dev/postgres',
      'dev/redis',
      'prod/api depends_on.settings',
      'prod/handbook',
      'prod/settings',
    ]);
    const dependency = lost.find((f) => f.key === 'depends_on.settings');
    expect(dependency).toMatchObject({ file: 'docker-compose.prod.yml', component: 'api' });
    // The line of the depends_on entry in the root file.
    const lines = readText(repo.dir, 'docker-compose.prod.yml').split('\n');
    expect(lines[(dependency?.line ?? 0) - 1]).toMatch(/^\s+- settings$/);
    expect(dependency?.message).toMatch(
      /settings is not in that file: it belongs to settings, which runs on the host/,
    );
    expect(dependency?.message).toMatch(/config peers\.api/);
    const handbook = lost.find((f) => f.service === 'handbook');
    expect(handbook?.message).toMatch(/config kinds\.handbook: compose/);
    expect(lost.find((f) => f.service === 'redis')?.message).toMatch(
      /config services\.redis: backing:<component>/,
    );
  });

  it('plan --strict prints the plan, then exits 1 naming every service and key left behind', () => {
    const r = cli(repo.dir, ['plan', '--strict']);
    expect(r.code).toBe(1);
    const section = r.stdout.split('\nNot carried\n')[1]?.split('\n\n')[0] ?? '';
    expect(section).toMatch(/docker-compose\.prod\.yml:\d+: api \(prod\) loses depends_on\.settings/);
    expect(section).toMatch(/handbook \(prod\) is in no generated file/);
    const line = expectOneLineError(r);
    expect(line).toMatch(
      /4 services are not carried into any generated file: postgres \(dev\), redis \(dev\), handbook \(prod\), settings \(prod\)/,
    );
    expect(line).toMatch(/1 key is dropped from carried services: api \(prod\) depends_on\.settings/);
  });

  it('says the root files stay because nothing replaces the dev environment', () => {
    const plan = planJson(repo.dir);
    const refused = plan.findings.filter((f) => f.code === 'archive-refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]?.message).toMatch(/environment dev \(docker-compose\.dev\.yml: postgres, redis\)/);
    expect(plan.changes.filter((c) => c.op === 'move')).toEqual([]);
  });
});

describe('apply and the environment nothing replaces', () => {
  it('refuses to archive it (exit 3), naming it and its files, and changes nothing', () => {
    const copy = cloneRepo(repo);
    const before = state(copy.dir);
    for (const args of [
      ['apply', '--all', '--yes'],
      ['apply', '--component', 'api', '--component', 'handbook', '--component', 'settings', '--yes'],
    ]) {
      const r = cli(copy.dir, args);
      expect(r.code).toBe(3);
      expect(expectOneLineError(r)).toMatch(
        /refusing to archive the root compose files: no generated file carries any service of environment dev \(docker-compose\.dev\.yml\).*nothing was written.*--archive.*--no-archive/,
      );
      expect(state(copy.dir)).toEqual(before);
    }
  });

  it('migrates a component that does not complete the migration: no archive, nothing to refuse', () => {
    const copy = cloneRepo(repo);
    // settings runs on the host: api, the one compose component, is still to migrate.
    const r = cli(copy.dir, ['apply', '--component', 'settings', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(copy.dir, 'docker-compose.dev.yml'))).toBe(true);
  });

  it('with --archive archives it and says so', () => {
    const copy = cloneRepo(repo);
    const r = cli(copy.dir, ['apply', '--all', '--yes', '--archive']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /archived environment dev \(docker-compose\.dev\.yml: postgres, redis\) is archived to todo\/ although no generated file carries any of its services \(--archive\)/,
    );
    expect(existsSync(join(copy.dir, 'todo/docker-compose.dev.yml'))).toBe(true);
    expect(existsSync(join(copy.dir, 'docker-compose.dev.yml'))).toBe(false);
    expect(porcelain(copy.dir)).toBe('');
  });

  it('with --no-archive migrates and keeps the root files', () => {
    const copy = cloneRepo(repo);
    const r = cli(copy.dir, ['apply', '--all', '--yes', '--no-archive']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(copy.dir, 'docker-compose.dev.yml'))).toBe(true);
    expect(existsSync(join(copy.dir, 'api/docker-compose.production.yml'))).toBe(true);
  });
});

describe('a saved plan and the archive', () => {
  it('plan --archive plans the moves and says what nothing replaces', () => {
    const r = cli(repo.dir, ['plan', '--json', '--archive']);
    expect(r.code, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout) as JsonPlan;
    expect(p.changes.filter((c) => c.op === 'move').map((c) => c.path)).toEqual([
      'docker-compose.dev.yml',
      'docker-compose.prod.yml',
    ]);
    expect(p.findings.map((f) => f.code)).toContain('archive-unreplaced');
    expect(p.findings.map((f) => f.code)).not.toContain('archive-refused');
  });

  it('apply --plan of a plan made without --archive refuses, naming how to make one that archives', () => {
    const copy = cloneRepo(repo);
    const saved = join(copy.dir, '..', 'plan.json');
    expect(cli(copy.dir, ['plan', '--out', saved]).code).toBe(0);
    const before = state(copy.dir);
    const r = cli(copy.dir, ['apply', '--plan', saved]);
    expect(r.code).toBe(3);
    expect(expectOneLineError(r)).toMatch(/Make the plan again with plan --archive .* --out /);
    expect(state(copy.dir)).toEqual(before);
  });

  it('apply --plan of a plan made with --archive archives', () => {
    const copy = cloneRepo(repo);
    const saved = join(copy.dir, '..', 'plan.json');
    expect(cli(copy.dir, ['plan', '--archive', '--out', saved]).code).toBe(0);
    const r = cli(copy.dir, ['apply', '--plan', saved]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(copy.dir, 'todo/docker-compose.dev.yml'))).toBe(true);
  });
});

describe('after the fixes the plan names', () => {
  let fixed: TestRepo;
  beforeAll(() => {
    fixed = cloneRepo(repo);
    writeText(
      fixed.dir,
      'compose-migrate.config.yaml',
      [
        'kinds:',
        '  handbook: compose',
        'services:',
        '  postgres: backing:api',
        '  redis: backing:api',
        'peers:',
        '  api: [settings]',
        '',
      ].join('\n'),
    );
    git(fixed.dir, 'add', 'compose-migrate.config.yaml');
    git(fixed.dir, 'commit', '-q', '-m', 'answers');
  });

  it('plan --strict exits 0: nothing is left behind', () => {
    const r = cli(fixed.dir, ['plan', '--strict']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/Not carried/);
    expect(planJson(fixed.dir).findings.filter((f) => /^(not-carried|archive-)/.test(f.code))).toEqual([]);
  });

  it('apply --strict archives, the dev infrastructure now in api/ and the handbook in its own file', () => {
    const r = cli(fixed.dir, ['apply', '--all', '--yes', '--strict']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(fixed.dir, 'todo/docker-compose.dev.yml'))).toBe(true);
    expect(readText(fixed.dir, 'api/docker-compose.yml')).toMatch(/\n {2}postgres:\n[\s\S]*\n {2}redis:\n/);
    expect(readText(fixed.dir, 'api/docker-compose.production.yml')).toMatch(/\n {2}settings:\n/);
    expect(readText(fixed.dir, 'handbook/docker-compose.production.yml')).toMatch(/\n {2}handbook:\n/);
  });
});

describe('config kinds', () => {
  it('rejects a kind other than compose or host, naming the key, and changes nothing', () => {
    const copy = cloneRepo(repo);
    writeText(copy.dir, 'compose-migrate.config.yaml', 'kinds:\n  handbook: docker\n');
    const before = state(copy.dir);
    const r = cli(copy.dir, ['plan']);
    expect(r.code).not.toBe(0);
    expect(expectOneLineError(r)).toMatch(
      /compose-migrate\.config\.yaml:2:\d+: kinds\.handbook: must be compose or host/,
    );
    expect(state(copy.dir)).toEqual(before);
  });

  it('warns about a name that is no component', () => {
    const copy = cloneRepo(repo);
    writeText(copy.dir, 'compose-migrate.config.yaml', 'kinds:\n  handbok: compose\n');
    const f = planJson(copy.dir).findings.find((x) => x.code === 'config-unknown-component');
    expect(f?.message).toMatch(/config kinds\.handbok names no component/);
  });
});
