import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupRepos,
  cli,
  cloneRepo,
  git,
  ensureBuilt,
  expectOneLineError,
  FIXTURES,
  fixtureDir,
  makeRepo,
  porcelain,
  readText,
  treeHashes,
  writeText,
  type FixtureName,
  type RunResult,
  type TestRepo,
} from '../helpers/cli.js';
import { hasDockerCompose, mask, readGenerated, readRootSide, type RootSide } from './referee.js';

// The referee may be absent on a developer machine, never in CI.
if (!hasDockerCompose && process.env.CI === 'true')
  throw new Error('docker-compose is required in CI for the referee tests');

interface Applied {
  repo: TestRepo;
  root: RootSide;
  todoBefore: Record<string, string>;
  rootFiles: string[];
  apply: RunResult;
}

const applied = new Map<FixtureName, Applied>();

const hashesUnder = (dir: string, sub: string): Record<string, string> =>
  Object.fromEntries(Object.entries(treeHashes(dir)).filter(([p]) => p.startsWith(`${sub}/`)));

beforeAll(async () => {
  ensureBuilt();
  // Independent repositories: prepared and applied side by side.
  await Promise.all(
    FIXTURES.map(async (fixture) => {
      const repo = makeRepo(fixture);
      const root = hasDockerCompose
        ? await readRootSide(repo.dir)
        : ({ services: new Map(), profiles: [], files: [], hasDotEnv: false, components: [] } as RootSide);
      const plan = JSON.parse((await cli(repo.dir, ['plan', '--json'])).stdout) as {
        environments: { files: string[] }[];
      };
      const rootFiles = [...new Set(plan.environments.flatMap((e) => e.files))];
      const todoBefore = hashesUnder(repo.dir, 'todo');
      const apply = await cli(repo.dir, ['apply', '--all', '--yes']);
      applied.set(fixture, { repo, root, todoBefore, rootFiles, apply });
    }),
  );
});
afterAll(() => cleanupRepos());

const get = (fixture: FixtureName): Applied => applied.get(fixture)!;

describe.each(FIXTURES)('apply --all --yes on %s', (fixture) => {
  it('succeeds, commits, and leaves a clean tree', () => {
    const { apply, repo } = get(fixture);
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect(porcelain(repo.dir)).toBe('');
  });

  it.skipIf(!hasDockerCompose)(
    'every migrated service has the same effective config under docker-compose, except the planned adjustments',
    async () => {
      const { repo, root } = get(fixture);
      expect(root.files.length).toBeGreaterThan(0);
      for (const file of root.files) {
        // What was applied is what was planned, so the adjustments listed by the plan are the ones in the file.
        expect(readText(repo.dir, file.path), file.path).toBe(file.text);
        const generated = await readGenerated(repo.dir, file, root);
        const original = root.services.get(file.env)!;
        expect(Object.keys(generated).sort(), file.path).toEqual([...file.services].sort());
        for (const service of file.services) {
          const o = structuredClone(original[service]);
          const g = structuredClone(generated[service]);
          expect(o, `${service} in the root ${file.env} files`).toBeDefined();
          mask(service, o!, g!, file.applied, (msg) => expect.fail(`${file.path}: ${msg}`));
          expect({ file: file.path, service, ...g }).toEqual({ file: file.path, service, ...o });
        }
      }
    },
  );

  it('host-only components get a Makefile and no compose file', () => {
    const { repo, root } = get(fixture);
    const hosts = root.components.filter((c) => c.kind === 'host');
    for (const c of hosts) {
      expect(existsSync(join(repo.dir, c.path, 'Makefile')), `${c.path}/Makefile`).toBe(true);
      const composeFiles = readdirSync(join(repo.dir, c.path)).filter((n) =>
        /^(docker-)?compose[^/]*\.ya?ml$/.test(n),
      );
      expect(composeFiles, c.path).toEqual([]);
    }
  });

  it('verify finds no difference after apply beyond the losses the plan reported', async () => {
    const r = await cli(get(fixture).repo.dir, ['verify', '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as {
      unexplained: number;
      files: { verdict: string; differences: { reported?: string }[] }[];
    };
    expect(json.unexplained).toBe(0);
    expect(json.files.length).toBeGreaterThan(0);
    for (const f of json.files) {
      expect(f.verdict).not.toBe('error');
      for (const d of f.differences) expect(d.reported).toBe('dependency-dropped');
    }
  });

  it('archives the root files into todo/ and keeps what todo/ held byte for byte', () => {
    const { repo, todoBefore, rootFiles } = get(fixture);
    expect(rootFiles.length).toBeGreaterThan(0);
    for (const f of rootFiles) expect(existsSync(join(repo.dir, f)), f).toBe(false);
    const todoAfter = hashesUnder(repo.dir, 'todo');
    for (const [path, hash] of Object.entries(todoBefore)) expect(todoAfter[path], path).toBe(hash);
    // Each archived file is in todo/ with its original bytes, under whatever name was free.
    const fixtureHashes = treeHashes(fixtureDir(fixture));
    const archived = Object.entries(todoAfter)
      .filter(([p]) => !(p in todoBefore))
      .map(([, h]) => h.split(':')[1]);
    for (const f of rootFiles.filter((f) => !f.includes('/')))
      expect(archived, f).toContain(fixtureHashes[f]!.split(':')[1]);
  });
});

describe('lumiere specifics', () => {
  it('passeur keeps every line of its own Makefile', () => {
    const { repo } = get('lumiere');
    const original = readText(fixtureDir('lumiere'), 'passeur/Makefile')
      .split('\n')
      .filter((l) => l !== '');
    const now = new Set(readText(repo.dir, 'passeur/Makefile').split('\n'));
    expect(original.length).toBeGreaterThan(0);
    for (const line of original) expect(now, line).toContain(line);
  });

  it('the pre-existing todo/ files are untouched', () => {
    const { repo } = get('lumiere');
    for (const f of ['todo/README.md', 'todo/docker-compose.test.yaml'])
      expect(readText(repo.dir, f)).toBe(readText(fixtureDir('lumiere'), f));
  });

  it('verify exits 1 naming the service and key once a bind path is put back in root form', async () => {
    // A copy of the applied repository, so the other tests keep the clean result.
    const { repo } = get('lumiere');
    const copy = cloneRepo(repo);
    const text = readText(copy.dir, 'pourtier/docker-compose.yaml');
    expect(text).toContain('- ./src:/app/src');
    writeText(
      copy.dir,
      'pourtier/docker-compose.yaml',
      text.replace('- ./src:/app/src', '- ./pourtier/src:/app/src'),
    );
    const r = await cli(copy.dir, ['verify']);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/pourtier\b.*volumes/);
    const json = await cli(copy.dir, ['verify', '--json']);
    expect(json.code).toBe(1);
    const diffs = JSON.stringify(JSON.parse(json.stdout));
    expect(diffs).toContain('"service":"pourtier"');
    expect(diffs).toMatch(/"path":"volumes[^"]*"/);
  });
});

