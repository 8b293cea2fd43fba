import { noComposeFilesMessage } from '../../analysis/discovery.js';
import { MigrateError } from '../../errors.js';
import { buildPlan } from '../../generate/build-plan.js';
import { strictMessage } from '../../plan/conservation.js';
import { loadDotEnv, varSource } from '../../compose/interpolate.js';
import { planDrift, readSavedPlan, savedAnswers, staleInputs, type SavedPlan } from '../../plan/saved.js';
import { renderText } from '../../plan/render/text.js';
import { unifiedDiff } from '../../plan/render/diff.js';
import { colorDiff } from '../../plan/render/style.js';
import { committedEnvFiles, planningSnapshot } from '../../git/original-snapshot.js';
import { validateGenerated } from '../../generate/validate-generated.js';
import { executePlan, recoverApply, type Recovery } from '../../apply/execute.js';
import { preflight } from '../../git/preflight.js';
import {
  openRepoContext,
  interactive,
  makeIo,
  repoRoot,
  type GlobalOptions,
  type RepoContext,
} from '../context.js';
import { openRepo } from '../../git/repo.js';
import { acquireRepoLock, type RepoLock } from '../../git/lock.js';
import { describeJournal, readJournal, unfinishedRunError } from '../../git/journal.js';
import { signalExitCode, watchSignals, type StopFlag } from '../../apply/interrupt.js';
import { confirm, pressKey } from '../prompt.js';
import { page } from '../pager.js';
import { renderSummary } from '../../plan/render/summary.js';
import { askDecisions, defaultsTaken, needAnswerError, openFindings } from '../decisions.js';
import { progressLine } from '../progress.js';
import { answersToEdits, applyEdits, type Answer } from '../../config/answers.js';
import { readPlanFile } from './show.js';
import { DEFAULT_CONFIG_NAME, mergeConfigText } from '../../config/write.js';
import { saveConfigFile } from '../../apply/execute-config.js';
import type { MigrateConfig } from '../../config/types.js';
import type { Plan } from '../../plan/types.js';

interface ApplyFlags extends GlobalOptions {
  component?: string[];
  all?: boolean;
  plan?: string;
  yes?: boolean;
  dryRun?: boolean;
  commit?: boolean;
  archive?: boolean;
  skipCodemods?: boolean;
  withPeers?: boolean;
  strict?: boolean;
  resume?: boolean;
  abort?: boolean;
  verify?: boolean;
}

/** `apply --resume` / `apply --abort`: finish or undo the run an interrupted apply left. */
async function recoverCommand(opts: ApplyFlags, how: Recovery): Promise<number> {
  if (opts.component?.length || opts.all || opts.plan)
    throw new MigrateError('usage', `--${how} takes no --component, --all or --plan`, undefined, 2);
  const io = makeIo(opts);
  const repo = await openRepo(repoRoot(opts));
  const lock = await acquireRepoLock(repo, `apply --${how}`);
  if (lock.staleNote) io.err(`compose-migrate: ${lock.staleNote}\n`);
  const watch = watchSignals();
  try {
    const found = await readJournal(repo);
    if (!found || found.journal.kind !== 'apply') {
      io.out(
        found
          ? `nothing to ${how}: ${describeJournal(found.journal)}; use rollback --${how}\n`
          : `nothing to ${how}: no apply was interrupted\n`,
      );
      return found ? 3 : 0;
    }
    const outcome = await recoverApply(repo, found.journal, how, { stop: watch.stop });
    for (const c of outcome.commits)
      io.out(`${io.style.green('committed')} ${c.sha.slice(0, 12)} ${c.subject}\n`);
    io.out(
      how === 'abort'
        ? 'the interrupted apply was undone; the repository is as it was before it\n'
        : 'the interrupted apply is finished\n',
    );
    return 0;
  } finally {
    watch.dispose();
    lock.release();
  }
}

