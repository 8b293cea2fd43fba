/**
 * A series of commits written by one `git fast-import` process instead of several plumbing
 * processes per commit: with 200 components, apply spent nearly all its time starting git. The
 * commits are the ones `commitTree` would write (same trees, messages byte for byte, identity from
 * `git var`), chained on HEAD, which then moves once, compare-and-swap, in one ref transaction.
 *
 * fast-import runs no hooks and signs nothing, so `needsPerCommitPath` sends repositories that
 * configure either to the per-commit path.
 */
import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MigrateError } from '../errors.js';
import { pipeGit } from './pipe.js';
import type { Repo } from './repo.js';
import type { EntryMap } from './tree.js';

/** One commit of a series: HEAD's tree (as left by the previous commit) with `entries` applied. */
export interface SeriesCommit {
  entries: EntryMap;
  /** The whole message, used byte for byte (a final newline is added when missing, as commitTree does). */
  message: string;
}

/** Hooks a commit would run when made with `git commit`. */
const COMMIT_HOOKS = ['pre-commit', 'prepare-commit-msg', 'commit-msg', 'post-commit'] as const;

/**
 * True when commits in this repository must be made one at a time: commit signing is configured
 * (fast-import cannot sign), a commit hook is installed, hooks live elsewhere (`core.hooksPath`),
 * or commit messages are declared in another encoding (fast-import writes no encoding header).
 */
export async function needsPerCommitPath(repo: Repo): Promise<boolean> {
  const out = await repo
    .run(['config', '-z', '--get-regexp', '^(commit\\.gpgsign|core\\.hookspath|i18n\\.commitencoding)$'])
    .catch(() => '');
  for (const rec of out.split('\0')) {
    if (!rec) continue;
    const nl = rec.indexOf('\n');
    const key = (nl < 0 ? rec : rec.slice(0, nl)).toLowerCase();
    const value = nl < 0 ? '' : rec.slice(nl + 1).trim();
    if (key === 'commit.gpgsign' && !/^(false|no|off|0|)$/iu.test(value)) return true;
    if (key === 'core.hookspath' && value !== '') return true;
    if (key === 'i18n.commitencoding' && !/^utf-?8$/iu.test(value)) return true;
  }
  const hooks = await repo.gitPath('hooks');
  return COMMIT_HOOKS.some((hook) => {
    try {
      accessSync(join(hooks, hook), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** A path in fast-import's C-style quoting, always quoted so spaces, quotes and newlines are safe. */
export function quotePath(path: string): string {
  let out = '"';
  for (const ch of path) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString(8).padStart(3, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** The fast-import stream for `commits` on `ref`, the first one's parent being `head`. */
export function importStream(
  ref: string,
  head: string | undefined,
  commits: readonly SeriesCommit[],
  author: string,
  committer: string,
): Buffer {
  const parts: Buffer[] = [];
  const text = (s: string): void => {
    parts.push(Buffer.from(s, 'utf8'));
  };
  commits.forEach((commit, i) => {
    const message = Buffer.from(commit.message.endsWith('\n') ? commit.message : `${commit.message}\n`);
    text(`commit ${ref}\nmark :${i + 1}\nauthor ${author}\ncommitter ${committer}\ndata ${message.length}\n`);
    parts.push(message);
    text('\n');
    const parent = i === 0 ? head : `:${i}`;
    if (parent) text(`from ${parent}\n`);
    for (const [path, entry] of commit.entries) {
      text(entry ? `M ${entry.mode} ${entry.oid} ${quotePath(path)}\n` : `D ${quotePath(path)}\n`);
    }
    text('\n');
  });
  text('done\n');
  return Buffer.concat(parts);
}

/** `Name <email> <time> <tz>` for the author or committer, as commit-tree would record it. */
async function ident(repo: Repo, who: 'AUTHOR' | 'COMMITTER', env: Record<string, string>): Promise<string> {
  return (await repo.run(['var', `GIT_${who}_IDENT`], { env })).trim();
}

/**
 * Write `commits` in one fast-import run and move HEAD from `head` to the last of them (refused
 * if HEAD moved meanwhile). Returns the commit ids in order. The import lands on a temporary ref
 * that the same ref transaction deletes; HEAD's reflog gets one entry, `reflog`.
 */
export async function importCommits(
  repo: Repo,
  head: string | undefined,
  commits: readonly SeriesCommit[],
  reflog: string,
  env: Record<string, string>,
): Promise<string[]> {
  if (commits.length === 0) return [];
  const author = await ident(repo, 'AUTHOR', env);
  const committer = await ident(repo, 'COMMITTER', env);
  const ref = `refs/compose-migrate/import-${randomBytes(6).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'compose-migrate-import-'));
  let refLeft = false;
  try {
    const marks = join(dir, 'marks');
    refLeft = true;
    await pipeGit(
      repo.top,
      ['fast-import', '--quiet', '--done', `--export-marks=${marks}`],
      importStream(ref, head, commits, author, committer),
      env,
    );
    const byMark = new Map<string, string>();
    for (const line of readFileSync(marks, 'utf8').split('\n')) {
      const [mark, sha] = line.split(' ');
      if (mark && sha) byMark.set(mark, sha);
    }
    const shas = commits.map((_, i) => byMark.get(`:${i + 1}`) ?? '');
    const last = shas[shas.length - 1];
    if (!last || shas.includes(''))
      throw new MigrateError('git-failed', 'git fast-import did not report every commit it wrote');
    const move = head ? `update HEAD ${last} ${head}\n` : `update HEAD ${last}\n`;
    await pipeGit(repo.top, ['update-ref', '-m', reflog, '--stdin'], `${move}delete ${ref}\n`, env);
    refLeft = false;
    return shas;
  } finally {
    if (refLeft) await repo.run(['update-ref', '-d', ref]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
