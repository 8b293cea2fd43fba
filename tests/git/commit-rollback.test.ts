import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MigrateError } from '../../src/errors.js';
import { applyChanges } from '../../src/apply/transaction.js';
import { commitApply } from '../../src/git/commit.js';
import { findMigrations, status } from '../../src/git/history.js';
import { preflight } from '../../src/git/preflight.js';
import { planRollback, rollback } from '../../src/git/rollback.js';
import type { Change } from '../../src/plan/types.js';
import {
  archiveChanges,
  cleanupTempDirs,
  commitAll,
  git,
  makeRepo,
  passeurChanges,
  pourtierChanges,
  read,
  treeState,
  touchedBy,
} from './helpers.js';

afterAll(cleanupTempDirs);

/** preflight + apply + commit, as `compose-migrate apply` does. */
async function migrate(dir: string, component: string, changes: Change[]): Promise<string> {
  await preflight(dir, touchedBy(changes));
  const applied = await applyChanges(dir, changes);
  const result = await commitApply(dir, { component, paths: applied.touched });
  if (result.kind !== 'committed') throw new Error(`expected a commit for ${component}`);
  return result.sha;
}

const head = (dir: string): string => git(dir, 'rev-parse', 'HEAD').trim();

describe('commitApply', () => {
  it('makes one commit per apply with parseable trailers and only the touched paths', async () => {
    const dir = makeRepo();
    // Something the user staged on their own stays staged and out of the commit.
    appendFileSync(join(dir, 'courier/pyproject.toml'), '# mine\n');
    git(dir, 'add', 'courier/pyproject.toml');
    const sha = await migrate(dir, 'pourtier', pourtierChanges(dir));

    expect(head(dir)).toBe(sha);
    expect(git(dir, 'log', '-1', '--format=%s').trim()).toBe('compose-migrate: migrate pourtier');
    expect(git(dir, 'log', '-1', '--format=%(trailers:key=Compose-Migrate,valueonly)').trim()).toBe('apply');
    expect(git(dir, 'log', '-1', '--format=%(trailers:key=Compose-Migrate-Component,valueonly)').trim()).toBe(
      'pourtier',
    );
    expect(git(dir, 'log', '-1', '--format=%an <%ae>').trim()).toBe('Repo Owner <owner@example.com>');
    const files = git(dir, 'show', '--name-only', '--format=', 'HEAD').trim().split('\n').sort();
    expect(files).toEqual(touchedBy(pourtierChanges(dir)).sort());
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('M  courier/pyproject.toml\n');
    expect(git(dir, 'ls-tree', 'HEAD', 'scripts-run-tests.sh').split(' ')[0]).toBe('100755');
  });

  it('re-applying a migrated component makes no commit', async () => {
    const dir = makeRepo();
    await migrate(dir, 'pourtier', pourtierChanges(dir));
    const before = head(dir);
    const again = pourtierChanges(dir).map((c) =>
      c.path === 'laborant/src/laborant/core/orchestrator.py' || c.path === 'scripts-run-tests.sh'
        ? { ...c, content: read(dir, c.path) }
        : c,
    );
    await preflight(dir, touchedBy(again));
    const applied = await applyChanges(dir, again);
    const result = await commitApply(dir, { component: 'pourtier', paths: applied.touched });
    expect(result).toEqual({ kind: 'no-op' });
    expect(head(dir)).toBe(before);
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  it('archive commits are labelled as such', async () => {
    const dir = makeRepo();
    await preflight(dir, touchedBy(archiveChanges()));
    const applied = await applyChanges(dir, archiveChanges());
    const result = await commitApply(dir, { component: '', paths: applied.touched });
    expect(result.kind).toBe('committed');
    expect(git(dir, 'log', '-1', '--format=%s').trim()).toBe('compose-migrate: archive root compose files');
    expect(git(dir, 'log', '-1', '--format=%(trailers:key=Compose-Migrate-Archive,valueonly)').trim()).toBe(
      'yes',
    );
    expect(git(dir, 'show', '--name-status', '-M', '--format=', 'HEAD').trim().split('\n')).toContain(
      'R100\tdocker-compose.test.yaml\ttodo/old-docker-compose.test.yaml',
    );
  });
});

describe('rollback', () => {
  it('undoes every migration with new commits, leaving git diff <start> empty', async () => {
    const dir = makeRepo();
    const start = head(dir);
    const initial = treeState(dir);
    const a1 = await migrate(dir, 'pourtier', pourtierChanges(dir));
    const a2 = await migrate(dir, 'passeur', passeurChanges(dir));
    const a3 = await migrate(dir, '', archiveChanges());
    expect((await status(dir, ['pourtier', 'passeur', 'courier'])).components.map((c) => c.state)).toEqual([
      'migrated',
      'migrated',
      'not-migrated',
    ]);

    const plan = await planRollback(dir);
    expect(plan.steps.map((s) => s.sha)).toEqual([a3, a2, a1]);
    expect(plan.edited).toEqual([]);
    expect(head(dir)).toBe(a3);

    const result = await rollback(dir);
    expect(result.commits.map((c) => c.reverts)).toEqual([a3, a2, a1]);
    expect(git(dir, 'rev-list', '--count', `${a3}..HEAD`).trim()).toBe('3');
    expect(git(dir, 'diff', '--name-only', start)).toBe('');
    expect(git(dir, 'diff', '--name-only', start, 'HEAD')).toBe('');
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    expect(treeState(dir).files).toEqual(initial.files);
    expect(existsSync(join(dir, 'todo/2024'))).toBe(false);

    const trailers = git(
      dir,
      'log',
      '-3',
      '--format=%(trailers:key=Compose-Migrate,valueonly,separator=%x2c)|%(trailers:key=Compose-Migrate-Reverts,valueonly)',
    ).trim();
    expect(trailers.split('\n').filter((l) => l !== '')).toEqual([
      `rollback|${a1}`,
      `rollback|${a2}`,
      `rollback|${a3}`,
    ]);

    // Nothing is reverted twice.
    expect((await planRollback(dir)).steps).toEqual([]);
    const again = await rollback(dir);
    expect(again.commits).toEqual([]);
    const records = await findMigrations(dir);
    expect(records.filter((r) => r.kind === 'apply').every((r) => r.revertedBy)).toBe(true);
    expect((await status(dir, ['pourtier'])).components[0]!.state).toBe('not-migrated');
  });

  it('rolls back one component plus a later archive, leaving the others in force', async () => {
    const dir = makeRepo();
    const initial = treeState(dir);
    const a1 = await migrate(dir, 'pourtier', pourtierChanges(dir));
    const a2 = await migrate(dir, 'passeur', passeurChanges(dir));
    const a3 = await migrate(dir, '', archiveChanges());
    const passeurFile = read(dir, 'passeur/docker-compose.yaml');

    const plan = await planRollback(dir, { component: 'pourtier' });
    expect(plan.steps.map((s) => s.sha)).toEqual([a3, a1]);
    expect(plan.archive).toBe(true);
    await rollback(dir, { component: 'pourtier' });

    expect(existsSync(join(dir, 'pourtier/docker-compose.yaml'))).toBe(false);
    expect(read(dir, 'docker-compose.test.yaml')).toBe(git(dir, 'show', `${a1}:docker-compose.test.yaml`));
    expect(existsSync(join(dir, 'todo/old-docker-compose.test.yaml'))).toBe(false);
    expect(read(dir, 'passeur/docker-compose.yaml')).toBe(passeurFile);
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    const st = await status(dir, ['pourtier', 'passeur']);
    expect(st.components.map((c) => [c.name, c.state, c.sha])).toEqual([
      ['pourtier', 'not-migrated', undefined],
      ['passeur', 'migrated', a2],
    ]);
    expect(st.archive.state).toBe('not-migrated');

    // Then the rest: back to the start, byte for byte.
    await rollback(dir);
    expect(treeState(dir).files).toEqual(initial.files);
  });

  it('refuses when a file was edited since (committed or not), listing it; --force discards the edit', async () => {
    const dir = makeRepo();
    const initial = treeState(dir);
    const a1 = await migrate(dir, 'pourtier', pourtierChanges(dir));
    appendFileSync(join(dir, 'pourtier/docker-compose.yaml'), '# tuned by hand\n');
    commitAll(dir, 'tune pourtier compose');
    appendFileSync(join(dir, 'pourtier/Makefile'), 'lint:\n\truff .\n');
    const before = treeState(dir);
    const tip = head(dir);

    const plan = await planRollback(dir, { component: 'pourtier' });
    expect(plan.edited).toEqual([
      { path: 'pourtier/Makefile', state: 'uncommitted: modified' },
      { path: 'pourtier/docker-compose.yaml', state: `changed in a commit after ${a1.slice(0, 12)}` },
    ]);
    const e = await rollback(dir, { component: 'pourtier' }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(MigrateError);
    const err = e as MigrateError;
    expect(err.exitCode).toBe(3);
    expect(err.code).toBe('edited-since');
    expect(err.message).toContain('pourtier/docker-compose.yaml');
    expect(err.message).toContain('pourtier/Makefile');
    expect(err.message).toContain('--force');
    expect(head(dir)).toBe(tip);
    expect(treeState(dir)).toEqual(before);

    const dry = await rollback(dir, { component: 'pourtier', force: true, dryRun: true });
    expect(dry.commits).toEqual([]);
    expect(treeState(dir)).toEqual(before);

    const forced = await rollback(dir, { component: 'pourtier', force: true });
    // The uncommitted edit is overwritten but kept on a private ref.
    expect(forced.discarded).toMatch(/^refs\/compose-migrate\/discarded\/\d+$/);
    expect(git(dir, 'show', `${forced.discarded}:pourtier/Makefile`)).toContain('ruff .');
    expect(existsSync(join(dir, 'pourtier/docker-compose.yaml'))).toBe(false);
    expect(existsSync(join(dir, 'pourtier/Makefile'))).toBe(false);
    expect(treeState(dir).files).toEqual(initial.files);
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('');
  });

  it('an edit that was undone again does not block rollback', async () => {
    const dir = makeRepo();
    await migrate(dir, 'pourtier', pourtierChanges(dir));
    const original = read(dir, 'pourtier/Makefile');
    appendFileSync(join(dir, 'pourtier/Makefile'), 'x:\n');
    commitAll(dir, 'edit');
    writeFileSync(join(dir, 'pourtier/Makefile'), original);
    commitAll(dir, 'undo edit');
    expect((await planRollback(dir)).edited).toEqual([]);
  });

  it('finds a component again when it is re-applied after a rollback', async () => {
    const dir = makeRepo();
    const a1 = await migrate(dir, 'pourtier', pourtierChanges(dir));
    await rollback(dir, { component: 'pourtier' });
    const a2 = await migrate(dir, 'pourtier', pourtierChanges(dir));
    expect(a2).not.toBe(a1);
    expect((await status(dir, ['pourtier'])).components[0]).toMatchObject({ state: 'migrated', sha: a2 });
    const plan = await planRollback(dir, { component: 'pourtier' });
    expect(plan.steps.map((s) => s.sha)).toEqual([a2]);
    await rollback(dir, { component: 'pourtier' });
    expect(existsSync(join(dir, 'pourtier/docker-compose.yaml'))).toBe(false);
  });

  it('treats a hand-made git revert of an apply commit as a rollback', async () => {
    const dir = makeRepo();
    const a1 = await migrate(dir, 'pourtier', pourtierChanges(dir));
    git(dir, 'revert', '--no-edit', a1);
    expect((await status(dir, ['pourtier'])).components[0]!.state).toBe('not-migrated');
    expect((await planRollback(dir)).steps).toEqual([]);
  });

  it('rolls back only its own files when the work tree has unrelated changes', async () => {
    const dir = makeRepo();
    await migrate(dir, 'pourtier', pourtierChanges(dir));
    mkdirSync(join(dir, 'notes'));
    writeFileSync(join(dir, 'notes/todo.txt'), 'mine\n');
    appendFileSync(join(dir, 'courier/pyproject.toml'), '# mine\n');
    await rollback(dir);
    expect(read(dir, 'notes/todo.txt')).toBe('mine\n');
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe(
      ' M courier/pyproject.toml\n?? notes/todo.txt\n',
    );
  });
});
