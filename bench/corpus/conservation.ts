/**
 * Conservation: after a migration, every (environment, service) of the root layout is either in a
 * generated compose file of that environment or named by a `not-carried` finding of the plan.
 * Both sides come from the referee (`docker-compose config`): the root side per environment from the
 * files the plan lists for it with the root `.env`, the generated side from each component file run
 * where it lives with the `--env-file` its Makefile passes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { isMap, parseDocument } from 'yaml';
import { refereeConfig, type RefereeResult } from './referee.js';
import { envFileOfLine, makeExportsOf } from '../../src/generate/makefile.js';

/** The parts of `plan --json` this check reads. */
export interface PlanJson {
  components: { name: string; path: string; kind: string; services?: string[] }[];
  environments: { name: string; files: string[] }[];
  changes: { op: string; path: string; to?: string; component: string; reason: string }[];
  findings: PlanFinding[];
}

export interface PlanFinding {
  level: string;
  code: string;
  message: string;
  file?: string;
  line?: number;
  service?: string;
  env?: string;
  key?: string;
  /** The variable a path is held in (`not-carried`, `variable-path-rebased`). */
  variable?: string;
  decision?: { configKey?: string; answer?: unknown; default?: unknown; choices?: unknown[] };
}

/** One (environment, service) pair as a stable string key. */
export const pairKey = (env: string, service: string): string => `${env}/${service}`;

export type PairSet = Map<string, Set<string>>;

export interface Conservation {
  /** Every pair of the root layout. */
  root: string[];
  /** Root pairs found in a generated file of the same environment. */
  carried: string[];
  /** Root pairs not generated but named by a `not-carried` finding. */
  accounted: string[];
  /** Root pairs neither generated nor reported: the losses. */
  lost: string[];
  /** Generated pairs with no root counterpart (a renamed or invented service, or a wrong environment). */
  extra: string[];
}

/**
 * The `not-carried` findings that say a whole service is missing from an environment: a finding with
 * a `key` reports one key of a service that is otherwise carried, so it accounts for no pair; one
 * without `env` covers every environment.
 */
export function notCarriedServices(findings: PlanFinding[]): { service: string; env?: string }[] {
  return findings
    .filter((f) => f.code === 'not-carried' && typeof f.service === 'string' && f.key === undefined)
    .map((f) => ({ service: f.service as string, env: f.env }));
}

export function conserve(root: PairSet, generated: PairSet, findings: PlanFinding[]): Conservation {
  const reported = notCarriedServices(findings);
  const out: Conservation = { root: [], carried: [], accounted: [], lost: [], extra: [] };
  for (const [env, services] of [...root].sort(([a], [b]) => a.localeCompare(b))) {
    for (const service of [...services].sort()) {
      const key = pairKey(env, service);
      out.root.push(key);
      if (generated.get(env)?.has(service)) out.carried.push(key);
      else if (reported.some((r) => r.service === service && (r.env === undefined || r.env === env)))
        out.accounted.push(key);
      else out.lost.push(key);
    }
  }
  for (const [env, services] of generated)
    for (const service of services) if (!root.get(env)?.has(service)) out.extra.push(pairKey(env, service));
  out.extra.sort();
  return out;
}

/** A compose file the plan generates, with where and how it runs. */
export interface GeneratedFile {
  /** Repository-relative path. */
  path: string;
  env: string;
  component: string;
  componentPath: string;
}

const GENERATED_REASON = /^(.+) compose file for (.+)$/;

/** The compose files `apply` writes, read from the plan's changes ("<env> compose file for <component>"). */
export function generatedFiles(plan: PlanJson): GeneratedFile[] {
  const out: GeneratedFile[] = [];
  for (const c of plan.changes) {
    const m = GENERATED_REASON.exec(c.reason);
    if (!m || (c.op !== 'create' && c.op !== 'modify')) continue;
    const component = plan.components.find((k) => k.name === m[2]);
    out.push({ path: c.path, env: m[1] ?? '', component: m[2] ?? '', componentPath: component?.path ?? '.' });
  }
  return out;
}

/**
 * The `--env-file` the component's generated make targets pass with this compose file, relative to
 * the component folder. A file no target runs (a prod file next to dev and test targets) takes the
 * one the targets pass for the component's other files, since the generated Makefile applies one
 * env-file policy to the component; `inferred` says so.
 */
export function envFileFor(
  repo: string,
  file: GeneratedFile,
  plan: PlanJson,
): { envFile?: string; inferred: boolean; exports: Record<string, string> } {
  const base = posix.relative(file.componentPath, file.path);
  const lines = plan.changes
    .filter((c) => c.component === file.component && /(^|\/)(Makefile|[^/]+\.mk)$/.test(c.path))
    .map((c) => join(repo, c.path))
    .filter((p) => existsSync(p))
    .flatMap((mk) => readFileSync(mk, 'utf8').split('\n'));
  // A file passed only when it exists (an untracked .env) counts only where it does.
  const envFileOf = (line: string): string | undefined => {
    const e = envFileOfLine(line);
    if (e === undefined) return undefined;
    return e.optional && !existsSync(join(repo, file.componentPath, e.path)) ? undefined : e.path;
  };
  const runsFile = (line: string): boolean => line.includes(`-f '${base}'`) || line.includes(`-f ${base}`);
  const exports = makeExportsOf(lines);
  const own = lines.filter(runsFile);
  if (own.length)
    return { envFile: own.map(envFileOf).find((e) => e !== undefined), inferred: false, exports };
  const others = lines.filter((l) => /docker[- ]compose/.test(l)).map(envFileOf);
  const envFile = others.find((e) => e !== undefined);
  return { envFile, inferred: envFile !== undefined, exports };
}

