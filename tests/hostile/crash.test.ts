/**
 * Crash safety on the lumiere fixture: apply and rollback killed (SIGKILL) or interrupted (SIGINT)
 * at random moments, a held or stale repository lock, two applies at once, a held index.lock.
 * After every interruption `status` must tell the truth, and `--resume` / `--abort` / `rollback`
 * must bring the repository to exactly the fully migrated or exactly the original tree.
 *
 * Trials per kind: COMPOSE_MIGRATE_KILL_TRIALS (default 4 here, so the suite stays quick on a
 * shared machine; the acceptance run uses 30).
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CLI,
  PROJECT,
  STACK_LINE,
  buildOnce,
  cli,
  git,
  porcelain,
  runAndSignal,
  type Run,
} from './helpers.js';

const TRIALS = Number(process.env['COMPOSE_MIGRATE_KILL_TRIALS'] ?? '4');

let sandbox = '';
let base = '';
let startTree = '';
let migratedTree = '';
let migrated = '';
/** How long an uninterrupted apply --all takes here, to spread the kills over it. */
let applyMs = 0;

beforeAll(() => {
  buildOnce();
  sandbox = mkdtempSync(join(tmpdir(), 'cm-crash-'));
  // Every copy is a folder named "repo": generated volume names follow the checkout's folder name.
  base = join(sandbox, 'base', 'repo');
  cpSync(join(PROJECT, 'fixtures/lumiere'), base, { recursive: true });
  git(base, 'init', '-q', '-b', 'main');
  git(base, 'add', '-A');
  git(base, 'commit', '-q', '-m', 'lumiere');
  startTree = tree(base);
  migrated = copy('migrated');
  const t0 = Date.now();
  const r = cli(['apply', '-C', migrated, '--all', '--yes']);
  applyMs = Date.now() - t0;
  expect(r.status, r.stderr).toBe(0);
  migratedTree = tree(migrated);
  expect(migratedTree).not.toBe(startTree);
}, 240_000);

let copies = 0;
function copy(name: string, from = base): string {
  const dir = join(sandbox, `${name}-${++copies}`, 'repo');
  cpSync(from, dir, { recursive: true });
  return dir;
}

const tree = (repo: string): string => git(repo, 'rev-parse', 'HEAD^{tree}').trim();
const journalOf = (repo: string): string => join(repo, '.git/compose-migrate/journal.json');

/** `status` must exit 0 and say "unfinished" exactly when a journal is left. */
function expectTruthfulStatus(repo: string): boolean {
  const s = cli(['status', '-C', repo]);
  expect(s.stderr).not.toMatch(STACK_LINE);
  expect(s.status, s.stderr).toBe(0);
  const unfinished = existsSync(journalOf(repo));
  expect(/unfinished: an? (apply|rollback) did not finish/.test(s.stdout), s.stdout).toBe(unfinished);
  if (unfinished) expect(s.stdout).toMatch(/--resume.*--abort/);
  if (!unfinished) {
    // Without a journal nothing is half done: the tree is the start or the finished migration.
    expect(porcelain(repo)).toBe('');
    expect([startTree, migratedTree]).toContain(tree(repo));
    expect(s.stdout).not.toMatch(/interrupted/);
  }
  return unfinished;
}

function expectExactly(repo: string, want: 'original' | 'migrated'): void {
  expect(porcelain(repo)).toBe('');
  expect(tree(repo)).toBe(want === 'original' ? startTree : migratedTree);
  expect(existsSync(journalOf(repo))).toBe(false);
  expect(existsSync(join(repo, '.git/compose-migrate.lock'))).toBe(false);
}

const delay = (i: number): number => Math.round(150 + Math.random() * applyMs * 1.1 + (i % 2) * 10);

describe('apply --all killed at random moments', () => {
  it(`SIGKILL, ${TRIALS} trials: status is true; --resume finishes, rollback restores`, async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < TRIALS; i++) {
      const repo = copy('kill');
      const run = await runAndSignal(['apply', '-C', repo, '--all', '--yes'], 'SIGKILL', delay(i));
      const unfinished = expectTruthfulStatus(repo);
      outcomes.push(run.signal === 'SIGKILL' ? (unfinished ? 'journal' : 'clean') : `exit ${run.status}`);
      if (i % 2 === 0) {
        const r = cli(
          unfinished ? ['apply', '-C', repo, '--resume'] : ['apply', '-C', repo, '--all', '--yes'],
        );
        expect(r.status, r.stderr).toBe(0);
        expectExactly(repo, 'migrated');
      } else {
        const r = cli(['rollback', '-C', repo, '--yes']);
        expect(r.status, r.stderr).toBe(0);
        expectExactly(repo, 'original');
      }
    }
    console.log(`apply SIGKILL outcomes: ${outcomes.join(', ')}`);
  }, 600_000);

  it(`SIGINT, ${TRIALS} trials: one-line message and exit 130, or done; --abort restores exactly`, async () => {
    for (let i = 0; i < TRIALS; i++) {
      const repo = copy('int');
      const run = await runAndSignal(['apply', '-C', repo, '--all', '--yes'], 'SIGINT', delay(i));
      if (run.status !== 0) {
        expect(run.status, run.stderr).toBe(130);
        const lines = run.stderr.split('\n').filter((l) => l.trim() !== '');
        expect(lines, run.stderr).toHaveLength(1);
        expect(lines[0]).toMatch(/^compose-migrate: interrupted by SIGINT/);
      }
      const unfinished = expectTruthfulStatus(repo);
      const r = cli(unfinished ? ['apply', '-C', repo, '--abort'] : ['rollback', '-C', repo, '--yes']);
      expect(r.status, r.stderr).toBe(0);
      expectExactly(repo, 'original');
    }
  }, 600_000);
});

