/** The disk/git side of apply and rollback. */
export { preflight, dirtyFiles, type DirtyFile } from './preflight.js';
export { commitApply, type CommitApplyOptions, type CommitResult } from './commit.js';
export { recordBackup, type BackupOptions, type BackupResult } from './backup.js';
export {
  findMigrations,
  status,
  pendingRef,
  PENDING_ARCHIVE_REF,
  type MigrationRecord,
  type MigrationKind,
  type ComponentStatus,
  type MigrationState,
  type StatusReport,
} from './history.js';
export {
  planRollback,
  rollback,
  type RollbackOptions,
  type RollbackPlan,
  type RollbackStep,
  type RollbackResult,
  type EditedFile,
} from './rollback.js';
export { checkRepoPath } from './paths.js';
export { openRepo, Repo } from './repo.js';
