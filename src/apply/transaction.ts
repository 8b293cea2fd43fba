/**
 * Executes a plan's file changes as one transaction: every change is journalled with the exact
 * previous bytes and mode of what it replaces, so that any failure (a git error, a full disk, the
 * `failAfter` test hook) puts the work tree and the index back exactly as they were before the
 * error is rethrown.
 */
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmdirSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { MigrateError, isMigrateError } from '../errors.js';
import type { Change } from '../plan/types.js';
import { checkRepoPath } from '../git/paths.js';
import { openRepo, type Repo } from '../git/repo.js';

export interface ApplyOptions {
  /** Test hook: throw after this many changes were carried out, to exercise the undo path. */
  failAfter?: number;
}

export interface MovedFile {
  from: string;
  to: string;
}

/** What a successful applyChanges did. All paths are root-relative. */
export interface AppliedChanges {
  /** Every path whose index entry changed or may have changed: written, moved from/to, deleted. Sorted, unique. */
  touched: string[];
  /** Created or modified files. */
  written: string[];
  moved: MovedFile[];
  deleted: string[];
}

/** The state of one path before the transaction touched it. */
type Prior =
  | { kind: 'absent' }
  | { kind: 'dir' }
  | { kind: 'file'; bytes: Buffer; mode: number }
  | { kind: 'symlink'; target: string };

type JournalEntry =
  { kind: 'restore'; abs: string; prior: Prior } | { kind: 'moved'; fromAbs: string; toAbs: string };

/** Default mode for new files; git records only 644 vs 755. */
const NEW_FILE_MODE = 0o644;

function readPrior(abs: string): Prior {
  let st;
  try {
    st = lstatSync(abs);
  } catch {
    return { kind: 'absent' };
  }
  if (st.isSymbolicLink()) return { kind: 'symlink', target: readlinkSync(abs) };
  if (st.isDirectory()) return { kind: 'dir' };
  return { kind: 'file', bytes: readFileSync(abs), mode: st.mode & 0o7777 };
}

