import type { RepoSnapshot } from '../repo/snapshot.js';

/**
 * The image a Dockerfile's final stage starts FROM, following stage names back to an external image
 * (`FROM mongo:3 AS base` ... `FROM base`). `ARG` defaults declared before the first FROM are
 * substituted (`ARG PG=16` / `FROM postgres:${PG}`); an image that stays a variable is unknown.
 */
export function finalBaseImage(text: string): string | undefined {
  const args = new Map<string, string>();
  const stages = new Map<string, string>();
  let last: string | undefined;
  let seenFrom = false;
  // Line continuations join before parsing, as the Dockerfile grammar does.
  for (const raw of text.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [instr = '', ...rest] = line.split(/\s+/);
    const word = instr.toUpperCase();
    if (word === 'ARG' && !seenFrom) {
      for (const decl of rest) {
        const eq = decl.indexOf('=');
        if (eq > 0) args.set(decl.slice(0, eq), decl.slice(eq + 1).replace(/^["']|["']$/g, ''));
      }
      continue;
    }
    if (word !== 'FROM') continue;
    seenFrom = true;
    const operands = rest.filter((w) => !w.startsWith('--'));
    const ref = substitute(operands[0] ?? '', args);
    const asIndex = operands.findIndex((w) => w.toUpperCase() === 'AS');
    const resolved = stages.get(ref.toLowerCase()) ?? ref;
    if (asIndex > 0 && operands[asIndex + 1]) stages.set(operands[asIndex + 1]!.toLowerCase(), resolved);
    last = resolved;
  }
  if (last === undefined || last.includes('$') || last.toLowerCase() === 'scratch') return undefined;
  return last;
}

function substitute(ref: string, args: Map<string, string>): string {
  return ref.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (m, braced, def, bare) => {
      const name = (braced ?? bare) as string;
      return args.get(name) ?? (def as string | undefined) ?? m;
    },
  );
}

/**
 * Source paths of the COPY / ADD instructions that copy from the build context (not `--from=` a
 * stage or image), as written: `COPY --chown=app netra_backend /app/netra_backend` -> netra_backend.
 */
export function copiedSources(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
    const words = raw.trim().split(/\s+/);
    const instr = (words[0] ?? '').toUpperCase();
    if (instr !== 'COPY' && instr !== 'ADD') continue;
    const flags = words.slice(1).filter((w) => w.startsWith('--'));
    if (flags.some((f) => f.startsWith('--from'))) continue;
    const operands = words.slice(1).filter((w) => !w.startsWith('--'));
    // JSON form ["src", "dest"] is rare for directories; the shell form is read.
    if (operands.length < 2 || operands[0]?.startsWith('[')) continue;
    out.push(...operands.slice(0, -1));
  }
  return out;
}

/** Reads each Dockerfile once per analysis. */
export class DockerfileReader {
  private readonly cache = new Map<string, string | undefined>();
  constructor(private readonly snapshot: RepoSnapshot) {}

  /** The final stage's base image of the Dockerfile at a repo-relative path, when it exists and says. */
  baseImage(path: string): string | undefined {
    if (this.cache.has(path)) return this.cache.get(path);
    let image: string | undefined;
    try {
      const text = this.snapshot.exists(path) ? this.snapshot.read(path) : undefined;
      image = text === undefined ? undefined : finalBaseImage(text);
    } catch {
      // An unreadable Dockerfile (binary, too large) says nothing about its base image.
      image = undefined;
    }
    this.cache.set(path, image);
    return image;
  }

  /** Directories of the repository a Dockerfile built with the root as context copies whole. */
  copiedDirs(path: string): string[] {
    let text: string | undefined;
    try {
      text = this.snapshot.exists(path) ? this.snapshot.read(path) : undefined;
    } catch {
      return [];
    }
    if (text === undefined) return [];
    const dirs = new Set<string>();
    for (const src of copiedSources(text)) {
      if (src.includes('$') || src.includes('*') || src.startsWith('/') || /^[a-z]+:\/\//i.test(src))
        continue;
      const dir = src.replace(/^\.\//, '').replace(/\/+$/, '');
      if (dir === '' || dir === '.' || dir.startsWith('..')) continue;
      if (this.snapshot.isDir(dir)) dirs.add(dir);
    }
    return [...dirs];
  }

  exists(path: string): boolean {
    return this.snapshot.exists(path);
  }
}
