import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { MigrateError } from '../../src/errors.js';
import { applyChanges } from '../../src/apply/transaction.js';
import { recordBackup } from '../../src/git/backup.js';
import { commitApply } from '../../src/git/commit.js';
import { findMigrations, status } from '../../src/git/history.js';
import { preflight } from '../../src/git/preflight.js';
import { planRollback, rollback } from '../../src/git/rollback.js';
import {
  archiveChanges,
  cleanupTempDirs,
  git,
  gitTry,
  makeRepo,
  pourtierChanges,
  tempDir,
  touchedBy,
  treeState,
} from './helpers.js';

afterAll(cleanupTempDirs);

describe('--no-commit backups', () => {
  it('leaves the change staged, keeps a backup ref, and rollback restores byte-exact content', async () => {
    const dir = makeRepo();
    // The user's own staged work must survive both the backup and the rollback.
    appendFileSync(join(dir, 'courier/pyproject.toml'), '# mine\n');
    git(dir, 'add', 'courier/pyproject.toml');
    const initial = treeState(dir);
    const headBefore = git(dir, 'rev-parse', 'HEAD').trim();

    const changes = [...pourtierChanges(dir), ...archiveChanges()];
    await preflight(dir, touchedBy(changes));
    const applied = await applyChanges(dir, changes);
    const backup = await recordBackup(dir, {
      component: 'pourtier',
      archive: true,
      touched: applied.touched,
    });

    expect(git(dir, 'rev-parse', 'HEAD').trim()).toBe(headBefore);
    expect(backup.refs).toEqual([
      'refs/compose-migrate/pending/pourtier',
      'refs/compose-migrate/pending-archive',
    ]);
    expect(git(dir, 'rev-parse', 'refs/compose-migrate/pending/pourtier').trim()).toBe(backup.sha);
    expect(git(dir, 'branch', '--contains', backup.sha).trim()).toBe('');
    const staged = git(dir, 'diff', '--cached', '--name-only', '--no-renames').trim().split('\n').sort();
    expect(staged).toEqual([...applied.touched, 'courier/pyproject.toml'].sort());
    // The backup's tree is the pre-apply state for the touched paths, the user's staged file included.
    expect(git(dir, 'diff', '--name-only', headBefore, backup.sha).trim()).toBe('courier/pyproject.toml');
    const message = git(dir, 'log', '-1', '--format=%B', backup.sha);
    expect(message).toContain('  pourtier/docker-compose.yaml');
    expect(message).toContain('Compose-Migrate-Component: pourtier');

    const st = await status(dir, ['pourtier']);
    expect(st.components[0]).toMatchObject({ state: 'staged', sha: backup.sha });
    expect(st.archive.state).toBe('staged');

    // Unreachable-from-branches objects must survive garbage collection.
    git(dir, 'gc', '--quiet', '--prune=now');

    const second = await recordBackup(dir, { component: 'pourtier', touched: applied.touched }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((second as MigrateError).code).toBe('pending-exists');

    const plan = await planRollback(dir);
    expect(plan.steps.map((s) => s.kind)).toEqual(['restore-backup']);
    expect(plan.edited).toEqual([]);
    const result = await rollback(dir);
    expect(result.commits).toEqual([]);
    expect(result.restored).toEqual([backup.sha]);
    expect(treeState(dir)).toEqual(initial);
    expect(git(dir, 'for-each-ref', 'refs/compose-migrate/')).toBe('');
    expect(git(dir, 'rev-parse', 'HEAD').trim()).toBe(headBefore);
    expect((await findMigrations(dir)).length).toBe(0);
  });

  it('refuses to restore over a staged file edited after the apply, unless forced', async () => {
    const dir = makeRepo();
    const initial = treeState(dir);
    const changes = pourtierChanges(dir);
    await preflight(dir, touchedBy(changes));
    const applied = await applyChanges(dir, changes);
    await recordBackup(dir, { component: 'pourtier', touched: applied.touched });
    appendFileSync(join(dir, 'pourtier/docker-compose.yaml'), '# edited after apply\n');

    const e = (await rollback(dir, { component: 'pourtier' }).then(
      () => undefined,
      (err: unknown) => err,
    )) as MigrateError;
    expect(e.code).toBe('edited-since');
    expect(e.message).toContain('pourtier/docker-compose.yaml (uncommitted: added, staged, modified)');
    await rollback(dir, { component: 'pourtier', force: true });
    expect(treeState(dir)).toEqual(initial);
  });

  it('a committed apply on top of a pending one: rollback undoes both, newest first', async () => {
    const dir = makeRepo();
    const initial = treeState(dir);
    const archive = archiveChanges();
    await preflight(dir, touchedBy(archive));
    const first = await applyChanges(dir, archive);
    const committed = await commitApply(dir, { component: '', paths: first.touched });
    expect(committed.kind).toBe('committed');
    const changes = pourtierChanges(dir);
    await preflight(dir, touchedBy(changes));
    const applied = await applyChanges(dir, changes);
    await recordBackup(dir, { component: 'pourtier', touched: applied.touched });
    const plan = await planRollback(dir);
    expect(plan.steps.map((s) => s.kind)).toEqual(['restore-backup', 'revert']);
    await rollback(dir);
    expect(treeState(dir).files).toEqual(initial.files);
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('');
  });
});

describe('commits without a configured git identity (CI)', () => {
  const saved = { HOME: process.env['HOME'], XDG_CONFIG_HOME: process.env['XDG_CONFIG_HOME'] };
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('commits as compose-migrate for that commit only, leaving every config untouched', async () => {
    const dir = makeRepo({ identity: false });
    const home = tempDir('cm-home-');
    process.env['HOME'] = home;
    process.env['XDG_CONFIG_HOME'] = join(home, '.config');
    expect(gitTry(dir, 'config', 'user.name').ok).toBe(false);
    const configBefore = git(dir, 'config', '--local', '--list');

    const changes = pourtierChanges(dir);
    await preflight(dir, touchedBy(changes));
    const applied = await applyChanges(dir, changes);
    const result = await commitApply(dir, { component: 'pourtier', paths: applied.touched });
    expect(result.kind).toBe('committed');
    expect(git(dir, 'log', '-1', '--format=%an <%ae>|%cn <%ce>').trim()).toBe(
      'compose-migrate <compose-migrate@localhost>|compose-migrate <compose-migrate@localhost>',
    );
    expect(git(dir, 'config', '--local', '--list')).toBe(configBefore);
    expect(gitTry(dir, 'config', '--global', 'user.name').ok).toBe(false);

    // Rollback commits need an identity too.
    const rolled = await rollback(dir);
    expect(rolled.commits).toHaveLength(1);
    expect(git(dir, 'log', '-1', '--format=%an').trim()).toBe('compose-migrate');
  });
});
