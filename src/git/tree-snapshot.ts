import { execFileSync } from 'node:child_process';
import type { RepoSnapshot } from '../repo/snapshot.js';

/**
 * The repository as it was at a commit, read with git plumbing. Used by verify and status to see
 * the original root compose files after the archive moved them.
 */
export class GitTreeSnapshot implements RepoSnapshot {
  readonly root: string;
  private readonly rev: string;
  private readonly fileList: string[];
  private readonly fileSet: Set<string>;
  private readonly dirSet: Set<string>;
  private readonly cache = new Map<string, Uint8Array>();

  constructor(root: string, rev: string) {
    this.root = root;
    this.rev = rev;
    const out = execFileSync('git', ['ls-tree', '-r', '-z', '--name-only', rev], {
      cwd: root,
      maxBuffer: 256 * 1024 * 1024,
    }).toString('utf8');
    this.fileList = out
      .split('\0')
      .filter((p) => p !== '')
      .sort();
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
  readBytes(path: string): Uint8Array | undefined {
    if (!this.fileSet.has(path)) return undefined;
    let bytes = this.cache.get(path);
    if (!bytes) {
      bytes = execFileSync('git', ['cat-file', 'blob', `${this.rev}:${path}`], {
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
    return this.readBytes(path)?.byteLength;
  }
  symlinkTarget(): string | null | undefined {
    return undefined;
  }
}

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
}
