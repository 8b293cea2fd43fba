import type { Change, Reference } from '../plan/types.js';

/** What the planner tells the codemods about the migration being applied. */
export interface CodemodComponent {
  name: string;
  /** Repo-relative directory. */
  path: string;
  /** Repo-relative test compose file, present when the component has (or will have) one. */
  testComposeFile?: string;
  /** Environment -> the repo-relative compose file the component has (or will have) for it. */
  composeFiles?: Record<string, string>;
  /** Environment -> the services its file for that environment runs (its own and its backing ones). */
  services?: Record<string, string[]>;
}

export interface CodemodContext {
  components: CodemodComponent[];
  /** Root compose files and the environment each belongs to ("dev", "test", "prod", "base", ...). */
  rootComposeFiles: { path: string; env: string }[];
  /** The archive folder, as `archiveFolder` spells it (no `./`, no trailing slash). */
  archiveDir: string;
  /** Root path -> archive path, for the files this apply archives. */
  archivedPaths: Record<string, string>;
  /** Component file name per environment (dev, test, prod, and variants such as alpine-test). */
  fileNames: { dev: string; test: string; prod?: string } & Record<string, string | undefined>;
  /** Pinned data volumes that several components' files now declare (per environment). */
  sharedVolumes?: { env: string; name: string; components: string[] }[];
  /**
   * Whether the root has a .env for compose to read (committed, local, or declared by a committed
   * example); undefined: whether `.env` exists. Rewritten command lines then pass `--env-file .env`.
   */
  rootEnv?: boolean;
  /** The root .env's path from the repository root (`deploy/.env` for files in deploy/); default `.env`. */
  rootEnvFile?: string;
  /**
   * The root .env is not committed (a checkout may lack it): command lines that run pass it only
   * where it exists, as compose reads a .env only when there is one; docs name it plainly.
   */
  rootEnvOptional?: boolean;
}

export type { CodemodStatus, CodemodSummary, FileOutcome } from '../model.js';
import type { CodemodSummary, FileOutcome } from '../model.js';

export interface CodemodRun {
  changes: Change[];
  references: Reference[];
  summary: CodemodSummary;
  outcomes: FileOutcome[];
}
