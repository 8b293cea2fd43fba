import { noComposeFilesMessage } from '../../analysis/discovery.js';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { openRepo } from '../../git/repo.js';
import { MigrateError } from '../../errors.js';
import { buildPlan } from '../../generate/build-plan.js';
import { strictMessage } from '../../plan/conservation.js';
import { toPlanJson } from '../../plan/render/json.js';
import { renderMermaid } from '../../plan/render/mermaid.js';
import { renderText } from '../../plan/render/text.js';
import { savePlan } from '../../plan/saved.js';
import { committedEnvFiles, planningSnapshot } from '../../git/original-snapshot.js';
import { openRepoContext, type GlobalOptions } from '../context.js';
import { progressLine } from '../progress.js';

interface PlanFlags extends GlobalOptions {
  component?: string[];
  json?: boolean;
  out?: string;
  graph?: boolean;
  diff?: boolean;
  withPeers?: boolean;
  strict?: boolean;
  archive?: boolean;
  detailedExitcode?: boolean;
}

export async function planCommand(opts: PlanFlags): Promise<number> {
  const { io, root, disk, loaded } = openRepoContext(opts);
  const { snapshot, archived } = await planningSnapshot(root, disk, loaded.config);
  const committed = await committedEnvFiles(root);
  const progress = progressLine(opts.io.stderr);
  let plan;
  try {
    plan = await buildPlan(
      { snapshot, loaded },
      {
        ...(opts.component ? { components: opts.component } : {}),
        withPeers: opts.withPeers === true,
        ...(archived ? { archive: false } : opts.archive !== undefined ? { archive: opts.archive } : {}),
        ...(committed ? { committed } : {}),
        progress: progress.update,
      },
    );
  } finally {
    progress.clear();
  }
  if (plan.environments.length === 0) {
    throw new MigrateError('usage', noComposeFilesMessage(root), undefined, 1);
  }
  if (opts.out) {
    const target = resolve(opts.io.cwd, opts.out);
    await refuseOverwrite(target, opts.out);
    writeFileSync(
      target,
      savePlan(plan, {
        components: opts.component ?? [],
        withPeers: opts.withPeers === true,
        ...(opts.archive !== undefined ? { archive: opts.archive } : {}),
      }),
    );
    if (!opts.json) io.err(`plan saved to ${opts.out}\n`);
  }
  if (opts.json) {
    io.out(JSON.stringify(toPlanJson(plan, { diffs: opts.diff === true }), null, 2) + '\n');
  } else if (opts.graph) {
    io.out(renderMermaid(plan));
  } else {
    io.out(renderText(plan, { style: io.style, diffs: opts.diff === true, verbose: io.verbose }));
  }
  // The plan is printed either way: it is what names each loss and why.
  const strict = opts.strict ? strictMessage(plan.findings) : undefined;
  if (strict) throw new MigrateError('not-carried', strict, undefined, 1);
  if (opts.detailedExitcode) return plan.changes.length > 0 ? 2 : 0;
  return 0;
}

/** `plan --out` writes a new file or its own earlier output: never a compose file or a tracked file. */
async function refuseOverwrite(target: string, given: string): Promise<void> {
  const refuse = (why: string): MigrateError =>
    new MigrateError(
      'usage',
      `refusing to write the plan to ${given}: ${why}; choose another file`,
      undefined,
      3,
    );
  if (/^(docker-)?compose([.-][\w.-]+)?\.ya?ml$/u.test(basename(target)))
    throw refuse('it is named like a compose file');
  if (!existsSync(target)) return;
  if (!statSync(target).isFile()) throw refuse('it is not a regular file');
  const repo = await openRepo(dirname(target)).catch(() => undefined);
  if (repo) {
    const tracked = await repo
      .run(['ls-files', '--error-unmatch', '--', relative(repo.top, target)])
      .then(() => true)
      .catch(() => false);
    if (tracked) throw refuse('git tracks it');
  }
  if (!/^\s*\{[\s\S]*"schemaVersion"/u.test(readFileSync(target, 'utf8').slice(0, 4096)))
    throw refuse('it exists and is not a saved plan');
}
