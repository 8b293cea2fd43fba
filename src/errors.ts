/**
 * Errors are values with a location; the CLI edge turns them into one-line messages.
 * Nothing below src/cli prints or exits.
 */
export type ErrorCode =
  | 'yaml-syntax'
  | 'yaml-duplicate-key'
  | 'yaml-alias-bomb'
  | 'yaml-too-large'
  | 'yaml-binary'
  | 'compose-shape'
  | 'compose-service-name'
  | 'compose-extends'
  | 'compose-include'
  | 'compose-cycle'
  | 'compose-interpolation'
  | 'path-outside-repo'
  | 'component-name'
  | 'schema-invalid'
  | 'config-invalid'
  | 'io'
  | 'usage'
  /** The directory is not inside a git work tree. */
  | 'not-a-repo'
  /** A merge, rebase, cherry-pick, revert or bisect is in progress. */
  | 'git-busy'
  /** Paths the operation would touch have uncommitted changes. */
  | 'dirty-tree'
  /** A git command failed unexpectedly. */
  | 'git-failed'
  /** A move would overwrite an existing file. */
  | 'destination-exists'
  /** Files a rollback would revert were edited since the migration. */
  | 'edited-since'
  /** A --no-commit apply of the same component is already pending. */
  | 'pending-exists'
  /** --strict, and the plan leaves some (environment, service) of the root layout in no generated file. */
  | 'not-carried'
  /** The archive would leave an environment that no generated file replaces, and --archive was not given. */
  | 'archive-refused'
  /** Another apply or rollback holds the repository lock. */
  | 'locked'
  /** An earlier apply or rollback did not finish; --resume or --abort first. */
  | 'unfinished-run'
  /** A signal stopped the run between two steps. */
  | 'interrupted'
  /** A commit hook or signing refused or failed the commit. */
  | 'commit-refused'
  /** Migration commits were reworded or squashed: history no longer says what to undo. */
  | 'history-rewritten';

export interface Location {
  /** Repo-relative POSIX path. */
  file: string;
  line?: number;
  col?: number;
}

export class MigrateError extends Error {
  readonly code: ErrorCode;
  readonly location: Location | undefined;
  /** 1 = error, 2 = usage, 3 = refused for safety / decision needed. */
  readonly exitCode: 1 | 2 | 3 | 130 | 143;
  /** What did not fit on the one line (a tool's full multi-line output): shown with --verbose. */
  detail?: string;

  constructor(code: ErrorCode, message: string, location?: Location, exitCode: 1 | 2 | 3 | 130 | 143 = 1) {
    super(message);
    this.name = 'MigrateError';
    this.code = code;
    this.location = location;
    this.exitCode = exitCode;
  }

  /** `file:line:col: message` (parts omitted when unknown). */
  format(): string {
    const loc = this.location;
    if (!loc) return this.message;
    let prefix = loc.file;
    if (loc.line !== undefined) prefix += `:${loc.line}`;
    if (loc.line !== undefined && loc.col !== undefined) prefix += `:${loc.col}`;
    return `${prefix}: ${this.message}`;
  }
}

export function isMigrateError(e: unknown): e is MigrateError {
  return e instanceof MigrateError;
}
