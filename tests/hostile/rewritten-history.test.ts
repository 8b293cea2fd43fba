/**
 * Migration commits reworded, squashed or rebased after `apply --all`: status and rollback find the
 * migration by its trailers wherever they are in a message, or the archive by what it did; what they
 * cannot tell apart is refused precisely (exit 3, nothing changed); never half a rollback.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { STACK_LINE, buildOnce, cli, git, porcelain, repoFor } from './helpers.js';

beforeAll(() => buildOnce(), 120_000);

interface Migrated {
  repo: string;
  /** Tree of the commit the migration started from. */
  startTree: string;
  start: string;
  /** The apply commits, oldest first: api, worker, archive. */
  commits: string[];
}

function migrated(): Migrated {
  const { repo } = repoFor('rewritten-history');
  const start = git(repo, 'rev-parse', 'HEAD').trim();
  const r = cli(['apply', '-C', repo, '--all', '--yes']);
  expect(r.status, r.stderr).toBe(0);
  const commits = git(repo, 'rev-list', '--reverse', `${start}..HEAD`).trim().split('\n');
  expect(commits).toHaveLength(3);
  return { repo, start, startTree: treeOf(repo, start), commits };
}

const treeOf = (repo: string, rev = 'HEAD'): string => git(repo, 'rev-parse', `${rev}^{tree}`).trim();
const head = (repo: string): string => git(repo, 'rev-parse', 'HEAD').trim();
const messageOf = (repo: string, rev: string): string => git(repo, 'log', '-1', '--format=%B', rev);

interface StatusJson {
  components: { name: string; state: string; commit?: string }[];
  archive: { state: string; commit?: string };
}

function status(repo: string): StatusJson {
  const s = cli(['status', '-C', repo, '--json']);
  expect(s.stderr).not.toMatch(STACK_LINE);
  expect(s.status, s.stderr).toBe(0);
  return JSON.parse(s.stdout) as StatusJson;
}

function expectMigratedStatus(repo: string, archive: string): void {
  const s = status(repo);
  expect(s.components.map((c) => [c.name, c.state])).toEqual([
    ['api', 'migrated'],
    ['worker', 'migrated'],
  ]);
  expect(s.archive).toMatchObject({ state: 'archived', commit: archive });
}

/** rollback --yes brings back exactly the start tree, with a clean work tree. */
function expectFullRollback(repo: string, startTree: string): void {
  const r = cli(['rollback', '-C', repo, '--yes']);
  expect(r.stderr).not.toMatch(STACK_LINE);
  expect(r.status, r.stdout + r.stderr).toBe(0);
  expect(treeOf(repo)).toBe(startTree);
  expect(porcelain(repo)).toBe('');
  const s = status(repo);
  expect(s.components.map((c) => c.state)).toEqual(['pending', 'pending']);
  expect(s.archive.state).toBe('at-root');
}

/** A refusal: exit 3, one line naming `what`, HEAD, index and work tree as they were. */
function expectRefused(repo: string, args: string[], what: RegExp): void {
  const before = { head: head(repo), index: git(repo, 'write-tree').trim() };
  const r = cli(['rollback', '-C', repo, ...args]);
  expect(r.stderr).not.toMatch(STACK_LINE);
  expect(r.status, r.stdout + r.stderr).toBe(3);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(what);
  expect(lines[0]).toMatch(/nothing was changed/);
  expect(r.stdout).not.toMatch(/nothing to roll back/);
  expect({ head: head(repo), index: git(repo, 'write-tree').trim() }).toEqual(before);
  expect(porcelain(repo)).toBe('');
}

