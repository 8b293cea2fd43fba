import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, terminalEnv } from './pty.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const created: string[] = [];

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: terminalEnv(),
  });
}

/**
 * A committed temporary copy of a fixture. `drop` removes files first (say, the config that answers
 * its decisions); `write` adds or replaces files.
 */
export function fixtureRepo(
  name: string,
  opts: { drop?: string[]; write?: Record<string, string> } = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), `cm-${name}-`));
  created.push(dir);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  for (const p of opts.drop ?? []) rmSync(join(dir, p), { force: true });
  for (const [p, text] of Object.entries(opts.write ?? {})) writeFileSync(join(dir, p), text);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--no-verify', '-m', 'initial');
  return dir;
}

/** A committed temporary repository made of the given files. */
export function repoOf(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cm-repo-'));
  created.push(dir);
  for (const [p, text] of Object.entries(files)) {
    const abs = join(dir, p);
    execFileSync('mkdir', ['-p', join(abs, '..')]);
    writeFileSync(abs, text);
  }
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--no-verify', '-m', 'initial');
  return dir;
}

export function cleanupRepos(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The built CLI with pipes for stdin, stdout and stderr: no terminal anywhere. */
export function runPiped(args: string[], cwd: string, env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: terminalEnv(env),
    input: '',
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** What the repository looks like to git: HEAD, the porcelain status and the commit subjects. */
export function gitState(dir: string): { head: string; status: string; log: string[] } {
  return {
    head: git(dir, 'rev-parse', 'HEAD').trim(),
    status: git(dir, 'status', '--porcelain', '--untracked-files=all'),
    log: git(dir, 'log', '--format=%s').trim().split('\n'),
  };
}

export const exists = (dir: string, path: string): boolean => existsSync(join(dir, path));

export function ensureBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
}
