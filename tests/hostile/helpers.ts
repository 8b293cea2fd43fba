import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = join(PROJECT, 'dist/src/cli/bin.js');
export const HOSTILE = join(PROJECT, 'fixtures/hostile');

/** The test run builds once (tests/global-setup.ts); this only checks the entry point is there. */
export function buildOnce(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: the test run builds it in tests/global-setup.ts`);
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Hostile Fixture',
  GIT_AUTHOR_EMAIL: 'hostile@example.invalid',
  GIT_COMMITTER_NAME: 'Hostile Fixture',
  GIT_COMMITTER_EMAIL: 'hostile@example.invalid',
};

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'core.autocrlf=false', ...args], {
    cwd: dir,
    env: { ...process.env, ...GIT_ENV },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
}

export interface CaseRepo {
  /** Parent temp dir: siblings of the repo ("../elsewhere") live here. */
  sandbox: string;
  repo: string;
}

/**
 * A temp copy of fixtures/hostile/<name> as a committed git repository. `prepare` runs before the
 * commit, for content that cannot or should not be committed to this project (50 MB files, binary
 * files, symlinks, directories with shell metacharacters in their names).
 */
export function repoFor(name: string, prepare?: (c: CaseRepo) => void): CaseRepo {
  const sandbox = mkdtempSync(join(tmpdir(), `cm-hostile-${name}-`));
  const repo = join(sandbox, 'repo');
  cpSync(join(HOSTILE, name), repo, { recursive: true });
  const c = { sandbox, repo };
  prepare?.(c);
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', `fixture ${name}`);
  return c;
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The built CLI as a user runs it: non-interactive (CI=true), no colour. */
export function cli(args: string[], cwd = PROJECT): CliResult {
  const start = Date.now();
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', NO_COLOR: '1' },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ms: Date.now() - start };
}

/** Lines of a stack trace as node prints them. */
export const STACK_LINE = /^\s+at\s/m;

export function porcelain(repo: string): string {
  return git(repo, 'status', '--porcelain', '--untracked-files=all', '--ignored=no');
}

/** Every path under `dir` whose basename is `name` (the repository's .git included). */
export function findNamed(dir: string, name: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.name === name) out.push(p);
      if (e.isDirectory() && !e.isSymbolicLink()) walk(p);
    }
  };
  walk(dir);
  return out;
}

/** A directory of executables that record their arguments and succeed, to stand in for docker and test runners. */
export function stubBin(sandbox: string, names: string[]): { bin: string; log: string } {
  const bin = join(sandbox, 'stub-bin');
  const log = join(sandbox, 'stub.log');
  mkdirSync(bin, { recursive: true });
  for (const n of names) {
    writeFileSync(
      join(bin, n),
      `#!/bin/sh\nprintf '%s' "${n}" >> '${log}'\nfor a in "$@"; do printf ' [%s]' "$a" >> '${log}'; done\necho >> '${log}'\nexit 0\n`,
      {
        mode: 0o755,
      },
    );
  }
  return { bin, log };
}

export interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Start the CLI and send `signal` after `delayMs`; resolves when it has exited. */
export function runAndSignal(args: string[], signal: NodeJS.Signals, delayMs: number): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, CI: 'true', NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // SIGINT/SIGTERM are sent once the CLI runs (it holds the repository lock): node's own start-up,
    // before any of the tool's code, is not what these trials are about.
    const repo = args[args.indexOf('-C') + 1] ?? '';
    const caught = (): boolean => existsSync(join(repo, '.git/compose-migrate.lock'));
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      if (signal === 'SIGKILL' || caught()) timer = setTimeout(() => child.kill(signal), delayMs);
      else timer = setTimeout(arm, 10);
    };
    arm();
    child.on('exit', (status, sig) => {
      clearTimeout(timer);
      // A killed run's git children finish on their own; give them a moment, as a person would.
      setTimeout(() => resolve({ status, signal: sig, stderr }), 300);
    });
  });
}
