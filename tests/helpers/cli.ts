/**
 * Drive the built CLI the way a user does: a fixture copied into a fresh git repository, the command
 * run as a child process with a clean environment and no TTY, and the repository inspected afterwards.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = join(PROJECT_ROOT, 'dist/src/cli/main.js');
export const FIXTURES = ['lumiere', 'layered', 'modular', 'infra-backend', 'js-orchestrator'] as const;
export type FixtureName = (typeof FIXTURES)[number];

export const fixtureDir = (name: string): string => join(PROJECT_ROOT, 'fixtures', name);

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const abs = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(abs));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(abs).mtimeMs);
  }
  return newest;
}

const isStale = (): boolean =>
  !existsSync(CLI) ||
  statSync(CLI).mtimeMs <
    Math.max(newestMtime(join(PROJECT_ROOT, 'src')), newestMtime(join(PROJECT_ROOT, 'transforms')));

/**
 * Build once for the whole run: test files run in parallel workers, so the first one to find the
 * build stale takes a lock directory and the others wait for it instead of compiling concurrently.
 */
export function ensureBuilt(): void {
  if (!isStale()) return;
  const lock = join(
    tmpdir(),
    `compose-migrate-build-${createHash('sha256').update(PROJECT_ROOT).digest('hex').slice(0, 12)}`,
  );
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`build lock ${lock} held for two minutes`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (isStale())
      execFileSync(
        process.execPath,
        [join(PROJECT_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
        { cwd: PROJECT_ROOT, stdio: 'pipe' },
      );
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

const created: string[] = [];

export function cleanupRepos(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: cleanEnv(),
  });
}

export interface TestRepo {
  dir: string;
  /** The commit holding the fixture as imported. */
  start: string;
}

/**
 * A copy of a fixture (or of nothing, for inline cases) in `<tmp>/<name>`, so the project name compose
 * derives from the directory is the fixture's; committed with a fixed identity that the tool's own
 * commits use as well.
 */
export function makeRepo(
  fixture: string | null,
  files: Record<string, string> = {},
  name = fixture ?? 'repo',
): TestRepo {
  const parent = mkdtempSync(join(tmpdir(), 'cm-e2e-'));
  created.push(parent);
  const dir = join(parent, name);
  if (fixture !== null) cpSync(fixtureDir(fixture), dir, { recursive: true });
  else mkdirSync(dir);
  for (const [path, text] of Object.entries(files)) writeText(dir, path, text);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'E2E Tester');
  git(dir, 'config', 'user.email', 'e2e@example.com');
  git(dir, 'config', 'commit.gpgsign', 'false');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--no-verify', '-m', 'import');
  return { dir, start: git(dir, 'rev-parse', 'HEAD').trim() };
}

/** A full copy (work tree and .git) under the same directory name, for a destructive variation. */
export function cloneRepo(repo: TestRepo): TestRepo {
  const parent = mkdtempSync(join(tmpdir(), 'cm-e2e-'));
  created.push(parent);
  const dir = join(parent, basename(repo.dir));
  cpSync(repo.dir, dir, { recursive: true });
  return { dir, start: repo.start };
}

export function writeText(dir: string, path: string, text: string): void {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
}

export const readText = (dir: string, path: string): string => readFileSync(join(dir, path), 'utf8');

/** Only what a user's shell would reliably have; no CI, no TTY, no colour, no stray git config. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: homedir(),
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
    GIT_CONFIG_NOSYSTEM: '1',
  };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  input?: string;
}

/** Run the CLI synchronously in `dir` (stdin a pipe, so never a TTY). */
export function cli(dir: string, args: string[], opts: RunOptions = {}): RunResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: dir,
    env: cleanEnv(opts.env),
    encoding: 'utf8',
    input: opts.input ?? '',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same, without blocking the worker: lets independent fixtures run side by side. */
export function cliAsync(dir: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: dir,
      env: cleanEnv(opts.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

export const porcelain = (dir: string): string =>
  git(dir, 'status', '--porcelain=v1', '--untracked-files=all', '--ignored');

/** sha256 and mode of every file under dir except .git: byte-level identity of the work tree. */
export function treeHashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
      if (rel === '' && entry.name === '.git') continue;
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      const abs = join(dir, path);
      const st = lstatSync(abs);
      if (st.isDirectory()) walk(path);
      else
        out[path] =
          `${(st.mode & 0o777).toString(8)}:${createHash('sha256').update(readFileSync(abs)).digest('hex')}`;
    }
  };
  walk('');
  return out;
}

/** A failed command must say why in one line, without a stack trace. */
export function expectOneLineError(r: RunResult): string {
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  if (lines.length !== 1) throw new Error(`expected one stderr line, got ${lines.length}:\n${r.stderr}`);
  if (/^\s+at /m.test(r.stderr)) throw new Error(`stack trace on stderr:\n${r.stderr}`);
  return lines[0]!;
}
