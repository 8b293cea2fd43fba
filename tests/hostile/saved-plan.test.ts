/**
 * Saved plans: the config is an input (a config written after the plan makes it stale), a saved
 * plan that names paths outside the repo, lists no inputs or names missing components is refused,
 * and `plan --out` never overwrites a compose file or a tracked file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { STACK_LINE, buildOnce, cli, git, porcelain, repoFor } from './helpers.js';

beforeAll(() => buildOnce(), 120_000);

function savedPlan(): { repo: string; sandbox: string; file: string } {
  const { repo, sandbox } = repoFor('prototype-names');
  const file = join(sandbox, 'plan.json');
  const r = cli(['plan', '-C', repo, '--out', file]);
  expect(r.status, r.stderr).toBe(0);
  return { repo, sandbox, file };
}

describe('apply --plan', () => {
  it('a config created after the plan was saved makes it stale (exit 3); nothing written', () => {
    const { repo, file } = savedPlan();
    writeFileSync(join(repo, 'compose-migrate.config.yaml'), 'containerNames: keep\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'config');
    const head = git(repo, 'rev-parse', 'HEAD');
    const r = cli(['apply', '-C', repo, '--plan', file]);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/stale: .*compose-migrate\.config\.yaml/);
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(head);
    expect(porcelain(repo)).toBe('');
  }, 120_000);

  const edits: [string, (p: Record<string, unknown>) => void, RegExp][] = [
    [
      'an input outside the repository',
      (p) => (p['inputs'] as unknown[]).push({ path: '../../etc/passwd', sha256: '' }),
      /not a path inside the repository/,
    ],
    ['no inputs', (p) => (p['inputs'] = []), /lists no input files/],
    [
      'a component that does not exist',
      (p) => ((p['options'] as { components: string[] }).components = ['ghost']),
      /unknown component "ghost"/,
    ],
    [
      'an empty component name',
      (p) => ((p['options'] as { components: string[] }).components = ['']),
      /options\.components/,
    ],
  ];
  for (const [what, edit, says] of edits) {
    it(`a saved plan with ${what} is refused (exit 2); nothing written`, () => {
      const { repo, file } = savedPlan();
      const plan = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      edit(plan);
      writeFileSync(file, JSON.stringify(plan));
      const head = git(repo, 'rev-parse', 'HEAD');
      const r = cli(['apply', '-C', repo, '--plan', file]);
      expect(r.stderr).not.toMatch(STACK_LINE);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(says);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(git(repo, 'rev-parse', 'HEAD')).toBe(head);
      expect(porcelain(repo)).toBe('');
    }, 120_000);
  }
});

describe('plan --out', () => {
  it('refuses to overwrite a compose file or a tracked file (exit 3); both unchanged', () => {
    const { repo } = repoFor('prototype-names');
    for (const [target, says] of [
      ['docker-compose.development.yml', /named like a compose file/],
      ['README.md', /git tracks it/],
    ] as const) {
      const path = join(repo, target);
      const before = readFileSync(path, 'utf8');
      const r = cli(['plan', '-C', repo, '--out', path]);
      expect(r.status).toBe(3);
      expect(r.stderr).toMatch(says);
      expect(readFileSync(path, 'utf8')).toBe(before);
    }
    expect(porcelain(repo)).toBe('');
  }, 120_000);
});
