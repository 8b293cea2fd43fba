import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { MemorySnapshot } from '../../src/repo/memory.js';
import { parseComposeCommands, scanReferences } from '../../src/codemods/references.js';
import { lumiereContext } from './helpers.js';
import type { CodemodContext } from '../../src/codemods/types.js';

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

/** A shop: api (dev + test files, postgres), web (dev file only), docs-site on the host. */
function shopContext(): CodemodContext {
  return {
    components: [
      {
        name: 'api',
        path: 'services/api',
        composeFiles: {
          dev: 'services/api/docker-compose.yml',
          test: 'services/api/docker-compose.test.yml',
        },
        services: { dev: ['api', 'db'], test: ['api-test', 'db-test'] },
      },
      {
        name: 'web',
        path: 'services/web',
        composeFiles: { dev: 'services/web/docker-compose.yml' },
        services: { dev: ['web'], test: [] },
      },
      { name: 'docs-site', path: 'docs-site', composeFiles: {}, services: { dev: ['docs'], test: [] } },
    ],
    rootComposeFiles: [
      { path: 'docker-compose.yml', env: 'base' },
      { path: 'docker-compose.override.yml', env: 'dev' },
      { path: 'docker-compose.test.yml', env: 'test' },
    ],
    archiveDir: 'todo',
    archivedPaths: {
      'docker-compose.yml': 'todo/docker-compose.yml',
      'docker-compose.override.yml': 'todo/docker-compose.override.yml',
      'docker-compose.test.yml': 'todo/docker-compose.test.yml',
    },
    fileNames: { dev: 'docker-compose.yml', test: 'docker-compose.test.yml' },
  };
}

describe('scanReferences per environment and for commands naming no file', () => {
  const run = (files: Record<string, string>) => scanReferences(new MemorySnapshot(files), shopContext());

  it('rewrites dev command lines to every component with a dev file, and service commands to their owner', () => {
    const r = run({
      'scripts/dev.sh':
        'docker compose -f docker-compose.yml -f docker-compose.override.yml up -d\n' +
        'docker compose -f docker-compose.yml -f docker-compose.override.yml logs -f db\n' +
        'docker compose -f docker-compose.yml -f docker-compose.override.yml exec web npm run lint\n' +
        'docker compose -f docker-compose.yml -f docker-compose.override.yml up docs\n' +
        'docker compose -f docker-compose.yml -f docker-compose.override.yml up api web\n',
    });
    expect(r.changes[0]!.content!.split('\n')).toEqual([
      'docker compose -f services/api/docker-compose.yml up -d',
      'docker compose -f services/web/docker-compose.yml up -d',
      'docker compose -f services/api/docker-compose.yml logs -f db',
      'docker compose -f services/web/docker-compose.yml exec web npm run lint',
      'docker compose -f docker-compose.yml -f docker-compose.override.yml up docs',
      'docker compose -f docker-compose.yml -f docker-compose.override.yml up api web',
      '',
    ]);
    const reported = r.references.filter((x) => x.action === 'report');
    expect(reported.map((x) => [x.line, x.note])).toEqual([
      [4, 'docs runs on the host after the migration (no dev compose file); rewrite by hand'],
      [5, "api, web run in different components' dev files; split the command by hand"],
    ]);
  });

  it('a command naming no file at the root reads the default files: rewritten like -f', () => {
    const r = run({
      Makefile: 'up:\n\tdocker compose up -d\n',
      'package.json':
        '{ "scripts": { "test:infra": "COMPOSE_FILE=docker-compose.test.yml docker compose up -d" } }\n',
      '.github/workflows/ci.yml': 'jobs:\n  t:\n    steps:\n      - run: docker-compose build\n',
    });
    const byPath = Object.fromEntries(r.changes.map((c) => [c.path, c.content]));
    expect(byPath['Makefile']).toBe('up:\n\t$(MAKE) -C services/api dev\n\t$(MAKE) -C services/web dev\n');
    expect(byPath['package.json']).toBe(
      '{ "scripts": { "test:infra": "docker compose -f services/api/docker-compose.test.yml up -d" } }\n',
    );
    expect(byPath['.github/workflows/ci.yml']).toBe(
      'jobs:\n  t:\n    steps:\n      - run: |\n          docker-compose -f services/api/docker-compose.yml build\n          docker-compose -f services/web/docker-compose.yml build\n',
    );
  });

  it('reports where the working directory is unclear; a component folder finds its own new files', () => {
    const r = run({
      'tools/Makefile': 'up:\n\tdocker compose up -d\n',
      'services/api/Makefile': 'up:\n\tdocker compose up -d\n',
      'scripts/reset.sh': 'cd services/web && docker compose down\ncd tools && docker compose down\n',
    });
    expect(r.changes).toEqual([]);
    expect(r.references.map((x) => [x.file, x.line, x.action])).toEqual([
      ['scripts/reset.sh', 2, 'report'],
      ['tools/Makefile', 2, 'report'],
    ]);
    expect(r.references[1]!.note).toMatch(/compose walks up to the root docker-compose.yml/);
  });

  it("never lists the tool's own generated Makefiles, nor an installer's copy of a compose file", () => {
    const r = run({
      'services/api/compose.mk':
        '# Generated by compose-migrate. Run make from this directory.\ndev:\n\tdocker compose -f docker-compose.yml up -d\n',
      'install/install.sh':
        '#!/bin/sh\n# Fetch docker-compose.yml for this release\ncurl -fsSL "$RELEASE_URL/docker-compose.yml" -o "$DIR/docker-compose.yml"\necho "docker-compose.yml written"\n',
      'docs/usage.md': '# Usage\n\nThe file docker-compose.yml starts everything.\n',
    });
    expect(r.references.map((x) => x.file)).toEqual(['docs/usage.md']);
  });

  it('a prose line starting with a compose file name is not a compose command', () => {
    const [c] = parseComposeCommands('# docker-compose.yml holds the base');
    expect(c).toBeUndefined();
  });
});

