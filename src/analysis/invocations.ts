import type { RepoSnapshot } from '../repo/snapshot.js';

/**
 * How the repository runs its compose files: every command line (script, Makefile, Taskfile, CI
 * workflow, package.json script, code, docs) that passes compose files with `-f`/`--file`, or sets
 * `COMPOSE_FILE`. Files passed together are layers of one project; a file passed alone is a stack of
 * its own. One pass over the repository's text files, with a substring prefilter on the compose
 * files' names so that only the few files naming them are tokenised.
 */

export interface Invocation {
  /** The compose files passed, in order (repo-relative). */
  files: string[];
  /** Some `-f` argument was not one of the compose files (a variable, another file): the set is incomplete. */
  partial: boolean;
  /** Where: "scripts/dev.sh:12". */
  where: string;
  /** Quoted in documentation rather than run by a script, CI workflow, Makefile or code. */
  doc: boolean;
}

/** Documentation says how people once ran the files; scripts, CI and code say how they run them now. */
const DOC = /(\.(md|mdx|markdown|rst|txt|adoc|html?|xml)$)|(^|\/)(docs?|documentation)\//i;

/**
 * Subcommands that act on part of a running project (stop it, read its logs) say nothing about which
 * files make the project: `-f extra.yml down` is a shortcut people take, not a definition.
 */
const PARTIAL_SUBCOMMANDS = new Set([
  'down',
  'stop',
  'rm',
  'kill',
  'ps',
  'logs',
  'top',
  'pause',
  'unpause',
  'images',
  'port',
  'events',
  'restart',
]);

/** Files larger than this are data or generated, not scripts. */
const MAX_BYTES = 512 * 1024;

const BINARY =
  /\.(png|jpe?g|gif|webp|ico|svg|pdf|zip|gz|tgz|bz2|xz|7z|jar|war|class|so|dylib|dll|exe|bin|woff2?|ttf|otf|eot|mp[34]|mov|avi|wasm|pyc|lock|sum)$/i;

/** Everything the archive of an earlier migration holds is history, not how the repository runs now. */
const SKIP = /(^|\/)(node_modules|\.git|vendor)\//;

/** A command segment that runs compose (or names compose files for it) before its first -f. */
const COMPOSE_WORD = /compose/i;

/** A compose command that may pass no file at all (`docker compose up`). */
const BARE = /docker[- ]compose\b/;

/** "a/b/../c" -> "a/c"; a path that climbs above the root keeps its "..". */
function normalize(path: string): string {
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length && out[out.length - 1] !== '..') out.pop();
    else out.push(seg);
  }
  return out.join('/');
}

