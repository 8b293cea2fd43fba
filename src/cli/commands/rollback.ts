import { planRollback, recoverRollback, rollback } from '../../git/rollback.js';
import { openRepo } from '../../git/repo.js';
import { acquireRepoLock } from '../../git/lock.js';
import { describeJournal, readJournal, unfinishedRunError } from '../../git/journal.js';
import { recoverApply } from '../../apply/execute.js';
import { watchSignals } from '../../apply/interrupt.js';
import { MigrateError } from '../../errors.js';
import type { RollbackPlan } from '../../git/rollback.js';
import {
  interactive,
  makeIo,
  openRepoContext,
  repoRoot,
  type GlobalOptions,
  type Io,
  type RepoContext,
} from '../context.js';
import { originalSnapshot } from '../../git/original-snapshot.js';
import { analyzeRepo } from '../../analysis/load-repo.js';
import { checkComponentNames } from '../../plan/component-names.js';
import { knownComponents } from '../known-components.js';
import { confirm } from '../prompt.js';

interface RollbackFlags extends GlobalOptions {
  component?: string;
  yes?: boolean;
  dryRun?: boolean;
  force?: boolean;
  verify?: boolean;
  resume?: boolean;
  abort?: boolean;
}

function describe(plan: RollbackPlan, io: Io): string {
  const lines = plan.steps.map((s) => {
    const what =
      s.kind === 'revert'
        ? `revert ${s.sha.slice(0, 12)}`
        : `restore staged apply (backup ${s.sha.slice(0, 12)})`;
    return `  ${what}  ${s.subject}  ${io.style.dim(`${s.paths.length} path${s.paths.length === 1 ? '' : 's'}`)}`;
  });
  return lines.join('\n') + '\n';
}

export async function rollbackCommand(opts: RollbackFlags): Promise<number> {
  if (opts.component !== undefined && opts.component.trim() === '')
    throw new MigrateError('usage', '--component needs a component name', undefined, 2);
  if (opts.resume && opts.abort)
    throw new MigrateError('usage', '--resume and --abort cannot be combined', undefined, 2);
  const io = makeIo(opts);
  const root = repoRoot(opts);
  if (opts.component !== undefined)
    checkComponentNames([opts.component], await knownComponents(openRepoContext(opts)));
  if (opts.dryRun) return rollbackLocked(opts, io, root);
  const repo = await openRepo(root);
  const lock = await acquireRepoLock(repo, 'rollback');
  if (lock.staleNote) io.err(`compose-migrate: ${lock.staleNote}\n`);
  const watch = watchSignals();
  try {
    const found = await readJournal(repo);
    if (opts.resume || opts.abort) {
      const how = opts.resume ? 'resume' : 'abort';
      if (!found) {
        io.out(`nothing to ${how}: no rollback was interrupted\n`);
        return 0;
      }
      if (found.journal.kind === 'apply') {
        // The interrupted apply is what there is to undo or finish.
        await recoverApply(repo, found.journal, how, { stop: watch.stop });
        io.out(`the interrupted apply was ${how === 'abort' ? 'undone' : 'finished'}\n`);
        return 0;
      }
      const result = await recoverRollback(root, found.journal, how, { stop: watch.stop });
      for (const c of result?.commits ?? [])
        io.out(`${io.style.green('committed')} ${c.sha.slice(0, 12)} reverts ${c.reverts.slice(0, 12)}\n`);
      io.out(
        how === 'abort' ? 'the interrupted rollback was undone\n' : 'the interrupted rollback is finished\n',
      );
      return 0;
    }
    if (found?.journal.kind === 'rollback') throw unfinishedRunError(found.journal, found.path);
    if (found?.journal.kind === 'apply') {
      // Rolling back after an interrupted apply starts by undoing that apply exactly.
      await recoverApply(repo, found.journal, 'abort');
      io.out(`undid the interrupted apply (${describeJournal(found.journal)})\n`);
    }
    return await rollbackLocked(opts, io, root, watch.stop);
  } finally {
    watch.dispose();
    lock.release();
  }
}

