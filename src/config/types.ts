import type { EnvName } from '../analysis/types.js';

/**
 * compose-migrate.config.{json,yaml} at the repo root. Every field is optional; every decision the
 * plan makes can be answered here so that non-interactive runs ask nothing.
 */
export interface MigrateConfig {
  /** Extra directories (repo-relative) whose compose files count as root compose files, e.g. ["deploy"]. */
  composeDirs?: string[];
  /** Environment for a root compose file that its name does not classify: { "docker-compose.staging.yml": "prod" }. */
  environments?: Record<string, EnvName>;
  /** Components listed explicitly (added to those discovered): { pourtier: "pourtier" } name -> dir. */
  components?: Record<string, string>;
  /** Directories that are never components (e.g. "docs", "postgres"). */
  ignoreDirs?: string[];
  /** Service -> component name, "backing" (shared) or "backing:<component>" (that component's backing service). Strongest attribution evidence. */
  services?: Record<string, string>;
  /** Component -> peer services to pull into its files; `true` pulls every peer. */
  peers?: Record<string, string[] | boolean>;
  /** What to do with container_name values: scope (default) | keep | drop. */
  containerNames?: 'scope' | 'keep' | 'drop';
  /** Host-port collisions between files that can run at once: shift (default) | keep. */
  ports?: 'shift' | 'keep';
  /** Root .env variables a component still needs: makefile (--env-file ../.env, default) | copy | ignore. */
  envFile?: 'makefile' | 'copy' | 'ignore';
  /** Output file names per environment. */
  fileNames?: Partial<Record<EnvName, string>>;
  /** Archive directory for the root files (default "todo"). */
  archiveDir?: string;
  /** Test command per component, used in the Makefile's `test` target. */
  testCommands?: Record<string, string>;
}

export interface LoadedConfig {
  config: MigrateConfig;
  /** Repo-relative path of the config file, when one was read. */
  path?: string;
}