const stripQuotes = (t: string): string => t.replace(/^[\s'"`([{]+|[\s'"`)\]},;]+$/g, '');

/** Split one logical line into segments that are separate commands. */
function segments(line: string): string[] {
  return line.split(/&&|\|\||;|\|(?!\|)/);
}

/** Tokens of a command: shell words, or the items of a list literal (`["docker", "compose", "-f", "a.yml"]`). */
function tokens(segment: string): string[] {
  return segment
    .split(/[\s,[\]()]+/)
    .map(stripQuotes)
    .filter((t) => t.length > 0);
}

export class InvocationScanner {
  private readonly byBase = new Map<string, string[]>();

  /** What `docker compose up` reads without -f, in the compose files' folder: the plain file plus the override. */
  private readonly defaults: string[];
  private readonly folder: string;

  constructor(private readonly composeFiles: readonly string[]) {
    const first = composeFiles[0] ?? '';
    this.folder = first.includes('/') ? first.slice(0, first.lastIndexOf('/')) : '';
    const inFolder = composeFiles.filter(
      (f) => (f.includes('/') ? f.slice(0, f.lastIndexOf('/')) : '') === this.folder,
    );
    const name = (f: string) => f.slice(f.lastIndexOf('/') + 1);
    const plain = inFolder.filter((f) => /^(docker-)?compose\.ya?ml$/i.test(name(f))).slice(0, 1);
    const override = inFolder
      .filter((f) => /^(docker-)?compose\.override\.ya?ml$/i.test(name(f)))
      .slice(0, 1);
    this.defaults = plain.length ? [...plain, ...override] : [];
    for (const f of composeFiles) {
      const base = f.slice(f.lastIndexOf('/') + 1);
      const list = this.byBase.get(base) ?? [];
      list.push(f);
      this.byBase.set(base, list);
    }
  }

  /**
   * The compose file an argument names, read from `fromDir` (the invoking file's folder): that path
   * relative to the folder or to the root (`$ROOT/x.yml` counts as the root), or a bare name that
   * names one of ours and no file beside the invoker (a component's Makefile running its own
   * `docker-compose.yml` is not running the root's).
   */
  resolve(arg: string, fromDir = '', exists: (p: string) => boolean = () => false): string | undefined {
    const rooted = /^\$\{?\w+\}?\//.test(arg);
    const clean = arg.replace(/^\$\{?\w+\}?\//, '').replace(/^(\.\/)+/, '');
    const local = fromDir && !rooted ? normalize(`${fromDir}/${clean}`) : undefined;
    if (local !== undefined && this.composeFiles.includes(local)) return local;
    if (local !== undefined && exists(local)) return undefined;
    if (this.composeFiles.includes(clean)) return clean;
    if (clean.includes('/')) return undefined;
    const same = this.byBase.get(clean);
    return same?.length === 1 ? same[0] : undefined;
  }

  /** Whether a bare `-f` argument names a file that exists beside the invoking file, not one of ours. */
  private isBesideInvoker(arg: string, fromDir: string, exists: (p: string) => boolean): boolean {
    if (!fromDir || /^\$\{?\w+\}?\//.test(arg)) return false;
    const local = normalize(`${fromDir}/${arg.replace(/^(\.\/)+/, '')}`);
    return !this.composeFiles.includes(local) && exists(local);
  }

  /** Invocations on one logical line. */
  scanLine(line: string, where: string, doc = false, exists?: (p: string) => boolean): Invocation[] {
    const out: Invocation[] = [];
    const file = where.slice(0, where.lastIndexOf(':'));
    const fromDir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
    for (const seg of segments(line)) {
      const envMatch = /COMPOSE_FILE\s*[=:]\s*["']?([^\s"']+)/.exec(seg);
      if (envMatch?.[1]) {
        const parts = envMatch[1].split(/[:;]/).filter(Boolean);
        const files = parts.map((p) => this.resolve(p, fromDir, exists));
        const known = files.filter((f): f is string => f !== undefined);
        if (known.length) out.push({ files: known, partial: known.length !== parts.length, where, doc });
        continue;
      }
      const flag = seg.search(/(^|[\s'"[(,])(-f|--file)(?=[\s'"=,])/);
      if (flag < 0) {
        const bare = this.bareInvocation(seg, line, fromDir, where, doc);
        if (bare) out.push(bare);
        continue;
      }
      if (!COMPOSE_WORD.test(seg.slice(0, flag + 1))) continue;
      const toks = tokens(seg);
      const files: string[] = [];
      let partial = false;
      let besideInvoker = false;
      let subcommand: string | undefined;
      for (let i = 0; i < toks.length; i++) {
        const t = toks[i] ?? '';
        let arg: string | undefined;
        if (t === '-f' || t === '--file') arg = toks[++i];
        else if (t.startsWith('--file=')) arg = t.slice('--file='.length);
        else if (files.length && subcommand === undefined && /^[a-z]+$/.test(t)) subcommand = t;
        if (arg === undefined) continue;
        const f = this.resolve(stripQuotes(arg), fromDir, exists);
        if (f !== undefined) files.push(f);
        // `logs -f web` follows; only a path or a variable stands for a compose file we do not know.
        else if (/\$|\.ya?ml$/i.test(arg)) partial = true;
        if (f === undefined && exists && this.isBesideInvoker(stripQuotes(arg), fromDir, exists))
          besideInvoker = true;
      }
      // One command reads all its files from one folder: when one is a file beside the invoker (a
      // component's own), the others are not the root's either.
      if (files.length && !besideInvoker && !PARTIAL_SUBCOMMANDS.has(subcommand ?? ''))
        out.push({ files, partial, where, doc });
    }
    return out;
  }

  /**
   * `docker compose up` without -f reads the plain file and the override from the directory it runs
   * in: counted when that is the compose files' folder (the invoker sits there, or the line `cd`s there).
   */
  private bareInvocation(
    seg: string,
    line: string,
    fromDir: string,
    where: string,
    doc: boolean,
  ): Invocation | undefined {
    if (this.defaults.length === 0) return undefined;
    const m =
      /\bdocker(?:-compose|\s+compose)\s+(?:-[-\w]+(?:[\s=]\S+)?\s+)*(up|run|config|create|start)\b/.exec(
        seg,
      );
    if (!m || /--project-directory|COMPOSE_FILE/.test(seg)) return undefined;
    const cd = /\bcd\s+["']?([^\s"'&;]+)/.exec(line)?.[1];
    const dir =
      cd === undefined ? fromDir : cd.replace(/^(\.\/)+|\/+$/g, '').replace(/^.*\$\{?\w+\}?\/?/, '');
    const here =
      dir === this.folder || (cd !== undefined && this.folder !== '' && dir.endsWith(`/${this.folder}`));
    return here ? { files: [...this.defaults], partial: false, where, doc } : undefined;
  }

  /** Every invocation in the repository, in file order. */
  scan(snapshot: RepoSnapshot): Invocation[] {
    const names = [...this.byBase.keys()];
    if (names.length === 0) return [];
    const out: Invocation[] = [];
    // The prefilter runs on bytes: only the few files that name a compose file are decoded.
    const needles = names.map((n) => Buffer.from(n, 'utf8'));
    // Every compose file name holds "compose": one search rules out almost every file.
    const common = Buffer.from('compose', 'utf8');
    // A text search (git grep) rules out the rest without reading them, when the snapshot has one.
    const may = snapshot.mayContain?.(names);
    for (const path of snapshot.files()) {
      if (BINARY.test(path) || SKIP.test(path) || (may && !may(path))) continue;
      let bytes: Uint8Array | undefined;
      try {
        bytes = snapshot.readBytes(path);
      } catch {
        continue;
      }
      if (bytes === undefined || bytes.byteLength > MAX_BYTES) continue;
      const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (!buf.includes(common) || !needles.some((n) => buf.includes(n)) || buf.includes(0)) continue;
      const text = buf.toString('utf8');
      const lines = text.split('\n');
      for (let i = 0; i < lines.length; i++) {
        let line = lines[i] ?? '';
        const mentions = (l: string) => names.some((n) => l.includes(n)) || BARE.test(l);
        if (!mentions(line) && !line.trimEnd().endsWith('\\')) continue;
        const start = i;
        // A command continued over several lines with a trailing backslash is one command.
        while (line.trimEnd().endsWith('\\') && i + 1 < lines.length)
          line = line.trimEnd().slice(0, -1) + ' ' + (lines[++i] ?? '');
        if (!mentions(line)) continue;
        out.push(...this.scanLine(line, `${path}:${start + 1}`, DOC.test(path), (p) => snapshot.exists(p)));
      }
    }
    return out;
  }
}
