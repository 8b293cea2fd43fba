import { MigrateError } from '../errors.js';
import { assertNotBusy } from './preflight.js';
import { openRepo, type Repo } from './repo.js';
import { applySubject, formatMessage, scopeTrailers, type MigrationScope } from './trailers.js';
import {
  advanceHead,
  commitTree,
  indexEntries,
  sameEntry,
  treeEntries,
  treeOf,
  treeWith,
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

/**
 * Record a commit on HEAD whose tree is HEAD's with `entries` applied. Built with plumbing on a
 * temporary index so that nothing the user staged elsewhere leaks in, no editor or hook runs, and
 * HEAD moves only if it still points where it did (compare-and-swap). Returns undefined when the
 * tree would not change.
 */
export async function commitEntries(
  repo: Repo,
  head: string | undefined,
  entries: EntryMap,
  message: string,
  reflog: string,
): Promise<string | undefined> {
  const tree = await treeWith(repo, head, entries);
  if (head && tree === (await treeOf(repo, head))) return undefined;
  const env = await repo.identityEnv();
  const sha = await commitTree(repo, tree, head ? [head] : [], message, env);
  await advanceHead(repo, sha, head, reflog, env);
  return sha;
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
  const sha = await commitEntries(repo, head, changed, message, subject);
  if (!sha) return { kind: 'no-op' };
  const rel = [...changed.keys()].map((p) => repo.fromTop(p) ?? p).sort();
  return { kind: 'committed', sha, subject, paths: rel };
}