/** Write via a temporary file in the same directory and a rename, so readers never see half a file. */
export function writeAtomic(abs: string, bytes: Uint8Array | string, mode: number): void {
  const tmp = join(dirname(abs), `.${basename(abs)}.compose-migrate-${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, bytes, { mode, flag: 'wx' });
    // The umask may have narrowed the mode given to open(2).
    chmodSync(tmp, mode);
    renameSync(tmp, abs);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // already renamed or never created
    }
    throw e;
  }
}

function restorePrior(abs: string, prior: Prior): void {
  const current = readPrior(abs);
  if (prior.kind === 'dir') return;
  if (prior.kind === 'absent') {
    if (current.kind !== 'absent') unlinkSync(abs);
    return;
  }
  mkdirSync(dirname(abs), { recursive: true });
  if (prior.kind === 'symlink') {
    if (current.kind !== 'absent') unlinkSync(abs);
    symlinkSync(prior.target, abs);
    return;
  }
  if (current.kind === 'symlink') unlinkSync(abs);
  writeAtomic(abs, prior.bytes, prior.mode);
}

/** Directories missing above `abs`, shallowest first, after creating them. */
function ensureParent(abs: string): string[] {
  const missing: string[] = [];
  let dir = dirname(abs);
  while (!existsSync(dir)) {
    missing.unshift(dir);
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  if (missing.length) mkdirSync(dirname(abs), { recursive: true });
  return missing;
}

const fail = (
  path: string,
  message: string,
  code: 'io' | 'destination-exists' = 'io',
  exit: 1 | 3 = 1,
): MigrateError => new MigrateError(code, message, { file: path }, exit);

interface Step {
  change: Change;
  path: string;
  to?: string;
}

/** Refuse a change list that cannot be carried out, before anything is touched. */
export async function validateChanges(root: string, changes: readonly Change[]): Promise<void> {
  await validate(await openRepo(root), changes);
}

async function validate(repo: Repo, changes: readonly Change[]): Promise<Step[]> {
  const steps: Step[] = [];
  for (const change of changes) {
    const path = checkRepoPath(repo.root, change.path);
    const abs = join(repo.root, path);
    const prior = readPrior(abs);
    switch (change.op) {
      case 'create':
      case 'modify':
        if (change.content === undefined) throw fail(path, `${change.op} of ${path} carries no content`);
        if (prior.kind === 'symlink')
          throw fail(
            path,
            `${path} is a symbolic link; compose-migrate does not write through links`,
            'io',
            3,
          );
        if (prior.kind === 'dir') throw fail(path, `cannot write ${path}: it is a directory`);
        if (change.op === 'modify' && prior.kind === 'absent')
          throw fail(path, `cannot modify ${path}: it does not exist`);
        steps.push({ change, path });
        break;
      case 'move': {
        if (!change.to) throw fail(path, `move of ${path} has no destination`);
        const to = checkRepoPath(repo.root, change.to);
        if (prior.kind === 'absent') throw fail(path, `cannot move ${path}: it does not exist`);
        if (lstatExists(join(repo.root, to)))
          throw fail(
            to,
            `refusing to move ${path} to ${to}: ${to} already exists and would be overwritten; choose another name or move it away first`,
            'destination-exists',
            3,
          );
        steps.push({ change, path, to });
        break;
      }
      case 'delete':
        if (prior.kind === 'absent') throw fail(path, `cannot delete ${path}: it does not exist`);
        if (prior.kind === 'dir') throw fail(path, `cannot delete ${path}: it is a directory`);
        steps.push({ change, path });
        break;
    }
  }
  return steps;
}

function lstatExists(abs: string): boolean {
  try {
    lstatSync(abs);
    return true;
  } catch {
    return false;
  }
}

/**
 * Carry out `changes` in order inside the repository at `root`, staging exactly the touched paths:
 * create/modify are written to a temporary file beside the target and renamed over it (an existing
 * file keeps its mode), moves use `git mv` and never overwrite, deletes use `git rm`. Paths are
 * checked first (no absolute paths, no `..`, no symlinked parents leaving the repo, nothing in
 * .git). On any failure every file already written, moved or deleted gets its exact previous bytes
 * and mode back, created directories are removed, the index file is restored byte for byte, and the
 * error is rethrown. Run `preflight` first: this function does not check for local edits.
 */
export async function applyChanges(
  root: string,
  changes: readonly Change[],
  opts: ApplyOptions = {},
): Promise<AppliedChanges> {
  const repo = await openRepo(root);
  const steps = await validate(repo, changes);

  const indexPath = await repo.gitPath('index');
  const indexBefore = readPrior(indexPath);
  const journal: JournalEntry[] = [];
  const createdDirs: string[] = [];
  const result: AppliedChanges = { touched: [], written: [], moved: [], deleted: [] };
  const abs = (p: string): string => join(repo.root, p);

  try {
    // Written files are staged in batches: every index write costs an fsync'd rename.
    const toStage: string[] = [];
    const stage = async (): Promise<void> => {
      if (toStage.length) await repo.run(['add', '--', ...toStage.splice(0)]);
    };
    let done = 0;
    const injectFailure = (): void => {
      if (opts.failAfter === done)
        throw new MigrateError('io', `injected failure after ${done} change${done === 1 ? '' : 's'}`);
    };
    injectFailure();
    for (const step of steps) {
      const { change, path } = step;
      if (change.op === 'create' || change.op === 'modify') {
        const target = abs(path);
        const prior = readPrior(target);
        createdDirs.push(...ensureParent(target));
        journal.push({ kind: 'restore', abs: target, prior });
        writeAtomic(target, change.content ?? '', prior.kind === 'file' ? prior.mode : NEW_FILE_MODE);
        toStage.push(repo.toTop(path));
        result.written.push(path);
        result.touched.push(path);
      } else if (change.op === 'move') {
        await stage();
        const to = step.to!;
        createdDirs.push(...ensureParent(abs(to)));
        await repo.run(['mv', '--', repo.toTop(path), repo.toTop(to)]);
        journal.push({ kind: 'moved', fromAbs: abs(path), toAbs: abs(to) });
        result.moved.push({ from: path, to });
        result.touched.push(path, to);
      } else {
        await stage();
        const target = abs(path);
        journal.push({ kind: 'restore', abs: target, prior: readPrior(target) });
        await repo.run(['rm', '-q', '--', repo.toTop(path)]);
        result.deleted.push(path);
        result.touched.push(path);
      }
      done++;
      injectFailure();
    }
    await stage();
  } catch (thrown) {
    const error = isMigrateError(thrown)
      ? thrown
      : new MigrateError('io', `apply failed: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
    const problems = undo(journal, createdDirs, indexPath, indexBefore);
    if (problems.length > 0) {
      const first = error.format();
      throw new MigrateError(
        'io',
        `${first}\nrestoring the previous state also failed for:\n${problems.map((p) => `  ${p}`).join('\n')}\ncheck \`git status\` before running again`,
      );
    }
    throw error;
  }
  result.touched = [...new Set(result.touched)].sort();
  return result;
}

/** Undo the journal newest first; returns what could not be restored (empty when all went back). */
function undo(
  journal: readonly JournalEntry[],
  createdDirs: readonly string[],
  indexPath: string,
  indexBefore: Prior,
): string[] {
  const problems: string[] = [];
  for (const entry of [...journal].reverse()) {
    try {
      if (entry.kind === 'restore') restorePrior(entry.abs, entry.prior);
      else if (lstatExists(entry.toAbs)) {
        mkdirSync(dirname(entry.fromAbs), { recursive: true });
        renameSync(entry.toAbs, entry.fromAbs);
      }
    } catch (e) {
      problems.push(
        `${entry.kind === 'restore' ? entry.abs : entry.toAbs}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }
  for (const dir of [...createdDirs].reverse()) {
    try {
      rmdirSync(dir);
    } catch {
      // not empty (something else lives there now) or already gone: leave it
    }
  }
  try {
    restorePrior(indexPath, indexBefore);
  } catch (e) {
    problems.push(`git index: ${e instanceof Error ? e.message : String(e)}`);
  }
  return problems;
}
