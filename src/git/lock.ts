/**
 * One apply or rollback at a time per repository: a lock file in the git directory, created
 * exclusively, holding the pid and command of its holder. A lock whose pid no longer runs is
 * stale: it is reported and replaced (the journal, not the lock, says whether that run finished).
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { MigrateError } from '../errors.js';
import type { Repo } from './repo.js';

export const LOCK_NAME = 'compose-migrate.lock';

interface LockBody {
  pid: number;
  command: string;
  host: string;
  started: string;
}

export interface RepoLock {
  path: string;
  /** Set when a lock left by a dead process was replaced: a line for the user. */
  staleNote?: string;
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readBody(path: string): LockBody | undefined {
  try {
    const body = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockBody>;
    return typeof body.pid === 'number' ? (body as LockBody) : undefined;
  } catch {
    return undefined;
  }
}

function create(path: string, body: LockBody): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new MigrateError(
      'io',
      `cannot create the lock file ${path}: ${(e as Error).message}`,
      undefined,
      1,
    );
  }
  try {
    writeSync(fd, JSON.stringify(body) + '\n');
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Holder of the repository lock, when some live process holds it. */
export async function lockHolder(repo: Repo): Promise<(LockBody & { path: string }) | undefined> {
  const path = await repo.gitPath(LOCK_NAME);
  const body = readBody(path);
  return body && (body.host !== hostname() || alive(body.pid)) ? { ...body, path } : undefined;
}

/**
 * Take the repository lock for `command` or refuse (exit 3) naming the lock file and the pid that
 * holds it. Release it with `release()`; it is also released when the process exits normally.
 */
export async function acquireRepoLock(repo: Repo, command: string): Promise<RepoLock> {
  const path = await repo.gitPath(LOCK_NAME);
  const body: LockBody = { pid: process.pid, command, host: hostname(), started: new Date().toISOString() };
  let staleNote: string | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (create(path, body)) {
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        process.off('exit', release);
        try {
          if (readBody(path)?.pid === process.pid) unlinkSync(path);
        } catch {
          // already gone
        }
      };
      process.on('exit', release);
      return { path, release, ...(staleNote ? { staleNote } : {}) };
    }
    const holder = readBody(path);
    if (holder && (holder.host !== hostname() || alive(holder.pid))) {
      throw new MigrateError(
        'locked',
        `another compose-migrate ${holder.command} (pid ${holder.pid}${holder.host !== hostname() ? ` on ${holder.host}` : ''}, started ${holder.started}) holds the repository lock ${path}; wait for it to finish`,
        undefined,
        3,
      );
    }
    // A lock nobody holds: its process died (or the file is unreadable). Replace it, and say so.
    staleNote = holder
      ? `removed a stale lock ${path} left by pid ${holder.pid} (${holder.command}, started ${holder.started}), which is no longer running`
      : `removed an unreadable lock file ${path}`;
    try {
      unlinkSync(path);
    } catch {
      // someone else removed it first; try again
    }
  }
  throw new MigrateError('locked', `cannot take the repository lock ${path}; try again`, undefined, 3);
}
