/**
 * Drive the built CLI the way a user does: a fixture copied into a fresh git repository, the command
 * run as a child process with a clean environment and no TTY, and the repository inspected afterwards.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';
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
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = join(PROJECT_ROOT, 'dist/src/cli/bin.js');
export const FIXTURES = ['lumiere', 'layered', 'modular', 'infra-backend', 'js-orchestrator'] as const;
export type FixtureName = (typeof FIXTURES)[number];

export const fixtureDir = (name: string): string => join(PROJECT_ROOT, 'fixtures', name);

/** The build happens once for the whole run, in tests/global-setup.ts; this only checks it is there. */
export function ensureBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: the test run builds it in tests/global-setup.ts`);
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
  /** In-process only: the transaction fails after this many changes. */
  failAfter?: number;
}

/**
 * Run the command in-process, the way a library caller does: `run(argv, io)` with collected stdout and
 * stderr, stdin a pipe holding `input` (never a TTY), the clean environment, and `dir` as the cwd.
 */
export async function cli(dir: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const { run } = await import('../../src/cli/main.js');
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    stdin: Readable.from([opts.input ?? '']),
    env: cleanEnv(opts.env),
    cwd: dir,
    ...(opts.failAfter !== undefined ? { failAfter: opts.failAfter } : {}),
  });
  return { code, stdout, stderr };
}

/** The same command as a real process of the built binary: for exit codes, signals and the bin itself. */
export function cliProcess(dir: string, args: string[], opts: RunOptions = {}): RunResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: dir,
    env: cleanEnv(opts.env),
    encoding: 'utf8',
    input: opts.input ?? '',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
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
      else out[path] = `${gitMode(st.mode)}:${createHash('sha256').update(readFileSync(abs)).digest('hex')}`;
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

/**
 * The mode as git records it (644 or 755): what a checkout reproduces. The group and other write bits
 * follow the umask of whoever runs the tests (002 gives 664), so they are no part of byte identity.
 */
function gitMode(mode: number): string {
  return (mode & 0o100) !== 0 ? '755' : '644';
}
