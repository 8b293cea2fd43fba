import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Repo } from './repo.js';

/** One file as git stores it: mode ("100644", "100755", "120000") and blob id. Paths are top-relative. */
export interface Entry {
  mode: string;
  oid: string;
}

/** Path → entry, or null when the path is absent. */
export type EntryMap = Map<string, Entry | null>;

export const sameEntry = (a: Entry | null | undefined, b: Entry | null | undefined): boolean =>
  (a ?? null) === null ? (b ?? null) === null : !!b && a!.mode === b.mode && a!.oid === b.oid;

/** Entries of `paths` in a commit or tree (absent paths map to null). */
export async function treeEntries(
  repo: Repo,
  rev: string | undefined,
  paths: readonly string[],
): Promise<EntryMap> {
  const map: EntryMap = new Map(paths.map((p) => [p, null]));
  if (!rev || paths.length === 0) return map;
  const out = await repo.run(['ls-tree', '-r', '-z', '--full-tree', rev, '--', ...paths]);
  for (const rec of out.split('\0')) {
    if (!rec) continue;
    const tab = rec.indexOf('\t');
    const [mode, , oid] = rec.slice(0, tab).split(' ');
    const path = rec.slice(tab + 1);
    if (map.has(path) && mode && oid) map.set(path, { mode, oid });
  }
  return map;
}

/** Stage-0 index entries of `paths` (absent paths map to null). */
export async function indexEntries(
  repo: Repo,
  paths: readonly string[],
  env?: Record<string, string>,
): Promise<EntryMap> {
  const map: EntryMap = new Map(paths.map((p) => [p, null]));
  if (paths.length === 0) return map;
  const out = await repo.run(['ls-files', '-s', '-z', '--full-name', '--', ...paths], env ? { env } : {});
  for (const rec of out.split('\0')) {
    if (!rec) continue;
    const tab = rec.indexOf('\t');
    const [mode, oid, stage] = rec.slice(0, tab).split(' ');
    const path = rec.slice(tab + 1);
    if (stage === '0' && map.has(path) && mode && oid) map.set(path, { mode, oid });
  }
  return map;
}

/** Set entries in an index (the real one, or the one named by env.GIT_INDEX_FILE). */
export async function updateIndex(
  repo: Repo,
  entries: EntryMap,
  env?: Record<string, string>,
): Promise<void> {
  const remove: string[] = [];
  const add: string[] = [];
  for (const [path, entry] of entries) {
    if (entry) add.push('--cacheinfo', `${entry.mode},${entry.oid},${path}`);
    else remove.push(path);
  }
  const opts = env ? { env } : {};
  if (remove.length) await repo.run(['update-index', '--force-remove', '--', ...remove], opts);
  if (add.length) await repo.run(['update-index', '--add', ...add], opts);
}

/** Run `fn` with a throw-away index file, removed afterwards whatever happens. */
export async function withTempIndex<T>(fn: (env: Record<string, string>) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'compose-migrate-index-'));
  try {
    return await fn({ GIT_INDEX_FILE: join(dir, 'index') });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The tree of `base` (or the empty tree) with `entries` applied. */
export async function treeWith(repo: Repo, base: string | undefined, entries: EntryMap): Promise<string> {
  return withTempIndex(async (env) => {
    await repo.run(base ? ['read-tree', base] : ['read-tree', '--empty'], { env });
    await updateIndex(repo, entries, env);
    return (await repo.run(['write-tree'], { env })).trim();
  });
}

/** The tree id of a commit. */
export async function treeOf(repo: Repo, rev: string): Promise<string> {
  return (await repo.run(['rev-parse', `${rev}^{tree}`])).trim();
}

/** Create a commit object (no ref moves). The message is used byte for byte. */
export async function commitTree(
  repo: Repo,
  tree: string,
  parents: readonly string[],
  message: string,
  env: Record<string, string>,
): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'compose-migrate-msg-'));
  try {
    const file = join(dir, 'MSG');
    writeFileSync(file, message.endsWith('\n') ? message : `${message}\n`);
    const args = ['commit-tree', tree, ...parents.flatMap((p) => ['-p', p]), '-F', file];
    return (await repo.run(args, { env })).trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Move HEAD (the branch it points to, or HEAD itself when detached) from `old` to `next`,
 * atomically: git refuses if HEAD moved in between.
 */
export async function advanceHead(
  repo: Repo,
  next: string,
  old: string | undefined,
  reason: string,
  env: Record<string, string>,
): Promise<void> {
  const args = ['update-ref', '-m', reason, 'HEAD', next];
  if (old) args.push(old);
  await repo.run(args, { env });
}
