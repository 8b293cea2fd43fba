import { discoverRootComposeFiles } from '../analysis/environments.js';
import type { MigrateConfig } from '../config/types.js';
import type { RepoSnapshot } from '../repo/snapshot.js';
import { findMigrations, type MigrationRecord } from './history.js';
import { GitTreeSnapshot, OverlaySnapshot } from './tree-snapshot.js';
import { gitPaths } from '../repo/text-search.js';

/** Migration history, or none when the directory is not a git repository (status still reports). */
export async function migrationsOrNone(
  root: string,
  config: Pick<MigrateConfig, 'archiveDir'> = {},
): Promise<MigrationRecord[]> {
  try {
    return await findMigrations(root, config.archiveDir ? { archiveDir: config.archiveDir } : {});
  } catch {
    return [];
  }
}

/**
 * The repository as it was before the root compose files were archived: the disk while they are
 * still at the root, else the tree just before the archive commit (or HEAD for a staged archive).
 * `history`: the migration records when the caller has read them already.
 */
export async function originalSnapshot(
  root: string,
  disk: RepoSnapshot,
  config: MigrateConfig,
  history?: readonly MigrationRecord[],
): Promise<RepoSnapshot> {
  if (discoverRootComposeFiles(disk, config).length > 0) return disk;
  const records = history ?? (await migrationsOrNone(root, config));
  const pendingArchive = records.find((r) => r.kind === 'pending' && r.archive);
  if (pendingArchive) return GitTreeSnapshot.open(root, 'HEAD');
  const archive = records.find((r) => r.kind === 'apply' && r.archive && !r.revertedBy);
  if (archive) return GitTreeSnapshot.open(root, `${archive.sha}^`);
  return disk;
}

/**
 * What plan and apply read: the repository as it is, except that once the root compose files have
 * been archived they are read from just before the archive, so pending components (a host-only one
 * applied late) can still be planned and re-applying a migrated one stays a no-op.
 */
export async function planningSnapshot(
  root: string,
  disk: RepoSnapshot,
  config: MigrateConfig,
): Promise<{ snapshot: RepoSnapshot; archived: boolean }> {
  const original = await originalSnapshot(root, disk, config);
  if (original === disk) return { snapshot: disk, archived: false };
  const rootFiles = new Set(discoverRootComposeFiles(original, config));
  return { snapshot: new OverlaySnapshot(disk, original, rootFiles), archived: true };
}

/**
 * The env files (`.env`, `.env.example`, ...) git tracks in the work tree at `root`, as
 * repo-relative paths: the plan tells a committed `.env` from a local one. Undefined outside git.
 */
export async function committedEnvFiles(root: string): Promise<Set<string> | undefined> {
  const listed = await gitPaths(root, ['ls-files', '-z', '--', ':(glob)**/.env', ':(glob)**/.env.*'], false);
  return listed && new Set(listed);
}
