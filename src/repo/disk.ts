import {
  accessSync,
  constants,
  lstatSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  statSync,
} from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { RepoSnapshot } from './snapshot.js';
import {
  grepWorkTree,
  needlesKey,
  SEARCH_FROM_FILES,
  searchWorkTree,
  searchedWorkTree,
} from './text-search.js';

/** Directories never walked: VCS data, dependency trees and build output. */
const SKIP_DIRS = new Set([
  '.git',
  'node_modules',
  '.venv',
  'venv',
  '__pycache__',
  '.mypy_cache',
  '.pytest_cache',
  '.tox',
  'dist',
  'build',
  'target',
  '.next',
  '.turbo',
  '.cache',
]);

/** Walk depth limit: components live near the top; deep trees are source code, not layout. */
const MAX_DEPTH = 8;

const toPosix = (p: string): string => (sep === '/' ? p : p.split(sep).join('/'));

/**
 * The repository on disk, read lazily: the walk lists names only, contents are read on demand and cached.
 */
export class DiskSnapshot implements RepoSnapshot {
  readonly root: string;
  private fileList: string[] = [];
  private fileSet = new Set<string>();
  private dirSet = new Set<string>(['']);
  private linkTargets = new Map<string, string | null>();
  private cache = new Map<string, Uint8Array | null>();
  /** Why a read failed, by path. */
  private readErrors = new Map<string, string>();
  /** Files `git grep` searches here (null: not a git work tree), and its answers by needle list. */
  private searched: Set<string> | null | undefined;
  private readonly searches = new Map<string, Set<string> | undefined>();

  /**
   * `searchFrom`: the number of files from which mayContain runs git rather than leaving the caller
   * to read every file (starting git costs more than reading a small tree).
   */
  constructor(
    root: string,
    private readonly searchFrom = SEARCH_FROM_FILES,
  ) {
    this.root = realpathSync(root);
    this.walk('', 0);
    this.fileList.sort();
    this.fileSet = new Set(this.fileList);
  }

  private walk(dir: string, depth: number): void {
    if (depth > MAX_DEPTH) return;
    let entries;
    try {
      entries = readdirSync(join(this.root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (SKIP_DIRS.has(entry.name)) continue;
        this.dirSet.add(rel);
        this.walk(rel, depth + 1);
      } else if (entry.isFile()) {
        this.fileList.push(rel);
      } else if (entry.isSymbolicLink()) {
        const target = this.resolveLink(rel);
        this.linkTargets.set(rel, target);
        // A link that leaves the repository is listed (so that whoever needs it can say so) but never read.
        if (target === null) {
          this.fileList.push(rel);
          continue;
        }
        try {
          if (statSync(join(this.root, rel)).isFile()) this.fileList.push(rel);
        } catch {
          /* dangling link: not a file */
        }
      }
    }
  }

  private resolveLink(rel: string): string | null {
    try {
      const real = realpathSync(join(this.root, rel));
      const r = relative(this.root, real);
      if (r === '' || r.startsWith('..') || r.startsWith(sep) || /^[a-zA-Z]:/.test(r)) return null;
      return toPosix(r);
    } catch {
      return null;
    }
  }

  files(): readonly string[] {
    return this.fileList;
  }

  dirs(): readonly string[] {
    return [...this.dirSet].filter((d) => d !== '').sort();
  }

  exists(path: string): boolean {
    return this.dirSet.has(path) || this.fileSet.has(path);
  }

  isDir(path: string): boolean {
    return this.dirSet.has(path);
  }

  readBytes(path: string): Uint8Array | undefined {
    if (this.cache.has(path)) return this.cache.get(path) ?? undefined;
    let bytes: Uint8Array | null = null;
    try {
      // A link that leaves the repository is never followed.
      if (this.linkTargets.get(path) !== null) bytes = readFileSync(join(this.root, path));
    } catch (e) {
      bytes = null;
      this.readErrors.set(path, errorText(e));
    }
    this.cache.set(path, bytes);
    return bytes ?? undefined;
  }

  read(path: string): string | undefined {
    const bytes = this.readBytes(path);
    return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
  }

  size(path: string): number | undefined {
    try {
      if (this.linkTargets.get(path) === null) return undefined;
      return statSync(join(this.root, path)).size;
    } catch {
      return undefined;
    }
  }

  unreadable(path: string): string | undefined {
    if (!this.fileSet.has(path)) return undefined;
    const known = this.readErrors.get(path);
    if (known) return known;
    const abs = join(this.root, path);
    if (this.symlinkTarget(path) === null) {
      let target = '';
      try {
        target = readlinkSync(abs);
      } catch {
        /* raced away */
      }
      try {
        statSync(abs);
      } catch {
        return `a symbolic link to ${target || 'a file'} that does not exist`;
      }
      return `a symbolic link to ${target || 'a file'} outside the repository (never followed)`;
    }
    try {
      accessSync(abs, constants.R_OK);
      return undefined;
    } catch (e) {
      return errorText(e);
    }
  }

  /**
   * `git grep` over the work tree. Files it does not search (ignored ones, symbolic links, files of
   * submodules) are reported as possible matches, so the caller reads them as it would without a search.
   */
  mayContain(needles: readonly string[]): ((path: string) => boolean) | undefined {
    if (this.fileList.length < this.searchFrom) return undefined;
    if (this.searched === undefined) this.searched = searchedWorkTree(this.root) ?? null;
    const searched = this.searched;
    if (searched === null) return undefined;
    const key = needlesKey(needles);
    if (!this.searches.has(key)) this.searches.set(key, grepWorkTree(this.root, needles));
    const hits = this.searches.get(key);
    if (!hits) return undefined;
    return (path) => hits.has(path) || !searched.has(path) || this.linkTargets.has(path);
  }

  /**
   * Run the search mayContain(needles) would run without blocking, so that it overlaps other work
   * (the plan parses the root files meanwhile); mayContain then answers from it.
   */
  async searchAhead(needles: readonly string[]): Promise<void> {
    if (this.fileList.length < this.searchFrom || this.searched !== undefined) return;
    const key = needlesKey(needles);
    if (this.searches.has(key)) return;
    const { hits, searched } = await searchWorkTree(this.root, needles);
    if (this.searched !== undefined || this.searches.has(key)) return;
    this.searched = searched ?? null;
    if (searched) this.searches.set(key, hits);
  }

  symlinkTarget(path: string): string | null | undefined {
    if (this.linkTargets.has(path)) return this.linkTargets.get(path);
    // The walk recorded every link it met: a file it listed and did not record is a regular file.
    if (this.fileSet.has(path)) return undefined;
    try {
      if (lstatSync(join(this.root, path)).isSymbolicLink()) {
        const t = this.resolveLink(path);
        this.linkTargets.set(path, t);
        return t;
      }
    } catch {
      /* absent */
    }
    return undefined;
  }
}

/** "permission denied", "is a directory", ...: the reason of a failed read, in words. */
function errorText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EISDIR: 'it is a directory',
    ENOENT: 'it vanished while being read',
    ELOOP: 'a loop of symbolic links',
    EIO: 'an input/output error',
  };
  return (code && words[code]) ?? (e instanceof Error ? e.message : String(e));
}
