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
  if (p.schemaVersion !== 1 || !Array.isArray(p.inputs) || !p.options) {
    throw new MigrateError(
      'usage',
      'not a saved plan (schemaVersion 1 with inputs and options expected); save one with plan --out',
      { file: path },
      2,
    );
  }
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
