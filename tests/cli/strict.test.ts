/**
 * `not-carried` and `--strict`: a service of the root layout that no generated file holds is named
 * in the plan (text under "Not carried", JSON with service and env); with --strict, plan exits 1
 * after printing it and apply exits 1 before writing anything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupRepos,
  cliProcess as cli,
  ensureBuilt,
  git,
  makeRepo,
  porcelain,
  type TestRepo,
} from '../helpers/cli.js';

let lumiere: TestRepo;
let complete: TestRepo;
let shared: TestRepo;

beforeAll(() => {
  ensureBuilt();
  lumiere = makeRepo('lumiere');
  // Every service is carried: api and its database go into api's files.
  complete = makeRepo(null, {
    'docker-compose.yml':
      'services:\n  api:\n    build: ./api\n    depends_on: [postgres]\n  postgres:\n    image: postgres:16\n',
    'api/Dockerfile': 'FROM python:3.12\n',
    'api/pyproject.toml': '[project]\nname = "api"\n',
  });
  // Three compose components, each with its own database, all depending on a service run on the host.
  const app = (name: string) =>
    `  ${name}:\n    build: ./${name}\n    depends_on: [${name}-db, config]\n  ${name}-db:\n    image: postgres:16\n`;
  shared = makeRepo(null, {
    'docker-compose.yml': `services:\n${['orders', 'billing', 'users'].map(app).join('')}  config:\n    build: ./config\n`,
    ...Object.fromEntries(
      ['orders', 'billing', 'users', 'config'].flatMap((n) => [
        [`${n}/Dockerfile`, 'FROM python:3.12\n'],
        [`${n}/pyproject.toml`, `[project]\nname = "${n}"\n`],
      ]),
    ),
  });
});
afterAll(cleanupRepos);

interface JsonFinding {
  code: string;
  service?: string;
  env?: string;
  key?: string;
  file?: string;
  line?: number;
}

describe('not-carried', () => {
  it('names each (environment, service) left behind, with where it is declared', () => {
    const r = cli(lumiere.dir, ['plan', '--json']);
    expect(r.code).toBe(0);
    const findings = (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings.filter(
      (f) => f.code === 'not-carried',
    );
    expect(findings.map((f) => `${f.env}/${f.service}`).sort()).toEqual([
      'dev/courier',
      'prod/courier',
      'test/courier-test',
    ]);
    for (const f of findings) {
      expect(f.file).toMatch(/^docker-compose\.\w+\.yaml$/);
      expect(f.line).toBeGreaterThan(0);
      expect(f.key).toBeUndefined();
    }
  });

  it('prints them under their own heading in the text plan', () => {
    const r = cli(lumiere.dir, ['plan']);
    expect(r.code).toBe(0);
    const section = r.stdout.split('\nNot carried\n')[1]?.split('\n\n')[0] ?? '';
    expect(section).toMatch(/docker-compose\.development\.yaml:\d+: courier \(dev\) .*runs on the host/);
    expect(section.split('\n')).toHaveLength(3);
    expect(r.stdout.split('\nFindings\n')[1]?.split('\n\n')[0]).not.toMatch(/not-carried/);
  });

  it('has nothing to say when every service is carried', () => {
    const r = cli(complete.dir, ['plan', '--json']);
    expect(r.code).toBe(0);
    const codes = (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings.map((f) => f.code);
    expect(codes).not.toContain('not-carried');
    expect(cli(complete.dir, ['plan']).stdout).not.toMatch(/Not carried/);
  });
});

describe('dropped references', () => {
  it('one not-carried finding per service and key, at the depends_on entry, naming the fix', () => {
    const r = cli(shared.dir, ['plan', '--json']);
    expect(r.code).toBe(0);
    const keys = (
      JSON.parse(r.stdout) as { findings: (JsonFinding & { message: string })[] }
    ).findings.filter((f) => f.code === 'not-carried' && f.key !== undefined);
    expect(keys.map((f) => `${f.env}/${f.service} ${f.key} ${f.file}:${f.line}`).sort()).toEqual([
      'dev/billing depends_on.config docker-compose.yml:9',
      'dev/orders depends_on.config docker-compose.yml:4',
      'dev/users depends_on.config docker-compose.yml:14',
    ]);
    for (const f of keys) expect(f.message).toMatch(new RegExp(`config peers\\.${f.service}$`));
  });

  it('identical losses of many services are one line of the text plan', () => {
    const r = cli(shared.dir, ['plan']);
    const section = r.stdout.split('\nNot carried\n')[1]?.split('\n\n')[0] ?? '';
    const dropped = section.split('\n').filter((l) => l.includes('depends_on.config'));
    expect(dropped).toEqual([
      '  docker-compose.yml:4,9,14: depends_on.config dropped from billing, orders, users (dev): config is not in the file: it belongs to config, which runs on the host; start it first, or pull it in with --with-peers or config peers.<component>',
    ]);
  });
});

describe('adjustments', () => {
  interface JsonAdjustment {
    component: string;
    env: string;
    file: string;
    service?: string;
    key: string;
    before: string;
    after: string;
    kind: string;
  }
  it('plan --json lists each with the key, the value before and after', () => {
    const list = (
      JSON.parse(cli(lumiere.dir, ['plan', '--json']).stdout) as { adjustments: JsonAdjustment[] }
    ).adjustments;
    expect(list).toContainEqual({
      component: 'pourtier',
      env: 'dev',
      file: 'pourtier/docker-compose.yaml',
      service: 'postgres',
      key: 'ports',
      before: '${PG_PORT:-5432}:5432',
      after: '5434:5432',
      kind: 'host-port',
    });
    expect(list).toContainEqual(
      expect.objectContaining({
        component: 'pourtier',
        service: 'postgres',
        key: 'container_name',
        after: 'pourtier-postgres-dev',
      }),
    );
    expect(list.filter((a) => a.kind === 'healthcheck').map((a) => a.after)).toContain(
      'pg_isready -U "$${POSTGRES_USER:-postgres}"',
    );
  });

  it('the text plan has them under their component as key: before -> after', () => {
    const text = cli(lumiere.dir, ['plan']).stdout;
    const section = text.split('\nAdjustments\n')[1]?.split('\n\n')[0] ?? '';
    const pourtier = section.split('\n  pourtier\n')[1] ?? '';
    expect(pourtier).toContain('    postgres (dev): ports: ${PG_PORT:-5432}:5432 -> 5434:5432\n');
    expect(pourtier).toContain('    postgres-test (test): tmpfs: (none) -> /var/lib/postgresql/data');
  });
});

describe('--strict', () => {
  it('plan: prints the plan, then exits 1 naming each loss', () => {
    const r = cli(lumiere.dir, ['plan', '--strict']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\nNot carried\n/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/courier \(dev\), courier-test \(test\), courier \(prod\)/);
  });

  it('apply: exits 1 and writes nothing', () => {
    const head = git(lumiere.dir, 'rev-parse', 'HEAD');
    const r = cli(lumiere.dir, ['apply', '--all', '--yes', '--strict']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--strict: 3 services are not carried/);
    expect(git(lumiere.dir, 'rev-parse', 'HEAD')).toBe(head);
    expect(porcelain(lumiere.dir)).toBe('');
  });

  it('exits 0 when nothing is left behind', () => {
    expect(cli(complete.dir, ['plan', '--strict']).code).toBe(0);
    const r = cli(complete.dir, ['apply', '--all', '--yes', '--strict']);
    expect(r.code, r.stderr).toBe(0);
    expect(porcelain(complete.dir)).toBe('');
  });
});