/** Service names of a set of files read directly, for when the referee rejects them. */
function servicesByText(repo: string, files: string[]): Set<string> {
  const names = new Set<string>();
  for (const f of files) {
    const abs = join(repo, f);
    if (!existsSync(abs)) continue;
    const doc = parseDocument(readFileSync(abs, 'utf8'));
    const services = doc.get('services', true);
    if (isMap(services))
      for (const p of services.items) names.add(String((p.key as { value?: unknown })?.value));
  }
  return names;
}

export interface Side {
  pairs: PairSet;
  /** Per environment (root) or file (generated): the referee's verdict. */
  results: Map<string, RefereeResult>;
  /** Where a side fell back to reading service names directly, and why. */
  notes: string[];
  /** Generated side: the --env-file each file ran with. */
  envFiles: Map<string, string | undefined>;
  /** Root side: some environment was read with .env.example standing in for an absent .env. */
  standIn: boolean;
  /** Root side: the environments read that way (a generated file of one is read the same way). */
  standInEnvs: Set<string>;
}

/**
 * The referee on `files`; when it rejects them, no `.env` exists at the root and the repository
 * commits a `.env.example` (the file a user copies to `.env`), once more with that file standing in.
 */
async function refereeWithStandIn(
  repo: string,
  cwd: string,
  files: string[],
  envFile: string | undefined,
  /** Use the stand-in from the start: the other side needed it, and both must read the same values. */
  standInFirst = false,
  env?: Record<string, string>,
): Promise<RefereeResult> {
  const canStandIn =
    envFile === undefined && !existsSync(join(repo, '.env')) && existsSync(join(repo, '.env.example'));
  const standIn = relative(cwd, join(repo, '.env.example'));
  if (canStandIn && standInFirst) {
    const r = await refereeConfig(cwd, files, { envFile: standIn, ...(env ? { env } : {}) });
    return {
      ...r,
      notes: [
        ...r.notes,
        `${files.join(' + ')}: run with .env.example standing in for the absent .env, as the root side was`,
      ],
    };
  }
  const first = await refereeConfig(cwd, files, { envFile, ...(env ? { env } : {}) });
  if (first.ok || !canStandIn) return first;
  const second = await refereeConfig(cwd, files, { envFile: standIn, ...(env ? { env } : {}) });
  if (!second.ok) return first;
  return {
    ...second,
    notes: [
      ...second.notes,
      `${files.join(' + ')}: rejected without a .env (${first.error ?? '?'}); run with .env.example standing in for it`,
    ],
  };
}

/** The root side: per environment of the plan, the referee on its files with the root `.env`. */
export async function rootSide(repo: string, plan: PlanJson): Promise<Side> {
  const pairs: PairSet = new Map();
  const results = new Map<string, RefereeResult>();
  const notes: string[] = [];
  const envFile = existsSync(join(repo, '.env')) ? '.env' : undefined;
  const standInEnvs = new Set<string>();
  for (const env of plan.environments) {
    const r = await refereeWithStandIn(repo, repo, env.files, envFile);
    if (r.notes.some((n) => n.includes('.env.example standing in'))) standInEnvs.add(env.name);
    results.set(env.name, r);
    notes.push(...r.notes.map((n) => `root ${env.name}: ${n}`));
    if (r.ok) pairs.set(env.name, new Set(Object.keys(r.services)));
    else {
      pairs.set(env.name, servicesByText(repo, env.files));
      notes.push(
        `root ${env.name}: referee rejects ${env.files.join(' + ')} (${r.error ?? '?'}); service names read from the files`,
      );
    }
  }
  return { pairs, results, notes, envFiles: new Map(), standIn: standInEnvs.size > 0, standInEnvs };
}

/** The generated side: each generated file run from its component folder with its Makefile's --env-file. */
export async function generatedSide(
  repo: string,
  plan: PlanJson,
  files: GeneratedFile[],
  root?: Side,
): Promise<Side> {
  const pairs: PairSet = new Map();
  const results = new Map<string, RefereeResult>();
  const notes: string[] = [];
  const envFiles = new Map<string, string | undefined>();
  for (const f of files) {
    const cwd = join(repo, f.componentPath);
    const { envFile, inferred, exports } = envFileFor(repo, f, plan);
    envFiles.set(f.path, envFile);
    if (inferred)
      notes.push(
        `${f.path}: no make target runs it; run with the --env-file ${envFile} its component's targets pass`,
      );
    const r = await refereeWithStandIn(
      repo,
      cwd,
      [posix.relative(f.componentPath, f.path)],
      envFile,
      // Read as the root environment it comes from was: with .env.example standing in only if it was.
      root?.standInEnvs.has(f.env) ?? false,
      Object.keys(exports).length ? exports : undefined,
    );
    results.set(f.path, r);
    const names = r.ok ? Object.keys(r.services) : [...servicesByText(repo, [f.path])];
    if (!r.ok)
      notes.push(`${f.path}: referee rejects it (${r.error ?? '?'}); service names read from the file`);
    const set = pairs.get(f.env) ?? new Set<string>();
    for (const n of names) set.add(n);
    pairs.set(f.env, set);
  }
  return {
    pairs,
    results,
    notes,
    envFiles,
    standIn: root?.standIn ?? false,
    standInEnvs: root?.standInEnvs ?? new Set(),
  };
}