describe('a command naming no file beside a compose file of its own', () => {
  it('is about that stack, not the root files', () => {
    const r = scanReferences(
      new MemorySnapshot({
        'ops/proxy/docker-compose.yml': 'services: {}\n',
        'ops/proxy/scripts/restart.sh': 'docker compose restart\n',
        'ops/proxy/Makefile': 'up:\n\tdocker compose up -d\n',
      }),
      shopContext(),
    );
    expect(r).toEqual({ changes: [], references: [] });
  });
});

describe('the root .env in rewritten command lines', () => {
  const files = {
    'scripts/up.sh': '#!/bin/sh\ndocker compose -f docker-compose.test.yaml down -v\n',
    Makefile: 'down:\n\tdocker compose -f docker-compose.test.yaml down -v\n',
    'docs/run.md': '```sh\ndocker compose -f docker-compose.test.yaml down -v\n```\n',
  };
  const rewritten = (c: CodemodContext): Record<string, string> =>
    Object.fromEntries(
      scanReferences(new MemorySnapshot(files), c).changes.map((ch) => [ch.path, ch.content ?? '']),
    );

  it('a committed .env is passed plainly everywhere', () => {
    const out = rewritten({ ...ctx, rootEnv: true, rootEnvOptional: false });
    expect(out['scripts/up.sh']).toContain('-f pourtier/docker-compose.test.yaml --env-file .env down -v');
    expect(out['Makefile']).toContain('-f pourtier/docker-compose.test.yaml --env-file .env down -v');
  });

  it('an uncommitted one is passed only where it exists by lines that run, and named plainly in docs', () => {
    const out = rewritten({ ...ctx, rootEnv: true, rootEnvOptional: true, rootEnvFile: 'deploy/.env' });
    expect(out['scripts/up.sh']).toContain(
      '-f pourtier/docker-compose.test.yaml $([ -f deploy/.env ] && echo --env-file deploy/.env) down -v',
    );
    expect(out['Makefile']).toContain(
      '-f pourtier/docker-compose.test.yaml $(if $(wildcard deploy/.env),--env-file deploy/.env) down -v',
    );
    expect(out['docs/run.md']).toContain(
      '-f pourtier/docker-compose.test.yaml --env-file deploy/.env down -v',
    );
  });

  it('the shell form expands to the flag only when the file is there (run by sh)', () => {
    const out = rewritten({ ...ctx, rootEnv: true, rootEnvOptional: true });
    const line = (out['scripts/up.sh'] ?? '').split('\n').find((l) => l.includes('pourtier/')) ?? '';
    const dir = mkdtempSync(join(tmpdir(), 'env-arg-'));
    try {
      // `docker` replaced by a function that prints its arguments: what the line would run.
      const run = (): string =>
        execFileSync('sh', ['-c', `docker() { printf '%s|' "$@"; }; ${line}`], {
          cwd: dir,
          encoding: 'utf8',
        });
      expect(run()).toBe('compose|-f|pourtier/docker-compose.test.yaml|down|-v|');
      writeFileSync(join(dir, '.env'), 'A=1\n');
      expect(run()).toBe('compose|-f|pourtier/docker-compose.test.yaml|--env-file|.env|down|-v|');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
