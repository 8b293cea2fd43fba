/**
 * One apply or rollback at a time per repository: a lock file in the git directory, holding the pid
 * and command of its holder. A lock whose pid no longer runs is stale: it is reported and replaced
 * (the journal, not the lock, says whether that run finished).
 *
 * Every step is atomic, so that of any number of processes racing for the lock exactly one holds it:
 * - a lock appears whole: its body is written to a private file first, then hard-linked to the lock
 *   name (link fails if the name exists), so nobody ever reads a half-written lock;
 * - a stale lock is never deleted (a deletion cannot say *which* file it meant, and a second taker
 *   would delete the first one's fresh lock). Each lock body is unique (a random nonce); the one
 *   process that creates `<lock>.takeover-<hash of that body>` exclusively may replace it, with an
 *   atomic rename over the lock name, which nothing else changes while that body is there (its
 *   owner is dead, creations fail while it exists, and only the takeover winner renames). A taker
 *   that died holding a takeover file is itself taken over the same way, by its body's hash.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { MigrateError } from '../errors.js';
import type { Repo } from './repo.js';

export const LOCK_NAME = 'compose-migrate.lock';

interface LockBody {
  pid: number;
  command: string;
  host: string;
  started: string;
  /** Makes every lock body unique, so a takeover names exactly one lock. */
  nonce?: string;
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

function readRaw(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function parseBody(raw: string | undefined): LockBody | undefined {
  if (raw === undefined) return undefined;
  try {
    const body = JSON.parse(raw) as Partial<LockBody>;
    return typeof body.pid === 'number' ? (body as LockBody) : undefined;
  } catch {
    return undefined;
  }
}

function readBody(path: string): LockBody | undefined {
  return parseBody(readRaw(path));
}

/** A holder that may still run: on another host (its pid means nothing here), or a live local pid. */
function isLive(body: LockBody | undefined): boolean {
  return body !== undefined && (body.host !== hostname() || alive(body.pid));
}

const ioError = (path: string, e: unknown): MigrateError =>
  new MigrateError('io', `cannot create the lock file ${path}: ${(e as Error).message}`, undefined, 1);

/** A private file holding `text`, next to `path` (same directory, so link and rename stay atomic). */
function writePrivate(path: string, text: string): string {
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', 0o644);
  } catch (e) {
    throw ioError(path, e);
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return tmp;
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/** Create `path` holding `text` if nothing is there, in one step. False when it exists. */
function createWhole(path: string, text: string): boolean {
  const tmp = writePrivate(path, text);
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw ioError(path, e);
  } finally {
    removeQuietly(tmp);
  }
}

const hashOf = (raw: string): string => createHash('sha256').update(raw).digest('hex').slice(0, 32);
const takeoverPath = (path: string, raw: string): string => `${path}.takeover-${hashOf(raw)}`;

type Outcome = { held: true } | { held: false; holder?: LockBody; busy?: boolean };

/**
 * Replace the stale lock whose body is `staleRaw` by `text`, if this process is the one that wins the
 * takeover. Takeover files left by dead takers are followed (taken over by their own hash).
 */
function takeOver(path: string, staleRaw: string, text: string): Outcome {
  let target = staleRaw;
  const claimed: string[] = [];
  const dead: string[] = [];
  try {
    for (let depth = 0; depth < 8; depth++) {
      const claim = takeoverPath(path, target);
      if (createWhole(claim, text)) {
        claimed.push(claim);
        // Nothing else can change the lock while its body is the stale one we hold the takeover of.
        if (readRaw(path) !== staleRaw) return { held: false, busy: true };
        const tmp = writePrivate(path, text);
        try {
          renameSync(tmp, path);
        } catch (e) {
          removeQuietly(tmp);
          throw ioError(path, e);
        }
        if (readRaw(path) !== text) return { held: false, busy: true };
        claimed.push(...dead);
        return { held: true };
      }
      const raw = readRaw(claim);
      const taker = parseBody(raw);
      // Another taker is at work: it wins; we look again.
      if (raw === undefined || (taker !== undefined && isLive(taker))) return { held: false, busy: true };
      // Its taker died before replacing the lock: take over from it, and clear its claim once done.
      dead.push(claim);
      target = raw;
    }
    return { held: false, busy: true };
  } finally {
    for (const c of claimed) removeQuietly(c);
  }
}

/**
 * Take the lock file at `path` for `body`, or say who holds it. The synchronous core of
 * acquireRepoLock, separate so that a test can race processes on a bare file.
 */
export function takeLockFile(
  path: string,
  body: LockBody,
): { held: true; staleNote?: string } | { held: false; holder?: LockBody } {
  const text = JSON.stringify({ ...body, nonce: body.nonce ?? randomBytes(12).toString('hex') }) + '\n';
  let staleNote: string | undefined;
  for (let attempt = 0; attempt < 50; attempt++) {
    if (createWhole(path, text)) return { held: true, ...(staleNote ? { staleNote } : {}) };
    const raw = readRaw(path);
    if (raw === undefined) continue; // released between the two steps: try again
    const holder = parseBody(raw);
    if (holder && isLive(holder)) return { held: false, holder };
    // A lock nobody holds: its process died (or the file is unreadable). Replace it, and say so.
    staleNote = holder
      ? `removed a stale lock ${path} left by pid ${holder.pid} (${holder.command}, started ${holder.started}), which is no longer running`
      : `removed an unreadable lock file ${path}`;
    const taken = takeOver(path, raw, text);
    if (taken.held) return { held: true, staleNote };
    // Another process is replacing it: give it a moment, then see who holds it.
    sleep(5 + Math.floor(Math.random() * 10));
  }
  const holder = readBody(path);
  return holder && isLive(holder) ? { held: false, holder } : { held: false };
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Holder of the repository lock, when some live process holds it. */
export async function lockHolder(repo: Repo): Promise<(LockBody & { path: string }) | undefined> {
  const path = await repo.gitPath(LOCK_NAME);
  const body = readBody(path);
  return body && isLive(body) ? { ...body, path } : undefined;
}

/**
 * Take the repository lock for `command` or refuse (exit 3) naming the lock file and the pid that
 * holds it. Release it with `release()`; it is also released when the process exits normally.
 */
export async function acquireRepoLock(repo: Repo, command: string): Promise<RepoLock> {
  const path = await repo.gitPath(LOCK_NAME);
  const body: LockBody = {
    pid: process.pid,
    command,
    host: hostname(),
    started: new Date().toISOString(),
    nonce: randomBytes(12).toString('hex'),
  };
  const taken = takeLockFile(path, body);
  if (taken.held) {
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      process.off('exit', release);
      // Ours while we run: nobody takes over the lock of a live process.
      if (readBody(path)?.nonce === body.nonce) removeQuietly(path);
    };
    process.on('exit', release);
    return { path, release, ...(taken.staleNote ? { staleNote: taken.staleNote } : {}) };
  }
  const holder = taken.holder;
  if (holder) {
    throw new MigrateError(
      'locked',
      `another compose-migrate ${holder.command} (pid ${holder.pid}${holder.host !== hostname() ? ` on ${holder.host}` : ''}, started ${holder.started}) holds the repository lock ${path}; wait for it to finish`,
      undefined,
      3,
    );
  }
  throw new MigrateError('locked', `cannot take the repository lock ${path}; try again`, undefined, 3);
}
