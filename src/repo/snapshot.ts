/**
 * A read-only view of the repository. Analysis and planning only ever see this interface, so
 * they can run over an in-memory map in tests and over the disk in the CLI.
 * All paths are repo-relative POSIX paths ("pourtier/Dockerfile", never "./x" or absolute).
 */
export interface RepoSnapshot {
  /** Absolute path of the repository root on disk (used only to resolve absolute paths in analysis). */
  readonly root: string;
  /** Every regular file (not in .git, node_modules or other ignored heavy dirs). Sorted. */
  files(): readonly string[];
  /** Directories that exist (derived from files plus empty dirs). Sorted. */
  dirs(): readonly string[];
  exists(path: string): boolean;
  isDir(path: string): boolean;
  /** Text content, or undefined if absent. Throws MigrateError('yaml-binary' | 'yaml-too-large') where relevant callers ask. */
  read(path: string): string | undefined;
  /** Raw bytes, or undefined if absent. */
  readBytes(path: string): Uint8Array | undefined;
  /** Size in bytes without reading, or undefined. */
  size(path: string): number | undefined;
  /** If the path is a symlink, its resolved target relative to root, or null when it leaves the repo. */
  symlinkTarget(path: string): string | null | undefined;
  /**
   * Why a listed file cannot be read ("permission denied", "a symbolic link to a missing file", ...),
   * or undefined when it can (snapshots that always can need not implement it).
   */
  unreadable?(path: string): string | undefined;
  /**
   * Optional text search, so that a pass looking for a few strings need not read every file: a test
   * that is false only for files certain to contain none of `needles` (as bytes). Undefined (or the
   * method absent) when no search is available; the caller then reads every file.
   */
  mayContain?(needles: readonly string[]): ((path: string) => boolean) | undefined;
  /** Start the search mayContain(needles) needs, without blocking; mayContain then answers from it. */
  searchAhead?(needles: readonly string[]): Promise<void>;
  /**
   * Start, without blocking, the read that the first readBytes would otherwise make synchronously
   * (a snapshot read from git fetches its blobs in one batch), so that other work overlaps it.
   */
  prefetch?(): Promise<void>;
  /**
   * The caller is about to read these files: a snapshot where each read costs a process (a large
   * commit tree) reads them in one go. A hint only; reads work the same without it.
   */
  readAhead?(paths: Iterable<string>): void;
}
