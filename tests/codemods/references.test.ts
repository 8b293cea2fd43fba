import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { MemorySnapshot } from '../../src/repo/memory.js';
import { parseComposeCommands, scanReferences } from '../../src/codemods/references.js';
import { lumiereContext } from './helpers.js';

const ctx = lumiereContext(true);

describe('parseComposeCommands', () => {
  it('splits files, global flags, subcommand and arguments, stopping at shell operators and quotes', () => {
    const [c] = parseComposeCommands(
      'cd x && docker-compose -f docker-compose.test.yaml --profile e2e up -d --build; echo done',
    );
    expect(c).toMatchObject({
      binary: 'docker-compose',
      files: ['docker-compose.test.yaml'],
      globals: ['--profile', 'e2e'],
      subcommand: 'up',
      args: ['-d', '--build'],
    });
    const [q] = parseComposeCommands('"x": "docker compose --file=docker-compose.test.yaml down",');
    expect(q).toMatchObject({ files: ['docker-compose.test.yaml'], subcommand: 'down', args: [] });
  });
});

describe('scanReferences', () => {
  it('keeps compound shell lines on one line, chaining the per-component commands', () => {
    const snap = new MemorySnapshot({
      'scripts/ci.sh': '#!/bin/sh\nset -e\ndocker compose -f docker-compose.test.yaml up -d && pytest\n',
    });
    const r = scanReferences(snap, ctx);
    expect(r.changes[0]!.content).toBe(
      '#!/bin/sh\nset -e\ndocker compose -f pourtier/docker-compose.test.yaml up -d && docker compose -f passeur/docker-compose.test.yaml up -d && pytest\n',
    );
  });

  it('reports commands that name services, compose includes and unknown files, and leaves them unchanged', () => {
    const snap = new MemorySnapshot({
      'run.sh': 'docker compose -f docker-compose.test.yaml up -d postgres-test\n',
      'tools/compose.override.yaml': 'include:\n  - ../docker-compose.test.yaml\n',
      'tox.ini': '[testenv]\ncommands = docker compose -f docker-compose.test.yaml up -d\n',
    });
    const r = scanReferences(snap, ctx);
    expect(r.changes).toEqual([]);
    expect(r.references.map((x) => [x.file, x.line, x.action])).toEqual([
      ['run.sh', 1, 'report'],
      ['tools/compose.override.yaml', 2, 'report'],
      ['tox.ini', 2, 'report'],
    ]);
  });

  it('extends an existing block scalar in place and keeps the YAML valid', () => {
    const wf =
      'jobs:\n  t:\n    steps:\n      - run: |\n          echo start\n          docker compose -f docker-compose.test.yaml down -v\n';
    const r = scanReferences(new MemorySnapshot({ '.github/workflows/a.yml': wf }), ctx);
    const out = r.changes[0]!.content!;
    const run = (parseYaml(out) as { jobs: { t: { steps: { run: string }[] } } }).jobs.t.steps[0]!.run;
    // No root .env in this snapshot, so no --env-file is added.
    expect(run).toBe(
      'echo start\ndocker compose -f pourtier/docker-compose.test.yaml down -v\ndocker compose -f passeur/docker-compose.test.yaml down -v\n',
    );
  });

  it('does not match component files or names that merely contain a root file name', () => {
    const snap = new MemorySnapshot({
      Makefile:
        'a:\n\tdocker compose -f pourtier/docker-compose.test.yaml up\n\tcat my-docker-compose.test.yaml\n',
    });
    expect(scanReferences(snap, ctx)).toEqual({ changes: [], references: [] });
  });
});
