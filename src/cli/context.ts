import { dirname, join, resolve } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { MigrateError } from '../errors.js';
import { makeStyle, type Style } from '../plan/render/style.js';
import { loadConfig } from '../config/load.js';
import type { LoadedConfig } from '../config/types.js';
import { DiskSnapshot } from '../repo/disk.js';

/** Options every command receives (commander's global options). */
export interface GlobalOptions {
  cwd?: string;
  config?: string;
  color?: boolean;
  verbose?: boolean;
}

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  isTTY: boolean;
  style: Style;
  verbose: boolean;
}

/** Colour only on a TTY, never with NO_COLOR or --no-color. */
export function makeIo(opts: GlobalOptions): Io {
  const isTTY = process.stdout.isTTY === true;
  const noColor =
    opts.color === false || (process.env['NO_COLOR'] !== undefined && process.env['NO_COLOR'] !== '');
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    isTTY,
    style: makeStyle(isTTY && !noColor),
    verbose: opts.verbose === true,
  };
}

/** Can we ask a person? Never without a TTY on both ends, never in CI. */
export function interactive(): boolean {
  return process.stdin.isTTY === true && process.stdout.isTTY === true && process.env['CI'] !== 'true';
}

/**
 * The repository root: `-C dir` names it; run without it from a subfolder, it is the top of the git
 * work tree holding the current directory (the current directory itself outside git).
 */
export function repoRoot(opts: GlobalOptions): string {
  const start = resolve(opts.cwd ?? process.cwd());
  if (!existsSync(start) || !statSync(start).isDirectory()) {
    throw new MigrateError('usage', `-C ${opts.cwd ?? ''}: not a directory`, undefined, 2);
  }
  if (opts.cwd !== undefined) return start;
  for (let dir = start; ; dir = dirname(dir)) {
    // `.git` is a directory in a clone and a file in a worktree or submodule.
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return start;
  }
}

/** What every command that reads the repository starts from. */
export interface RepoContext {
  io: Io;
  root: string;
  disk: DiskSnapshot;
  loaded: LoadedConfig;
}

export function openRepoContext(opts: GlobalOptions): RepoContext {
  const io = makeIo(opts);
  const root = repoRoot(opts);
  const disk = new DiskSnapshot(root);
  return { io, root, disk, loaded: loadConfig(disk, opts.config) };
}
