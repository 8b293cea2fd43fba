/**
 * Errors that are not the user's input mistakes still read as one line with a place: a compose file
 * nested too deep to parse names file:line:col; git's multi-line output is folded to its telling line,
 * the rest shown with --verbose.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { STACK_LINE, buildOnce, cli, git, porcelain, repoFor } from './helpers.js';

beforeAll(() => buildOnce(), 120_000);

const snap = (repo: string): { head: string; index: string; status: string } => ({
  head: git(repo, 'rev-parse', 'HEAD'),
  index: git(repo, 'ls-files', '-s'),
  status: porcelain(repo),
});

describe('deep nesting', () => {
  it('a compose file nested too deep: one line at file:line:col, exit 1, nothing changed', () => {
    const { repo } = repoFor('rewritten-history', ({ repo }) => {
      const path = join(repo, 'docker-compose.yml');
      const depth = 5000;
      writeFileSync(path, `${readFileSync(path, 'utf8')}x-deep: ${'['.repeat(depth)}1${']'.repeat(depth)}\n`);
    });
    const before = snap(repo);
    for (const command of ['plan', 'apply']) {
      const r = cli([command, '-C', repo, ...(command === 'apply' ? ['--all', '--yes'] : [])]);
      expect(r.stderr).not.toMatch(STACK_LINE);
      expect(r.status, r.stderr).toBe(1);
      const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^compose-migrate: docker-compose\.yml:12:\d+: nesting too deep to read/);
      expect(lines[0]).not.toMatch(/internal error/);
      expect(snap(repo)).toEqual(before);
    }
  }, 120_000);
});

describe("git's multi-line errors", () => {
  it('are one line naming the telling line and how many more; --verbose shows them all', () => {
    const { repo } = repoFor('rewritten-history');
    const hook = join(repo, '.git/hooks/pre-commit');
    writeFileSync(
      hook,
      '#!/bin/sh\necho "lint: api/Makefile mixes tabs and spaces" >&2\necho "  line 3: <tab>dev:" >&2\necho "  line 4: <spaces>down:" >&2\nexit 1\n',
    );
    chmodSync(hook, 0o755);
    const before = snap(repo);
    const r = cli(['apply', '-C', repo, '--all', '--yes']);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.status, r.stderr).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^compose-migrate: git commit did not commit \(.*\); nothing was committed: lint: api\/Makefile mixes tabs and spaces \(2 more lines with --verbose\)$/,
    );
    expect(snap(repo)).toEqual(before);

    const v = cli(['apply', '-C', repo, '--all', '--yes', '--verbose']);
    expect(v.status).toBe(1);
    expect(v.stderr).toMatch(/^ {2}line 3: <tab>dev:$/m);
    expect(v.stderr).toMatch(/^ {2}line 4: <spaces>down:$/m);
    expect(snap(repo)).toEqual(before);
  }, 120_000);
});