/** Flags that would make a different plan than the one saved: with --plan they are a usage error. */
function planChangingFlags(opts: ApplyFlags): string[] {
  return [
    ...(opts.component?.length ? ['--component'] : []),
    ...(opts.all ? ['--all'] : []),
    ...(opts.withPeers ? ['--with-peers'] : []),
    ...(opts.skipCodemods ? ['--skip-codemods'] : []),
    ...(opts.archive === true ? ['--archive'] : opts.archive === false ? ['--no-archive'] : []),
  ];
}

export async function applyCommand(opts: ApplyFlags): Promise<number> {
  if (opts.resume && opts.abort)
    throw new MigrateError('usage', '--resume and --abort cannot be combined', undefined, 2);
  if (opts.resume || opts.abort) return recoverCommand(opts, opts.resume ? 'resume' : 'abort');
  if (opts.plan) {
    const extra = planChangingFlags(opts);
    if (extra.length) {
      throw new MigrateError(
        'usage',
        `--plan applies the saved plan exactly as it was reviewed; ${extra.join(', ')} would change it. Make a new plan with those options (plan ... --out ${opts.plan}) instead`,
        undefined,
        2,
      );
    }
  } else if (!opts.all && !opts.component?.length) {
    throw new MigrateError(
      'usage',
      'name the components to migrate with --component <name>, or pass --all',
      undefined,
      2,
    );
  }
  if (opts.all && opts.component?.length)
    throw new MigrateError('usage', '--all and --component cannot be combined', undefined, 2);
  const { io, root, disk, loaded } = openRepoContext(opts);
  // One apply or rollback at a time, from before anything is read until the last commit.
  let lock: RepoLock | undefined;
  if (!opts.dryRun) {
    const repo = await openRepo(root);
    lock = await acquireRepoLock(repo, 'apply');
    if (lock.staleNote) io.err(`compose-migrate: ${lock.staleNote}\n`);
    const found = await readJournal(repo);
    if (found) {
      lock.release();
      throw unfinishedRunError(found.journal, found.path);
    }
  }
  // Ctrl-C or SIGTERM from here on: nothing is written before the run starts, and a run stops
  // between steps with its journal, instead of dying half-way through one.
  const watch = watchSignals();
  try {
    return await applyLocked(opts, { io, root, disk, loaded }, watch.stop);
  } finally {
    watch.dispose();
    lock?.release();
  }
}

