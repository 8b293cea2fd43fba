import { createHash } from 'node:crypto';
import { MigrateError } from '../errors.js';
import type { RepoSnapshot } from '../repo/snapshot.js';
import { toPlanJson, type PlanJson } from './render/json.js';
import type { Plan } from './types.js';

/** What `plan --out` saves: the JSON plan plus the options that produced it, so apply can rebuild it exactly. */
export interface SavedPlan extends PlanJson {
  options: { components: string[]; withPeers: boolean };
}

export function savePlan(plan: Plan, options: SavedPlan['options']): string {
  const saved: SavedPlan = { ...toPlanJson(plan), options };
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
    new MigrateError('usage', `not a usable saved plan: ${why}; save one with plan --out`, { file: path }, 2);
  if (p.schemaVersion !== 1 || !Array.isArray(p.inputs) || !p.options)
    throw bad('schemaVersion 1 with inputs and options expected');
  // Without inputs nothing could ever make the plan stale.
  if (p.inputs.length === 0) throw bad('it lists no input files');
  for (const input of p.inputs as unknown[]) {
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
