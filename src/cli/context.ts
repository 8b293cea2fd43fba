import { dirname, join, resolve } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { MigrateError } from '../errors.js';
import { makeStyle, type Style } from '../plan/render/style.js';
import { loadConfig } from '../config/load.js';
import type { LoadedConfig } from '../config/types.js';
import { DiskSnapshot } from '../repo/disk.js';

export { processIo, type InStream, type OutStream, type RunIo } from './io.js';
import type { RunIo } from './io.js';

/** Options every command receives (commander's global options, plus the run's streams). */
export interface GlobalOptions {
  cwd?: string;
  config?: string;
  color?: boolean;
  verbose?: boolean;
  io: RunIo;
}

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  isTTY: boolean;
  style: Style;
  verbose: boolean;
  /** The run's own streams and environment (prompts, pager, progress line). */
  run: RunIo;
}

/** Colour only on a TTY, never with NO_COLOR or --no-color. */
export function makeIo(opts: GlobalOptions): Io {
  const { stdout, stderr, env } = opts.io;
  const isTTY = stdout.isTTY === true;
  const noColor = opts.color === false || (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '');
  return {
    out: (t) => stdout.write(t),
    err: (t) => stderr.write(t),
    isTTY,
    style: makeStyle(isTTY && !noColor),
    verbose: opts.verbose === true,
    run: opts.io,
  };
}

/** Can we ask a person? Never without a TTY on both ends, never in CI. */
export function interactive(io: RunIo): boolean {
  return io.stdin.isTTY === true && io.stdout.isTTY === true && io.env['CI'] !== 'true';
}

/**
 * The repository root: `-C dir` names it; run without it from a subfolder, it is the top of the git
 * work tree holding the current directory (the current directory itself outside git).
 */
export function repoRoot(opts: GlobalOptions): string {
  const start = resolve(opts.io.cwd, opts.cwd ?? '.');
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
