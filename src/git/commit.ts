import { copyFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MigrateError, isMigrateError } from '../errors.js';
import { importCommits, needsPerCommitPath, type SeriesCommit } from './fast-import.js';
import { assertNotBusy } from './preflight.js';
import { openRepo, type Repo } from './repo.js';
import { applySubject, formatMessage, scopeTrailers, type MigrationScope } from './trailers.js';
import {
  indexEntries,
  sameEntry,
  treeEntries,
  treeOf,
  updateIndex,
  withTempIndex,
  type EntryMap,
} from './tree.js';

export interface CommitApplyOptions {
  /** Component(s) the apply migrated; "" or [] for a repo-wide change such as the archive. */
  component: string | readonly string[];
  /** The apply archived the root compose files (default: true when no component is named). */
  archive?: boolean;
  /** Default: `compose-migrate: migrate <component>` / `compose-migrate: archive root compose files`. */
  subject?: string;
  body?: string;
  /**
   * Root-relative paths to commit (AppliedChanges.touched). Other staged paths stay staged and out
   * of the commit. Without it, everything staged is committed, as `git commit` would.
   */
  paths?: readonly string[];
  /** Skip the repository's commit hooks (`git commit --no-verify`), only when the user asked. */
  noVerify?: boolean;
}

export type CommitResult =
  | { kind: 'committed'; sha: string; subject: string; paths: string[] }
  /** Nothing staged differs from HEAD (e.g. re-applying a migrated component): no commit was made. */
  | { kind: 'no-op' };

/** Normalise the component/archive pair every migration record carries. */
export function toScope(component: string | readonly string[], archive?: boolean): MigrationScope {
  const list = (typeof component === 'string' ? [component] : [...component]).filter((c) => c !== '');
  for (const c of list) {
    if (/[\s\0]/u.test(c) || c.startsWith('-'))
      throw new MigrateError(
        'component-name',
        `component name ${JSON.stringify(c)} cannot be recorded in git`,
        undefined,
        2,
      );
  }
  return { components: [...new Set(list)], archive: archive ?? list.length === 0 };
}

/** Paths staged relative to HEAD (top-relative). */
async function stagedPaths(repo: Repo, head: string | undefined): Promise<string[]> {
  const out = head
    ? await repo.run(['diff', '--cached', '--name-only', '-z', '--no-renames', head])
    : await repo.run(['ls-files', '-z', '--full-name']);
  return out.split('\0').filter((p) => p !== '');
}

export interface CommitOptions {
  /** Pass `--no-verify` to git: the user asked to skip the repository's pre-commit and commit-msg hooks. */
  noVerify?: boolean;
  /** Commit even when the tree does not change (a rollback that records an undo). */
  allowEmpty?: boolean;
}

/**
 * The one place a migration commit is made. The tree is HEAD's with `entries` applied, built on a
 * temporary index so nothing the user staged elsewhere leaks in; the commit itself is made by
 * `git commit` on that index, so the repository's hooks (pre-commit, commit-msg, post-commit) and
 * `commit.gpgsign` apply exactly as to the user's own commits. A hook or signing failure is an
 * error carrying git's message, and nothing is committed. Returns undefined when the tree would not
 * change (unless allowEmpty).
 */
