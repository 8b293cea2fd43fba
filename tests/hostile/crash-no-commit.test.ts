/**
 * `apply --no-commit` is journalled like the committing path: killed (SIGKILL) or interrupted
 * (SIGINT) at random moments on the lumiere fixture, `status` tells the truth, and `apply --resume`
 * brings exactly the staged state an uninterrupted run leaves (index, work tree, backup refs), while
 * `apply --abort` brings exactly the start (HEAD, index, work tree, no refs).
 *
 * Trials per kind: COMPOSE_MIGRATE_KILL_TRIALS (default 4).
 */
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT, STACK_LINE, buildOnce, cli, git, porcelain, runAndSignal } from './helpers.js';

const TRIALS = Number(process.env['COMPOSE_MIGRATE_KILL_TRIALS'] ?? '4');

let sandbox = '';
let base = '';
let startHead = '';
/** What an uninterrupted `apply --all --no-commit` stages, and the refs it records. */
let stagedRefs: string[] = [];
let applyMs = 0;

interface State {
  head: string;
  index: string;
  /** `git status --porcelain`: what is staged, and nothing unstaged or untracked. */
  porcelain: string;
  refs: string[];
  journal: boolean;
}

function stateOf(repo: string): State {
  return {
    head: git(repo, 'rev-parse', 'HEAD').trim(),
    index: git(repo, 'write-tree').trim(),
    porcelain: porcelain(repo),
    refs: git(repo, 'for-each-ref', '--format=%(refname)', 'refs/compose-migrate/')
      .split('\n')
      .filter((l) => l !== '')
      .sort(),
    journal: existsSync(join(repo, '.git/compose-migrate/journal.json')),
  };
}

let startState: State;
let stagedState: State;

beforeAll(() => {
  buildOnce();
  sandbox = mkdtempSync(join(tmpdir(), 'cm-crash-nocommit-'));
  base = join(sandbox, 'base', 'repo');
  cpSync(join(PROJECT, 'fixtures/lumiere'), base, { recursive: true });
  git(base, 'init', '-q', '-b', 'main');
  git(base, 'add', '-A');
  git(base, 'commit', '-q', '-m', 'lumiere');
  startHead = git(base, 'rev-parse', 'HEAD').trim();
  startState = stateOf(base);
  const done = copy('staged');
  const t0 = Date.now();
  const r = cli(['apply', '-C', done, '--all', '--yes', '--no-commit']);
  applyMs = Date.now() - t0;
  expect(r.status, r.stderr).toBe(0);
  stagedState = stateOf(done);
  stagedRefs = stagedState.refs;
  expect(stagedState.index).not.toBe(startState.index);
  expect(stagedRefs.length).toBeGreaterThan(0);
  expect(stagedState.head).toBe(startHead);
  expect(stagedState.journal).toBe(false);
}, 240_000);

let copies = 0;
function copy(name: string): string {
  const dir = join(sandbox, `${name}-${++copies}`, 'repo');
  cpSync(base, dir, { recursive: true });
  return dir;
}

/** A killed run leaves its lock (the next run replaces it); a run that ended does not. */
const lockLeft = (repo: string): boolean => existsSync(join(repo, '.git/compose-migrate.lock'));

/** The staged state of a finished run. */
function expectStaged(repo: string): void {
  expect(stateOf(repo)).toEqual({ ...stagedState, refs: stagedRefs });
}

function expectStart(repo: string): void {
  expect(stateOf(repo)).toEqual(startState);
}

/** status exits 0 and says "unfinished ... --no-commit ... --resume ... --abort" exactly when a journal is left. */
function expectTruthfulStatus(repo: string): boolean {
  const s = cli(['status', '-C', repo]);
  expect(s.stderr).not.toMatch(STACK_LINE);
  expect(s.status, s.stderr).toBe(0);
  const unfinished = stateOf(repo).journal;
  expect(/unfinished: an apply --no-commit of .* did not finish/.test(s.stdout), s.stdout).toBe(unfinished);
  if (unfinished) expect(s.stdout).toMatch(/apply --resume.*apply --abort/);
  else {
    // Without a journal nothing is half done: the start, or the whole staged change with its refs.
    const st = stateOf(repo);
    if (st.refs.length === 0) expectStart(repo);
    else expectStaged(repo);
  }
  return unfinished;
}

const delay = (i: number): number => Math.round(100 + Math.random() * applyMs * 1.1 + (i % 2) * 10);

describe('apply --no-commit interrupted at random moments', () => {
  it(`SIGKILL, ${TRIALS} trials: status is true; --resume stages exactly, --abort restores exactly`, async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < TRIALS; i++) {
      const repo = copy('kill');
      const run = await runAndSignal(
        ['apply', '-C', repo, '--all', '--yes', '--no-commit'],
        'SIGKILL',
        delay(i),
      );
      const unfinished = expectTruthfulStatus(repo);
      outcomes.push(run.signal === 'SIGKILL' ? (unfinished ? 'journal' : 'clean') : `exit ${run.status}`);
      if (!unfinished) continue;
      // A journal refuses a new apply, naming both ways out.
      const refused = cli(['apply', '-C', repo, '--all', '--yes', '--no-commit']);
      expect(refused.status).toBe(3);
      expect(refused.stderr).toMatch(/apply --no-commit .* did not finish.*apply --resume.*apply --abort/);
      if (i % 2 === 0) {
        const r = cli(['apply', '-C', repo, '--resume']);
        expect(r.status, r.stderr).toBe(0);
        expectStaged(repo);
        // And the staged apply rolls back to the exact start.
        const back = cli(['rollback', '-C', repo, '--yes']);
        expect(back.status, back.stderr).toBe(0);
        expectStart(repo);
      } else {
        const r = cli(['apply', '-C', repo, '--abort']);
        expect(r.status, r.stderr).toBe(0);
        expectStart(repo);
      }
      expect(lockLeft(repo)).toBe(false);
    }
    console.log(`apply --no-commit SIGKILL outcomes: ${outcomes.join(', ')}`);
  }, 600_000);

  it(`SIGINT, ${TRIALS} trials: one line and exit 130 with the start restored, or the whole staged change`, async () => {
    for (let i = 0; i < TRIALS; i++) {
      const repo = copy('int');
      const run = await runAndSignal(
        ['apply', '-C', repo, '--all', '--yes', '--no-commit'],
        'SIGINT',
        delay(i),
      );
      expect(lockLeft(repo)).toBe(false);
      if (run.status === 0) {
        expectStaged(repo);
        continue;
      }
      expect(run.status, run.stderr).toBe(130);
      const lines = run.stderr.split('\n').filter((l) => l.trim() !== '');
      expect(lines, run.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^compose-migrate: interrupted by SIGINT/);
      expectTruthfulStatus(repo);
      expectStart(repo);
    }
  }, 600_000);
});
