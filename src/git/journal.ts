/**
 * What an apply or rollback is doing, step by step, in the git directory
 * (`.git/compose-migrate/journal.json`). Written (atomically, synced) before each step starts and
 * after it is committed, and removed when the run ends; a journal found at start-up means a run was
 * killed or interrupted, and says exactly how to finish it or undo it.
 */
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { MigrateError } from '../errors.js';
import type { Change } from '../plan/types.js';
import type { Repo } from './repo.js';

export const JOURNAL_NAME = 'compose-migrate/journal.json';

/** One commit's worth of an apply. */
export interface JournalStep {
  components: string[];
  archive: boolean;
  changes: Change[];
  /** Root-relative paths the step writes, moves or deletes. */
  paths: string[];
  /** Set once the step is committed ("" when it turned out to change nothing). */
  commit?: string;
}

interface JournalBase {
  version: 1;
  pid: number;
  started: string;
  /** HEAD when the run started (undefined on an unborn branch). */
  startHead: string | undefined;
  noVerify: boolean;
}

export interface ApplyJournal extends JournalBase {
  kind: 'apply';
  steps: JournalStep[];
  /** The step being carried out; every step before it is committed. */
  current: number;
  /** `writing`: files of the current step may be half written; `committing`: its commit may exist. */
  phase: 'writing' | 'committing';
  /** HEAD before the current step, to tell whether its commit was made. */
  parent: string | undefined;
  /** Every step written first, then all committed in one HEAD move (no hooks or signing to run). */
  batch?: boolean;
  /**
   * `apply --no-commit`: one step, staged rather than committed. `writing`: files and index may be
   * half done; `committing`: all staged, the backup refs (which are this run's own) may exist.
   */
  noCommit?: boolean;
}

export interface RollbackJournal extends JournalBase {
  kind: 'rollback';
  component?: string;
  force: boolean;
  /** Top-relative paths the rollback restores. */
  paths: string[];
}

export type Journal = ApplyJournal | RollbackJournal;

async function journalPath(repo: Repo): Promise<string> {
  return repo.gitPath(JOURNAL_NAME);
}

export async function readJournal(repo: Repo): Promise<{ journal: Journal; path: string } | undefined> {
  const path = await journalPath(repo);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const journal = JSON.parse(text) as Journal;
    if (journal.version !== 1 || (journal.kind !== 'apply' && journal.kind !== 'rollback')) throw new Error();
    return { journal, path };
  } catch {
    throw new MigrateError(
      'unfinished-run',
      `${path} is not a journal this version can read; an earlier run may be unfinished: check \`git status\` and \`git log\`, then delete the file`,
      undefined,
      3,
    );
  }
}

/** Replace the journal atomically and durably: a crash leaves the old one or the new one. */
export async function writeJournal(repo: Repo, journal: Journal): Promise<void> {
  const path = await journalPath(repo);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o644);
  try {
    writeSync(fd, JSON.stringify(journal));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export async function clearJournal(repo: Repo): Promise<void> {
  try {
    unlinkSync(await journalPath(repo));
  } catch {
    // already gone
  }
}

/** One line saying what an unfinished journal is about, for status and refusals. */
export function describeJournal(journal: Journal, headCommits?: number): string {
  const when = `pid ${journal.pid}, started ${journal.started}`;
  if (journal.kind === 'rollback')
    return `a rollback${journal.component ? ` of ${journal.component}` : ''} did not finish (${when})`;
  if (journal.noCommit) {
    const scope = journal.steps.flatMap((s) => [...s.components, ...(s.archive ? ['archive'] : [])]);
    return `an apply --no-commit${scope.length ? ` of ${scope.join(', ')}` : ''} did not finish (${when}): ${journal.phase === 'writing' ? 'its files may be half written and half staged' : 'its files are staged, its backup may not be recorded'}`;
  }
  // HEAD may hold one more commit than the journal recorded (killed right after committing).
  const recorded = journal.steps.filter((s) => s.commit !== undefined);
  const extra = headCommits !== undefined && headCommits > recorded.filter((s) => s.commit).length ? 1 : 0;
  const doneSteps = journal.steps.slice(0, recorded.length + extra);
  const done = doneSteps.length;
  const committed = doneSteps.flatMap((s) => [...s.components, ...(s.archive ? ['archive'] : [])]);
  return `an apply did not finish (${when}): ${done} of ${journal.steps.length} step${journal.steps.length === 1 ? '' : 's'} committed${committed.length ? ` (${committed.join(', ')})` : ''}`;
}

/** The refusal every writing command gives while a journal is present. */
export function unfinishedRunError(journal: Journal, path: string, headCommits?: number): MigrateError {
  const cmd = journal.kind;
  return new MigrateError(
    'unfinished-run',
    `${describeJournal(journal, headCommits)}; run \`compose-migrate ${cmd} --resume\` to finish it or \`compose-migrate ${cmd} --abort\` to undo it (journal ${path})`,
    undefined,
    3,
  );
}
