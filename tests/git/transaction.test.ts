import { existsSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MigrateError } from '../../src/errors.js';
import { applyChanges } from '../../src/apply/transaction.js';
import type { Change } from '../../src/plan/types.js';
import {
  archiveChanges,
  cleanupTempDirs,
  git,
  makeRepo,
  passeurChanges,
  pourtierChanges,
  read,
  tempDir,
  treeState,
} from './helpers.js';

afterAll(cleanupTempDirs);

const rejectionOf = async (p: Promise<unknown>): Promise<MigrateError> => {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(MigrateError);
  return e as MigrateError;
};

/** Every kind of change, including a file in a directory that does not exist yet and a delete. */
function everything(dir: string): Change[] {
  return [
    ...pourtierChanges(dir),
    {
      op: 'create',
      path: 'pourtier/compose/overrides/docker-compose.ci.yaml',
      component: 'pourtier',
      content: 'services: {}\n',
      reason: 'new nested dir',
    },
    ...passeurChanges(dir),
    { op: 'delete', path: 'docs/DOCKER_COMPOSE_USAGE.md', component: '', reason: 'obsolete doc' },
    ...archiveChanges(),
  ];
}

describe('applyChanges', () => {
  it('writes, moves and deletes, staging exactly the touched paths and keeping modes', async () => {
    const dir = makeRepo();
    const changes = everything(dir);
    const applied = await applyChanges(dir, changes);

    expect(read(dir, 'pourtier/docker-compose.yaml')).toBe(changes[0]!.content);
    expect(read(dir, 'scripts-run-tests.sh')).toContain('pourtier/docker-compose.test.yaml');
    expect(statSync(join(dir, 'scripts-run-tests.sh')).mode & 0o777).toBe(0o755);
    expect(statSync(join(dir, 'pourtier/docker-compose.yaml')).mode & 0o777).toBe(0o644);
    expect(existsSync(join(dir, 'docs/DOCKER_COMPOSE_USAGE.md'))).toBe(false);
    expect(existsSync(join(dir, 'docker-compose.test.yaml'))).toBe(false);
    expect(read(dir, 'todo/docker-compose.test.yaml')).toBe(read(dir, 'todo/docker-compose.test.yaml'));
    // No temporary files left beside the targets.
    expect(readdirSync(join(dir, 'pourtier')).filter((f) => f.includes('compose-migrate'))).toEqual([]);

    const staged = git(dir, 'diff', '--cached', '--name-only', '--no-renames').trim().split('\n').sort();
    expect(staged).toEqual(applied.touched);
    expect(
      git(dir, 'status', '--porcelain', '--untracked-files=all')
        .split('\n')
        .filter((l) => l && l[1] !== ' '),
    ).toEqual([]);
    expect(applied.moved).toContainEqual({
      from: 'docker-compose.test.yaml',
      to: 'todo/old-docker-compose.test.yaml',
    });
    expect(applied.deleted).toEqual(['docs/DOCKER_COMPOSE_USAGE.md']);
  });

  it.each([0, 1, 4, 5, 9, 12])(
    'a failure after %i changes leaves the tree and index byte-identical',
    async (n) => {
      const dir = makeRepo();
      const changes = everything(dir);
      expect(n).toBeLessThan(changes.length);
      const before = treeState(dir);
      const indexBefore = git(dir, 'ls-files', '--stage', '--debug');
      const e = await rejectionOf(applyChanges(dir, changes, { failAfter: n }));
      expect(e.message).toBe(`injected failure after ${n} change${n === 1 ? '' : 's'}`);
      expect(treeState(dir)).toEqual(before);
      // Index entries (not only their content) are back: same blobs and modes, no staged change.
      expect(git(dir, 'ls-files', '--stage')).toBe(before.index);
      expect(git(dir, 'diff', '--cached', '--name-only')).toBe('');
      expect(indexBefore.length).toBeGreaterThan(0);
    },
  );

  it('a failure after the last change still undoes everything', async () => {
    const dir = makeRepo();
    const changes = everything(dir);
    const before = treeState(dir);
    await rejectionOf(applyChanges(dir, changes, { failAfter: changes.length }));
    expect(treeState(dir)).toEqual(before);
  });

  it('a real git failure mid-way (moving an untracked file) rolls back the earlier writes', async () => {
    const dir = makeRepo();
    writeFileSync(join(dir, 'scratch.yaml'), 'services: {}\n');
    mkdirSync(join(dir, 'scratch-dir'));
    const before = treeState(dir);
    for (const path of ['scratch.yaml', 'scratch-dir']) {
      const changes: Change[] = [
        ...pourtierChanges(dir),
        { op: 'move', path, to: `todo/${path}`, component: '', reason: 'not tracked' },
      ];
      const e = await rejectionOf(applyChanges(dir, changes));
      expect(e.code).toBe('git-failed');
      expect(e.message).toMatch(/not under version control|source directory is empty/);
      expect(treeState(dir)).toEqual(before);
    }
    const e = await rejectionOf(
      applyChanges(dir, [
        ...pourtierChanges(dir),
        { op: 'create', path: 'pourtier/src', component: 'pourtier', content: 'x', reason: 'onto a dir' },
      ]),
    );
    expect(e.message).toContain('is a directory');
    expect(treeState(dir)).toEqual(before);
  });

  it('refuses to move onto an existing file before touching anything', async () => {
    const dir = makeRepo();
    const before = treeState(dir);
    const changes: Change[] = [
      ...pourtierChanges(dir),
      {
        op: 'move',
        path: 'docker-compose.test.yaml',
        to: 'todo/docker-compose.test.yaml',
        component: '',
        reason: 'archive',
      },
    ];
    const e = await rejectionOf(applyChanges(dir, changes));
    expect(e.code).toBe('destination-exists');
    expect(e.exitCode).toBe(3);
    expect(e.message).toContain('todo/docker-compose.test.yaml already exists');
    expect(treeState(dir)).toEqual(before);
  });

  it('never writes outside the repository', async () => {
    const dir = makeRepo();
    const outside = tempDir('cm-outside-');
    symlinkSync(outside, join(dir, 'linked'));
    symlinkSync(join(dir, 'pourtier'), join(dir, 'pourtier-link'));
    const before = treeState(dir);
    const bad = [
      '../escape.yaml',
      '/tmp/abs.yaml',
      'linked/docker-compose.yaml',
      'linked/new/dir/x.yaml',
      '.git/hooks/pre-commit',
      'a/../../b.yaml',
    ];
    for (const path of bad) {
      const e = await rejectionOf(
        applyChanges(dir, [
          { op: 'create', path: 'pourtier/ok.yaml', component: 'pourtier', content: 'x\n', reason: 'fine' },
          { op: 'create', path, component: 'pourtier', content: 'x\n', reason: 'escape' },
        ]),
      );
      expect(e.code).toBe('path-outside-repo');
      expect(e.exitCode).toBe(3);
    }
    const move = await rejectionOf(
      applyChanges(dir, [
        {
          op: 'move',
          path: 'docker-compose.test.yaml',
          to: '../stolen.yaml',
          component: '',
          reason: 'escape',
        },
      ]),
    );
    expect(move.code).toBe('path-outside-repo');
    expect(readdirSync(outside)).toEqual([]);
    expect(treeState(dir)).toEqual(before);

    // A symlinked directory that stays inside the repository is fine, but the link itself is not written through.
    const e = await rejectionOf(
      applyChanges(dir, [
        { op: 'modify', path: 'linked', component: '', content: 'x', reason: 'through a link' },
      ]),
    );
    expect(e.message).toContain('symbolic link');
  });
});
