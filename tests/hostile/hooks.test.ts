/**
 * Commits respect the repository: its pre-commit and commit-msg hooks run and can stop the apply,
 * commit.gpgsign is honoured (a signing failure stops it too), and only an explicit --no-verify
 * skips the hooks. Whatever stops a commit leaves tree, index and HEAD exactly as they were.
 */
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT, STACK_LINE, buildOnce, cli, git, porcelain } from './helpers.js';

beforeAll(() => buildOnce(), 120_000);

function lumiere(): string {
  const repo = join(mkdtempSync(join(tmpdir(), 'cm-hooks-')), 'repo');
  cpSync(join(PROJECT, 'fixtures/lumiere'), repo, { recursive: true });
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'lumiere');
  return repo;
}

function hook(repo: string, name: string, body: string): string {
  const path = join(repo, '.git/hooks', name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

interface Snapshot {
  head: string;
  index: string;
  status: string;
}
const snap = (repo: string): Snapshot => ({
  head: git(repo, 'rev-parse', 'HEAD'),
  index: git(repo, 'ls-files', '-s'),
  status: porcelain(repo),
});

describe('commit hooks and signing', () => {
  it('a failing pre-commit hook stops apply with its message; nothing committed or half-written', () => {
    const repo = lumiere();
    const path = hook(repo, 'pre-commit', 'echo "lint: Makefile has tabs and spaces mixed" >&2\nexit 1');
    const before = snap(repo);
    const r = cli(['apply', '-C', repo, '--all', '--yes']);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.status).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toContain('lint: Makefile has tabs and spaces mixed');
    expect(lines[0]).toContain(`pre-commit hook ${path}`);
    expect(snap(repo)).toEqual(before);
    expect(existsSync(join(repo, '.git/compose-migrate/journal.json'))).toBe(false);
    expect(existsSync(join(repo, '.git/compose-migrate.lock'))).toBe(false);
  }, 120_000);

  it('the hook runs on every step and sees what is being committed', () => {
    const repo = lumiere();
    const log = join(repo, '..', 'hook.log');
    hook(repo, 'pre-commit', `git diff --cached --name-only >> '${log}'; echo --- >> '${log}'`);
    hook(repo, 'commit-msg', `grep -q '^Compose-Migrate: apply$' "$1" || exit 1`);
    const r = cli(['apply', '-C', repo, '--all', '--yes']);
    expect(r.status, r.stderr).toBe(0);
    const seen = readFileSync(log, 'utf8')
      .split('---\n')
      .filter((s) => s.trim() !== '');
    const made = git(repo, 'log', '--format=%s', '--grep=^Compose-Migrate: apply$').trim().split('\n');
    expect(made.length).toBeGreaterThanOrEqual(3);
    expect(seen.length).toBe(made.length);
    expect(seen.some((s) => s.includes('pourtier/docker-compose.yaml'))).toBe(true);
  }, 120_000);

  it('--no-verify is passed to git only when asked', () => {
    const repo = lumiere();
    hook(repo, 'pre-commit', 'echo refused >&2; exit 1');
    const r = cli(['apply', '-C', repo, '--all', '--yes', '--no-verify']);
    expect(r.status, r.stderr).toBe(0);
    expect(porcelain(repo)).toBe('');
    const rb = cli(['rollback', '-C', repo, '--yes']);
    expect(rb.status).toBe(1);
    expect(rb.stderr).toMatch(/refused/);
    const rb2 = cli(['rollback', '-C', repo, '--yes', '--no-verify']);
    expect(rb2.status, rb2.stderr).toBe(0);
    expect(porcelain(repo)).toBe('');
  }, 120_000);

  it('commit.gpgsign is honoured: a signing failure stops apply, naming the setting', () => {
    const repo = lumiere();
    git(repo, 'config', 'commit.gpgsign', 'true');
    git(repo, 'config', 'gpg.program', 'false');
    const before = snap(repo);
    const r = cli(['apply', '-C', repo, '--all', '--yes']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('commit.gpgsign=true');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(snap(repo)).toEqual(before);
  }, 120_000);
});
