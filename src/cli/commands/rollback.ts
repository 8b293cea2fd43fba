import { planRollback, rollback } from '../../git/rollback.js';
import { MigrateError } from '../../errors.js';
import type { RollbackPlan } from '../../git/rollback.js';
import { interactive, makeIo, openRepoContext, repoRoot, type GlobalOptions, type Io } from '../context.js';
import { checkComponentNames } from '../../plan/component-names.js';
import { knownComponents } from '../known-components.js';
import { confirm } from '../prompt.js';

interface RollbackFlags extends GlobalOptions {
  component?: string;
  yes?: boolean;
  dryRun?: boolean;
  force?: boolean;
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
  const io = makeIo(opts);
  const root = repoRoot(opts);
  const component = opts.component;
  if (component !== undefined) checkComponentNames([component], await knownComponents(openRepoContext(opts)));
  const plan = await planRollback(root, component ? { component } : {});
  if (plan.steps.length === 0) {
    io.out(component ? `nothing to roll back for ${component}\n` : 'nothing to roll back\n');
    return 0;
  }
  io.out(
    `Rollback, newest first (${plan.components.join(', ') || 'archive'}${plan.archive ? ', archive' : ''}):\n`,
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
  const result = await rollback(root, { ...(component ? { component } : {}), force: opts.force === true });
  for (const c of result.commits)
    io.out(`${io.style.green('committed')} ${c.sha.slice(0, 12)} reverts ${c.reverts.slice(0, 12)}\n`);
  for (const r of result.restored) io.out(`restored the state before staged apply ${r.slice(0, 12)}\n`);
  return 0;
}
