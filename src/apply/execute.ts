import { applyChanges, validateChanges } from './transaction.js';
import { signalExitCode, type StopFlag } from './interrupt.js';
import { MigrateError } from '../errors.js';
import { commitApplies, commitApply, toScope, type CommitResult } from '../git/commit.js';
import { needsPerCommitPath } from '../git/fast-import.js';
import { clearJournal, describeJournal, writeJournal, type ApplyJournal } from '../git/journal.js';
import { preflight } from '../git/preflight.js';
import { openRepo, type Repo } from '../git/repo.js';
import { assertIndexFree, restorePaths } from '../git/restore.js';
import { assertNoPending, backupRefs, dropBackupRefs, recordBackup } from '../git/backup.js';
import type { Change, Plan } from '../plan/types.js';

export interface ExecuteOptions {
  noCommit: boolean;
  /** Test hook: fail after this many changes, to prove the transaction undoes itself. */
  failAfter?: number;
  /** Pass --no-verify to git commit (the user asked to skip the repository's hooks). */
  noVerify?: boolean;
  /** Set by SIGINT/SIGTERM: stop between steps. */
  stop?: StopFlag;
  /** Called after each commit group (a commit, or a no-op), for progress on long applies. */
  onCommit?: (
    step: { components: string[]; archive: boolean; commit?: CommitMade },
    done: number,
    total: number,
  ) => void;
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

/** A new apply's journal: one step per group, nothing written yet. */
function newJournal(
  startHead: string | undefined,
  groups: Pick<CommitGroup, 'components' | 'archive' | 'changes'>[],
  flags: { noVerify: boolean; noCommit?: true },
): ApplyJournal {
  return {
    version: 1,
    kind: 'apply',
    pid: process.pid,
    started: new Date().toISOString(),
    startHead,
    ...flags,
    steps: groups.map((g) => ({
      components: g.components,
      archive: g.archive,
      changes: g.changes,
      paths: touchedPaths(g.changes),
    })),
    current: 0,
    phase: 'writing',
    parent: startHead,
  };
}

/** Writes the plan's changes and commits them group by group (or stages them all with --no-commit). */
export async function executePlan(root: string, plan: Plan, opts: ExecuteOptions): Promise<ExecuteOutcome> {
  const groups = commitGroups(plan);
  if (opts.noCommit) return runNoCommit(await openRepo(root), groups, opts);
  const repo = await openRepo(root);
  // Everything that can be checked is checked before the first write.
  for (const g of groups) toScope(g.components, g.archive);
  await validateChanges(
    root,
    groups.flatMap((g) => g.changes),
  );
  const startHead = await repo.resolveRev('HEAD');
  const journal = newJournal(startHead, groups, { noVerify: opts.noVerify === true });
  // Without hooks or signing to honour, the whole series is written at once and committed in one
  // HEAD move (all or nothing); otherwise step by step, each committed by `git commit`.
  if (groups.length > 1 && !(await needsPerCommitPath(repo))) {
    journal.batch = true;
    await writeJournal(repo, journal);
    return runBatch(repo, journal, opts);
  }
  await writeJournal(repo, journal);
  return runSteps(repo, journal, opts);
}

/**
 * Every step written, then every commit made in one HEAD move. A failure or a stop signal before
 * that move puts every written path back (nothing was committed); after it, the run is complete.
 */
async function runBatch(
  repo: Repo,
  journal: ApplyJournal,
  opts: Pick<ExecuteOptions, 'failAfter' | 'stop' | 'onCommit'>,
): Promise<ExecuteOutcome> {
  const outcome: ExecuteOutcome = { commits: [], backupRefs: [], touched: [], noops: [] };
  let results: CommitResult[];
  try {
    const applied = await applyChanges(
      repo.root,
      journal.steps.flatMap((s) => s.changes),
      opts.failAfter !== undefined ? { failAfter: opts.failAfter } : {},
    );
    outcome.touched = applied.touched;
    if (opts.stop?.signal) throw new MigrateError('interrupted', 'stopped before committing');
    journal.phase = 'committing';
    await writeJournal(repo, journal);
    results = await commitApplies(
      repo.root,
      journal.steps.map((s) => ({ component: s.components, archive: s.archive, paths: s.paths })),
    );
  } catch (error) {
    await abortRun(repo, journal).catch(() => undefined);
    throw asInterruption(error, opts.stop, 'nothing was committed and every file written was put back');
  }
  await clearJournal(repo);
  results.forEach((result, i) => recordStep(outcome, journal, i, result, opts.onCommit));
  return outcome;
}

/**
 * Carry out the journal's steps from `current` on, each written, committed and journalled before the
 * next starts. A failure undoes the whole run (HEAD and every touched path back to the start) and
 * rethrows; a stop signal ends the run between steps, the journal kept for --resume / --abort.
 */
async function runSteps(
  repo: Repo,
  journal: ApplyJournal,
  opts: Pick<ExecuteOptions, 'failAfter' | 'stop' | 'onCommit'>,
): Promise<ExecuteOutcome> {
  const outcome: ExecuteOutcome = { commits: [], backupRefs: [], touched: [], noops: [] };
  let changesDone = 0;
  for (let i = journal.current; i < journal.steps.length; i++) {
    const step = journal.steps[i]!;
    if (opts.stop?.signal) throw interrupted(journal, opts.stop.signal);
    const head = await repo.resolveRev('HEAD');
    Object.assign(journal, { current: i, phase: 'writing', parent: head });
    await writeJournal(repo, journal);
    try {
      const failAfter = opts.failAfter !== undefined ? opts.failAfter - changesDone : undefined;
      const applied = await applyChanges(
        repo.root,
        step.changes,
        failAfter !== undefined && failAfter >= 0 && failAfter <= step.changes.length ? { failAfter } : {},
      );
      changesDone += step.changes.length;
      outcome.touched.push(...applied.touched);
      journal.phase = 'committing';
      await writeJournal(repo, journal);
      const result = await commitApply(repo.root, {
        component: step.components,
        archive: step.archive,
        paths: step.paths,
        ...(journal.noVerify ? { noVerify: true } : {}),
      });
      step.commit = result.kind === 'committed' ? result.sha : '';
      recordStep(outcome, journal, i, result, opts.onCommit);
    } catch (error) {
      if (opts.stop?.signal) {
        // The signal reached git too: undo this step only; the journal says how to go on.
        await restorePaths(
          repo,
          await repo.resolveRev('HEAD'),
          step.paths.map((p) => repo.toTop(p)),
        );
        Object.assign(journal, { phase: 'writing', parent: await repo.resolveRev('HEAD') });
        await writeJournal(repo, journal);
        throw interrupted(journal, opts.stop.signal);
      }
      await abortRun(repo, journal).catch(() => undefined);
      throw error;
    }
    journal.current = i + 1;
    await writeJournal(repo, journal);
  }
  await clearJournal(repo);
  outcome.touched = [...new Set(outcome.touched)].sort();
  return outcome;
}

/**
 * `apply --no-commit`: every change written and staged as one step, then a backup commit on no branch
 * recorded under refs/compose-migrate/ for rollback. Journalled like the committing path: a kill
 * leaves a journal that status reports and `apply --resume` / `--abort` settle; a failure or a
 * stop signal puts every path back and removes the refs this run made.
 */
async function runNoCommit(
  repo: Repo,
  groups: CommitGroup[],
  opts: Pick<ExecuteOptions, 'failAfter' | 'stop'>,
): Promise<ExecuteOutcome> {
  const components = groups.flatMap((g) => g.components);
  const archive = groups.some((g) => g.archive);
  const changes = groups.flatMap((g) => g.changes);
  // Everything that can be checked is checked before the first write.
  await assertNoPending(repo, components, archive);
  await validateChanges(repo.root, changes);
  const startHead = await repo.resolveRev('HEAD');
  const journal = newJournal(startHead, [{ components, archive, changes }], {
    noVerify: false,
    noCommit: true,
  });
  await writeJournal(repo, journal);
  return stageAndRecord(repo, journal, opts);
}

/** Write and stage the no-commit journal's step, record its backup, clear the journal. */
async function stageAndRecord(
  repo: Repo,
  journal: ApplyJournal,
  opts: Pick<ExecuteOptions, 'failAfter' | 'stop'>,
): Promise<ExecuteOutcome> {
  const step = journal.steps[0]!;
  let outcome: ExecuteOutcome;
  try {
    const applied = await applyChanges(
      repo.root,
      step.changes,
      opts.failAfter !== undefined ? { failAfter: opts.failAfter } : {},
    );
    if (opts.stop?.signal) throw new MigrateError('interrupted', 'stopped before recording the backup');
    journal.phase = 'committing';
    await writeJournal(repo, journal);
    const backup = await recordBackup(repo.root, {
      component: step.components,
      archive: step.archive,
      touched: applied.touched,
    });
    outcome = { commits: [], backupRefs: backup.refs, touched: applied.touched, noops: [] };
  } catch (error) {
    await abortNoCommit(repo, journal).catch(() => undefined);
    throw asInterruption(error, opts.stop, 'nothing was staged and every file written was put back');
  }
  await clearJournal(repo);
  return outcome;
}

/** HEAD must not have moved since an uncommitted apply started: its paths are restored from there. */
async function assertHeadUnmoved(repo: Repo, journal: ApplyJournal): Promise<void> {
  const head = await repo.resolveRev('HEAD');
  if (head !== journal.startHead)
    throw new MigrateError(
      'unfinished-run',
      `HEAD moved (${head ? head.slice(0, 12) : 'none'}) since the interrupted apply --no-commit started at ${journal.startHead ? journal.startHead.slice(0, 12) : 'an unborn branch'}; move it back or settle the staged files by hand`,
      undefined,
      3,
    );
}

/** Undo an uncommitted apply: its backup refs removed, every path back to HEAD, the journal cleared. */
async function abortNoCommit(repo: Repo, journal: ApplyJournal): Promise<void> {
  await assertIndexFree(repo);
  await assertHeadUnmoved(repo, journal);
  const step = journal.steps[0];
  if (step) {
    await dropBackupRefs(repo, backupRefs(step.components, step.archive));
    await restorePaths(
      repo,
      journal.startHead,
      step.paths.map((p) => repo.toTop(p)),
    );
  }
  await clearJournal(repo);
}

/**
 * Finish an uncommitted apply a kill interrupted: done when every backup ref exists (it died just
 * before clearing the journal); otherwise back to the start and staged again from the journal.
 */
async function resumeNoCommit(
  repo: Repo,
  journal: ApplyJournal,
  opts: Pick<ExecuteOptions, 'stop'>,
): Promise<ExecuteOutcome> {
  await assertIndexFree(repo);
  await assertHeadUnmoved(repo, journal);
  const step = journal.steps[0];
  if (!step) {
    await clearJournal(repo);
    return { commits: [], backupRefs: [], touched: [], noops: [] };
  }
  const refs = backupRefs(step.components, step.archive);
  const present = await Promise.all(refs.map((r) => repo.resolveRev(r)));
  if (journal.phase === 'committing' && present.every((sha) => sha !== undefined)) {
    await clearJournal(repo);
    return { commits: [], backupRefs: refs, touched: step.paths, noops: [] };
  }
  await dropBackupRefs(repo, refs);
  await restorePaths(
    repo,
    journal.startHead,
    step.paths.map((p) => repo.toTop(p)),
  );
  Object.assign(journal, { phase: 'writing' });
  await writeJournal(repo, journal);
  await preflight(repo.root, step.paths);
  return stageAndRecord(repo, journal, opts);
}

function interrupted(journal: ApplyJournal, signal: NodeJS.Signals): MigrateError {
  return new MigrateError(
    'interrupted',
    `interrupted by ${signal}: ${describeJournal(journal).replace(/^an apply did not finish \([^)]*\): /u, '')}; run \`compose-migrate apply --resume\` to finish or \`compose-migrate apply --abort\` to undo`,
    undefined,
    signalExitCode(signal),
  );
}

/** The commits this run made on top of its start, oldest first; refuses when anything else is there. */
async function runCommits(repo: Repo, journal: ApplyJournal): Promise<string[]> {
  const head = await repo.resolveRev('HEAD');
  if (head === journal.startHead) return [];
  const range = journal.startHead ? [`${journal.startHead}..HEAD`] : ['HEAD'];
  const list = await repo.run(['rev-list', '--first-parent', '--reverse', ...range]);
  const shas = list.split('\n').filter((l) => l !== '');
  for (const sha of shas) {
    const kind = await repo.run(['log', '-1', '--format=%(trailers:key=Compose-Migrate,valueonly)', sha]);
    if (kind.trim() !== 'apply')
      throw new MigrateError(
        'unfinished-run',
        `HEAD has commits made after the interrupted apply (${sha.slice(0, 12)} is not one of its steps); move them away or roll back by hand`,
        undefined,
        3,
      );
  }
  if (journal.startHead && !(await isAncestor(repo, journal.startHead, 'HEAD')))
    throw new MigrateError(
      'unfinished-run',
      `HEAD no longer descends from ${journal.startHead.slice(0, 12)}, where the interrupted apply started`,
      undefined,
      3,
    );
  return shas;
}

async function isAncestor(repo: Repo, a: string, b: string): Promise<boolean> {
  return repo
    .run(['merge-base', '--is-ancestor', a, b])
    .then(() => true)
    .catch(() => false);
}

/**
 * Settle the step a kill left half done: its commit either exists (HEAD moved past `parent`) or it
 * does not, in which case its files go back to HEAD. Returns the journal with steps marked.
 */
async function settleCurrent(repo: Repo, journal: ApplyJournal): Promise<void> {
  await assertIndexFree(repo);
  const commits = await runCommits(repo, journal);
  if (journal.batch) {
    // The series moved HEAD once: either every commit exists, or none does and every path goes back.
    if (commits.length > 0) {
      for (const step of journal.steps) step.commit ??= '';
      journal.current = journal.steps.length;
    } else {
      await restorePaths(
        repo,
        await repo.resolveRev('HEAD'),
        journal.steps.flatMap((s) => s.paths.map((p) => repo.toTop(p))),
      );
      journal.current = 0;
    }
    Object.assign(journal, { batch: false, phase: 'writing', parent: await repo.resolveRev('HEAD') });
    await writeJournal(repo, journal);
    return;
  }
  const committedSteps = journal.steps.filter((s) => s.commit !== undefined && s.commit !== '').length;
  const step = journal.steps[journal.current];
  if (step && step.commit === undefined) {
    if (commits.length > committedSteps) step.commit = commits[commits.length - 1]!;
    else
      await restorePaths(
        repo,
        await repo.resolveRev('HEAD'),
        step.paths.map((p) => repo.toTop(p)),
      );
  }
  if (step?.commit !== undefined) journal.current += 1;
  Object.assign(journal, { phase: 'writing', parent: await repo.resolveRev('HEAD') });
  await writeJournal(repo, journal);
}

/** Undo a run completely: every path it touched back to the start, then HEAD back to the start. */
async function abortRun(repo: Repo, journal: ApplyJournal): Promise<void> {
  await assertIndexFree(repo);
  await runCommits(repo, journal);
  const paths = journal.steps.flatMap((s) => s.paths.map((p) => repo.toTop(p)));
  await restorePaths(repo, journal.startHead, paths);
  const head = await repo.resolveRev('HEAD');
  if (journal.startHead && head && head !== journal.startHead)
    await repo.run(['update-ref', '-m', 'compose-migrate: apply aborted', 'HEAD', journal.startHead, head]);
  await clearJournal(repo);
}

export type Recovery = 'resume' | 'abort';

/** `apply --resume` / `apply --abort` for the journal an interrupted run left. */
export async function recoverApply(
  repo: Repo,
  journal: ApplyJournal,
  how: Recovery,
  opts: Pick<ExecuteOptions, 'stop'> = {},
): Promise<ExecuteOutcome> {
  if (journal.noCommit) {
    if (how === 'resume') return resumeNoCommit(repo, journal, opts);
    await abortNoCommit(repo, journal);
    return { commits: [], backupRefs: [], touched: [], noops: [] };
  }
  if (how === 'abort') {
    await abortRun(repo, journal);
    return { commits: [], backupRefs: [], touched: [], noops: [] };
  }
  await settleCurrent(repo, journal);
  const remaining = journal.steps.slice(journal.current).flatMap((s) => s.paths);
  await preflight(repo.root, remaining);
  return runSteps(repo, journal, opts);
}

/** Record one step's commit (or no-op) in the outcome and tell the progress callback, on either path. */
function recordStep(
  outcome: ExecuteOutcome,
  journal: ApplyJournal,
  i: number,
  result: CommitResult,
  onCommit: ExecuteOptions['onCommit'],
): void {
  const step = journal.steps[i]!;
  const commit = result.kind === 'committed' ? { sha: result.sha, subject: result.subject } : undefined;
  if (commit) outcome.commits.push(commit);
  else outcome.noops.push(...step.components);
  onCommit?.(
    { components: step.components, archive: step.archive, ...(commit ? { commit } : {}) },
    i + 1,
    journal.steps.length,
  );
}

/** A step undone after a signal reads as one line with the signal's exit code; other failures as they were. */
function asInterruption(error: unknown, stop: StopFlag | undefined, undone: string): unknown {
  if (!stop?.signal) return error;
  return new MigrateError(
    'interrupted',
    `interrupted by ${stop.signal}: ${undone}`,
    undefined,
    signalExitCode(stop.signal),
  );
}

/** Every path a step writes or moves, each once: what its journal restores on abort. */
function touchedPaths(changes: readonly Change[]): string[] {
  return [...new Set(changes.flatMap((c) => (c.to ? [c.path, c.to] : [c.path])))];
}