describe('rollback killed at random moments', () => {
  it(`SIGKILL, ${TRIALS} trials: never HEAD moved with files still migrated unnoticed; --resume or --abort settles it`, async () => {
    for (let i = 0; i < TRIALS; i++) {
      const repo = copy('rbkill', migrated);
      await runAndSignal(['rollback', '-C', repo, '--yes'], 'SIGKILL', delay(i));
      const unfinished = expectTruthfulStatus(repo);
      if (unfinished && i % 2 === 1) {
        // --abort: back to exactly where the rollback started, the migrated tree.
        const r = cli(['rollback', '-C', repo, '--abort']);
        expect(r.status, r.stderr).toBe(0);
        expectExactly(repo, 'migrated');
        continue;
      }
      const r = cli(unfinished ? ['rollback', '-C', repo, '--resume'] : ['rollback', '-C', repo, '--yes']);
      expect(r.status, r.stderr).toBe(0);
      expectExactly(repo, 'original');
    }
  }, 600_000);

  it('a held index.lock stops rollback before HEAD moves; afterwards rollback completes', () => {
    const repo = copy('indexlock', migrated);
    const head = git(repo, 'rev-parse', 'HEAD');
    writeFileSync(join(repo, '.git/index.lock'), '');
    const r = cli(['rollback', '-C', repo, '--yes']);
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/index\.lock/);
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(head);
    spawnSync('rm', ['-f', join(repo, '.git/index.lock')]);
    expect(porcelain(repo)).toBe('');
    const s = expectTruthfulStatus(repo);
    const again = cli(['rollback', '-C', repo, s ? '--resume' : '--yes']);
    expect(again.status, again.stderr).toBe(0);
    expectExactly(repo, 'original');
  }, 120_000);
});

describe('the repository lock', () => {
  it('two applies at once: one runs, the other exits 3 naming the lock and its pid', async () => {
    const repo = copy('twice');
    const start = (): Promise<Run & { stdout: string }> =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [CLI, 'apply', '-C', repo, '--all', '--yes'], {
          env: { ...process.env, CI: 'true', NO_COLOR: '1' },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('exit', (status, signal) => resolve({ status, signal, stderr, stdout }));
      });
    const [a, b] = await Promise.all([start(), start()]);
    const codes = [a.status, b.status].sort();
    expect(codes, a.stderr + b.stderr).toEqual([0, 3]);
    const refused = a.status === 3 ? a : b;
    expect(refused.stderr).toMatch(/holds the repository lock .*\.git\/compose-migrate\.lock/);
    expect(refused.stderr).toMatch(/pid \d+/);
    expect(refused.stdout).toBe('');
    expectExactly(repo, 'migrated');
    // Exactly one migration: one commit per step, not two runs interleaved.
    const applies = git(repo, 'log', '--format=%s')
      .split('\n')
      .filter((s) => s.startsWith('compose-migrate:'));
    expect(new Set(applies).size).toBe(applies.length);
  }, 120_000);

  it('a lock held by a live process refuses with exit 3 and changes nothing', () => {
    const repo = copy('held');
    const lock = join(repo, '.git/compose-migrate.lock');
    writeFileSync(
      lock,
      JSON.stringify({ pid: process.pid, command: 'apply', host: hostnameOf(), started: 'now' }),
    );
    const head = git(repo, 'rev-parse', 'HEAD');
    for (const args of [
      ['apply', '-C', repo, '--all', '--yes'],
      ['rollback', '-C', repo, '--yes'],
    ]) {
      const r = cli(args);
      expect(r.status).toBe(3);
      expect(r.stderr).toContain(lock);
      expect(r.stderr).toContain(`pid ${process.pid}`);
      expect(porcelain(repo)).toBe('');
      expect(git(repo, 'rev-parse', 'HEAD')).toBe(head);
    }
    expect(existsSync(lock)).toBe(true);
  });

  it('a stale lock from a dead pid is reported and replaced', () => {
    const repo = copy('stale');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    }).stdout;
    const lock = join(repo, '.git/compose-migrate.lock');
    writeFileSync(
      lock,
      JSON.stringify({ pid: Number(dead), command: 'apply', host: hostnameOf(), started: 'then' }),
    );
    const r = cli(['apply', '-C', repo, '--all', '--yes']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`removed a stale lock .* left by pid ${dead}`));
    expectExactly(repo, 'migrated');
  }, 120_000);
});

const hostnameOf = (): string => hostname();
