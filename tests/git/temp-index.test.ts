import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readHeadInto } from '../../src/git/commit.js';
import { openRepo } from '../../src/git/repo.js';
import { withTempIndex } from '../../src/git/tree.js';
import { cleanupTempDirs, commitAll, git, gitTry, tempDir } from './helpers.js';

afterAll(cleanupTempDirs);

/** Per path of the index `env` names: its blob and whether it carries stat data (an mtime). */
function indexOf(dir: string, env: Record<string, string>): Map<string, { oid: string; stat: boolean }> {
  const text = execFileSync('git', ['ls-files', '--stage', '--debug'], {
    cwd: dir,
    env: { ...process.env, ...env },
  }).toString('utf8');
  const out = new Map<string, { oid: string; stat: boolean }>();
  let last: { oid: string; stat: boolean } | undefined;
  for (const line of text.split('\n')) {
    const m = /^\d+ ([0-9a-f]+) \d\t(.*)$/.exec(line);
    if (m) out.set(m[2]!, (last = { oid: m[1]!, stat: false }));
    else if (last && /^\s+mtime:/.test(line)) last.stat = !/mtime: 0:0/.test(line);
  }
  return out;
}

describe('the temporary index a migration commit is made on', () => {
  it("is HEAD's tree exactly, keeping the stat data of entries the user's index agrees on", async () => {
    const dir = tempDir();
    git(dir, 'init', '-q');
    for (const f of ['a.txt', 'b.txt', 'c.txt']) writeFileSync(join(dir, f), `${f}\n`);
    const head = commitAll(dir, 'three files');
    // Staged by the user: a change and a new file. Neither may reach the migration's commit.
    writeFileSync(join(dir, 'b.txt'), 'changed\n');
    writeFileSync(join(dir, 'new.txt'), 'new\n');
    git(dir, 'add', 'b.txt', 'new.txt');
    const repo = await openRepo(dir);
    const tree = git(dir, 'ls-tree', '-r', head).trim();
    await withTempIndex(async (env) => {
      await readHeadInto(repo, head, env);
      const index = indexOf(dir, env);
      expect([...index.keys()]).toEqual(['a.txt', 'b.txt', 'c.txt']);
      for (const line of tree.split('\n')) {
        const [, , oid, path] = line.split(/\s+/);
        expect(index.get(path!)?.oid).toBe(oid);
      }
      // Unchanged entries keep what git needs to skip re-reading them; the one the user changed does not.
      expect(index.get('a.txt')?.stat).toBe(true);
      expect(index.get('c.txt')?.stat).toBe(true);
      expect(index.get('b.txt')?.stat).toBe(false);
    });
    // The user's own index is untouched.
    expect(git(dir, 'diff', '--cached', '--name-only').trim().split('\n')).toEqual(['b.txt', 'new.txt']);
  });

  it('is read without stat data when the user is mid-merge (unmerged entries)', async () => {
    const dir = tempDir();
    git(dir, 'init', '-q', '-b', 'main');
    writeFileSync(join(dir, 'a.txt'), 'base\n');
    commitAll(dir, 'base');
    git(dir, 'checkout', '-q', '-b', 'other');
    writeFileSync(join(dir, 'a.txt'), 'other\n');
    commitAll(dir, 'other');
    git(dir, 'checkout', '-q', 'main');
    writeFileSync(join(dir, 'a.txt'), 'main\n');
    const head = commitAll(dir, 'main');
    expect(gitTry(dir, 'merge', '-q', 'other').ok).toBe(false);
    const repo = await openRepo(dir);
    await withTempIndex(async (env) => {
      await readHeadInto(repo, head, env);
      const index = indexOf(dir, env);
      expect([...index.keys()]).toEqual(['a.txt']);
      expect(index.get('a.txt')?.oid).toBe(git(dir, 'rev-parse', `${head}:a.txt`).trim());
    });
  });
});
