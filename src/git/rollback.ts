import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { assertIndexFree, restorePaths, syncWorktree } from './restore.js';
import { commitEntries } from './commit.js';
import { clearJournal, writeJournal, type RollbackJournal } from './journal.js';
import { MigrateError } from '../errors.js';
import {
  commitTree,
  advanceHead,
  indexEntries,
  sameEntry,
  treeEntries,
  treeWith,
  updateIndex,
  type Entry,
  type EntryMap,
} from './tree.js';
import { REF_NS, findMigrationsIn, type MigrationRecord } from './history.js';
import { assertNotBusy, dirtyFiles, formatFileList } from './preflight.js';
import { openRepo, type Repo } from './repo.js';
import { T_REVERTS, formatMessage, scopeLabel, scopeTrailers } from './trailers.js';

export interface RollbackOptions {
  /** Roll back only this component (plus an archive that came after it). Default: everything. */
  component?: string;
  /** Revert even when files were edited since the migration; those edits are discarded. */
  force?: boolean;
  /** Compute and return the plan; change nothing. */
  dryRun?: boolean;
  /** Pass --no-verify to git commit. */
  noVerify?: boolean;
  /** Set by SIGINT/SIGTERM: stop between commits. */
  stop?: { signal: NodeJS.Signals | undefined };
  /** The archive folder (config archiveDir), to recognise an archive commit by what it did. */
  archiveDir?: string;
  /** Called after each rollback commit, for progress on long rollbacks. */
  onCommit?: (commit: { sha: string; reverts: string; subject: string }, done: number, total: number) => void;
}

/**
 * `rollback --resume` / `--abort` for a rollback that was killed: first the index and work tree
 * are made to follow HEAD (or, for abort, HEAD and both go back to where the rollback started);
 * resume then rolls back whatever is still migrated in the same selection.
 */
export async function recoverRollback(
  root: string,
  journal: RollbackJournal,
  how: 'resume' | 'abort',
  opts: Pick<RollbackOptions, 'stop'> = {},
): Promise<RollbackResult | undefined> {
  const repo = await openRepo(root);
  await assertIndexFree(repo);
  const head = await repo.resolveRev('HEAD');
  if (how === 'abort') {
    if (journal.startHead && head && head !== journal.startHead) {
      const ours = await repo.run(['rev-list', `${journal.startHead}..HEAD`]);
      for (const sha of ours.split('\n').filter((l) => l !== '')) {
        const kind = await repo.run(['log', '-1', '--format=%(trailers:key=Compose-Migrate,valueonly)', sha]);
        if (kind.trim() !== 'rollback')
          throw new MigrateError(
            'unfinished-run',
            `HEAD has commits made after the interrupted rollback (${sha.slice(0, 12)}); move them away first`,
            undefined,
            3,
          );
      }
    }
    await restorePaths(repo, journal.startHead, journal.paths);
    if (journal.startHead && head && head !== journal.startHead)
      await advanceHead(
        repo,
        journal.startHead,
        head,
        'compose-migrate: rollback aborted',
        await repo.identityEnv(),
      );
    await clearJournal(repo);
    return undefined;
  }
  await restorePaths(repo, head, journal.paths);
  await clearJournal(repo);
  return rollback(root, {
    ...(journal.component !== undefined ? { component: journal.component } : {}),
    force: journal.force,
    noVerify: journal.noVerify,
    ...(opts.stop ? { stop: opts.stop } : {}),
  });
}

export interface RollbackStep {
  /** `revert`: a new commit undoing an apply commit; `restore-backup`: put back an uncommitted apply. */
  kind: 'revert' | 'restore-backup';
  /** The apply commit, or the backup commit of a pending apply. */
  sha: string;
  subject: string;
  date: string;
  components: string[];
  archive: boolean;
  /** Root-relative paths it puts back. */
  paths: string[];
  /** restore-backup: refs deleted afterwards. */
  refs?: string[];
}

/** A file the rollback would overwrite although it changed after the migration. */
export interface EditedFile {
  path: string;
  state: string;
}

export interface RollbackPlan {
  /** Newest first; executed in this order. */
  steps: RollbackStep[];
  /** Files edited since the migration; non-empty means rollback refuses unless forced. */
  edited: EditedFile[];
  /** Every component the steps undo (more than asked for when one apply covered several). */
  components: string[];
  archive: boolean;
}

