import { applyChanges } from './transaction.js';
import { commitApplies } from '../git/commit.js';
import { recordBackup } from '../git/backup.js';
import type { Change, Plan } from '../plan/types.js';

export interface ExecuteOptions {
  noCommit: boolean;
  /** Test hook: fail after this many changes, to prove the transaction undoes itself. */
  failAfter?: number;
}

export interface CommitMade {
  sha: string;
  subject: string;
}

export interface ExecuteOutcome {
  commits: CommitMade[];
  backupRefs: string[];
  touched: string[];
  /** Components whose commit turned out empty (already migrated). */
  noops: string[];
}

/** A commit's worth of changes: one component, or the archive of the root files. */
interface CommitGroup {
  components: string[];
  archive: boolean;
  changes: Change[];
}

/**
 * One commit per migrated component, then one for the archive (with the reference rewrites that only
 * make sense once the root files have moved). Repo-wide orchestrator edits made while nothing is
 * archived ride with the first component, so that rolling that component back restores them too.
 */
export function commitGroups(plan: Plan): CommitGroup[] {
  const groups: CommitGroup[] = [];
  for (const name of plan.selected) {
    const changes = plan.changes.filter((c) => c.component === name);
    if (changes.length) groups.push({ components: [name], archive: false, changes });
  }
  const shared = plan.changes.filter((c) => c.component === '');
  const archiving = shared.some((c) => c.op === 'move');
  if (shared.length === 0) return groups;
  if (archiving || groups.length === 0) {
    groups.push({ components: [], archive: archiving, changes: shared });
  } else {
    groups[0]?.changes.push(...shared);
  }
  return groups;
}

/** Writes the plan's changes in one transaction, then commits them group by group (or stages them). */
export async function executePlan(root: string, plan: Plan, opts: ExecuteOptions): Promise<ExecuteOutcome> {
  const groups = commitGroups(plan);
  const ordered = groups.flatMap((g) => g.changes);
  const applied = await applyChanges(
    root,
    ordered,
    opts.failAfter !== undefined ? { failAfter: opts.failAfter } : {},
  );
  const outcome: ExecuteOutcome = { commits: [], backupRefs: [], touched: applied.touched, noops: [] };
  if (opts.noCommit) {
    const components = groups.flatMap((g) => g.components);
    const backup = await recordBackup(root, {
      component: components,
      archive: groups.some((g) => g.archive),
      touched: applied.touched,
    });
    outcome.backupRefs = backup.refs;
    return outcome;
  }
  const results = await commitApplies(
    root,
    groups.map((group) => ({
      component: group.components,
      archive: group.archive,
      paths: group.changes.flatMap((c) => (c.to ? [c.path, c.to] : [c.path])),
    })),
  );
  results.forEach((result, i) => {
    if (result.kind === 'committed') outcome.commits.push({ sha: result.sha, subject: result.subject });
    else outcome.noops.push(...(groups[i]?.components ?? []));
  });
  return outcome;
}
