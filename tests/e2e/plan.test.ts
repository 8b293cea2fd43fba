import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupRepos,
  cli,
  cliProcess,
  ensureBuilt,
  expectOneLineError,
  FIXTURES,
  makeRepo,
  porcelain,
  readText,
  treeHashes,
  type TestRepo,
} from '../helpers/cli.js';
import { planSchemaErrors } from './plan-schema.js';

interface Edge {
  service: string;
  kind: string;
  via: string;
  from: string;
  env: string;
  role: string;
  component?: string;
}
interface PlanComponent {
  name: string;
  path: string;
  kind: 'compose' | 'host';
  services: string[];
  dependsOn: Edge[];
  backing: Record<string, string[]>;
}
interface PlanJson {
  schemaVersion: number;
  selected: string[];
  components: PlanComponent[];
  changes: { op: string; path: string; component: string }[];
  findings: { code: string; message: string }[];
}

beforeAll(() => ensureBuilt());
afterAll(() => cleanupRepos());

describe('plan --json on lumiere', () => {
  let repo: TestRepo;
  let plan: PlanJson;
  let raw: unknown;
  const comp = (name: string): PlanComponent => {
    const c = plan.components.find((x) => x.name === name);
    if (!c) throw new Error(`no component ${name} in ${plan.components.map((x) => x.name).join(', ')}`);
    return c;
  };

  beforeAll(async () => {
    repo = makeRepo('lumiere');
    const r = await cli(repo.dir, ['plan', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    raw = JSON.parse(r.stdout);
    plan = raw as PlanJson;
  });

  it('conforms to the documented schema (schemaVersion 1)', () => {
    expect(planSchemaErrors(raw)).toEqual([]);
    expect(plan.schemaVersion).toBe(1);
  });

  it('pourtier is compose with its two services, backed by postgres in dev and postgres-test in test', () => {
    const p = comp('pourtier');
    expect(p.kind).toBe('compose');
    expect(p.services.sort()).toEqual(['pourtier', 'pourtier-test']);
    expect(p.backing.dev).toContain('postgres');
    expect(p.backing.test).toContain('postgres-test');
    const pg = p.dependsOn.find(
      (e) => e.service === 'postgres' && e.env === 'dev' && e.kind === 'depends_on',
    );
    expect(pg).toMatchObject({ from: 'pourtier', role: 'backing' });
    expect(pg!.via).toMatch(/^docker-compose\.development\.yaml:\d+ depends_on\.postgres$/);
    expect(p.dependsOn.find((e) => e.service === 'postgres-test' && e.env === 'test')).toMatchObject({
      from: 'pourtier-test',
      role: 'backing',
    });
  });

  it('courier is a host component; laborant (no service) is a tool, not a component, and gets no file', () => {
    expect(comp('courier').kind).toBe('host');
    expect(plan.components.some((c) => c.name === 'laborant')).toBe(false);
    expect(
      plan.findings.find((f) => f.code === 'not-a-component' && f.message.includes('laborant/')),
    ).toBeDefined();
    expect(plan.changes.filter((c) => c.path.startsWith('laborant/') && c.op === 'create')).toEqual([]);
    const composeFiles = plan.changes.filter(
      (c) => /docker-compose[^/]*\.ya?ml$/.test(c.path) && c.op === 'create',
    );
    expect(
      composeFiles.filter((c) => c.path.startsWith('laborant/') || c.path.startsWith('courier/')),
    ).toEqual([]);
    expect(composeFiles.map((c) => c.path).sort()).toEqual([
      'passeur/docker-compose.test.yaml',
      'passeur/docker-compose.yaml',
      'pourtier/docker-compose.production.yaml',
      'pourtier/docker-compose.test.yaml',
      'pourtier/docker-compose.yaml',
    ]);
  });

  it("lists passeur's edges with their kind, and its peer edge to pourtier comes from environment.POURTIER_URL", () => {
    const edges = comp('passeur').dependsOn;
    const kinds = new Set(edges.map((e) => `${e.service}/${e.kind}`));
    for (const k of ['postgres/depends_on', 'solana/depends_on', 'solana/hostname', 'postgres/hostname'])
      expect(kinds).toContain(k);
    const peer = edges.filter((e) => e.service === 'pourtier');
    expect(peer).toHaveLength(1);
    expect(peer[0]).toMatchObject({
      kind: 'hostname',
      role: 'peer',
      component: 'pourtier',
      from: 'passeur',
      env: 'dev',
    });
    const [file, line] = peer[0]!.via.split(' ')[0]!.split(':');
    expect(peer[0]!.via.split(' ')[1]).toBe('environment.POURTIER_URL');
    // The line named really is where the URL is written.
    expect(readText(repo.dir, file!).split('\n')[Number(line) - 1]).toContain(
      'POURTIER_URL=http://pourtier:8000',
    );
  });

  it('postgres/ (mounted into a registry image) is not a component', () => {
    expect(plan.components.map((c) => c.name).sort()).toEqual(['courier', 'passeur', 'pourtier']);
    expect(plan.components.some((c) => c.path === 'postgres' || c.path.startsWith('postgres/'))).toBe(false);
  });
});

describe('a peer dependency found only through a URL in environment', () => {
  it('is a peer edge that says where it came from', async () => {
    const repo = makeRepo(null, {
      'api/Dockerfile': 'FROM node:20\n',
      'api/package.json': '{"name":"api","scripts":{"test":"node --test"}}\n',
      'web/Dockerfile': 'FROM node:20\n',
      'web/package.json': '{"name":"web","scripts":{"test":"node --test"}}\n',
      'docker-compose.yml': [
        'services:',
        '  api:',
        '    build: ./api',
        '  web:',
        '    build: ./web',
        '    environment:',
        '      LOG_LEVEL: debug',
        '      BACKEND: "http://api:8080/v1"',
        '',
      ].join('\n'),
    });
    const r = await cli(repo.dir, ['plan', '--json']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as PlanJson;
    const web = plan.components.find((c) => c.name === 'web')!;
    expect(web.dependsOn).toEqual([
      {
        service: 'api',
        kind: 'hostname',
        via: 'docker-compose.yml:8 environment.BACKEND',
        from: 'web',
        env: 'dev',
        role: 'peer',
        component: 'api',
      },
    ]);
    // A peer is not backing: web's files do not pull api in by default.
    expect(web.backing.dev ?? []).not.toContain('api');
  });
});

describe('plan never writes to the repository', () => {
  for (const fixture of FIXTURES) {
    it(`${fixture}: plan, --json, --graph, --diff leave every file as it was; --out writes only its file`, async () => {
      const repo = makeRepo(fixture);
      const before = treeHashes(repo.dir);
      const runs = await Promise.all(
        [[], ['--json'], ['--graph'], ['--diff']].map(
          async (flags) => await cli(repo.dir, ['plan', ...flags]),
        ),
      );
      for (const r of runs) expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      expect(runs[2]!.stdout.trimStart()).toMatch(/^flowchart /);
      expect(runs[3]!.stdout).toMatch(/^\+\+\+ /m);
      expect(porcelain(repo.dir)).toBe('');
      expect(treeHashes(repo.dir)).toEqual(before);

      const out = await cli(repo.dir, ['plan', '--out', 'saved-plan.json']);
      expect(out.code).toBe(0);
      expect(porcelain(repo.dir)).toBe('?? saved-plan.json\n');
      const after = treeHashes(repo.dir);
      expect(Object.keys(after).filter((p) => !(p in before))).toEqual(['saved-plan.json']);
      delete after['saved-plan.json'];
      expect(after).toEqual(before);
      const saved = JSON.parse(readText(repo.dir, 'saved-plan.json')) as {
        schemaVersion: number;
        options?: unknown;
      };
      expect(saved.schemaVersion).toBe(1);
      expect(saved.options).toBeDefined();
    });
  }
});

describe('plan options', () => {
  let repo: TestRepo;
  beforeAll(() => {
    repo = makeRepo('lumiere');
  });

  it('--component filters the plan to that component', async () => {
    const r = await cli(repo.dir, ['plan', '--json', '--component', 'courier']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as PlanJson;
    expect(plan.selected).toEqual(['courier']);
    const owners = new Set(plan.changes.map((c) => c.component));
    expect([...owners].filter((o) => o !== '')).toEqual(['courier']);
    expect(plan.changes.some((c) => c.path.startsWith('pourtier/') || c.path.startsWith('passeur/'))).toBe(
      false,
    );
  });

  it('an unknown component is a usage error (exit 2) naming the known ones', async () => {
    const r = await cli(repo.dir, ['plan', '--component', 'nope']);
    expect(r.code).toBe(2);
    expect(expectOneLineError(r)).toMatch(/nope.*courier, passeur, pourtier/);
    expect(porcelain(repo.dir)).toBe('');
  });

  it('--help and --version exit 0, in-process and from the installed binary', async () => {
    for (const help of [await cli(repo.dir, ['--help']), cliProcess(repo.dir, ['--help'])]) {
      expect(help.code).toBe(0);
      for (const cmd of ['plan', 'apply', 'rollback', 'status', 'verify']) expect(help.stdout).toContain(cmd);
    }
    for (const version of [await cli(repo.dir, ['--version']), cliProcess(repo.dir, ['--version'])]) {
      expect(version.code).toBe(0);
      expect(version.stdout.trim()).toBe('0.1.0');
    }
  });

  it('the installed binary exits with the code run() returns (2 for a usage error, 1 for a broken file)', () => {
    const usage = cliProcess(repo.dir, ['plan', '--component', 'nope']);
    expect(usage.code).toBe(2);
    expect(expectOneLineError(usage)).toMatch(/nope/);
  });
});

describe('broken compose files: one line with file:line:col, exit 1, no stack trace', () => {
  const laughs = ['x-a: &a [x, x, x, x, x, x, x, x, x]'];
  for (const [from, to] of ['ab', 'bc', 'cd', 'de', 'ef', 'fg'])
    laughs.push(`x-${to}: &${to} [${Array(9).fill(`*${from}`).join(', ')}]`);
  const cases: [string, string, RegExp][] = [
    [
      'malformed YAML',
      'services:\n  api:\n    build: ./api\n    image: [a,\n',
      /^compose-migrate: docker-compose\.yml:\d+:\d+: \S/,
    ],
    [
      'services not a mapping',
      'services:\n  - api\n  - web\n',
      /^compose-migrate: docker-compose\.yml:\d+:\d+: .*services.*mapping/,
    ],
    [
      'duplicate keys',
      'services:\n  api:\n    build: ./api\n    build: ./other\n',
      /^compose-migrate: docker-compose\.yml:4:5: .*unique/i,
    ],
    [
      'an alias bomb',
      `${laughs.join('\n')}\nservices:\n  api:\n    build: ./api\n    labels: *g\n`,
      /^compose-migrate: docker-compose\.yml:\d+:\d+: .*alias/,
    ],
  ];
  for (const [name, text, pattern] of cases) {
    it(name, async () => {
      const repo = makeRepo(null, {
        'api/Dockerfile': 'FROM node:20\n',
        'api/package.json': '{"name":"api"}\n',
        'docker-compose.yml': text,
      });
      const started = Date.now();
      const r = await cli(repo.dir, ['plan']);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(r.code).toBe(1);
      expect(expectOneLineError(r)).toMatch(pattern);
      expect(r.stdout).toBe('');
      expect(porcelain(repo.dir)).toBe('');
      expect(readdirSync(repo.dir).sort()).toEqual(['.git', 'api', 'docker-compose.yml']);
    });
  }
});
