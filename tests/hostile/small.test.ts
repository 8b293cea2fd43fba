/**
 * Smaller wrong outcomes: names that are JavaScript object properties, huge environment values,
 * rollback's component argument.
 */
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { STACK_LINE, buildOnce, cli, git, porcelain, repoFor } from './helpers.js';

beforeAll(() => buildOnce(), 120_000);

describe('service names that are Object.prototype properties', () => {
  it('plan, apply, verify, status and rollback treat them as names', () => {
    const { repo } = repoFor('prototype-names');
    const start = git(repo, 'rev-parse', 'HEAD^{tree}');
    const plan = cli(['plan', '-C', repo, '--json']);
    expect(plan.stderr).not.toMatch(STACK_LINE);
    expect(plan.status, plan.stderr).toBe(0);
    const json = JSON.parse(plan.stdout) as { components: { name: string; backing: { dev: string[] } }[] };
    expect(json.components.find((c) => c.name === 'api')?.backing.dev.sort()).toEqual([
      'constructor',
      'hasOwnProperty',
      'toString',
      'valueOf',
    ]);
    expect(cli(['apply', '-C', repo, '--all', '--yes']).status).toBe(0);
    expect(cli(['verify', '-C', repo]).status).toBe(0);
    const status = cli(['status', '-C', repo]);
    expect(status.stdout).toMatch(/api\s+migrated/);
    const back = cli(['rollback', '-C', repo, '--yes']);
    expect(back.status, back.stderr).toBe(0);
    expect(porcelain(repo)).toBe('');
    expect(git(repo, 'rev-parse', 'HEAD^{tree}')).toBe(start);
  }, 120_000);
});

describe('huge environment values', () => {
  it('a 300 KB and a 1 MB value plan in linear time', () => {
    const { repo } = repoFor('huge-env-value', ({ repo }) => {
      appendFileSync(
        join(repo, 'docker-compose.development.yml'),
        `      BLOB: "${'a'.repeat(300_000)}"\n      DOTS: "${'a.'.repeat(500_000)}"\n`,
      );
    });
    const r = cli(['plan', '-C', repo]);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.status, r.stderr).toBe(0);
    // Before the fix: 64 s for 300 KB. Generous for a loaded machine, far below quadratic.
    expect(r.ms).toBeLessThan(20_000);
    expect(r.stdout).toMatch(/api\s+compose\s+api\s+postgres/);
  }, 120_000);
});

describe('rollback --component', () => {
  it('an empty name and an unknown name are usage errors (exit 2); nothing changes', () => {
    const { repo } = repoFor('prototype-names');
    expect(cli(['apply', '-C', repo, '--all', '--yes']).status).toBe(0);
    const head = git(repo, 'rev-parse', 'HEAD');
    for (const [name, says] of [
      ['', /--component needs a component name/],
      ['apx', /unknown component "apx"; did you mean api\?/],
    ] as const) {
      const r = cli(['rollback', '-C', repo, '--component', name, '--yes']);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(says);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(git(repo, 'rev-parse', 'HEAD')).toBe(head);
      expect(porcelain(repo)).toBe('');
    }
  }, 120_000);
});

describe('the project name compose really uses pins volume names', () => {
  const pinned = (repo: string): string | undefined => {
    const r = cli(['apply', '-C', repo, '--all', '--yes']);
    expect(r.status, r.stderr).toBe(0);
    const file = parse(readFileSync(join(repo, 'api/docker-compose.yml'), 'utf8')) as {
      volumes?: Record<string, { name?: string }>;
    };
    return file.volumes?.['pgdata']?.name;
  };

  it('COMPOSE_PROJECT_NAME in the root .env', () => {
    const { repo } = repoFor('compose-project-name');
    expect(pinned(repo)).toBe('shop_front_pgdata');
  }, 120_000);

  it('an interpolated top-level name: with its default', () => {
    const { repo } = repoFor('compose-project-name', ({ repo }) => {
      writeFileSync(join(repo, '.env'), 'PG_TAG=16\n');
      const path = join(repo, 'docker-compose.development.yml');
      writeFileSync(path, `name: \${STACK:-storefront}\n${readFileSync(path, 'utf8')}`);
    });
    expect(pinned(repo)).toBe('storefront_pgdata');
  }, 120_000);
});

describe('a hand-written compose.mk', () => {
  it('is never replaced: apply warns, naming it, and leaves it and the Makefile as they were', () => {
    const { repo } = repoFor('hand-written-compose-mk');
    const mk = readFileSync(join(repo, 'api/compose.mk'), 'utf8');
    const makefile = readFileSync(join(repo, 'api/Makefile'), 'utf8');
    const plan = cli(['plan', '-C', repo, '--json']);
    expect(plan.status, plan.stderr).toBe(0);
    const json = JSON.parse(plan.stdout) as {
      findings: { level: string; file?: string; message: string }[];
      changes: { path: string }[];
    };
    const warning = json.findings.find((f) => f.file === 'api/compose.mk');
    expect(warning?.level).toBe('warning');
    expect(warning?.message).toMatch(/not written by compose-migrate/);
    expect(json.changes.map((c) => c.path)).not.toContain('api/compose.mk');
    expect(cli(['apply', '-C', repo, '--all', '--yes']).status).toBe(0);
    expect(readFileSync(join(repo, 'api/compose.mk'), 'utf8')).toBe(mk);
    expect(readFileSync(join(repo, 'api/Makefile'), 'utf8')).toBe(makefile);
  }, 120_000);
});

describe('a component name git cannot record', () => {
  it('is refused before the first write (exit 2), naming it; tree, index and HEAD unchanged', () => {
    const { repo } = repoFor('hostile-names', ({ repo }) => {
      mkdirSync(join(repo, 'with space'));
      writeFileSync(join(repo, 'with space', 'Dockerfile'), 'FROM python:3.12-slim\n');
      writeFileSync(join(repo, 'with space', 'pyproject.toml'), '[project]\nname = "x"\nversion = "0.1.0"\n');
      writeFileSync(
        join(repo, 'docker-compose.yml'),
        'services:\n  postgres:\n    image: postgres:16\n  spaced:\n    build: "./with space"\n    depends_on: [postgres]\n',
      );
    });
    const head = git(repo, 'rev-parse', 'HEAD');
    const index = git(repo, 'ls-files', '-s');
    const r = cli(['apply', '-C', repo, '--all', '--yes']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('compose-migrate: component name "with space" cannot be recorded in git');
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(head);
    expect(git(repo, 'ls-files', '-s')).toBe(index);
    expect(porcelain(repo)).toBe('');
  }, 120_000);
});
