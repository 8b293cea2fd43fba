import type { RepoSnapshot } from './snapshot.js';

/** An in-memory repository for tests and for planning over generated content. */
export class MemorySnapshot implements RepoSnapshot {
  readonly root: string;
  private readonly contents: Map<string, Uint8Array>;
  private readonly links: Map<string, string | null>;
  private fileList: string[] | undefined;
  private dirList: string[] | undefined;

  constructor(
    files: Record<string, string | Uint8Array>,
    root = '/repo',
    links: Record<string, string | null> = {},
  ) {
    this.root = root;
    this.contents = new Map();
    for (const [path, value] of Object.entries(files)) {
      this.contents.set(path, typeof value === 'string' ? new TextEncoder().encode(value) : value);
    }
    this.links = new Map(Object.entries(links));
  }

  files(): readonly string[] {
    this.fileList ??= [...this.contents.keys()].sort();
    return this.fileList;
  }

  dirs(): readonly string[] {
    if (!this.dirList) {
      const set = new Set<string>();
      for (const f of this.contents.keys()) {
        const parts = f.split('/');
        for (let i = 1; i < parts.length; i++) set.add(parts.slice(0, i).join('/'));
      }
      this.dirList = [...set].sort();
    }
    return this.dirList;
  }

  exists(path: string): boolean {
    return this.contents.has(path) || this.isDir(path);
  }

  isDir(path: string): boolean {
    return path === '' || this.dirs().includes(path);
  }

  read(path: string): string | undefined {
    const bytes = this.contents.get(path);
    return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
  }

  readBytes(path: string): Uint8Array | undefined {
    return this.contents.get(path);
  }

  size(path: string): number | undefined {
    return this.contents.get(path)?.byteLength;
  }

  symlinkTarget(path: string): string | null | undefined {
    return this.links.has(path) ? this.links.get(path) : undefined;
  }
}
