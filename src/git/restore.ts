/**
 * Put paths back to how a commit has them, in the index and the work tree at once: the one move
 * that undoes a half-written step, aborts a run, or finishes a rollback. Idempotent, so a run
 * interrupted while restoring can simply restore again.
 */
import { existsSync, lstatSync, readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import { MigrateError } from '../errors.js';
import { dirname, join } from 'node:path';
import type { Repo } from './repo.js';
import { treeEntries, updateIndex, type EntryMap } from './tree.js';

/** Remove a file and then its parent directories while they are empty, never above the work tree. */
export function removeFile(repo: Repo, top: string): void {
  const abs = join(repo.top, top);
  try {
    lstatSync(abs);
  } catch {
    return;
  }
  unlinkSync(abs);
  let dir = dirname(abs);
  while (dir.startsWith(repo.top + '/') && readdirSync(dir).length === 0) {
    rmdirSync(dir);
    dir = dirname(dir);
  }
}

/** Make the work tree match the index for `entries` (present → checked out, absent → removed). */
export async function syncWorktree(repo: Repo, entries: EntryMap): Promise<void> {
  const present = [...entries].filter(([, e]) => e !== null).map(([p]) => p);
  for (const [p, e] of entries) if (e === null) removeFile(repo, p);
  if (present.length) await repo.run(['checkout-index', '-f', '-q', '--', ...present]);
}

/** Index and work tree of `topPaths` (top-relative) as in `rev` (absent there → removed). */
export async function restorePaths(
  repo: Repo,
  rev: string | undefined,
  topPaths: readonly string[],
): Promise<void> {
  if (topPaths.length === 0) return;
  const entries = await treeEntries(repo, rev, [...new Set(topPaths)]);
  await updateIndex(repo, entries);
  await syncWorktree(repo, entries);
}

/** Refuse (exit 3) while `.git/index.lock` exists: a git command is running, or one was killed. */
export async function assertIndexFree(repo: Repo): Promise<void> {
  const lock = await repo.gitPath('index.lock');
  if (existsSync(lock))
    throw new MigrateError(
      'unfinished-run',
      `${lock} exists: another git command is running, or one was killed; wait for it, or remove the file if no git process is running, then run again`,
      undefined,
      3,
    );
}