export async function commitEntries(
  repo: Repo,
  head: string | undefined,
  entries: EntryMap,
  message: string,
  opts: CommitOptions = {},
): Promise<string | undefined> {
  const identity = await repo.identityEnv();
  return withTempIndex(async (env) => {
    await readHeadInto(repo, head, env);
    await updateIndex(repo, entries, env);
    const tree = (await repo.run(['write-tree'], { env })).trim();
    if (!opts.allowEmpty && head && tree === (await treeOf(repo, head))) return undefined;
    const file = join(dirname(env['GIT_INDEX_FILE']!), 'MSG');
    writeFileSync(file, message.endsWith('\n') ? message : `${message}\n`);
    const args = ['commit', '-q', '--cleanup=verbatim', '-F', file];
    if (opts.allowEmpty) args.push('--allow-empty');
    if (opts.noVerify) args.push('--no-verify');
    try {
      await repo.run(args, { env: { ...env, ...identity } });
    } catch (e) {
      const detail = isMigrateError(e) ? e.message.replace(/^git commit failed: /u, '') : String(e);
      const refused = new MigrateError(
        'commit-refused',
        `git commit did not commit (${await commitGuards(repo)}); nothing was committed: ${detail}`,
      );
      if (isMigrateError(e) && e.detail !== undefined) refused.detail = e.detail;
      throw refused;
    }
    const sha = await repo.resolveRev('HEAD');
    if (!sha || (head && (await repo.resolveRev(`${sha}^1`)) !== head))
      throw new MigrateError(
        'git-failed',
        'HEAD moved while compose-migrate was committing; check `git log`',
      );
    return sha;
  });
}

/**
 * HEAD's tree into the temporary index `env` names. It starts as a copy of the repository's own index
 * read with `read-tree -m`, so entries that match HEAD keep their stat data: `git commit` refreshes
 * the index it commits, and an index without stat data makes it re-read every file of the work tree
 * (8,500 files: 0.7 s per commit, against 20 ms). What the user staged is still left out: a one-tree
 * `read-tree -m` makes the index exactly the tree. Without an index to start from, or one git will
 * not merge from (unmerged entries), the tree is read without stat data.
 */
export async function readHeadInto(
  repo: Repo,
  head: string | undefined,
  env: Record<string, string>,
): Promise<void> {
  const index = env['GIT_INDEX_FILE']!;
  if (head) {
    try {
      copyFileSync(await repo.gitPath('index'), index);
      await repo.run(['read-tree', '-m', head], { env });
      return;
    } catch {
      rmSync(index, { force: true });
    }
  }
  await repo.run(head ? ['read-tree', head] : ['read-tree', '--empty'], { env });
}

/**
 * Record `commits` one after the other on HEAD, each tree being the previous one's with its entries
 * applied; returns their ids in order. This is the seam every series of migration commits goes
 * through. In a repository without commit hooks or signing the whole series is written by one
 * `git fast-import` (HEAD moves once, with reflog entry `reflog`); otherwise each commit is made
 * by `commitEntries`, the per-commit path. Every commit must change its tree.
 */
export async function commitSeries(
  repo: Repo,
  head: string | undefined,
  commits: readonly (SeriesCommit & { reflog: string })[],
  reflog: string,
): Promise<string[]> {
  if (commits.length > 1 && !(await needsPerCommitPath(repo)))
    return importCommits(repo, head, commits, reflog, await repo.identityEnv());
  const shas: string[] = [];
  let parent = head;
  for (const commit of commits) {
    const sha = await commitEntries(repo, parent, commit.entries, commit.message);
    if (!sha) throw new MigrateError('git-failed', `commit "${commit.reflog}" would not change the tree`);
    shas.push(sha);
    parent = sha;
  }
  return shas;
}

/**
 * One commit per entry of `applies`, in order, as `commitApply` would make them one call after the
 * other (an apply whose paths no longer differ from the commit before it is a no-op), but read and
 * written in a constant number of git processes. Every apply must name its paths.
 */
