/**
 * One corpus repository end to end, as a new user would run it: clone the bundle into a temporary
 * folder, `plan --json`, `apply --all --yes`, `verify --json`, `status --json`, `rollback --yes`,
 * and check each step's outcome with the referee and the tree itself.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  conserve,
  generatedFiles,
  generatedSide,
  rootSide,
  type Conservation,
  type GeneratedFile,
  type PlanJson,
  type Side,
} from './conservation.js';
import { compareMeaning, type MeaningDiff } from './meaning.js';
import { answerOpenDecisions } from './answer.js';
import { crashOf, firstLine, run, type StepRun } from './steps.js';
import { snapshotTree, treeDifferences } from './tree.js';

export const STEPS = ['plan', 'apply', 'verify', 'status', 'rollback'] as const;
export type StepName = (typeof STEPS)[number];

export interface StepOutcome {
  status: number | null;
  ms: number;
  crash?: string;
  /** First line of stderr when the step did not exit 0. */
  message?: string;
}

export interface FileOutcome {
  path: string;
  env: string;
  component: string;
  services: string[];
  envFile?: string;
  referee: { ok: boolean; error?: string; notes: string[] };
  /** The root environment this file comes from was itself rejected by the referee. */
  rootRejected: boolean;
  /** verify's verdict: every difference (`reported` of them named by the plan), or why it could not compare. */
  verify?: { differences: number; paths: string[]; reported?: number; error?: string } | 'absent';
  meaning?: MeaningDiff;
}

export interface RepoOutcome {
  name: string;
  steps: Partial<Record<StepName, StepOutcome>>;
  plan?: {
    components: { compose: number; host: number; names: string[] };
    environments: { name: string; files: string[] }[];
    decisionsOpen: { question: string; configKey: string }[];
    decisionsDefaulted: number;
    references: { rewritten: number; reported: number };
    /** The orchestrator codemods' outcomes, as jscodeshift counts them (absent with no candidate). */
    codemods?: { ok: number; nochange: number; skip: number; error: number };
    notCarriedFindings: number;
  };
  /** Config keys named by an apply that stopped for a decision (exit 3). */
  applyDecisionKeys: string[];
  files: FileOutcome[];
  conservation?: Conservation;
  conservationNotes: string[];
  rollback: { equal: boolean; differences: string[] } | undefined;
  /**
   * Where only `.env.example` is committed: whether the plan is the same with a local `.env` made
   * from it ("same", or what differs); undefined where the question does not arise.
   */
  dotEnv?: string;
  /** Why the run could not go on, when it could not. */
  stopped?: string;
  /**
   * The decisions this run answered before it began (`key: answer`), in a second pass over a
   * repository whose first apply stopped for them; absent on a first pass.
   */
  answered?: string[];
  totalMs: number;
}

/** A local identity so that the tool's commits work in a clone on any machine. */
async function cloneBundle(bundle: string, dir: string): Promise<string | undefined> {
  const steps: [string, string[]][] = [
    ['git', ['clone', '-q', bundle, dir]],
    ['git', ['-C', dir, 'config', 'user.email', 'corpus@example.invalid']],
    ['git', ['-C', dir, 'config', 'user.name', 'corpus run']],
    ['git', ['-C', dir, 'config', 'commit.gpgsign', 'false']],
    ['git', ['-C', dir, 'config', 'core.fileMode', 'true']],
  ];
  for (const [cmd, args] of steps) {
    const r = await run(cmd, args, tmpdir());
    if (r.status !== 0) return `${cmd} ${args.join(' ')}: ${firstLine(r.stderr)}`;
  }
  return undefined;
}

function outcomeOf(r: StepRun): StepOutcome {
  const crash = crashOf(r);
  return {
    status: r.status,
    ms: r.ms,
    ...(crash ? { crash } : {}),
    ...(r.status !== 0 ? { message: firstLine(r.stderr) || firstLine(r.stdout) } : {}),
  };
}

function parseJson<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

interface VerifyJson {
  files?: {
    file: string;
    env: string;
    differences: { service: string; path: string; reported?: string }[];
    error?: { message: string; file?: string; line?: number };
  }[];
}

/** Compose files the apply commits added or changed, from git: independent of the plan's wording. */
async function composeFilesChanged(dir: string, orig: string): Promise<string[]> {
  const r = await run('git', ['diff', '--name-only', '--diff-filter=AM', orig, 'HEAD'], dir);
  return r.stdout
    .split('\n')
    .filter((p) => /(^|\/)(docker-)?compose[^/]*\.ya?ml$/.test(p))
    .filter((p) => !p.startsWith('todo/') && p.includes('/'));
}

