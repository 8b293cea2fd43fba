import { execFileSync } from 'node:child_process';
import type { RepoSnapshot } from '../repo/snapshot.js';

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

  constructor(root: string, rev: string) {
    this.root = root;
    this.rev = rev;
    // Run on a subfolder of a work tree, the snapshot is that subfolder: paths are root-relative like
    // the disk's, and git is asked for prefix + path.
    this.prefix = execFileSync('git', ['rev-parse', '--show-prefix'], { cwd: root }).toString('utf8').trim();
    const out = execFileSync('git', ['ls-tree', '-r', '-z', '-l', '--full-tree', rev], {
      cwd: root,
      maxBuffer: 256 * 1024 * 1024,
    }).toString('utf8');
    const files: string[] = [];
    for (const rec of out.split('\0')) {
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
   * Every blob up to PREFETCH_MAX_BYTES, read by one `git cat-file --batch` the first time any file
   * is read: whoever reads one file of a snapshot (the invocation and reference scans) reads most of
   * them, and a git process per file cost seconds on a thousand-file tree.
   */
  private prefetch(): void {
    this.prefetched = true;
    const wanted = [...this.blobs].filter(([, b]) => b.size <= PREFETCH_MAX_BYTES);
    if (wanted.length === 0) return;
    const total = wanted.reduce((n, [, b]) => n + b.size + b.oid.length + 32, 0);
    const out = execFileSync('git', ['cat-file', '--batch'], {
      cwd: this.root,
      input: wanted.map(([, b]) => b.oid).join('\n') + '\n',
      maxBuffer: total + 1024 * 1024,
    });
    // Each answer: "<oid> blob <size>\n<bytes>\n", in the order asked.
    let at = 0;
    for (const [path] of wanted) {
      const eol = out.indexOf(0x0a, at);
      if (eol < 0) break;
      const size = Number(out.toString('latin1', at, eol).split(' ')[2]);
      if (!Number.isInteger(size)) break;
      this.cache.set(path, out.subarray(eol + 1, eol + 1 + size));
      at = eol + 1 + size + 1;
    }
  }

  readBytes(path: string): Uint8Array | undefined {
    if (!this.fileSet.has(path)) return undefined;
    if (!this.prefetched) this.prefetch();
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
}