describe('apply refuses what the Compose schema rejects', () => {
  // The Compose schema leaves `restart` a free string; an enum and an unknown key are what it rejects.
  const cases: [string, RegExp][] = [
    ['pull_policy: sometimes', /^compose-migrate: api\/docker-compose\.yml:6:\d+: .*pull_policy/],
    ['restartt: "no"', /^compose-migrate: api\/docker-compose\.yml:6:\d+: .*restartt/],
  ];
  for (const [line, pattern] of cases) {
    it(`exits 1 with nothing written when the generated file would carry ${line}`, async () => {
      const repo = makeRepo(null, {
        'api/Dockerfile': 'FROM node:20\n',
        'api/package.json': '{"name":"api","scripts":{"test":"node --test"}}\n',
        'docker-compose.yml': `services:\n  api:\n    build: ./api\n    depends_on: [db]\n    ${line}\n  db:\n    image: postgres:16\n`,
      });
      const before = treeHashes(repo.dir);
      const r = await cli(repo.dir, ['apply', '--all', '--yes']);
      expect(r.code).toBe(1);
      expect(expectOneLineError(r)).toMatch(pattern);
      expect(porcelain(repo.dir)).toBe('');
      expect(treeHashes(repo.dir)).toEqual(before);
      expect(git(repo.dir, 'rev-parse', 'HEAD').trim()).toBe(repo.start);
    });
  }
});

describe('apply --dry-run', () => {
  it('prints a unified diff and writes nothing', async () => {
    const repo = makeRepo('lumiere');
    const before = treeHashes(repo.dir);
    const head = readText(repo.dir, '.git/HEAD');
    const r = await cli(repo.dir, ['apply', '--all', '--yes', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^--- /m);
    expect(r.stdout).toMatch(/^\+\+\+ .*pourtier\/docker-compose\.yaml/m);
    expect(r.stdout).toMatch(/^@@ -\d+(,\d+)? \+\d+(,\d+)? @@/m);
    expect(porcelain(repo.dir)).toBe('');
    expect(treeHashes(repo.dir)).toEqual(before);
    expect(readText(repo.dir, '.git/HEAD')).toBe(head);
    expect((await cli(repo.dir, ['status', '--json'])).stdout).not.toContain('"migrated"');
  });
});
