import fc from 'fast-check';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupRepos,
  cli,
  cloneRepo,
  ensureBuilt,
  expectOneLineError,
  FIXTURES,
  git,
  makeRepo,
  porcelain,
  readText,
  treeHashes,
  writeText,
  type RunResult,
  type TestRepo,
} from '../helpers/cli.js';

interface Status {
  components: { name: string; kind: string; state: 'migrated' | 'pending' | 'host-only'; commit?: string }[];
  archive: { state: string; commit?: string };
}

beforeAll(() => ensureBuilt());
afterAll(() => cleanupRepos());

const ok = (r: RunResult, what: string): RunResult => {
  expect({ what, code: r.code, stderr: r.stderr }).toEqual({ what, code: 0, stderr: '' });
  return r;
};

const status = async (dir: string): Promise<Status> =>
  JSON.parse(ok(await cli(dir, ['status', '--json']), 'status').stdout) as Status;
const head = (dir: string): string => git(dir, 'rev-parse', 'HEAD').trim();

/** The whole observable state: files and modes, git's view, and where HEAD is. */
function snapshot(dir: string): {
  files: Record<string, string>;
  status: string;
  head: string;
  refs: string;
} {
  return { files: treeHashes(dir), status: porcelain(dir), head: head(dir), refs: git(dir, 'for-each-ref') };
}

/**
 * Components applied one by one with --no-archive (in an order fast-check picks), then `--all`, which
 * archives the root files, then a full rollback.
 */
describe('apply each component in turn, then --all, then rollback: byte-identical to the start', () => {
  // The five run side by side in one worker and, in-process, share its thread between their CPU-bound
  // steps: each gets the time of all five, not the one-test default.
  for (const fixture of FIXTURES) {
    it.concurrent(
      `${fixture}`,
      async () => {
        const base = makeRepo(fixture);
        const names = (
          JSON.parse((await cli(base.dir, ['plan', '--json'])).stdout) as {
            components: { name: string }[];
          }
        ).components.map((c) => c.name);
        const startFiles = treeHashes(base.dir);
        await fc.assert(
          fc.asyncProperty(
            fc.shuffledSubarray(names, { minLength: names.length, maxLength: names.length }),
            async (order) => {
              const repo = cloneRepo(base);
              // The archive happens on its own once the last compose component is migrated; components
              // applied after it (host-only ones) still plan from the archived originals.
              for (const name of order)
                ok(await cli(repo.dir, ['apply', '--component', name, '--yes']), `apply ${name}`);
              expect(git(repo.dir, 'log', '--format=%s')).toMatch(/archive root compose files/);
              const head = git(repo.dir, 'rev-parse', 'HEAD');
              ok(await cli(repo.dir, ['apply', '--all', '--yes']), 'apply --all');
              expect(git(repo.dir, 'rev-parse', 'HEAD')).toBe(head);
              ok(await cli(repo.dir, ['rollback', '--yes']), 'rollback');
              expect(git(repo.dir, 'diff', '--binary', repo.start)).toBe('');
              expect(porcelain(repo.dir)).toBe('');
              expect(treeHashes(repo.dir)).toEqual(startFiles);
            },
          ),
          // One order per fixture and run keeps the suite fast; the seed varies so runs cover other orders.
          { numRuns: 1 },
        );
      },
      240_000,
    );
  }
});

describe('after the archive (last compose component migrated), the repository still answers apply', () => {
  // Once the archive has moved the root files to todo/, plan and apply read them from just before
  // the archive commit, as status and verify do.
  it('apply --all on a fully migrated repository is a no-op', async () => {
    const repo = makeRepo('lumiere');
    ok(await cli(repo.dir, ['apply', '--all', '--yes']), 'apply');
    const before = snapshot(repo.dir);
    const again = await cli(repo.dir, ['apply', '--all', '--yes']);
    expect(again.code).toBe(0);
    expect(snapshot(repo.dir)).toEqual(before);
  });

  it('a host component applied after the archive still gets its Makefile', async () => {
    const repo = makeRepo('infra-backend');
    ok(await cli(repo.dir, ['apply', '--component', 'backend', '--yes']), 'apply backend');
    expect((await status(repo.dir)).archive.state).toBe('archived');
    ok(await cli(repo.dir, ['apply', '--component', 'frontend', '--yes']), 'apply frontend');
    expect(existsSync(join(repo.dir, 'apps/frontend/Makefile'))).toBe(true);
  });
});

describe('rollback of one component (lumiere)', () => {
  it('leaves the others migrated and undoes the archive that depended on it', async () => {
    const repo = makeRepo('lumiere');
    const todoBefore = Object.fromEntries(
      Object.entries(treeHashes(repo.dir)).filter(([p]) => p.startsWith('todo/')),
    );
    ok(await cli(repo.dir, ['apply', '--all', '--yes']), 'apply');
    const migrated = await status(repo.dir);
    expect(migrated.archive.state).toBe('archived');
    ok(await cli(repo.dir, ['rollback', '--component', 'pourtier', '--yes']), 'rollback pourtier');
    const after = await status(repo.dir);
    const state = Object.fromEntries(after.components.map((c) => [c.name, c.state]));
    expect(state).toEqual({
      courier: 'host-only',
      passeur: 'migrated',
      pourtier: 'pending',
    });
    expect(after.archive.state).not.toBe('archived');
    for (const f of [
      'docker-compose.development.yaml',
      'docker-compose.test.yaml',
      'docker-compose.production.yaml',
    ])
      expect(readText(repo.dir, f), f).toBe(git(repo.dir, 'show', `${repo.start}:${f}`));
    expect(existsSync(join(repo.dir, 'pourtier/docker-compose.yaml'))).toBe(false);
    expect(existsSync(join(repo.dir, 'passeur/docker-compose.yaml'))).toBe(true);
    expect(
      Object.fromEntries(Object.entries(treeHashes(repo.dir)).filter(([p]) => p.startsWith('todo/'))),
    ).toEqual(todoBefore);
    expect(porcelain(repo.dir)).toBe('');
  });
});

