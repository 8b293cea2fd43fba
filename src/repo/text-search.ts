import { execFile, spawnSync } from 'node:child_process';

/**
 * Text searches over a repository with git, so that a pass looking for a few strings opens only the
 * files that contain them instead of reading the whole tree. Every answer is a hint for a scan that
 * still checks each file's bytes itself; undefined means "no search available" (not a git work tree,
 * no git), and the caller reads every file as it would without one.
 */

/** The ambient environment without the variables that would point git at another repository. */
function env(): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^git_/i.test(k)) out[k] = v;
  out.LC_ALL = 'C';
  return out;
}

const GIT = ['-c', 'core.quotePath=false', '-c', 'grep.fullName=false'];
const splitPaths = (out: string): string[] => out.split('\0').filter((p) => p !== '');

/** NUL-separated paths from one git command run in `cwd`; undefined when it fails. Exit 1 of grep is "none". */
function paths(cwd: string, args: string[], noMatchOk: boolean): string[] | undefined {
  const r = spawnSync('git', [...GIT, ...args], {
    cwd,
    env: env(),
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  if (r.error || (r.status !== 0 && !(noMatchOk && r.status === 1))) return undefined;
  return splitPaths(r.stdout.toString('utf8'));
}

/** `paths`, without blocking: the same command, answered when it exits. */
export function gitPaths(cwd: string, args: string[], noMatchOk: boolean): Promise<string[] | undefined> {
  return new Promise((resolve) => {
    execFile(
      'git',
      [...GIT, ...args],
      { cwd, env: env(), maxBuffer: 256 * 1024 * 1024, encoding: 'buffer' },
      (err, stdout) => {
        const code = err ? (err as { code?: unknown }).code : 0;
        if (err && !(noMatchOk && code === 1)) return resolve(undefined);
        resolve(splitPaths(stdout.toString('utf8')));
      },
    );
  });
}

const grepArgs = (needles: readonly string[]): string[] => [
  'grep',
  '-l',
  '-z',
  '--untracked',
  '-F',
  ...needles.flatMap((n) => ['-e', n]),
  '--',
  '.',
];
const listArgs = ['ls-files', '-v', '-z', '--cached', '--others', '--exclude-standard', '--', '.'];

/** What `ls-files -v` lists that `git grep --untracked` reads from the disk (see searchedWorkTree). */
const searchedOf = (found: string[]): Set<string> =>
  new Set(found.filter((e) => e.startsWith('H ') || e.startsWith('? ')).map((e) => e.slice(2)));

/** grepWorkTree and searchedWorkTree run side by side without blocking (both answers, or undefined). */
export async function searchWorkTree(
  cwd: string,
  needles: readonly string[],
): Promise<{ hits: Set<string> | undefined; searched: Set<string> | undefined }> {
  const [hits, listed] = await Promise.all([
    gitPaths(cwd, grepArgs(needles), true),
    gitPaths(cwd, listArgs, false),
  ]);
  return { hits: hits && new Set(hits), searched: listed && searchedOf(listed) };
}

/** One key per set of needles, whatever their order: searches are kept by it. */
export const needlesKey = (needles: readonly string[]): string => [...needles].sort().join('\0');

/**
 * Below this many files a caller reads them all rather than asking git: starting git costs more than
 * reading a small tree (600 files: 25-60 ms of git against under 30 ms of reading).
 */
export const SEARCH_FROM_FILES = 2_000;

/**
 * Files of commit `rev` under `cwd` (paths relative to it) that contain one of `needles` as bytes;
 * undefined when git cannot search it.
 */
export function grepTree(cwd: string, rev: string, needles: readonly string[]): Set<string> | undefined {
  const found = paths(
    cwd,
    ['grep', '-l', '-z', '-F', ...needles.flatMap((n) => ['-e', n]), rev, '--', '.'],
    true,
  );
  if (!found) return undefined;
  // Each is "<rev>:<path>".
  const lead = `${rev}:`;
  return new Set(found.filter((p) => p.startsWith(lead)).map((p) => p.slice(lead.length)));
}

/**
 * Files of the work tree under `cwd` (paths relative to it) that `git grep` searches and that contain
 * one of `needles` as bytes: tracked and untracked files git does not ignore, read from the disk.
 */
export function grepWorkTree(cwd: string, needles: readonly string[]): Set<string> | undefined {
  const found = paths(cwd, grepArgs(needles), true);
  return found && new Set(found);
}

/**
 * The files `git grep --untracked` reads from the disk under `cwd`: tracked and untracked, not
 * ignored. Tracked files marked assume-unchanged or skip-worktree are left out (for those, git may
 * search the index copy rather than the disk); symbolic links and submodules are listed but not
 * searched, so callers treat those as unsearched themselves.
 */
export function searchedWorkTree(cwd: string): Set<string> | undefined {
  // -v tags each path: "H " tracked, "? " untracked; lower case or "S " for the flags above.
  const found = paths(cwd, listArgs, false);
  return found && searchedOf(found);
}