export interface RollbackResult {
  plan: RollbackPlan;
  dryRun: boolean;
  /** New rollback commits, oldest first, with the apply commit each undoes. */
  commits: Array<{ sha: string; reverts: string }>;
  /** Backup commits restored (uncommitted applies undone). */
  restored: string[];
  /** Root-relative paths whose content was put back. */
  paths: string[];
  /**
   * With --force over uncommitted edits: a ref (`refs/compose-migrate/discarded/<time>`) to a commit
   * holding those files as they were, so the discarded work can still be recovered.
   */
  discarded?: string;
}

/** A step with the entries it expects to find and the ones it puts back (top-relative paths). */
interface Resolved {
  step: RollbackStep;
  record: MigrationRecord;
  /** State right after the migration. */
  after: EntryMap;
  /** State to restore. */
  before: EntryMap;
}

const ZERO = /^0+$/u;

/** `diff-tree` of a commit against its first parent (or the empty tree): path → [old, new]. */
async function commitDiff(
  repo: Repo,
  from: string | undefined,
  to: string,
): Promise<{ before: EntryMap; after: EntryMap }> {
  const args = from
    ? ['diff-tree', '-r', '-z', '--no-renames', '--no-commit-id', from, to]
    : ['diff-tree', '-r', '-z', '--no-renames', '--no-commit-id', '--root', to];
  const out = await repo.run(args);
  const fields = out.split('\0');
  const before: EntryMap = new Map();
  const after: EntryMap = new Map();
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const meta = fields[i]!;
    const path = fields[i + 1]!;
    if (!meta.startsWith(':')) continue;
    const [oldMode = '', newMode = '', oldOid = '', newOid = ''] = meta.slice(1).split(' ');
    const entry = (mode: string, oid: string): Entry | null =>
      ZERO.test(mode) || ZERO.test(oid) ? null : { mode, oid };
    before.set(path, entry(oldMode, oldOid));
    after.set(path, entry(newMode, newOid));
  }
  return { before, after };
}

async function firstParent(repo: Repo, sha: string): Promise<string | undefined> {
  return repo.resolveRev(`${sha}^1`);
}

function select(records: readonly MigrationRecord[], component: string | undefined): MigrationRecord[] {
  const pending = records.filter((r) => r.kind === 'pending');
  const active = records.filter((r) => r.kind === 'apply' && !r.revertedBy);
  if (component === undefined) return [...pending, ...active];
  const mine = (r: MigrationRecord): boolean => r.components.includes(component);
  const applies = active.filter(mine);
  const pend = pending.filter(mine);
  if (applies.length === 0 && pend.length === 0) return [];
  // The archive needs every component migrated, so an archive made after this component's
  // migration goes too (pending ones are always later than any commit).
  const oldest = applies.length ? active.indexOf(applies[applies.length - 1]!) : -1;
  const laterArchives = active.filter((r, i) => r.archive && i < oldest);
  const pendingArchives = pending.filter((r) => r.archive);
  const chosen = new Set([...pend, ...pendingArchives, ...applies, ...laterArchives]);
  return records.filter((r) => chosen.has(r));
}

async function resolveSteps(repo: Repo, chosen: readonly MigrationRecord[]): Promise<Resolved[]> {
  const out: Resolved[] = [];
  for (const record of chosen) {
    const parent = await firstParent(repo, record.sha);
    const diff = await commitDiff(repo, parent, record.sha);
    // For a backup commit the parent is the staged state and the commit is the state before:
    // "after" the migration is the parent side.
    const after = record.kind === 'pending' ? diff.before : diff.after;
    const before = record.kind === 'pending' ? diff.after : diff.before;
    const paths = [...after.keys()].map((p) => repo.fromTop(p) ?? p).sort();
    out.push({
      record,
      after,
      before,
      step: {
        kind: record.kind === 'pending' ? 'restore-backup' : 'revert',
        sha: record.sha,
        subject: record.subject,
        date: record.date,
        components: record.components,
        archive: record.archive,
        paths,
        ...(record.refs ? { refs: record.refs } : {}),
      },
    });
  }
  return out;
}

