/**
 * The corpus harness's own judgements: what counts as a crash, when two trees are the same, how the
 * referee is made to read current Compose, and what the referee's meaning comparison forgives.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkFailures } from '../../bench/corpus/check.js';
import { compareMeaning, verdictMismatch } from '../../bench/corpus/meaning.js';
import { agreement } from '../../bench/corpus/report.js';
import { refereeConfig } from '../../bench/corpus/referee.js';
import type { FileOutcome, RepoOutcome } from '../../bench/corpus/repo-run.js';
import { crashOf, type StepRun } from '../../bench/corpus/steps.js';
import { snapshotTree, treeDifferences } from '../../bench/corpus/tree.js';
import { skipReferee } from '../compose/referee.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'cm-corpus-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const step = (over: Partial<StepRun>): StepRun => ({
  command: 'node',
  args: [],
  status: 0,
  signal: null,
  stdout: '',
  stderr: '',
  ms: 1,
  ...over,
});

describe('crashOf', () => {
  it('accepts the documented exits with a one-line message', () => {
    for (const status of [0, 1, 2, 3, 130])
      expect(crashOf(step({ status, stderr: 'compose-migrate: x.yml:3:1: bad thing\n' }))).toBeUndefined();
  });

  it('calls a stack trace, an internal error, a signal or an undocumented exit a crash', () => {
    const trace = 'TypeError: x is undefined\n    at build (file:///a/dist/src/plan/build.js:10:5)\n';
    expect(crashOf(step({ status: 1, stderr: trace }))).toMatch(/stack trace/);
    expect(crashOf(step({ status: 1, stderr: '    at async Promise.all (index 0)\n' }))).toMatch(
      /stack trace/,
    );
    expect(crashOf(step({ status: 1, stderr: 'compose-migrate: internal error: oops\n' }))).toMatch(
      /internal error/,
    );
    expect(crashOf(step({ status: null, signal: 'SIGSEGV' }))).toMatch(/SIGSEGV/);
    expect(crashOf(step({ status: 134 }))).toMatch(/undocumented exit code 134/);
  });

  it('does not mistake prose that contains "at " for a frame', () => {
    expect(
      crashOf(step({ status: 1, stderr: 'compose-migrate: look at docker-compose.yml line 3\n' })),
    ).toBeUndefined();
  });
});

describe('tree snapshots', () => {
  const make = (): string => {
    const d = tempDir();
    mkdirSync(join(d, 'a'));
    writeFileSync(join(d, 'a', 'run.sh'), '#!/bin/sh\n');
    chmodSync(join(d, 'a', 'run.sh'), 0o755);
    writeFileSync(join(d, 'x.txt'), 'x\n');
    symlinkSync('x.txt', join(d, 'link'));
    mkdirSync(join(d, '.git'));
    writeFileSync(join(d, '.git', 'HEAD'), 'ref\n');
    return d;
  };

  it('sees a content change, a mode change, a new file, a removed file and a left-over empty folder', () => {
    const d = make();
    const before = snapshotTree(d);
    expect(treeDifferences(before, snapshotTree(d))).toEqual([]);
    writeFileSync(join(d, 'x.txt'), 'y\n');
    chmodSync(join(d, 'a', 'run.sh'), 0o644);
    writeFileSync(join(d, 'new.yml'), '');
    mkdirSync(join(d, 'todo'));
    rmSync(join(d, 'link'));
    writeFileSync(join(d, '.git', 'HEAD'), 'other\n');
    expect(treeDifferences(before, snapshotTree(d)).sort()).toEqual([
      '+new.yml',
      '+todo/',
      '-link',
      '~a/run.sh (mode 755 -> 644)',
      '~x.txt (content)',
    ]);
  });
});

describe('compareMeaning', () => {
  const root = {
    api: {
      image: 'api',
      container_name: 'api',
      ports: [{ published: 8000, target: 8000 }],
      depends_on: { db: { condition: 'service_started' }, cache: { condition: 'service_started' } },
      volumes: ['/repo/conf/app.yml:/etc/app.yml:rw'],
      networks: { default: {} },
    },
  };

  it('forgives the intentional kinds of change and nothing else', () => {
    const gen = {
      api: {
        ...root.api,
        container_name: 'api-dev',
        ports: [{ published: 18000, target: 8000 }],
        depends_on: { db: { condition: 'service_healthy' }, cache: { condition: 'service_started' } },
        networks: { default: null },
      },
    };
    expect(compareMeaning(root, gen)).toEqual({
      differences: [],
      intentional: ['api.container_name', 'api.depends_on', 'api.ports'],
      unmatched: [],
    });
  });

  it('reports a dropped dependency, a moved path and a changed container port', () => {
    const gen = {
      api: {
        ...root.api,
        ports: [{ published: 8000, target: 9000 }],
        depends_on: { db: { condition: 'service_started' } },
        volumes: ['/repo/api/conf/app.yml:/etc/app.yml:rw'],
      },
      extra: { image: 'x' },
    };
    expect(compareMeaning(root, gen)).toEqual({
      differences: ['api.depends_on', 'api.ports', 'api.volumes'],
      intentional: [],
      unmatched: ['extra'],
    });
  });
});

describe('top-level declarations in the meaning comparison', () => {
  const services = {
    db: { image: 'pg', volumes: ['pgdata:/var/lib/postgresql/data:rw'], networks: { back: null } },
  };
  const root = {
    volumes: { pgdata: { driver_opts: { type: 'none', o: 'bind', device: '/srv/pg' } } },
    networks: { back: { external: true, name: 'shared-back' } },
  };

  it('forgives a pinned volume name and nothing else', () => {
    const pinned = { ...root, volumes: { pgdata: { ...root.volumes.pgdata, name: 'old_pgdata' } } };
    expect(compareMeaning(services, services, { root, generated: pinned })).toEqual({
      differences: [],
      intentional: ['volumes.pgdata.name'],
      unmatched: [],
    });
  });

  it('reports a volume whose options were lost and a network no longer declared', () => {
    const generated = { volumes: { pgdata: {} } };
    expect(compareMeaning(services, services, { root, generated }).differences).toEqual([
      'volumes.pgdata',
      'networks.back',
    ]);
  });

  it('ignores what the generated services do not use', () => {
    const unused = { db: { image: 'pg', network_mode: 'host' } };
    expect(compareMeaning(unused, unused, { root, generated: {} }).differences).toEqual([]);
  });
});

describe('mounts in the meaning comparison', () => {
  const mounts = ['/repo/init:/docker-entrypoint-initdb.d:ro', 'pgdata:/var/lib/postgresql/data:rw'];

  it('compares them by target, as 1.29 reorders them when it merges layers', () => {
    const r = compareMeaning(
      { db: { image: 'pg', volumes: mounts } },
      { db: { image: 'pg', volumes: [...mounts].reverse() } },
    );
    expect(r.differences).toEqual([]);
  });

  it('still sees a mount that changed', () => {
    const moved = ['/repo/db/init:/docker-entrypoint-initdb.d:ro', mounts[1]!];
    const r = compareMeaning(
      { db: { image: 'pg', volumes: mounts } },
      { db: { image: 'pg', volumes: moved } },
    );
    expect(r.differences).toEqual(['db.volumes']);
  });
});

describe('verify against the referee', () => {
  const differs = { differences: ['api.depends_on'], intentional: [], unmatched: [] };
  const equal = { differences: [], intentional: ['api.ports'], unmatched: [] };
  const read = { ok: true };
  const file = (over: Partial<FileOutcome>): FileOutcome => ({
    path: 'api/docker-compose.yml',
    env: 'dev',
    component: 'api',
    services: ['api'],
    referee: { ok: true, notes: [] },
    rootRejected: false,
    ...over,
  });

  it('agrees when both say differs, a difference the plan reported included', () => {
    const verify = { differences: 1, paths: ['api.depends_on'], reported: 1 };
    expect(agreement(file({ meaning: differs, verify }))).toBe('agree');
    expect(agreement(file({ meaning: equal, verify }))).toBe('DISAGREE');
    expect(
      verdictMismatch(
        { file: 'f', differences: [{}], verdict: 'differs' },
        { generated: read, root: read, meaning: differs },
      ),
    ).toBeUndefined();
    expect(
      verdictMismatch(
        { file: 'f', differences: [], verdict: 'equal' },
        { generated: read, root: read, meaning: differs },
      ),
    ).toBe('verify: equal; referee: differs in api.depends_on');
  });

  it('has no verdict to compare where verify could not compare the file', () => {
    const verify = { differences: 0, paths: [], error: 'required variable X is missing a value (a.yml:3)' };
    expect(agreement(file({ meaning: equal, verify }))).toBe('n/a');
    const error = { file: 'f', differences: [], verdict: 'error' as const, error: { message: 'X unset' } };
    // ...which is agreement only where the referee refuses the file or its root environment too.
    expect(verdictMismatch(error, { generated: { ok: false }, root: { ok: false } })).toBeUndefined();
    expect(verdictMismatch(error, { generated: read, root: read, meaning: equal })).toMatch(
      /verify could not compare it/,
    );
  });
});

describe.skipIf(skipReferee)('refereeConfig on what 1.29 cannot read', () => {
  it('applies !override and !reset across layers, drops name:, and reads strings as current Compose does', async () => {
    const d = tempDir();
    writeFileSync(
      join(d, 'base.yml'),
      `name: shop
x-common: &common
  environment:
    A: "1"
    B: "2"
  ports: ["8080:80"]
services:
  web:
    image: nginx
    <<: *common
    restart: no
`,
    );
    writeFileSync(
      join(d, 'dev.yml'),
      `services:
  web:
    environment: !override
      C: "3"
    ports: !reset []
`,
    );
    const r = await refereeConfig(d, ['base.yml', 'dev.yml']);
    expect(r.error).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.services.web?.environment).toEqual({ C: '3' });
    expect(r.services.web?.ports).toBeUndefined();
    expect(r.services.web?.restart).toBe('no');
    expect(r.notes.join('\n')).toMatch(/name dropped/);
    expect(r.notes.join('\n')).toMatch(/!reset\/!override/);
  });

  it('says why it rejects a file, without the variable warnings', async () => {
    const d = tempDir();
    writeFileSync(
      join(d, 'c.yml'),
      'services:\n  db:\n    image: postgres\n    environment:\n      P: ${P:?set P}\n      Q: ${Q}\n',
    );
    const r = await refereeConfig(d, ['c.yml']);
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/set P/);
    expect(r.error).not.toMatch(/Defaulting to a blank string/);
  });
});

describe('checkFailures', () => {
  const base = (): RepoOutcome => ({
    name: 'repo',
    steps: { plan: { status: 0, ms: 1 }, apply: { status: 3, ms: 1 } },
    applyDecisionKeys: ['services.api'],
    files: [],
    conservationNotes: [],
    rollback: { equal: true, differences: [] },
    totalMs: 1,
  });
  const file = (ok: boolean, rootRejected: boolean): FileOutcome => ({
    path: 'api/docker-compose.yaml',
    env: 'dev',
    component: 'api',
    services: [],
    referee: { ok, ...(ok ? {} : { error: 'bad' }), notes: [] },
    rootRejected,
  });

  it('passes a run that stopped for a decision and rolled back cleanly', () => {
    expect(checkFailures([base()], { strictConservation: true })).toEqual([]);
  });

  it('fails on a crash, a rollback that differs, and a file rejected while its root environment is accepted', () => {
    const r = base();
    r.steps.verify = { status: 1, ms: 1, crash: 'stack trace on stderr: at x (a.js:1:2)' };
    r.rollback = { equal: false, differences: ['+todo/'] };
    r.files = [file(false, false), file(false, true), file(true, false)];
    const failures = checkFailures([r], { strictConservation: false });
    expect(failures).toHaveLength(3);
    expect(failures.join('\n')).toMatch(/verify crashed/);
    expect(failures.join('\n')).toMatch(/rollback left the tree different: \+todo\//);
    expect(failures.join('\n')).toMatch(/referee rejects api\/docker-compose.yaml: bad/);
  });

  it('fails on a lost (environment, service) only when asked to', () => {
    const r = base();
    r.conservation = { root: ['dev/api'], carried: [], accounted: [], lost: ['dev/api'], extra: [] };
    expect(checkFailures([r], { strictConservation: false })).toEqual([]);
    expect(checkFailures([r], { strictConservation: true })).toEqual([
      'repo: 1 (environment, service) lost: dev/api',
    ]);
  });
});
