import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cleanupRepos,
  ensureBuilt,
  exists,
  fixtureRepo,
  gitState,
  repoOf,
  runPiped,
} from '../interactive/repo.js';

beforeAll(ensureBuilt);
afterAll(cleanupRepos);

/** A repository whose `worker` service is built from the root with nothing tying it to a component. */
const unattributed = {
  'docker-compose.yml':
    'services:\n  api:\n    build: ./api\n    depends_on: [postgres]\n  worker:\n    build:\n      context: .\n      dockerfile: jobs.Dockerfile\n  postgres:\n    image: postgres:16\n',
  'docker-compose.test.yml': 'services:\n  api:\n    environment:\n      DB: postgres://postgres:5432/x\n',
  'api/package.json': '{"name":"api","scripts":{"test":"vitest"}}\n',
  'jobs.Dockerfile': 'FROM alpine\n',
};

/** A repository with a compose file whose name says no environment and that nothing runs. */
const unclassified = {
  'docker-compose.yml':
    'services:\n  api:\n    build: ./api\n    depends_on: [postgres]\n  postgres:\n    image: postgres:16\n',
  'docker-compose.backend.yml': 'services:\n  api:\n    environment:\n      LOG_LEVEL: debug\n',
  'api/package.json': '{"name":"api","scripts":{"test":"vitest"}}\n',
};

describe('decisions without a terminal', () => {
  describe.each([
    {
      kind: 'environment',
      make: () => repoOf(unclassified),
      args: ['--all'],
      key: 'config environments["docker-compose.backend.yml"]: base | dev | test | prod | backend | ignore',
    },
    {
      kind: 'attribution',
      make: () => repoOf(unattributed),
      args: ['--all'],
      key: 'config services.worker: api | backing',
    },
  ])('$kind (no safe default)', ({ make, args, key }) => {
    it.each([[[]], [['--yes']]])(
      'exits 3 with %j and names the config key; nothing is written',
      (extra: string[]) => {
        const dir = make();
        const before = gitState(dir);
        const r = runPiped(['apply', ...args, ...extra], dir);
        expect(r.code).toBe(3);
        expect(r.stderr).toContain('no safe default');
        expect(r.stderr).toContain(key);
        expect(r.stdout).toBe('');
        expect(gitState(dir)).toEqual(before);
      },
    );
  });

  describe.each([
    {
      kind: 'peer',
      make: () => fixtureRepo('layered', { write: { 'compose-migrate.config.yaml': 'ports: shift\n' } }),
      args: ['--all'],
      names: ['--with-peers or config peers.app', '--with-peers or config peers.chat', 'api into chat: no'],
      absent: ['config ports'],
      check: (dir: string) => {
        expect(readFileSync(join(dir, 'chat/docker-compose.yml'), 'utf8')).not.toMatch(/^ {2}api:/m);
      },
    },
    {
      kind: 'port',
      make: () =>
        fixtureRepo('layered', {
          write: { 'compose-migrate.config.yaml': 'peers:\n  app: false\n  chat: false\n' },
        }),
      args: ['--all'],
      names: ['ports: shift', 'config ports: shift | keep'],
      absent: ['peers.'],
      check: (dir: string) => {
        expect(readFileSync(join(dir, 'app/docker-compose.yml'), 'utf8')).toContain('5433:5432');
      },
    },
    {
      kind: 'container-name',
      make: () => fixtureRepo('lumiere', { write: { 'compose-migrate.config.yaml': 'ports: shift\n' } }),
      args: ['--component', 'pourtier'],
      names: ['containerNames: scope', 'config containerNames: scope | keep | drop'],
      absent: ['config ports', 'peers.'],
      check: (dir: string) => {
        expect(readFileSync(join(dir, 'pourtier/docker-compose.yaml'), 'utf8')).toContain(
          'container_name: pourtier-postgres-dev',
        );
      },
    },
  ])('$kind (has a default)', ({ make, args, names, absent, check }) => {
    it('exits 3 without --yes, naming the flag or config key and the default --yes would take', () => {
      const dir = make();
      const before = gitState(dir);
      const r = runPiped(['apply', ...args], dir);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('pass --yes');
      for (const n of names) expect(r.stderr).toContain(n);
      for (const a of absent) expect(r.stderr).not.toContain(a);
      expect(gitState(dir)).toEqual(before);
    });

    it('proceeds with --yes, taking the default', () => {
      const dir = make();
      const before = gitState(dir);
      const r = runPiped(['apply', ...args, '--yes'], dir);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(gitState(dir).log.length).toBeGreaterThan(before.log.length);
      check(dir);
    });
  });

  it('a flag settles its decision: --with-peers leaves only the confirmation to refuse', () => {
    const dir = fixtureRepo('layered', { write: { 'compose-migrate.config.yaml': 'ports: shift\n' } });
    const r = runPiped(['apply', '--all', '--with-peers'], dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('pass --yes');
    expect(r.stderr).not.toContain('peers.');
  });

  it('CI=true refuses even when the config answers everything', () => {
    const dir = fixtureRepo('infra-backend');
    const r = runPiped(['apply', '--all'], dir, { CI: 'true' });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /^compose-migrate: apply changes files and commits; without a terminal to confirm on, pass --yes \(or review with --dry-run first\)\n$/,
    );
  });

  it('--dry-run needs no --yes: it writes nothing and shows the defaults in force', () => {
    const dir = fixtureRepo('layered');
    const before = gitState(dir);
    const r = runPiped(['apply', '--all', '--dry-run'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('dry run: nothing was written');
    expect(r.stdout).toContain('+++ b/app/docker-compose.yml');
    expect(gitState(dir)).toEqual(before);
    expect(exists(dir, 'app/docker-compose.yml')).toBe(false);
  });
});
