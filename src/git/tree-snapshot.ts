import { execFileSync } from 'node:child_process';
import type { RepoSnapshot } from '../repo/snapshot.js';
import { grepTree, needlesKey, SEARCH_FROM_FILES } from '../repo/text-search.js';
import { pipeGit } from './pipe.js';
import { runGit } from './repo.js';

/** What `git rev-parse --show-prefix` and `git ls-tree -r -l` said about a commit. */
interface Listing {
  prefix: string;
  lsTree: string;
}

/**
 * The repository as it was at a commit, read with git plumbing. Used by verify and status to see
 * the original root compose files after the archive moved them.
 */
export class GitTreeSnapshot implements RepoSnapshot {
  readonly root: string;
  private readonly rev: string;
  /** `root` relative to the top of the work tree ("" or "sub/dir/"): git's tree paths start with it. */
  private readonly prefix: string;
  private readonly fileList: string[];
  private readonly fileSet: Set<string>;
  private readonly dirSet: Set<string>;
  /** Blob id and size of every blob in the tree (not of submodule entries). */
  private readonly blobs = new Map<string, { oid: string; size: number }>();
  private readonly cache = new Map<string, Uint8Array>();
  private prefetched = false;
  /** `git grep` answers by needle list (undefined: the search failed). */
  private readonly searches = new Map<string, Set<string> | undefined>();

  /**
   * The tree of `rev` as seen from `root`. The two git commands that list it run side by side, and
   * the caller's own work goes on meanwhile.
   */
  static async open(root: string, rev: string, searchFrom = SEARCH_FROM_FILES): Promise<GitTreeSnapshot> {
    // Run on a subfolder of a work tree, the snapshot is that subfolder: paths are root-relative like
    // the disk's, and git is asked for prefix + path.
    const [prefix, lsTree] = await Promise.all([
      runGit(root, ['rev-parse', '--show-prefix']),
      runGit(root, ['ls-tree', '-r', '-z', '-l', '--full-tree', rev]),
    ]);
    return new GitTreeSnapshot(root, rev, { prefix: prefix.trim(), lsTree }, searchFrom);
  }

  private constructor(
    root: string,
    rev: string,
    listing: Listing,
    private readonly searchFrom: number,
  ) {
    this.root = root;
    this.rev = rev;
    this.prefix = listing.prefix;
    const files: string[] = [];
    for (const rec of listing.lsTree.split('\0')) {
      const tab = rec.indexOf('\t');
      if (tab < 0) continue;
      const full = rec.slice(tab + 1);
      if (!full.startsWith(this.prefix)) continue;
      const path = full.slice(this.prefix.length);
      const [, type, oid, size] = rec.slice(0, tab).split(/ +/u);
      files.push(path);
      if (type === 'blob' && oid) this.blobs.set(path, { oid, size: Number(size) });
    }
    this.fileList = files.sort();
    this.fileSet = new Set(this.fileList);
    this.dirSet = new Set(['']);
    for (const f of this.fileList) {
      const parts = f.split('/');
      for (let i = 1; i < parts.length; i++) this.dirSet.add(parts.slice(0, i).join('/'));
    }
  }

  files(): readonly string[] {
    return this.fileList;
  }
  dirs(): readonly string[] {
    return [...this.dirSet].filter((d) => d !== '').sort();
  }
  exists(path: string): boolean {
    return this.fileSet.has(path) || this.dirSet.has(path);
  }
  isDir(path: string): boolean {
    return this.dirSet.has(path);
  }

  /**
   * A tree this large is read in part: each file when asked for, the files a text search finds in one
   * batch. A smaller one is read whole on the first read (see prefetchAll).
   */
  private large(): boolean {
    return this.blobs.size >= this.searchFrom;
  }

  /** The blobs of `paths` a batch reads (not read yet, up to PREFETCH_MAX_BYTES each), and what git is asked. */
  private batch(paths: Iterable<string>): { wanted: string[]; input: string; total: number } {
    const wanted: string[] = [];
    let input = '';
    let total = 0;
    for (const path of paths) {
      const b = this.blobs.get(path);
      if (!b || b.size > PREFETCH_MAX_BYTES || this.cache.has(path)) continue;
      wanted.push(path);
      input += `${b.oid}\n`;
      total += b.size + b.oid.length + 32;
    }
    return { wanted, input, total };
  }

  /** Keep each blob of a batch's answer: "<oid> blob <size>\n<bytes>\n" per blob, in the order asked. */
  private keep(wanted: readonly string[], out: Buffer): void {
    let at = 0;
    for (const path of wanted) {
      const eol = out.indexOf(0x0a, at);
      if (eol < 0) break;
      const size = Number(out.toString('latin1', at, eol).split(' ')[2]);
      if (!Number.isInteger(size)) break;
      this.cache.set(path, out.subarray(eol + 1, eol + 1 + size));
      at = eol + 1 + size + 1;
    }
  }

  /** The blobs of `paths`, read by one `git cat-file --batch` (a git process per file costs milliseconds each). */
  private fetch(paths: Iterable<string>): void {
    const { wanted, input, total } = this.batch(paths);
    if (wanted.length === 0) return;
    const out = execFileSync('git', ['cat-file', '--batch'], {
      cwd: this.root,
      input,
      maxBuffer: total + 1024 * 1024,
    });
    this.keep(wanted, out);
  }