/**
 * With `answer`, the open decisions are answered (first choice, committed config) before the run, as
 * a user would after the first apply stopped for them: the outcome is named `<repo> (answered)`.
 */
export async function runRepo(
  bundle: string,
  cli: string,
  keep: boolean,
  answer = false,
): Promise<RepoOutcome> {
  const base = basename(bundle, '.bundle');
  const name = answer ? `${base} (answered)` : base;
  const start = process.hrtime.bigint();
  const work = mkdtempSync(join(tmpdir(), `corpus-${base}-`));
  const dir = join(work, base);
  const out: RepoOutcome = {
    name,
    steps: {},
    applyDecisionKeys: [],
    files: [],
    conservationNotes: [],
    rollback: undefined,
    totalMs: 0,
  };
  const finish = (): RepoOutcome => {
    out.totalMs = Number(process.hrtime.bigint() - start) / 1e6;
    if (!keep) rmSync(work, { recursive: true, force: true });
    // Messages name the temporary clone; the report names it <clone> so that runs compare.
    return JSON.parse(
      JSON.stringify(out).split(dir).join('<clone>').split(work).join('<work>'),
    ) as RepoOutcome;
  };
  const cliStep = async (step: StepName, args: string[]): Promise<StepRun> => {
    const r = await run(process.execPath, [cli, ...args, '-C', dir], dir);
    out.steps[step] = outcomeOf(r);
    return r;
  };

  const cloneError = await cloneBundle(bundle, dir);
  if (cloneError) {
    out.stopped = `clone failed: ${cloneError}`;
    return finish();
  }
  if (answer) {
    const first = await run(process.execPath, [cli, 'plan', '--json', '-C', dir], dir);
    const firstPlan = first.status === 0 ? parseJson<PlanJson>(first.stdout) : undefined;
    out.answered = firstPlan ? answerOpenDecisions(dir, firstPlan) : [];
  }
  const orig = (await run('git', ['rev-parse', 'HEAD'], dir)).stdout.trim();
  const before = snapshotTree(dir);

  const planRun = await cliStep('plan', ['plan', '--json']);
  const plan = planRun.status === 0 ? parseJson<PlanJson & PlanExtras>(planRun.stdout) : undefined;
  let root: Side | undefined;
  if (plan) {
    out.plan = summarisePlan(plan);
    // The root files are archived by apply: read the root side first.
    root = await rootSide(dir, plan);
    out.dotEnv = await dotEnvSensitivity(dir, cli, plan);
  }

  // An archive refused because nothing replaces an environment is answered, in the second pass, the
  // way the refusal says: --archive (the loss is reported by the plan and counted by conservation).
  const refusedArchive = answer && plan?.findings.some((f) => f.code === 'archive-refused') === true;
  if (refusedArchive)
    out.answered = [...(out.answered ?? []), 'archive refused for an unreplaced environment: --archive'];
  const applyRun = await cliStep('apply', [
    'apply',
    '--all',
    '--yes',
    ...(refusedArchive ? ['--archive'] : []),
  ]);
  if (applyRun.status === 3)
    out.applyDecisionKeys = [...applyRun.stderr.matchAll(/Answer with config (\S+?):?(?:\s|$)/g)].map(
      (m) => m[1] ?? '',
    );

  if (applyRun.status === 0) {
    const planned: GeneratedFile[] = plan
      ? generatedFiles(plan).filter((f) => existsSync(join(dir, f.path)))
      : [];
    const fromGit = await composeFilesChanged(dir, orig);
    for (const path of fromGit)
      if (!planned.some((f) => f.path === path))
        planned.push({ path, env: '?', component: '?', componentPath: path.slice(0, path.lastIndexOf('/')) });
    const generated = plan ? await generatedSide(dir, plan, planned, root) : undefined;
    for (const f of planned) {
      const r = generated?.results.get(f.path);
      const rootResult = root?.results.get(f.env);
      out.files.push({
        path: f.path,
        env: f.env,
        component: f.component,
        services: r?.ok ? Object.keys(r.services) : [],
        ...(generated?.envFiles.get(f.path) ? { envFile: generated.envFiles.get(f.path) } : {}),
        referee: {
          ok: r?.ok ?? false,
          error: r?.error ?? (r ? undefined : 'not run'),
          notes: r?.notes ?? [],
        },
        rootRejected: rootResult !== undefined && !rootResult.ok,
        ...(r?.ok && rootResult?.ok
          ? {
              meaning: compareMeaning(rootResult.services, r.services, {
                root: rootResult.top ?? {},
                generated: r.top ?? {},
              }),
            }
          : {}),
      });
    }
    if (plan && root && generated) {
      out.conservation = conserve(root.pairs, generated.pairs, plan.findings);
      out.conservationNotes.push(...root.notes, ...generated.notes);
    }
  } else if (root) {
    out.conservationNotes.push(...root.notes);
  }

  const verifyRun = await cliStep('verify', ['verify', '--json']);
  const verify = parseJson<VerifyJson>(verifyRun.stdout);
  for (const f of out.files) {
    const v = verify?.files?.find((x) => x.file === f.path);
    f.verify = v
      ? {
          differences: v.differences.length,
          paths: v.differences.map((d) => `${d.service}.${d.path}`),
          reported: v.differences.filter((d) => d.reported !== undefined).length,
          ...(v.error
            ? {
                error: `${v.error.message}${v.error.file ? ` (${v.error.file}${v.error.line !== undefined ? `:${v.error.line}` : ''})` : ''}`,
              }
            : {}),
        }
      : 'absent';
  }
  await cliStep('status', ['status', '--json']);
  await cliStep('rollback', ['rollback', '--yes']);

  const gitDiff = await run('git', ['diff', '--exit-code', '--stat', orig], dir);
  const differences = treeDifferences(before, snapshotTree(dir));
  if (gitDiff.status !== 0 && differences.length === 0)
    differences.push(`git diff ${orig.slice(0, 12)}: ${firstLine(gitDiff.stdout)}`);
  out.rollback = { equal: differences.length === 0, differences };
  return finish();
}

