import { createHash } from 'node:crypto';
import { MigrateError } from '../errors.js';
import type { RepoSnapshot } from '../repo/snapshot.js';
import { toPlanJson, type PlanJson } from './render/json.js';
import type { Plan } from './types.js';
import type { Decision } from '../analysis/types.js';

/**
 * What `plan --out` saves: the JSON plan (diffs included, for `show`) plus the options that produced it,
 * so apply can rebuild it exactly. The decisions' answers are in its findings.
 */
export interface SavedPlan extends PlanJson {
  /** `archive`: plan --archive (true) or --no-archive (false); absent, the default. */
  options: { components: string[]; withPeers: boolean; archive?: boolean };
}

export function savePlan(plan: Plan, options: SavedPlan['options']): string {
  const saved: SavedPlan = { ...toPlanJson(plan, { diffs: true }), options };
  return JSON.stringify(saved, null, 2) + '\n';
}

export function readSavedPlan(path: string, text: string): SavedPlan {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new MigrateError('usage', `not a saved plan: ${(e as Error).message}`, { file: path }, 2);
  }
  const p = parsed as Partial<SavedPlan>;
  const bad = (why: string): MigrateError =>
    new MigrateError('usage', `not a saved plan: ${why}; save one with plan --out`, { file: path }, 2);
  const lists = [
    'inputs',
    'components',
    'environments',
    'attributions',
    'changes',
    'findings',
    'references',
  ] as const;
  if (
    p.schemaVersion !== 1 ||
    lists.some((key) => !Array.isArray(p[key])) ||
    typeof p.totals !== 'object' ||
    typeof p.tool !== 'object' ||
    typeof p.options !== 'object' ||
    p.options === null ||
    !Array.isArray(p.options.components)
  ) {
    throw bad('schemaVersion 1 with inputs and options expected');
  }
  const inputs = p.inputs as unknown[];
  // Without inputs nothing could ever make the plan stale.
  if (inputs.length === 0) throw bad('it lists no input files');
  for (const input of inputs) {
    const i = input as Partial<{ path: unknown; sha256: unknown }>;
    if (typeof i?.path !== 'string' || typeof i.sha256 !== 'string' || !/^([0-9a-f]{64})?$/u.test(i.sha256))
      throw bad('an input is not {path, sha256}');
    if (
      i.path === '' ||
      i.path.startsWith('/') ||
      /^[A-Za-z]:/u.test(i.path) ||
      i.path.split(/[\\/]/u).includes('..')
    )
      throw bad(`input ${JSON.stringify(i.path)} is not a path inside the repository`);
  }
  const o = p.options as Partial<SavedPlan['options']>;
  if (!Array.isArray(o.components) || !o.components.every((c) => typeof c === 'string' && c !== ''))
    throw bad('options.components must be a list of component names');
  if (typeof o.withPeers !== 'boolean') throw bad('options.withPeers must be true or false');
  if (o.archive !== undefined && typeof o.archive !== 'boolean')
    throw bad('options.archive must be true or false when present');
  // A plan saved before adjustments were listed shows none (the env report it lacks is not shown).
  if (!Array.isArray(p.adjustments)) p.adjustments = [];
  return p as SavedPlan;
}

/** Input files whose bytes differ from when the plan was saved (absent files recorded as ""). */
export function staleInputs(saved: SavedPlan, snapshot: RepoSnapshot): string[] {
  return saved.inputs
    .filter((input) => {
      const bytes = snapshot.readBytes(input.path);
      const now = bytes === undefined ? '' : createHash('sha256').update(bytes).digest('hex');
      return now !== input.sha256;
    })
    .map((i) => i.path);
}

/**
 * The answers a saved plan was made with: every decision in its findings and the answer in force then.
 * Applying them to the config rebuilds the same plan without asking anyone.
 */
export function savedAnswers(saved: SavedPlan): { decision: Decision; answer: string }[] {
  const out: { decision: Decision; answer: string }[] = [];
  const seen = new Set<string>();
  for (const f of saved.findings) {
    const d = f.decision;
    if (!d || d.answer === undefined || seen.has(d.id)) continue;
    seen.add(d.id);
    out.push({ decision: d, answer: d.answer });
  }
  return out;
}

/**
 * Where a plan rebuilt from the same inputs differs from the saved one (another tool version, or an
 * edited plan file): the first change whose operation, path or diff is not the one reviewed.
 */
export function planDrift(saved: SavedPlan, plan: Plan): string | undefined {
  const now = toPlanJson(plan, { diffs: true }).changes;
  const key = (c: SavedPlan['changes'][number]) => `${c.op} ${c.path}${c.to ? ` -> ${c.to}` : ''}`;
  for (let i = 0; i < Math.max(now.length, saved.changes.length); i++) {
    const a = saved.changes[i];
    const b = now[i];
    if (!a || !b || key(a) !== key(b))
      return b ? `${key(b)} was not in the saved plan` : `${key(a!)} is no longer planned`;
    if (a.diff !== undefined && a.diff !== b.diff)
      return `${key(b)} would write other content than the saved plan shows`;
  }
  return undefined;
}
