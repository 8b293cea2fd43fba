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