/** The shape of a plan that must not depend on an untracked `.env`: components, environments, files, findings. */
function planShape(plan: PlanJson): string[] {
  return [
    ...plan.components.map((c) => `component ${c.name} ${c.kind}`),
    ...plan.environments.map((e) => `environment ${e.name} = ${e.files.join(' + ')}`),
    ...plan.changes.map((c) => `${c.op} ${c.path}${c.to ? ` -> ${c.to}` : ''}`),
    ...plan.findings.map((f) => `finding ${f.code} ${f.service ?? ''} ${f.env ?? ''}`.trim()),
  ].sort();
}

/**
 * A user who copies `.env.example` to `.env`, as such repositories ask, must get the same plan (or
 * be told why not). The `.env` exists only for this one plan run and is removed before apply.
 */
async function dotEnvSensitivity(dir: string, cli: string, without: PlanJson): Promise<string | undefined> {
  const dotEnv = join(dir, '.env');
  const example = join(dir, '.env.example');
  if (existsSync(dotEnv) || !existsSync(example)) return undefined;
  copyFileSync(example, dotEnv);
  try {
    const r = await run(process.execPath, [cli, 'plan', '--json', '-C', dir], dir);
    const withEnv = r.status === 0 ? parseJson<PlanJson>(r.stdout) : undefined;
    if (!withEnv) return `plan with .env exits ${r.status ?? '?'}: ${firstLine(r.stderr)}`;
    const a = planShape(without);
    const b = planShape(withEnv);
    const onlyWithout = a.filter((x) => !b.includes(x));
    const onlyWith = b.filter((x) => !a.includes(x));
    if (onlyWithout.length === 0 && onlyWith.length === 0) return 'same';
    return [
      ...onlyWithout.map((x) => `without .env only: ${x}`),
      ...onlyWith.map((x) => `with .env only: ${x}`),
    ].join('; ');
  } finally {
    rmSync(dotEnv, { force: true });
  }
}

/** Plan fields read for the report beyond those the conservation check needs. */
interface PlanExtras {
  references?: { action: string }[];
  codemods?: { summary?: { ok: number; nochange: number; skip: number; error: number } };
}

function summarisePlan(plan: PlanJson & PlanExtras): NonNullable<RepoOutcome['plan']> {
  const decisions = plan.findings.filter((f) => f.level === 'decision' && f.decision);
  const open = decisions.filter((f) => f.decision?.default === undefined && f.decision?.answer === undefined);
  return {
    components: {
      compose: plan.components.filter((c) => c.kind === 'compose').length,
      host: plan.components.filter((c) => c.kind !== 'compose').length,
      names: plan.components.map((c) => `${c.name} (${c.kind})`),
    },
    environments: plan.environments,
    decisionsOpen: open.map((f) => ({ question: f.message, configKey: f.decision?.configKey ?? '?' })),
    decisionsDefaulted: decisions.length - open.length,
    references: {
      rewritten: (plan.references ?? []).filter((r) => r.action === 'rewritten').length,
      reported: (plan.references ?? []).filter((r) => r.action !== 'rewritten').length,
    },
    ...(plan.codemods?.summary ? { codemods: plan.codemods.summary } : {}),
    notCarriedFindings: plan.findings.filter((f) => f.code === 'not-carried').length,
  };
}
