import type { Analysis, Component, Environment, Finding } from '../analysis/types.js';
import type { CodemodSummary, FileOutcome } from '../codemods/types.js';

export type ChangeOp = 'create' | 'modify' | 'move' | 'delete';

/** One file-level change apply would make. Contents are carried so plan and apply share one code path. */
export interface Change {
  op: ChangeOp;
  path: string;
  /** Destination, for "move". */
  to?: string;
  /** Component this change belongs to ("" for repo-wide changes such as the archive). */
  component: string;
  /** New full content, for create/modify. */
  content?: string;
  /** Previous content, for modify/delete (used for diffs). */
  before?: string;
  /** Why: "dev compose file for pourtier", "codemod compose-path", ... */
  reason: string;
}

/** A place that names a root compose file and was rewritten or left to a human. */
export interface Reference {
  file: string;
  line: number;
  text: string;
  action: 'rewritten' | 'report';
  note?: string;
}

export interface PlanInput {
  path: string;
  sha256: string;
}

export interface Plan {
  schemaVersion: 1;
  tool: { name: 'compose-migrate'; version: string };
  /** Components selected for this plan (all when none were named). */
  selected: string[];
  analysis: Analysis;
  environments: Environment[];
  components: Component[];
  changes: Change[];
  findings: Finding[];
  references: Reference[];
  /** What each orchestrator transform did to each file it ran on (absent with --skip-codemods). */
  codemods?: { summary: CodemodSummary; files: FileOutcome[] };
  /** Every file whose content the plan depends on, with its hash; a saved plan is stale when any differs. */
  inputs: PlanInput[];
}