async function rollbackLocked(
  opts: RollbackFlags,
  io: Io,
  root: string,
  stop?: { signal: NodeJS.Signals | undefined },
): Promise<number> {
  const component = opts.component;
  const ctx = openRepoContext(opts);
  const archiveDir = ctx.loaded.config.archiveDir;
  const plan = await planRollback(root, {
    ...(component ? { component } : {}),
    ...(archiveDir ? { archiveDir } : {}),
  });
  // Never a half rollback, never "nothing to roll back" while the tree is migrated: a component
  // whose files compose-migrate wrote are not among what the plan restores is a migration history
  // no longer tells (reworded or squashed commits).
  const untold = await migratedUntold(ctx, plan, component);
  if (untold.length) {
    const whole =
      component !== undefined &&
      covers(
        await planRollback(root, archiveDir ? { archiveDir } : {}),
        untold.flatMap((u) => u.files),
      );
    throw new MigrateError(
      'history-rewritten',
      `${untold.map((u) => `${u.name} (${u.files.join(', ')})`).join(', ')} ${untold.length === 1 ? 'looks' : 'look'} migrated, but no migration commit names ${untold.length === 1 ? 'it' : 'them'} (reworded or squashed since, trailers lost), so rollback cannot tell ${component !== undefined ? `which commit undoes ${component} alone` : 'which commits undo it'}; nothing was changed: ${whole ? 'run `compose-migrate rollback` without --component to undo the whole migration, which holds those files, or ' : ''}revert the commits that added them by hand (git log -- ${untold[0]!.files[0]})`,
      undefined,
      3,
    );
  }
  if (plan.steps.length === 0) {
    io.out(component ? `nothing to roll back for ${component}\n` : 'nothing to roll back\n');
    return 0;
  }
  io.out(
    `Rollback, newest first (${[...plan.components, ...(plan.archive ? ['archive'] : [])].join(', ')}):\n`,
  );
  io.out(describe(plan, io));
  if (plan.edited.length && !opts.force) {
    throw new MigrateError(
      'edited-since',
      `refusing: files edited since the migration would be overwritten: ${plan.edited.map((e) => `${e.path} (${e.state})`).join(', ')}; keep your edits elsewhere or run rollback --force`,
      undefined,
      3,
    );
  }
  if (opts.dryRun) {
    io.out('dry run: nothing was changed\n');
    return 0;
  }
  if (!opts.yes) {
    if (!interactive(opts.io)) {
      throw new MigrateError(
        'usage',
        'rollback makes new commits; without a terminal to confirm on, pass --yes (or review with --dry-run)',
        undefined,
        3,
      );
    }
    if (
      !(await confirm(
        opts.io,
        `Revert ${plan.steps.length} migration step${plan.steps.length === 1 ? '' : 's'}?`,
        false,
      ))
    ) {
      io.out('nothing was changed\n');
      return 0;
    }
  }
  // A line per commit on stderr, only on a terminal; the same terminal is then not told twice.
  const live = opts.io.stderr.isTTY === true;
  const started = Date.now();
  const result = await rollback(root, {
    ...(component ? { component } : {}),
    force: opts.force === true,
    ...(opts.verify === false ? { noVerify: true } : {}),
    ...(stop ? { stop } : {}),
    ...(live
      ? {
          onCommit: (c: { sha: string; reverts: string; subject: string }, done: number, total: number) =>
            io.err(
              `${io.style.dim(`[${done}/${total}]`)} ${io.style.green('committed')} ${c.sha.slice(0, 12)} reverts ${c.reverts.slice(0, 12)} ${c.subject}\n`,
            ),
        }
      : {}),
  });
  if (!(live && io.isTTY))
    for (const c of result.commits)
      io.out(`${io.style.green('committed')} ${c.sha.slice(0, 12)} reverts ${c.reverts.slice(0, 12)}\n`);
  for (const r of result.restored) io.out(`restored the state before staged apply ${r.slice(0, 12)}\n`);
  io.out(
    `${io.style.bold('done')}: ${plan.components.join(', ') || 'archive'} rolled back in ${result.commits.length} commit${result.commits.length === 1 ? '' : 's'}${result.restored.length ? `, ${result.restored.length} staged apply restored` : ''}, ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return 0;
}

const GENERATED = '# Generated by compose-migrate.';

/** Does the plan put back every one of these root-relative paths? */
function covers(plan: RollbackPlan, files: readonly string[]): boolean {
  const paths = new Set(plan.steps.flatMap((s) => s.paths));
  return files.every((f) => paths.has(f));
}

/**
 * Components (all, or the one asked for) with a Makefile or compose.mk compose-migrate wrote that
 * the rollback plan does not restore. An analysis that fails leaves nothing to compare with.
 */
async function migratedUntold(
  ctx: RepoContext,
  plan: RollbackPlan,
  component: string | undefined,
): Promise<Array<{ name: string; files: string[] }>> {
  let components: Array<{ name: string; path: string }>;
  try {
    const original = await originalSnapshot(ctx.root, ctx.disk, ctx.loaded.config);
    components = analyzeRepo(original, ctx.loaded.config).analysis.components;
  } catch {
    return [];
  }
  const out: Array<{ name: string; files: string[] }> = [];
  for (const c of components) {
    if (component !== undefined && c.name !== component) continue;
    const files = [`${c.path}/Makefile`, `${c.path}/compose.mk`].filter(
      (p) => ctx.disk.read(p)?.startsWith(GENERATED) === true,
    );
    if (files.length && !covers(plan, files)) out.push({ name: c.name, files });
  }
  return out;
}
