/**
 * Smaller wrong outcomes: names that are JavaScript object properties, huge environment values,
 * rollback's component argument.
 */
import { appendFileSync } from 'node:fs';
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
      ['apx', /unknown component "apx" \(components: api\)/],
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
