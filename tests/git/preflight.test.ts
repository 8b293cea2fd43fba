import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MigrateError } from '../../src/errors.js';
import { preflight } from '../../src/git/preflight.js';
import { rollback } from '../../src/git/rollback.js';
import { applyChanges } from '../../src/apply/transaction.js';
import {
  cleanupTempDirs,
  commitAll,
  git,
  gitTry,
  makeRepo,
  pourtierChanges,
  tempDir,
  touchedBy,
  treeState,
} from './helpers.js';

afterAll(cleanupTempDirs);

async function refusal(p: Promise<unknown>): Promise<MigrateError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MigrateError);
  return error as MigrateError;
}

describe('preflight', () => {
  it('refuses a directory that is not in a git work tree, with exit 3 and what to do', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'docker-compose.yml'), 'services: {}\n');
    const e = await refusal(preflight(dir, ['pourtier/docker-compose.yaml']));
    expect(e.code).toBe('not-a-repo');
    expect(e.exitCode).toBe(3);
    expect(e.message).toContain(dir);
    expect(e.message).toContain('git init');

    const missing = await refusal(preflight(join(dir, 'nope'), []));
    expect(missing.code).toBe('not-a-repo');
    expect(missing.exitCode).toBe(3);
  });

  it('passes on a clean tree and ignores dirty files it will not touch', async () => {
    const dir = makeRepo();
    appendFileSync(join(dir, 'courier/pyproject.toml'), '# local tweak\n');
    const repo = await preflight(dir, touchedBy(pourtierChanges(dir)));
    expect(repo.top).toBe(git(dir, 'rev-parse', '--show-toplevel').trim());
  });

  it('refuses touched paths that are modified, staged, untracked or ignored, naming each, changing nothing', async () => {
    const dir = makeRepo();
    writeFileSync(join(dir, '.gitignore'), 'pourtier/docker-compose.test.yaml\n');
    commitAll(dir, 'ignore a local file');
    appendFileSync(join(dir, 'laborant/src/laborant/core/orchestrator.py'), '# wip\n');
    appendFileSync(join(dir, 'scripts-run-tests.sh'), 'echo staged\n');
    git(dir, 'add', 'scripts-run-tests.sh');
    writeFileSync(join(dir, 'pourtier/docker-compose.yaml'), 'services: {}\n');
    writeFileSync(join(dir, 'pourtier/docker-compose.test.yaml'), 'services: {}\n');
    const before = treeState(dir);

    const e = await refusal(preflight(dir, touchedBy(pourtierChanges(dir))));
    expect(e.code).toBe('dirty-tree');
    expect(e.exitCode).toBe(3);
    expect(e.message).toMatch(/laborant\/src\/laborant\/core\/orchestrator\.py \(modified\)/);
    expect(e.message).toMatch(/scripts-run-tests\.sh \(staged change\)/);
    expect(e.message).toMatch(/pourtier\/docker-compose\.yaml \(untracked\)/);
    expect(e.message).toMatch(/pourtier\/docker-compose\.test\.yaml \(ignored by git/);
    expect(e.message).toContain('commit or stash them');
    expect(e.message).not.toContain('pourtier/Makefile');
    expect(treeState(dir)).toEqual(before);
  });

  it('refuses while a merge is in progress (a real conflicting merge), for apply and rollback', async () => {
    const dir = makeRepo();
    const file = 'laborant/src/laborant/core/orchestrator.py';
    git(dir, 'checkout', '-q', '-b', 'feature');
    appendFileSync(join(dir, file), 'FEATURE = 1\n');
    commitAll(dir, 'feature change');
    git(dir, 'checkout', '-q', 'main');
    appendFileSync(join(dir, file), 'MAIN = 1\n');
    commitAll(dir, 'main change');
    const merge = gitTry(dir, '-c', 'user.name=T', '-c', 'user.email=t@e', 'merge', 'feature');
    expect(merge.ok).toBe(false);
    expect(merge.out).toContain('CONFLICT');
    const before = treeState(dir);

    const e = await refusal(preflight(dir, ['pourtier/docker-compose.yaml']));
    expect(e.code).toBe('git-busy');
    expect(e.exitCode).toBe(3);
    expect(e.message).toContain('a merge is in progress');
    expect(e.message).toContain('git merge --abort');

    const r = await refusal(rollback(dir));
    expect(r.code).toBe('git-busy');
    expect(treeState(dir)).toEqual(before);
  });

  it('refuses a rebase in progress', async () => {
    const dir = makeRepo();
    mkdirSync(join(dir, '.git/rebase-merge'));
    const e = await refusal(preflight(dir, []));
    expect(e.code).toBe('git-busy');
    expect(e.message).toContain('a rebase is in progress');
  });

  it('refuses touched paths that leave the repository', async () => {
    const dir = makeRepo();
    for (const bad of ['../escape.yaml', '/etc/passwd', '.git/config', 'pourtier/../../x']) {
      const e = await refusal(preflight(dir, [bad]));
      expect(e.code).toBe('path-outside-repo');
    }
  });

  it('works when the migrated directory is a subdirectory of the work tree', async () => {
    const outer = tempDir();
    git(outer, 'init', '-q', '-b', 'main');
    mkdirSync(join(outer, 'backend'));
    writeFileSync(join(outer, 'backend/docker-compose.yml'), 'services: {}\n');
    commitAll(outer, 'init');
    writeFileSync(join(outer, 'backend/docker-compose.yml'), 'services: {a: {image: x}}\n');
    const e = await refusal(preflight(join(outer, 'backend'), ['docker-compose.yml']));
    expect(e.message).toMatch(/\n {2}docker-compose\.yml \(modified\)/);
    git(outer, 'checkout', '--', 'backend/docker-compose.yml');
    await preflight(join(outer, 'backend'), ['docker-compose.yml']);
    const applied = await applyChanges(join(outer, 'backend'), [
      {
        op: 'move',
        path: 'docker-compose.yml',
        to: 'todo/docker-compose.yml',
        component: '',
        reason: 'archive',
      },
    ]);
    expect(applied.touched).toEqual(['docker-compose.yml', 'todo/docker-compose.yml']);
    expect(git(outer, 'diff', '--cached', '--name-status', '-M').trim()).toBe(
      'R100\tbackend/docker-compose.yml\tbackend/todo/docker-compose.yml',
    );
  });
});
