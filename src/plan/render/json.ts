import type { Plan } from '../types.js';
import { unifiedDiff } from './diff.js';

/** The `plan --json` document (schemaVersion 1). Stable keys; contents of files are not included. */
export interface PlanJson {
  schemaVersion: 1;
  tool: Plan['tool'];
  selected: string[];
  components: {
    name: string;
    path: string;
    kind: 'compose' | 'host';
    services: string[];
    dependsOn: {
      service: string;
      kind: string;
      via: string;
      from: string;
      env: string;
      role: string;
      component?: string;
    }[];
    backing: Record<string, string[]>;
    /** Per backing service, what brought it into the component's files. */
    backingWhy: Record<string, string>;
    peers: Record<string, string[]>;
    reasons: string[];
    runner: string;
  }[];
  environments: { name: string; files: string[]; evidence: string[] }[];
  /**
   * The root .env: which files the plan read (committed, local, example) and what it owes to a local
   * one. Always written; absent only from a plan saved by an earlier version.
   */
  env?: Plan['env'];
  attributions: {
    service: string;
    component: string | null;
    role: string;
    /** For a backing service built in or named for one component. */
    backingOf?: string;
    evidence: string;
    reason: string;
  }[];
  /** `diff` (a unified diff, no colour) only with `plan --json --diff`. */
  changes: { op: string; path: string; to?: string; component: string; reason: string; diff?: string }[];
  /** Every intentional change to a service (or top-level entry) the generated files make, before and after. */
  adjustments: Plan['adjustments'];
  findings: Plan['findings'];
  references: Plan['references'];
  codemods?: Plan['codemods'];
  inputs: Plan['inputs'];
  totals: Totals;
}

export interface Totals {
  components: number;
  compose: number;
  host: number;
  services: number;
  changes: Record<'create' | 'modify' | 'move' | 'delete', number>;
  findings: Record<'info' | 'warning' | 'decision', number>;
}

export function totals(plan: Plan): Totals {
  const changes = { create: 0, modify: 0, move: 0, delete: 0 };
  for (const c of plan.changes) changes[c.op]++;
  const findings = { info: 0, warning: 0, decision: 0 };
  for (const f of plan.findings) findings[f.level]++;
  return {
    components: plan.components.length,
    compose: plan.components.filter((c) => c.kind === 'compose').length,
    host: plan.components.filter((c) => c.kind === 'host').length,
    services: plan.analysis.attributions.length,
    changes,
    findings,
  };
}

export function toPlanJson(plan: Plan, opts: { diffs?: boolean } = {}): PlanJson {
  return {
    schemaVersion: 1,
    tool: plan.tool,
    selected: plan.selected,
    components: plan.components.map((c) => ({
      name: c.name,
      path: c.path,
      kind: c.kind,
      services: c.services,
      dependsOn: c.dependsOn.map((e) => ({
        service: e.service,
        kind: e.kind,
        via: e.via,
        from: e.from,
        env: e.env,
        role: e.role,
        ...(e.peerComponent ? { component: e.peerComponent } : {}),
      })),
      backing: c.backing,
      backingWhy: c.backingWhy ?? {},
      peers: c.pulledPeers,
      reasons: c.reasons,
      runner: c.runner.command,
    })),
    environments: plan.environments.map((e) => ({ name: e.name, files: e.files, evidence: e.evidence })),
    env: plan.env,
    attributions: plan.analysis.attributions.map((a) => ({
      service: a.service,
      component: a.component,
      role: a.role,
      ...(a.backingOf ? { backingOf: a.backingOf } : {}),
      evidence: a.evidence,
      reason: a.reason,
    })),
    changes: plan.changes.map((c) => ({
      op: c.op,
      path: c.path,
      ...(c.to ? { to: c.to } : {}),
      component: c.component,
      reason: c.reason,
      ...(opts.diffs ? { diff: unifiedDiff(c) } : {}),
    })),
    adjustments: plan.adjustments,
    findings: plan.findings,
    references: plan.references,
    ...(plan.codemods ? { codemods: plan.codemods } : {}),
    inputs: plan.inputs,
    totals: totals(plan),
  };
}