async function applyLocked(
  opts: ApplyFlags,
  { io, root, disk, loaded }: RepoContext,
  stop: StopFlag,
): Promise<number> {
  const { snapshot, archived } = await planningSnapshot(root, disk, loaded.config);
  const committed = await committedEnvFiles(root);

  let components = opts.all ? [] : (opts.component ?? []);
  let withPeers = opts.withPeers === true;
  let archive = opts.archive;
  let saved: SavedPlan | undefined;
  let baseConfig = loaded.config;
  if (opts.plan) {
    saved = readSavedPlan(opts.plan, readPlanFile(opts.io.cwd, opts.plan));
    const stale = staleInputs(saved, snapshot);
    if (stale.length) {
      throw new MigrateError(
        'usage',
        `the saved plan is stale: ${stale.join(', ')} changed since it was made; run compose-migrate plan --out ${opts.plan} again and review it`,
        { file: opts.plan },
        3,
      );
    }
    components = saved.options.components;
    withPeers = saved.options.withPeers;
    archive = saved.options.archive;
    // The saved plan holds the answers it was reviewed with: nobody is asked again.
    try {
      baseConfig = applyEdits(loaded.config, answersToEdits(savedAnswers(saved)));
    } catch (e) {
      throw new MigrateError('usage', `not a saved plan: ${(e as Error).message}`, { file: opts.plan }, 2);
    }
  }

  const flags = { withPeers };
  const progress = progressLine(opts.io.stderr);
  const rebuild = async (config: MigrateConfig): Promise<Plan> => {
    try {
      return await buildPlan(
        { snapshot, loaded: { ...loaded, config } },
        {
          components,
          withPeers,
          // Already archived: the root files are read from history and must not be moved again.
          ...(archived ? { archive: false } : archive !== undefined ? { archive } : {}),
          skipCodemods: opts.skipCodemods === true,
          ...(committed ? { committed } : {}),
          progress: progress.update,
        },
      );
    } finally {
      progress.clear();
    }
  };
  let plan = await rebuild(baseConfig);
  if (plan.environments.length === 0) {
    throw new MigrateError('usage', `${noComposeFilesMessage(root)}: nothing to migrate`, undefined, 1);
  }
  const configPath = loaded.path ?? DEFAULT_CONFIG_NAME;

  if (saved) {
    const drift = planDrift(saved, plan);
    if (drift)
      throw new MigrateError(
        'usage',
        `the saved plan no longer matches what this version of compose-migrate plans from the same files (${drift}); make it again with plan --out ${opts.plan} and review it`,
        { file: opts.plan ?? '' },
        3,
      );
  }

  // A saved plan was reviewed as it is: its questions were answered when it was made, not here.
  let config = baseConfig;
  let answers: Answer[] = [];
  if (!opts.yes && !opts.plan && interactive(opts.io)) {
    ({ plan, config, answers } = await askDecisions(plan, baseConfig, flags, rebuild, io));
  }
  const open = openFindings(plan, config, flags);
  const unanswerable = open.filter((o) => o.decision.default === undefined);
  if (unanswerable.length) throw needAnswerError(unanswerable, configPath);
  const strict = opts.strict ? strictMessage(plan.findings) : undefined;
  if (strict) throw new MigrateError('not-carried', strict, undefined, 1);
  // Archiving an environment nothing replaces takes an explicit --archive; --yes does not answer it.
  const refused = plan.findings.filter((f) => f.code === 'archive-refused');
  if (refused.length) {
    throw new MigrateError(
      'archive-refused',
      `refusing to archive the root compose files: no generated file carries any service of ${refused
        .map((f) => {
          const files = plan.environments.find((e) => e.name === f.env)?.files ?? [];
          return `environment ${f.env ?? '?'} (${files.join(' + ')})`;
        })
        .join(', ')}, which would then live only in the archive; nothing was written. ${
        opts.plan
          ? `Make the plan again with plan --archive (archive anyway) or --no-archive (keep the root files) --out ${opts.plan}`
          : 'Pass --archive to archive anyway, or --no-archive to migrate and keep the root files'
      }`,
      undefined,
      3,
    );
  }

  if (plan.changes.length === 0) {
    io.out(
      `nothing to do: ${plan.selected.join(', ')} ${plan.selected.length === 1 ? 'is' : 'are'} already migrated\n`,
    );
    return 0;
  }

  const diffOf = (p: Plan) => p.changes.map((c) => colorDiff(unifiedDiff(c), io.style)).join('\n');
  if (opts.dryRun) {
    const diff = diffOf(plan);
    io.out(renderText(plan, { style: io.style, diffs: false, verbose: io.verbose }));
    io.out('\n' + diff + '\n');
    io.out(
      answers.length
        ? 'dry run: nothing was written (answers not saved)\n'
        : 'dry run: nothing was written\n',
    );
    return 0;
  }

  const dotenv = disk.read('.env');
  await validateGenerated(
    plan.changes,
    varSource(opts.io.env, dotenv === undefined ? new Map() : loadDotEnv(dotenv)),
  );
  const touched = plan.changes.flatMap((c) => (c.to ? [c.path, c.to] : [c.path]));
  await preflight(root, touched);

  let save = false;
  // A saved plan was reviewed when it was made: applying it is the confirmation.
  if (!opts.yes && !saved) {
    if (!interactive(opts.io)) {
      const taken = defaultsTaken(open);
      throw new MigrateError(
        'usage',
        'apply changes files and commits; without a terminal to confirm on, pass --yes (or review with --dry-run first)' +
          (taken.length
            ? `. --yes takes the plan's default for ${taken.length === 1 ? 'this decision' : 'these decisions'}:\n${taken.join('\n')}`
            : ''),
        undefined,
        3,
      );
    }
    // Summary first; the full diff is one key away (in the user's pager), not 300 lines up the screen.
    io.out('\n' + renderSummary(plan, { style: io.style }));
    for (;;) {
      const choice = await pressKey(
        opts.io,
        `Apply ${plan.changes.length} changes and commit?`,
        [
          { key: 'y', value: 'yes', label: 'apply and commit' },
          { key: 'n', value: 'no', label: 'write nothing' },
          { key: 'd', value: 'diff', label: 'show the diff' },
        ],
        'no',
        io.style,
      );
      if (choice === 'yes') break;
      if (choice === 'no') {
        io.out('nothing was written\n');
        return 0;
      }
      await page(diffOf(plan) + '\n', io.out, opts.io.env);
    }
    if (answers.length)
      save = await confirm(
        opts.io,
        `Save these answers to ${configPath} so the next run asks nothing?`,
        true,
      );
  }
  if (save) {
    // Its own write, before the migration commit and outside it: the answers are the user's config.
    const existing = disk.read(configPath);
    saveConfigFile(root, configPath, mergeConfigText(configPath, existing, answersToEdits(answers)));
    io.out(`answers saved to ${configPath} (not committed)\n`);
  }

  if (stop.signal)
    throw new MigrateError(
      'interrupted',
      `interrupted by ${stop.signal}; nothing was written`,
      undefined,
      signalExitCode(stop.signal),
    );
  // A line per commit on stderr, only on a terminal: long applies show they are moving.
  const live = opts.io.stderr.isTTY === true;
  const started = Date.now();
  const outcome = await executePlan(root, plan, {
    noCommit: opts.commit === false,
    ...(opts.io.failAfter !== undefined ? { failAfter: opts.io.failAfter } : {}),
    ...(opts.verify === false ? { noVerify: true } : {}),
    stop,
    ...(live
      ? {
          onCommit: (step, done, total) =>
            io.err(
              `${io.style.dim(`[${done}/${total}]`)} ${
                step.commit
                  ? `${io.style.green('committed')} ${step.commit.sha.slice(0, 12)} ${step.commit.subject}`
                  : `unchanged ${step.components.join(', ')}`
              }\n`,
            ),
        }
      : {}),
  });
  // The same terminal already shows every commit: the closing summary does not repeat them.
  if (!(live && io.isTTY))
    for (const c of outcome.commits)
      io.out(`${io.style.green('committed')} ${c.sha.slice(0, 12)} ${c.subject}\n`);
  for (const ref of outcome.backupRefs)
    io.out(`staged, not committed; backup ref ${ref} keeps the previous state for rollback\n`);
  if (outcome.noops.length) io.out(`already migrated, no commit: ${outcome.noops.join(', ')}\n`);
  const migrated = plan.selected.filter(
    (n) => !outcome.noops.includes(n) && plan.changes.some((c) => c.component === n),
  );
  io.out(
    `${io.style.bold('done')}: ${migrated.length} component${migrated.length === 1 ? '' : 's'} migrated${opts.commit === false ? ' (staged)' : ` in ${outcome.commits.length} commit${outcome.commits.length === 1 ? '' : 's'}`}, ${plan.changes.length} file changes, ${((Date.now() - started) / 1000).toFixed(1)} s; check with compose-migrate verify, undo with compose-migrate rollback\n`,
  );
  if (opts.yes && open.length) {
    const taken = defaultsTaken(open);
    io.out(
      `--yes took the plan's default for ${taken.length === 1 ? 'this decision' : 'these decisions'}:\n${taken.join('\n')}\n`,
    );
  }
  for (const f of plan.findings.filter((x) => x.code === 'archive-unreplaced'))
    io.out(`${io.style.yellow('archived')} ${f.message}\n`);
  const left = plan.references.filter((r) => r.action === 'report');
  if (left.length)
    io.out(
      `${left.length} reference${left.length === 1 ? '' : 's'} to root compose files left for you (see plan)\n`,
    );
  return 0;
}
