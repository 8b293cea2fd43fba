import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { MigrateError } from '../errors.js';
import { ALLOWED_GIT_ENV, FALLBACK_EMAIL, FALLBACK_NAME, IDENTITY_VARS, gitEnv } from './env.js';

export interface RunOptions {
  /** Extra environment for this command only. */
  env?: Readonly<Record<string, string>>;
}

/**
 * A git work tree seen from the directory compose-migrate was pointed at. That directory (`root`)
 * may be a subdirectory of the work tree (`top`); every path handed to or returned by this module's
 * callers is relative to `root`, while git commands run at `top` with top-relative paths, so that
 * plumbing output (always top-relative) needs no guessing.
 */
export class Repo {
  constructor(
    /** Absolute directory compose-migrate works on. */
    readonly root: string,
    /** Absolute top of the git work tree. */
    readonly top: string,
    /** `root` relative to `top`, POSIX, with a trailing slash, or "" when they are the same. */
    readonly prefix: string,
  ) {}

  /** Root-relative → top-relative. */
  toTop(path: string): string {
    return this.prefix + path;
  }

  /** Top-relative → root-relative; undefined when the path lies outside root. */
  fromTop(path: string): string | undefined {
    if (!path.startsWith(this.prefix)) return undefined;
    return path.slice(this.prefix.length);
  }

  /** Run git at the top of the work tree. Pathspecs are always literal (no glob magic). */
  async run(args: readonly string[], opts: RunOptions = {}): Promise<string> {
    return runGit(this.top, ['--literal-pathspecs', ...args], opts);
  }

  /** Absolute path of a file inside the git directory (`git rev-parse --git-path`). */
  async gitPath(name: string): Promise<string> {
    const out = (await this.run(['rev-parse', '--git-path', name])).trim();
    return isAbsolute(out) ? out : resolve(this.top, out);
  }

  /** Full object id of a revision, or undefined when it does not exist (an unborn HEAD). */
  async resolveRev(rev: string): Promise<string | undefined> {
    const out = (
      await this.run(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]).catch(() => '')
    ).trim();
    return out === '' ? undefined : out;
  }

  /**
   * Identity variables for a commit: the user's own identity when configured (config or env), and
   * `compose-migrate <compose-migrate@localhost>` for whatever part is missing, so commits work in
   * CI without touching anyone's configuration.
   */
  async identityEnv(): Promise<Record<string, string>> {
    const get = async (key: string): Promise<string> =>
      (await this.run(['config', '--get', key]).catch(() => '')).trim();
    const name = await get('user.name');
    const email = await get('user.email');
    const env: Record<string, string> = {};
    const ambient = (k: (typeof IDENTITY_VARS)[number]): string | undefined => process.env[k];
    if (!name) {
      if (!ambient('GIT_AUTHOR_NAME')) env['GIT_AUTHOR_NAME'] = FALLBACK_NAME;
      if (!ambient('GIT_COMMITTER_NAME')) env['GIT_COMMITTER_NAME'] = FALLBACK_NAME;
    }
    if (!email) {
      if (!ambient('GIT_AUTHOR_EMAIL')) env['GIT_AUTHOR_EMAIL'] = FALLBACK_EMAIL;
      if (!ambient('GIT_COMMITTER_EMAIL')) env['GIT_COMMITTER_EMAIL'] = FALLBACK_EMAIL;
    }
    return env;
  }
}

/** simple-git, loaded on the first command: a command that runs no git through it never pays for it. */
let simpleGitModule: Promise<typeof import('simple-git')> | undefined;

/** One git command. Failures become MigrateError('git-failed') carrying git's own message. */
export async function runGit(cwd: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  const { simpleGit } = await (simpleGitModule ??= import('simple-git'));
  const git = simpleGit({ baseDir: cwd, allowEnvironment: ALLOWED_GIT_ENV, trimmed: false });
  git.env(gitEnv(opts.env));
  try {
    return await git.raw([...args]);
  } catch (e) {
    // git explains over several lines (and adds hints); the CLI prints one line: the one that says
    // what failed, and how many more --verbose shows.
    const lines = (e instanceof Error ? e.message : String(e))
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !/^hint:/u.test(l));
    const main = lines.find((l) => /^(fatal|error):/u.test(l)) ?? lines[0] ?? 'no message';
    const more = lines.length - 1;
    const verb = args.find((a) => !a.startsWith('-')) ?? 'git';
    const err = new MigrateError(
      'git-failed',
      `git ${verb} failed: ${main}${more > 0 ? ` (${more} more line${more === 1 ? '' : 's'} with --verbose)` : ''}`,
    );
    if (more > 0) err.detail = lines.join('\n');
    throw err;
  }
}

/**
 * Locate the work tree containing `root`. Exit-3 'not-a-repo' when there is none (or root does
 * not exist), since nothing can be made reversible without git.
 */
export async function openRepo(root: string): Promise<Repo> {
  const abs = resolve(root);
  const notRepo = (why: string): MigrateError =>
    new MigrateError(
      'not-a-repo',
      `${abs} ${why}; compose-migrate only changes files inside a git work tree so every change can be rolled back (run \`git init\` and commit first)`,
      undefined,
      3,
    );
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw notRepo('is not a directory');
  let out: string;
  try {
    out = await runGit(abs, ['rev-parse', '--is-inside-work-tree', '--show-toplevel', '--show-prefix']);
  } catch {
    throw notRepo('is not inside a git repository');
  }
  const [inside, top, prefix] = out.split('\n');
  if (inside !== 'true' || !top) throw notRepo('is not inside a git work tree');
  return new Repo(abs, top, prefix ?? '');
}
