import { MigrateError } from '../errors.js';
import { toScope } from './commit.js';
import { PENDING_ARCHIVE_REF, pendingRef } from './history.js';
import { openRepo, type Repo } from './repo.js';
import { T_BASE, formatMessage, scopeLabel, scopeTrailers, type MigrationScope } from './trailers.js';
import { commitTree, treeEntries, treeWith } from './tree.js';

export interface BackupOptions {
  /** Component(s) the uncommitted apply migrated; "" or [] for the archive. */
  component: string | readonly string[];
  archive?: boolean;
  /** Root-relative paths the apply touched (AppliedChanges.touched). */
  touched: readonly string[];
}

export interface BackupResult {
  /** The backup commit: its tree is the index as it was before the apply. */
  sha: string;
  /** Refs created for it (one per component, `refs/compose-migrate/pending-archive` for the archive). */
  refs: string[];
}

/**
 * For `apply --no-commit`: the change stays staged, and a commit object that is on no branch
 * records the state before it, so rollback can restore byte-exact content although nothing was
 * committed. Its parent is a commit of the staged (post-apply) index, whose parent is HEAD; that
 * keeps every blob reachable (safe from gc) and lets rollback tell whether the staged files were
 * edited since. Call right after applyChanges, before anything else changes the index.
 */
export async function recordBackup(root: string, opts: BackupOptions): Promise<BackupResult> {
  const repo = await openRepo(root);
  const scope = toScope(opts.component, opts.archive);
  const refs = await assertNoPending(repo, opts.component, opts.archive);
  const env = await repo.identityEnv();
  const sha = await backupCommit(repo, scope, opts.touched, env);
  for (const ref of refs) {
    await repo.run(['update-ref', '-m', 'compose-migrate: pending apply', ref, sha, ''], { env });
  }
  return { sha, refs };
}

/** The refs an uncommitted apply of this scope records its backup under. */
export function backupRefs(component: string | readonly string[], archive?: boolean): string[] {
  const scope = toScope(component, archive);
  return [...scope.components.map(pendingRef), ...(scope.archive ? [PENDING_ARCHIVE_REF] : [])];
}

/**
 * Refuse (before anything is written) an uncommitted apply whose backup refs cannot be made: a name
 * git cannot put in a ref, or an uncommitted apply of the same scope already pending. Returns the refs.
 */
export async function assertNoPending(
  repo: Repo,
  component: string | readonly string[],
  archive?: boolean,
): Promise<string[]> {
  const scope = toScope(component, archive);
  const refs = backupRefs(component, archive);
  for (const ref of refs) {
    await repo.run(['check-ref-format', ref]).catch(() => {
      throw new MigrateError(
        'component-name',
        `cannot name a git ref after ${ref.slice('refs/compose-migrate/'.length)}`,
        undefined,
        2,
      );
    });
    if (await repo.resolveRev(ref)) {
      throw new MigrateError(
        'pending-exists',
        `an uncommitted apply of ${scopeLabel(scope)} is already pending (${ref}); commit it or run \`compose-migrate rollback\` first`,
        undefined,
        3,
      );
    }
  }
  return refs;
}

/** Remove the backup refs of an uncommitted apply that was interrupted (they are its own). */
export async function dropBackupRefs(repo: Repo, refs: readonly string[]): Promise<void> {
  for (const ref of refs) if (await repo.resolveRev(ref)) await repo.run(['update-ref', '-d', ref]);
}

async function backupCommit(
  repo: Repo,
  scope: MigrationScope,
  touched: readonly string[],
  env: Record<string, string>,
): Promise<string> {
  const head = await repo.resolveRev('HEAD');
  const paths = [...new Set(touched.map((p) => repo.toTop(p)))].sort();
  const stagedTree = (await repo.run(['write-tree'])).trim();
  const staged = await commitTree(
    repo,
    stagedTree,
    head ? [head] : [],
    formatMessage(`compose-migrate: staged ${scopeLabel(scope)}`, undefined, scopeTrailers('staged', scope)),
    env,
  );
  // Touched paths were clean when the apply started, so HEAD holds their previous content.
  const before = await treeEntries(repo, head, paths);
  const preTree = await treeWith(repo, staged, before);
  const body = [
    'Uncommitted apply; the tree of this commit is the state before it.',
    '',
    'Touched paths:',
    ...paths.map((p) => `  ${repo.fromTop(p) ?? p}`),
  ].join('\n');
  const trailers = scopeTrailers('backup', scope);
  if (head) trailers.push([T_BASE, head]);
  return commitTree(
    repo,
    preTree,
    [staged],
    formatMessage(`compose-migrate: backup before migrating ${scopeLabel(scope)}`, body, trailers),
    env,
  );
}