describe('rewritten migration history', () => {
  it('the archive commit reworded, its trailers gone: found by what it did; rollback restores the start', () => {
    const m = migrated();
    git(m.repo, 'commit', '-q', '--amend', '-m', 'Archive the old compose files');
    expect(messageOf(m.repo, 'HEAD')).not.toMatch(/Compose-Migrate/);
    expectMigratedStatus(m.repo, head(m.repo));
    const dry = cli(['rollback', '-C', m.repo, '--dry-run']);
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^Rollback, newest first \(api, worker, archive\):/m);
    expectFullRollback(m.repo, m.startTree);
  }, 120_000);

  it('trailers pushed out of the last paragraph: still read', () => {
    const m = migrated();
    const message = `${messageOf(m.repo, 'HEAD').trimEnd()}\n\nReviewed-in: PR 12\n\n(moved to todo/ as agreed)\n`;
    git(m.repo, 'commit', '-q', '--amend', '-m', message);
    expect(git(m.repo, 'log', '-1', '--format=%(trailers:key=Compose-Migrate)')).not.toMatch(/apply/);
    expectMigratedStatus(m.repo, head(m.repo));
    expectFullRollback(m.repo, m.startTree);
  }, 120_000);

  it('squashed into one commit, messages kept: one migration of api, worker and the archive', () => {
    const m = migrated();
    const message = git(m.repo, 'log', '--format=%B', `${m.start}..HEAD`);
    git(m.repo, 'reset', '-q', '--soft', m.start);
    git(m.repo, 'commit', '-q', '-m', message);
    const squashed = head(m.repo);
    const s = status(m.repo);
    expect(s.components.map((c) => [c.name, c.state, c.commit])).toEqual([
      ['api', 'migrated', squashed],
      ['worker', 'migrated', squashed],
    ]);
    expect(s.archive).toMatchObject({ state: 'archived', commit: squashed });
    // One commit holds them all: rolling back api undoes what the commit did, and says so first.
    const dry = cli(['rollback', '-C', m.repo, '--component', 'api', '--dry-run']);
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^Rollback, newest first \(api, worker, archive\):/m);
    expectFullRollback(m.repo, m.startTree);
  }, 120_000);

  it('squashed under a new message: the whole rolls back; api alone is refused, naming it', () => {
    const m = migrated();
    git(m.repo, 'reset', '-q', '--soft', m.start);
    git(m.repo, 'commit', '-q', '-m', 'Per-component compose files');
    expectMigratedStatus(m.repo, head(m.repo));
    expectRefused(
      m.repo,
      ['--component', 'api', '--yes'],
      /^compose-migrate: api \(api\/Makefile\) looks migrated, but no migration commit names it .*run `compose-migrate rollback` without --component/,
    );
    expectFullRollback(m.repo, m.startTree);
  }, 120_000);

  it("api's commit reworded mid-history: rollback refuses to undo the rest (no half rollback); worker alone works", () => {
    const m = migrated();
    const [api, worker, archive] = m.commits as [string, string, string];
    git(m.repo, 'reset', '-q', '--hard', api);
    git(m.repo, 'commit', '-q', '--amend', '-m', 'Add api compose files');
    git(m.repo, 'cherry-pick', worker, archive);
    for (const args of [['--yes'], ['--dry-run']])
      expectRefused(
        m.repo,
        args,
        /^compose-migrate: api \(api\/Makefile\) looks migrated, but no migration commit names it .*revert the commits that added them by hand \(git log -- api\/Makefile\)$/,
      );
    const r = cli(['rollback', '-C', m.repo, '--component', 'worker', '--yes']);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const s = status(m.repo);
    expect(s.components.map((c) => [c.name, c.state])).toEqual([
      ['api', 'migrated'],
      ['worker', 'pending'],
    ]);
    expect(s.archive.state).toBe('at-root');
  }, 120_000);

  it('rebased onto new upstream work after a rollback: the rollback still counts; rollback finishes', () => {
    const m = migrated();
    const r = cli(['rollback', '-C', m.repo, '--component', 'worker', '--yes']);
    expect(r.status, r.stderr).toBe(0);
    git(m.repo, 'checkout', '-q', '-b', 'upstream', m.start);
    git(m.repo, 'commit', '-q', '--allow-empty', '-m', 'upstream work');
    git(m.repo, 'checkout', '-q', 'main');
    git(m.repo, 'rebase', '-q', 'upstream');
    expect(git(m.repo, 'rev-list', '--count', 'upstream..HEAD').trim()).toBe('5');
    const s = status(m.repo);
    expect(s.components.map((c) => [c.name, c.state])).toEqual([
      ['api', 'migrated'],
      ['worker', 'pending'],
    ]);
    const dry = cli(['rollback', '-C', m.repo, '--dry-run']);
    expect(dry.stdout).toMatch(/^Rollback, newest first \(api\):/m);
    const back = cli(['rollback', '-C', m.repo, '--yes']);
    expect(back.status, back.stdout + back.stderr).toBe(0);
    expect(treeOf(m.repo)).toBe(treeOf(m.repo, 'upstream'));
    expect(porcelain(m.repo)).toBe('');
  }, 120_000);
});
