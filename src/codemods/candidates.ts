/**
 * Which files the codemods and the reference scan need to open at all. Almost every file of a large
 * repository mentions no compose file, so one cheap text pass picks the candidates and only those are
 * read and parsed: `git grep` over the work tree (tracked files and untracked ones git does not
 * ignore) when the repository is a git work tree, an in-process substring scan otherwise, one file at
 * a time so nothing is held. Callers re-check the snapshot's own text, so a candidate is only a hint.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RepoSnapshot } from '../repo/snapshot.js';
import { gitPaths } from '../repo/text-search.js';

export interface CandidateQuery {
  /** Fixed strings: a file containing any of them is a candidate. */
  fixed: string[];
  /**
   * Code-only patterns (case-insensitive): the same pattern as a JS RegExp, as a POSIX ERE for git and,
   * optionally, as Perl-compatible alternatives (a line matching any one matches): git's PCRE matcher is
   * several times faster than its ERE one on an alternation, and the ERE is used when git was built
   * without PCRE. Each alternative is its own `-e`, so PCRE can start each from its own first letters.
   */
  code?: { js: RegExp; ere: string; pcre?: readonly string[] };
  /** Is this path code (the `code` pattern applies to it)? */
  isCode: (path: string) => boolean;
}

export interface Candidates {
  files: string[];
  /** How the candidates were found, for the bench and --verbose. */
  via: 'git-grep' | 'scan';
}

const MAX_BYTES = 1_000_000;
const SKIP_DIR = /(^|\/)(node_modules|\.git|dist|build|vendor|\.venv|venv|__pycache__)\//;

export async function candidateFiles(snapshot: RepoSnapshot, query: CandidateQuery): Promise<Candidates> {
  const listed = new Set(snapshot.files());
  const fromGit = await gitGrep(snapshot.root, query);
  if (fromGit) {
    const fixed = query.fixed.map((f) => Buffer.from(f, 'utf8'));
    // One search for both patterns also finds files that are not code by the code pattern alone.
    const holdsFixed = (p: string): boolean => {
      const bytes = snapshot.readBytes(p);
      if (bytes === undefined) return true;
      const raw = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      return fixed.some((f) => raw.includes(f));
    };
    const files = [...fromGit.found]
      .filter((p) => listed.has(p) && !SKIP_DIR.test(p))
      .filter((p) => !fromGit.mixed || query.isCode(p) || holdsFixed(p))
      .sort();
    return { files, via: 'git-grep' };
  }
  const files: string[] = [];
  for (const path of listed) {
    if (SKIP_DIR.test(path) || (snapshot.size(path) ?? 0) > MAX_BYTES) continue;
    const text = peek(snapshot, path);
    if (text === undefined) continue;
    if (query.fixed.some((f) => text.includes(f)) || (query.isCode(path) && query.code?.js.test(text)))
      files.push(path);
  }
  return { files: files.sort(), via: 'scan' };
}

/**
 * The text of a file for the scan, read past the snapshot's cache when the file is on disk (the scan
 * reads every file once and keeps none); a snapshot not on disk is asked directly.
 */
function peek(snapshot: RepoSnapshot, path: string): string | undefined {
  let bytes: Uint8Array | undefined;
  try {
    bytes = snapshot.symlinkTarget(path) === undefined ? readFileSync(join(snapshot.root, path)) : undefined;
  } catch {
    bytes = undefined;
  }
  try {
    const text = bytes ? new TextDecoder().decode(bytes) : snapshot.read(path);
    return text === undefined || text.includes('\0') ? undefined : text;
  } catch {
    return undefined;
  }
}

/**
 * Paths (relative to `root`) matching the query, or undefined when `root` is not in a git work tree.
 * With a Perl-compatible code pattern both patterns go into one search (one read of the tree, not
 * two): the fixed strings case-sensitive, the code pattern not. `mixed`: files that are not code
 * may then be there by the code pattern alone (the caller checks those for a fixed string).
 */
async function gitGrep(
  root: string,
  query: CandidateQuery,
): Promise<{ found: Set<string>; mixed: boolean } | undefined> {
  const base = ['grep', '-l', '-z', '-I', '--untracked'];
  if (query.code?.pcre !== undefined && query.fixed.length > 0) {
    const fixed = query.fixed.map(pcreLiteral).join('|');
    const code = query.code.pcre.flatMap((p) => ['-e', `(?i:${p})`]);
    const found = await run(root, [...base, '-P', '-e', fixed, ...code]);
    if (found) return { found, mixed: true };
  }
  const fixed = query.fixed.length
    ? run(root, [...base, '-F', ...query.fixed.flatMap((f) => ['-e', f])])
    : Promise.resolve(new Set<string>());
  const code = query.code ? grepCode(root, query.code) : Promise.resolve(new Set<string>());
  const [a, b] = await Promise.all([fixed, code]);
  if (!a || !b) return undefined;
  for (const p of b) if (query.isCode(p)) a.add(p);
  return { found: a, mixed: false };
}

/** A fixed string as a Perl-compatible pattern: every ASCII character but a letter, digit or `_` escaped. */
function pcreLiteral(text: string): string {
  return text.replace(/[^A-Za-z0-9_\u0080-\uffff]/g, '\\$&');
}

async function grepCode(
  root: string,
  code: NonNullable<CandidateQuery['code']>,
): Promise<Set<string> | undefined> {
  const args = ['grep', '-l', '-z', '-I', '--untracked', '-i'];
  const perl =
    code.pcre === undefined
      ? undefined
      : await run(root, [...args, '-P', ...code.pcre.flatMap((p) => ['-e', p])]);
  return perl ?? run(root, [...args, '-E', '-e', code.ere]);
}

/** The paths git lists, or undefined when `cwd` is not in a work tree (or there is no git): the scan then. */
async function run(cwd: string, args: string[]): Promise<Set<string> | undefined> {
  const found = await gitPaths(cwd, [...args, '--', '.'], true);
  return found && new Set(found);
}