  /**
   * A smaller tree is read whole the first time any file is read: whoever reads one file of a snapshot
   * (the invocation scan) reads most of them.
   */
  private prefetchAll(): void {
    // Once only: should the batch fail, each file is read on its own.
    this.prefetched = true;
    this.fetch(this.blobs.keys());
  }

  /**
   * The same read as the first readBytes of a smaller tree would make, started now without
   * blocking, so that the caller's other work runs while git reads. A failure leaves it to that
   * first read (which reports git's error as before). A large tree is not read ahead.
   */
  async prefetch(): Promise<void> {
    if (this.prefetched || this.large()) return;
    const { wanted, input } = this.batch(this.blobs.keys());
    if (wanted.length === 0) {
      this.prefetched = true;
      return;
    }
    try {
      const out = await pipeGit(this.root, ['cat-file', '--batch'], input);
      // A synchronous read may have run meanwhile; its answer is the same.
      if (!this.prefetched) {
        this.keep(wanted, out);
        this.prefetched = true;
      }
    } catch {
      /* readBytes reads synchronously and reports */
    }
  }

  /**
   * On a large tree, `git grep` over the commit: the files holding none of `needles` are never read.
   * The files it finds are read in one batch now, since the caller asks for each of them next.
   */
  mayContain(needles: readonly string[]): ((path: string) => boolean) | undefined {
    if (!this.large()) return undefined;
    const key = needlesKey(needles);
    if (!this.searches.has(key)) this.searches.set(key, grepTree(this.root, this.rev, needles));
    const hits = this.searches.get(key);
    if (!hits) return undefined;
    this.fetch(hits);
    return (path) => hits.has(path);
  }

  /** On a large tree, the files the caller reads next in one batch (a smaller one is read whole anyway). */
  readAhead(paths: Iterable<string>): void {
    if (this.large()) this.fetch(paths);
  }

  readBytes(path: string): Uint8Array | undefined {
    if (!this.fileSet.has(path)) return undefined;
    if (!this.prefetched && !this.large()) this.prefetchAll();
    let bytes = this.cache.get(path);
    if (!bytes) {
      bytes = execFileSync('git', ['cat-file', 'blob', `${this.rev}:${this.prefix}${path}`], {
        cwd: this.root,
        maxBuffer: 256 * 1024 * 1024,
      });
      this.cache.set(path, bytes);
    }
    return bytes;
  }
  read(path: string): string | undefined {
    const b = this.readBytes(path);
    return b === undefined ? undefined : new TextDecoder().decode(b);
  }
  size(path: string): number | undefined {
    return this.blobs.get(path)?.size ?? this.readBytes(path)?.byteLength;
  }
  symlinkTarget(): string | null | undefined {
    return undefined;
  }
}

/** Larger blobs are read one by one, when asked for. */
const PREFETCH_MAX_BYTES = 1_000_000;

/** Files under `dirs` come from `over`, everything else from `base`: the original tree plus the generated files. */
export class OverlaySnapshot implements RepoSnapshot {
  readonly root: string;
  constructor(
    private readonly base: RepoSnapshot,
    private readonly over: RepoSnapshot,
    private readonly overPaths: ReadonlySet<string>,
  ) {
    this.root = base.root;
  }
  private pick(path: string): RepoSnapshot {
    return this.overPaths.has(path) ? this.over : this.base;
  }
  files(): readonly string[] {
    return [
      ...new Set([...this.base.files(), ...[...this.overPaths].filter((p) => this.over.exists(p))]),
    ].sort();
  }
  dirs(): readonly string[] {
    return this.base.dirs();
  }
  exists(path: string): boolean {
    return this.pick(path).exists(path) || this.base.isDir(path);
  }
  isDir(path: string): boolean {
    return this.base.isDir(path) || this.over.isDir(path);
  }
  readBytes(path: string): Uint8Array | undefined {
    return this.pick(path).readBytes(path);
  }
  read(path: string): string | undefined {
    return this.pick(path).read(path);
  }
  size(path: string): number | undefined {
    return this.pick(path).size(path);
  }
  symlinkTarget(path: string): string | null | undefined {
    return this.pick(path).symlinkTarget(path);
  }
  unreadable(path: string): string | undefined {
    return this.pick(path).unreadable?.(path);
  }
  /** The base's search; the few files from `over` are always read. */
  mayContain(needles: readonly string[]): ((path: string) => boolean) | undefined {
    const inBase = this.base.mayContain?.(needles);
    return inBase && ((path) => this.overPaths.has(path) || inBase(path));
  }
  async searchAhead(needles: readonly string[]): Promise<void> {
    await this.base.searchAhead?.(needles);
  }
  readAhead(paths: Iterable<string>): void {
    const list = [...paths];
    this.over.readAhead?.(list.filter((p) => this.overPaths.has(p)));
    this.base.readAhead?.(list.filter((p) => !this.overPaths.has(p)));
  }
}