export async function commitApplies(
  root: string,
  applies: readonly (CommitApplyOptions & { paths: readonly string[] })[],
): Promise<CommitResult[]> {
  const repo = await openRepo(root);
  await assertNotBusy(repo);
  const head = await repo.resolveRev('HEAD');
  const topPaths = applies.map((a) => [...new Set(a.paths.map((p) => repo.toTop(p)))]);
  const all = [...new Set(topPaths.flat())];
  const staged = await indexEntries(repo, all);
  // The tree as the commits so far leave it, for the paths in play.
  const current = await treeEntries(repo, head, all);

  const results: (CommitResult | undefined)[] = [];
  const series: (SeriesCommit & { reflog: string; subject: string; paths: string[] })[] = [];
  applies.forEach((apply, i) => {
    const changed: EntryMap = new Map();
    for (const p of topPaths[i] ?? []) {
      const entry = staged.get(p) ?? null;
      if (!sameEntry(entry, current.get(p))) changed.set(p, entry);
    }
    if (changed.size === 0) {
      results.push({ kind: 'no-op' });
      return;
    }
    for (const [p, e] of changed) current.set(p, e);
    const scope = toScope(apply.component, apply.archive);
    const subject = apply.subject ?? applySubject(scope);
    const message = formatMessage(subject, apply.body, scopeTrailers('apply', scope));
    const paths = [...changed.keys()].map((p) => repo.fromTop(p) ?? p).sort();
    series.push({ entries: changed, message, reflog: subject, subject, paths });
    results.push(undefined);
  });

  const shas = await commitSeries(
    repo,
    head,
    series,
    `compose-migrate: apply (${series.length} commit${series.length === 1 ? '' : 's'})`,
  );
  let next = 0;
  return results.map((r) => {
    if (r) return r;
    const made = series[next];
    const sha = shas[next++];
    if (!made || !sha) throw new MigrateError('git-failed', 'a commit of the series is missing');
    return { kind: 'committed', sha, subject: made.subject, paths: made.paths };
  });
}

/**
 * One commit for one apply, carrying the trailers `Compose-Migrate: apply` and
 * `Compose-Migrate-Component: <name>` (one per component; `Compose-Migrate-Archive: yes` for the
 * archive). When nothing staged differs from HEAD, no commit is made and `{ kind: 'no-op' }` is
 * returned. A missing git identity (CI) is replaced by `compose-migrate <compose-migrate@localhost>`
 * for this commit only; the user's configuration is never changed.
 */
export async function commitApply(root: string, opts: CommitApplyOptions): Promise<CommitResult> {
  const repo = await openRepo(root);
  await assertNotBusy(repo);
  const scope = toScope(opts.component, opts.archive);
  const head = await repo.resolveRev('HEAD');
  const paths = opts.paths
    ? [...new Set(opts.paths.map((p) => repo.toTop(p)))]
    : await stagedPaths(repo, head);

  const staged = await indexEntries(repo, paths);
  const committed = await treeEntries(repo, head, paths);
  const changed: EntryMap = new Map([...staged].filter(([p, e]) => !sameEntry(e, committed.get(p))));
  if (changed.size === 0) return { kind: 'no-op' };

  const subject = opts.subject ?? applySubject(scope);
  const message = formatMessage(subject, opts.body, scopeTrailers('apply', scope));
  const sha = await commitEntries(repo, head, changed, message, opts.noVerify ? { noVerify: true } : {});
  if (!sha) return { kind: 'no-op' };
  const rel = [...changed.keys()].map((p) => repo.fromTop(p) ?? p).sort();
  return { kind: 'committed', sha, subject, paths: rel };
}

/** The hooks and signing setting that take part in `git commit` here, named for an error message. */
async function commitGuards(repo: Repo): Promise<string> {
  const dir = await repo.gitPath('hooks').catch(() => undefined);
  const hooks = ['pre-commit', 'prepare-commit-msg', 'commit-msg'].filter((h) => {
    try {
      return dir !== undefined && (statSync(join(dir, h)).mode & 0o111) !== 0;
    } catch {
      return false;
    }
  });
  const sign = (await repo.run(['config', '--bool', '--get', 'commit.gpgsign']).catch(() => '')).trim();
  const parts = hooks.map((h) => `${h} hook ${join(dir ?? '', h)}`);
  if (sign === 'true') parts.push('commit.gpgsign=true');
  return parts.length ? `refused by ${parts.join(', ')}` : 'git refused it';
}