/** Files the plan would overwrite although they differ from what the migration left there. */
async function findEdits(repo: Repo, resolved: readonly Resolved[]): Promise<EditedFile[]> {
  const edited = new Map<string, string>();
  const note = (top: string, state: string): void => {
    const path = repo.fromTop(top) ?? top;
    if (!edited.has(path)) edited.set(path, state);
  };
  const pendingPaths = new Set<string>();
  const revertPaths = new Set<string>();
  for (const r of resolved)
    for (const p of r.after.keys()) (r.step.kind === 'revert' ? revertPaths : pendingPaths).add(p);

  // Uncommitted apply: the index must still hold what apply staged and the work tree must match it.
  const index = await indexEntries(repo, [...pendingPaths]);
  for (const r of resolved) {
    if (r.step.kind !== 'restore-backup') continue;
    for (const [p, staged] of r.after)
      if (!sameEntry(index.get(p), staged)) note(p, 'staged content changed since the apply');
  }
  const status = await dirtyFiles(
    repo,
    [...new Set([...pendingPaths, ...revertPaths])].map((p) => repo.fromTop(p) ?? p),
  );
  for (const d of status) {
    const top = repo.toTop(d.path);
    if (!pendingPaths.has(top)) note(top, `uncommitted: ${d.state}`);
    // Staged differences are the pending apply itself; only the work tree must match the index.
    else if (d.xy[1] !== ' ' || d.xy === '??' || d.xy === '!!') note(top, `uncommitted: ${d.state}`);
  }

  // Committed applies, newest first: each must find its files as it left them, once the newer
  // steps of this plan are undone.
  const head = await repo.resolveRev('HEAD');
  const current = await treeEntries(repo, head, [...revertPaths]);
  for (const r of resolved) {
    if (r.step.kind === 'restore-backup') {
      // After the restore the index holds the pre-apply state; commits below start from HEAD.
      continue;
    }
    for (const [p, left] of r.after) {
      if (!sameEntry(current.get(p), left)) note(p, `changed in a commit after ${r.record.sha.slice(0, 12)}`);
      current.set(p, r.before.get(p) ?? null);
    }
  }
  return [...edited]
    .map(([path, state]) => ({ path, state }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function resolveRollback(
  repo: Repo,
  component: string | undefined,
  archiveDir: string | undefined,
): Promise<{ plan: RollbackPlan; resolved: Resolved[] }> {
  const chosen = select(await findMigrationsIn(repo, archiveDir ? { archiveDir } : {}), component);
  const resolved = await resolveSteps(repo, chosen);
  const edited = await findEdits(repo, resolved);
  const components = [...new Set(resolved.flatMap((r) => r.step.components))].sort();
  return {
    resolved,
    plan: {
      steps: resolved.map((r) => r.step),
      edited,
      components,
      archive: resolved.some((r) => r.step.archive),
    },
  };
}

/** What `rollback` would do, changing nothing. */
export async function planRollback(
  root: string,
  opts: { component?: string; archiveDir?: string } = {},
): Promise<RollbackPlan> {
  const repo = await openRepo(root);
  return (await resolveRollback(repo, opts.component, opts.archiveDir)).plan;
}

async function restoreBackup(repo: Repo, r: Resolved): Promise<void> {
  await updateIndex(repo, r.before);
  await syncWorktree(repo, r.before);
  for (const ref of r.step.refs ?? []) await repo.run(['update-ref', '-d', ref, r.record.sha]);
}

/**
 * Before --force overwrites uncommitted edits, store the work-tree files in a commit on a private
 * ref: forcing a rollback should never be the way someone loses work.
 */
async function keepDiscarded(repo: Repo, paths: readonly string[]): Promise<string> {
  const entries: EntryMap = new Map();
  for (const path of paths) {
    const top = repo.toTop(path);
    const abs = join(repo.top, top);
    let st;
    try {
      st = lstatSync(abs);
    } catch {
      entries.set(top, null);
      continue;
    }
    if (st.isDirectory()) continue;
    const oid = (await repo.run(['hash-object', '-w', '--no-filters', '--', top])).trim();
    const mode = st.isSymbolicLink() ? '120000' : st.mode & 0o111 ? '100755' : '100644';
    entries.set(top, { mode, oid });
  }
  const head = await repo.resolveRev('HEAD');
  const tree = await treeWith(repo, head, entries);
  const env = await repo.identityEnv();
  const body = ['Uncommitted edits overwritten by rollback --force:', ...paths.map((p) => `  ${p}`)].join(
    '\n',
  );
  const sha = await commitTree(
    repo,
    tree,
    head ? [head] : [],
    formatMessage('compose-migrate: edits discarded by rollback', body, []),
    env,
  );
  const ref = `${REF_NS}discarded/${Date.now()}`;
  await repo.run(['update-ref', '-m', 'compose-migrate: rollback --force', ref, sha, ''], { env });
  return ref;
}

/**
 * Undo migrations, newest first: uncommitted applies are restored from their backup refs (which
 * are then deleted); committed ones are undone by NEW commits (trailers `Compose-Migrate:
 * rollback`, `Compose-Migrate-Component`, `Compose-Migrate-Reverts: <sha>`) whose files are exactly
 * those before the apply, modes included. Refuses (exit 3, listing them) when files it would
 * revert were edited since, unless `force`. A failure while committing leaves HEAD where it was.
 */
export async function rollback(root: string, opts: RollbackOptions = {}): Promise<RollbackResult> {
  const repo = await openRepo(root);
  await assertNotBusy(repo);
  const { plan, resolved } = await resolveRollback(repo, opts.component, opts.archiveDir);
  const result: RollbackResult = { plan, dryRun: !!opts.dryRun, commits: [], restored: [], paths: [] };
  if (plan.edited.length > 0 && !opts.force) {
    throw new MigrateError(
      'edited-since',
      `${plan.edited.length} file${plan.edited.length === 1 ? ' was' : 's were'} edited since the migration and would be overwritten by the rollback:\n${formatFileList(plan.edited)}\ncommit or revert those edits first, or run rollback --force to discard them`,
      undefined,
      3,
    );
  }
  if (opts.dryRun || resolved.length === 0) return result;
  // Checked before anything moves: a held index would stop the rollback half-way.
  await assertIndexFree(repo);
  const uncommitted = plan.edited.filter(
    (e) => e.state.startsWith('uncommitted') || e.state.startsWith('staged'),
  );
  if (uncommitted.length > 0)
    result.discarded = await keepDiscarded(
      repo,
      uncommitted.map((e) => e.path),
    );

  for (const r of resolved) {
    if (r.step.kind !== 'restore-backup') continue;
    await restoreBackup(repo, r);
    result.restored.push(r.record.sha);
  }

  const reverts = resolved.filter((r) => r.step.kind === 'revert');
  if (reverts.length > 0) {
    const start = await repo.resolveRev('HEAD');
    const touched = [...new Set(reverts.flatMap((r) => [...r.before.keys()]))];
    const journal: RollbackJournal = {
      version: 1,
      kind: 'rollback',
      pid: process.pid,
      started: new Date().toISOString(),
      startHead: start,
      noVerify: opts.noVerify === true,
      force: opts.force === true,
      paths: touched,
      ...(opts.component !== undefined ? { component: opts.component } : {}),
    };
    await writeJournal(repo, journal);
    let head = start;
    try {
      for (const r of reverts) {
        if (opts.stop?.signal) break;
        const scope = { components: r.step.components, archive: r.step.archive };
        const subject = `compose-migrate: roll back ${scopeLabel(scope)}`;
        const trailers = scopeTrailers('rollback', scope);
        trailers.push([T_REVERTS, r.record.sha]);
        const message = formatMessage(subject, `This reverts commit ${r.record.sha}.`, trailers);
        // Always a commit, even when the tree no longer changes, so the record shows it undone.
        const sha = (await commitEntries(repo, head, r.before, message, {
          allowEmpty: true,
          ...(opts.noVerify ? { noVerify: true } : {}),
        }))!;
        head = sha;
        result.commits.push({ sha, reverts: r.record.sha });
        opts.onCommit?.({ sha, reverts: r.record.sha, subject }, result.commits.length, reverts.length);
      }
    } catch (error) {
      if (start && head && head !== start)
        await advanceHead(
          repo,
          start,
          head,
          'compose-migrate: rollback aborted',
          await repo.identityEnv(),
        ).catch(() => undefined);
      await clearJournal(repo);
      throw error;
    }
    // The work tree and index follow HEAD for every path the rollback touched (also when stopped
    // by a signal: what was committed is then in the tree, and the journal says how to go on).
    await restorePaths(repo, head, touched);
    if (opts.stop?.signal) {
      throw new MigrateError(
        'interrupted',
        `interrupted by ${opts.stop.signal}: ${result.commits.length} of ${reverts.length} rollback commits made; run \`compose-migrate rollback --resume\` to finish or \`compose-migrate rollback --abort\` to undo`,
        undefined,
        opts.stop.signal === 'SIGINT' ? 130 : 143,
      );
    }
    await clearJournal(repo);
  }
  result.paths = [...new Set(resolved.flatMap((r) => r.step.paths))].sort();
  return result;
}
