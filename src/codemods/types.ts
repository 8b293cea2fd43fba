import type { Change, Reference } from '../plan/types.js';

/** What the planner tells the codemods about the migration being applied. */
export interface CodemodComponent {
  name: string;
  /** Repo-relative directory. */
  path: string;
  /** Repo-relative test compose file, present when the component has (or will have) one. */
  testComposeFile?: string;
}

export interface CodemodContext {
  components: CodemodComponent[];
  /** Root compose files and the environment each belongs to ("dev", "test", "prod", "base", ...). */
  rootComposeFiles: { path: string; env: string }[];
  archiveDir: string;
  /** Root path -> archive path, for the files this apply archives. */
  archivedPaths: Record<string, string>;
  fileNames: { dev: string; test: string; prod?: string };
  /** Pinned data volumes that several components' files now declare (per environment). */
  sharedVolumes?: { env: string; name: string; components: string[] }[];
}

export interface CodemodSummary {
  ok: number;
  unmodified: number;
  skipped: number;
  error: number;
}

/** Outcome of one transform on one file, for the summary. */
export interface FileOutcome {
  file: string;
  transform: string;
  status: keyof CodemodSummary;
  /** "file:line: message" lines for sites left to a human. */
  messages: string[];
}

export interface CodemodRun {
  changes: Change[];
  references: Reference[];
  summary: CodemodSummary;
  outcomes: FileOutcome[];
}