describe('refusals: exit 3, say what to do, change nothing', () => {
  let base: TestRepo;
  beforeAll(() => {
    base = makeRepo('lumiere');
  });

  const refuses = async (
    repo: TestRepo,
    args: string[],
    advice: RegExp,
    env: Record<string, string | undefined> = {},
  ): Promise<void> => {
    const before = snapshot(repo.dir);
    const r = await cli(repo.dir, args, { env });
    expect(r.code).toBe(3);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr).toMatch(advice);
    expect(snapshot(repo.dir)).toEqual(before);
  };

  it('a dirty tree', () => {
    const repo = cloneRepo(base);
    writeText(
      repo.dir,
      'docker-compose.test.yaml',
      `${readText(repo.dir, 'docker-compose.test.yaml')}# local tweak\n`,
    );
    refuses(repo, ['apply', '--all', '--yes'], /docker-compose\.test\.yaml[\s\S]*(commit|stash)/);
  });

  it('a stale saved plan', async () => {
    const repo = cloneRepo(base);
    const saved = join(repo.dir, '..', 'plan.json');
    expect((await cli(repo.dir, ['plan', '--out', saved])).code).toBe(0);
    writeText(
      repo.dir,
      'docker-compose.test.yaml',
      `${readText(repo.dir, 'docker-compose.test.yaml')}# reviewed later\n`,
    );
    git(repo.dir, 'commit', '-qam', 'edit an input');
    refuses(
      repo,
      ['apply', '--plan', saved, '--yes'],
      /stale[\s\S]*docker-compose\.test\.yaml[\s\S]*plan --out/,
    );
  });

  it('a merge in progress', () => {
    const repo = cloneRepo(base);
    git(repo.dir, 'checkout', '-q', '-b', 'other');
    writeText(repo.dir, 'courier/src/courier/__init__.py', 'VERSION = "other"\n');
    git(repo.dir, 'commit', '-qam', 'other side');
    git(repo.dir, 'checkout', '-q', 'main');
    writeText(repo.dir, 'courier/src/courier/__init__.py', 'VERSION = "main"\n');
    git(repo.dir, 'commit', '-qam', 'main side');
    expect(() => git(repo.dir, 'merge', '-q', 'other')).toThrow();
    expect(existsSync(join(repo.dir, '.git/MERGE_HEAD'))).toBe(true);
    refuses(repo, ['apply', '--component', 'pourtier', '--yes'], /merge/i);
  });

  it('apply without a terminal and without --yes', () => {
    refuses(cloneRepo(base), ['apply', '--all'], /--yes/);
  });

  it('apply in CI without --yes, even with input on stdin', () => {
    refuses(cloneRepo(base), ['apply', '--all'], /--yes/, { CI: 'true' });
  });
});

describe('a failure in the middle of writing', () => {
  it('leaves the tree as it was: exit 1, one line, no stack trace', async () => {
    const repo = makeRepo('lumiere');
    const before = snapshot(repo.dir);
    const r = await cli(repo.dir, ['apply', '--all', '--yes'], { failAfter: 3 });
    expect(r.code).toBe(1);
    expectOneLineError(r);
    expect(snapshot(repo.dir)).toEqual(before);
  });
});

describe('re-apply, --no-commit and status', () => {
  it('re-applying a migrated component says so and makes no commit', async () => {
    const repo = makeRepo('lumiere');
    ok(await cli(repo.dir, ['apply', '--component', 'pourtier', '--yes']), 'apply');
    const before = snapshot(repo.dir);
    const again = ok(await cli(repo.dir, ['apply', '--component', 'pourtier', '--yes']), 're-apply');
    expect(again.stdout).toMatch(/pourtier is already migrated/);
    expect(snapshot(repo.dir)).toEqual(before);
  });

  it('--no-commit then rollback --yes restores byte for byte', async () => {
    const repo = makeRepo('lumiere');
    const before = snapshot(repo.dir);
    ok(
      await cli(repo.dir, ['apply', '--component', 'pourtier', '--yes', '--no-commit']),
      'apply --no-commit',
    );
    expect(head(repo.dir)).toBe(before.head);
    expect(porcelain(repo.dir)).toMatch(/^A {2}pourtier\/docker-compose\.yaml$/m);
    expect((await status(repo.dir)).components.find((c) => c.name === 'pourtier')?.state).toBe('staged');
    ok(await cli(repo.dir, ['rollback', '--yes']), 'rollback');
    const after = snapshot(repo.dir);
    expect({ ...after, refs: undefined }).toEqual({ ...before, refs: undefined });
    expect(after.refs).not.toMatch(/refs\/compose-migrate\/pending/);
  });

  it('status --json shows migrated, pending and host-only', async () => {
    const repo = makeRepo('lumiere');
    ok(await cli(repo.dir, ['apply', '--component', 'passeur', '--yes']), 'apply passeur');
    const s = await status(repo.dir);
    const byName = Object.fromEntries(s.components.map((c) => [c.name, c]));
    expect(byName.passeur).toMatchObject({ kind: 'compose', state: 'migrated', commit: head(repo.dir) });
    expect(byName.pourtier).toMatchObject({ kind: 'compose', state: 'pending' });
    expect(byName.courier).toMatchObject({ kind: 'host', state: 'host-only' });
    expect(s.archive.state).toBe('at-root');
  });
});
