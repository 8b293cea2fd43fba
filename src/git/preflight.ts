import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { MigrateError } from '../errors.js';
import { checkRepoPath } from './paths.js';
import { openRepo, type Repo } from './repo.js';

/** A touched path with local state that an apply or rollback would clobber. */
export interface DirtyFile {
  /** Root-relative path. */
  path: string;
  /** What is uncommitted about it, in words ("modified", "untracked", ...). */
  state: string;
  /** The two-letter `git status --porcelain` code. */
  xy: string;
}

/** Git operations that leave the repository half-way; their marker files in the git directory. */
const IN_PROGRESS: ReadonlyArray<readonly [string, string]> = [
  ['MERGE_HEAD', 'a merge'],
  ['rebase-merge', 'a rebase'],
  ['rebase-apply', 'a rebase or `git am`'],
  ['CHERRY_PICK_HEAD', 'a cherry-pick'],
  ['REVERT_HEAD', 'a revert'],
  ['BISECT_LOG', 'a bisect'],
];

/** Exit-3 refusal when a merge / rebase / cherry-pick / revert / bisect is under way. */
export async function assertNotBusy(repo: Repo): Promise<void> {
  const out = await repo.run(['rev-parse', ...IN_PROGRESS.flatMap(([marker]) => ['--git-path', marker])]);
  const paths = out.split('\n').filter((l) => l !== '');
  for (const [i, [, what]] of IN_PROGRESS.entries()) {
    const path = paths[i];
    if (path !== undefined && existsSync(isAbsolute(path) ? path : resolve(repo.top, path))) {
      throw new MigrateError(
        'git-busy',
        `${what} is in progress in ${repo.top}; finish or abort it (e.g. \`git merge --abort\`, \`git rebase --abort\`, \`git bisect reset\`), then run again`,
        undefined,
        3,
      );
    }
  }
}

function describe(xy: string): string {
  const [x = ' ', y = ' '] = xy;
  if (xy === '??') return 'untracked';
  if (xy === '!!') return 'ignored by git, not tracked';
  if (x === 'U' || y === 'U' || xy === 'AA' || xy === 'DD') return 'unmerged';
  const parts: string[] = [];
  if (x !== ' ') parts.push(x === 'D' ? 'deletion staged' : x === 'A' ? 'added, staged' : 'staged change');
  if (y !== ' ') parts.push(y === 'D' ? 'deleted' : 'modified');
  return parts.join(', ');
}

/**
 * Local state of `paths` (root-relative) that differs from HEAD: staged or unstaged changes,
 * untracked or ignored files sitting where something would be written.
 */
export async function dirtyFiles(repo: Repo, paths: readonly string[]): Promise<DirtyFile[]> {
  if (paths.length === 0) return [];
  const out = await repo.run([
    'status',
    '--porcelain=v1',
    '-z',
    '--no-renames',
    '--untracked-files=all',
    '--ignored=matching',
    '--',
    ...paths.map((p) => repo.toTop(p)),
  ]);
  const dirty: DirtyFile[] = [];
  for (const rec of out.split('\0')) {
    if (rec.length < 4) continue;
    const top = rec.slice(3);
    dirty.push({ path: repo.fromTop(top) ?? top, state: describe(rec.slice(0, 2)), xy: rec.slice(0, 2) });
  }
  return dirty.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function formatFileList(files: ReadonlyArray<{ path: string; state: string }>): string {
  const shown = files.slice(0, 20).map((f) => `  ${f.path} (${f.state})`);
  if (files.length > shown.length) shown.push(`  ... and ${files.length - shown.length} more`);
  return shown.join('\n');
}

/**
 * Everything that must hold before apply writes a byte: `root` is inside a git work tree, no
 * merge/rebase/cherry-pick/revert/bisect is in progress, every touched path is a safe repo path,
 * and none has uncommitted changes (untracked or ignored files that would be overwritten count).
 * Refusals are exit-3 MigrateErrors naming the files and what to do; nothing is changed.
 */
export async function preflight(root: string, touched: readonly string[]): Promise<Repo> {
  const repo = await openRepo(root);
  await assertNotBusy(repo);
  const paths = [...new Set(touched.map((p) => checkRepoPath(repo.root, p)))];
  const dirty = await dirtyFiles(repo, paths);
  if (dirty.length > 0) {
    throw new MigrateError(
      'dirty-tree',
      `${dirty.length} file${dirty.length === 1 ? '' : 's'} that this change would touch ${dirty.length === 1 ? 'has' : 'have'} uncommitted changes:\n${formatFileList(dirty)}\ncommit or stash them (git stash --include-untracked), then run again`,
      undefined,
      3,
    );
  }
  return repo;
}
