/**
 * Hostile inputs through the built CLI: every case is a committed temp repository; the CLI must
 * answer with one line naming the file (with line:col where the spec says so), the right exit code,
 * no stack trace, and leave the working tree exactly as it found it.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { buildPlan } from '../../src/generate/build-plan.js';
import type { Plan } from '../../src/plan/types.js';
import { DiskSnapshot } from '../../src/repo/disk.js';
import {
  STACK_LINE,
  buildOnce,
  cli,
  findNamed,
  porcelain,
  repoFor,
  stubBin,
  type CliResult,
} from './helpers.js';

beforeAll(() => buildOnce(), 120_000);

interface Refusal {
  exit: 1 | 3;
  /** The file the message must name, and the position when the spec asks for one. */
  at: RegExp;
  says: RegExp;
}

/** One line on stderr, `compose-migrate: <file>[:line:col]: message`, nothing on stdout, no trace. */
/** With --json the error is `{"error":{message,code,file?,line?,col?}}`: read back as the one-line form. */
function asText(line: string): string {
  if (!line.startsWith('{')) return line;
  const { error } = JSON.parse(line) as {
    error: { message: string; code: string; file?: string; line?: number; col?: number };
  };
  expect(typeof error.code).toBe('string');
  const at = error.file
    ? `${error.file}${error.line !== undefined ? `:${error.line}${error.col !== undefined ? `:${error.col}` : ''}` : ''}: `
    : '';
  return `compose-migrate: ${at}${error.message}`;
}

function expectRefusal(r: CliResult, want: Refusal): void {
  expect(r.stderr).not.toMatch(STACK_LINE);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  expect(lines, r.stderr).toHaveLength(1);
  const line = asText(lines[0] ?? '');
  expect(line).toMatch(new RegExp(`^compose-migrate: ${want.at.source}: `));
  expect(line).toMatch(want.says);
  expect(line).not.toMatch(/internal error/);
  expect(r.stdout).toBe('');
  expect(r.status).toBe(want.exit);
}

async function planOf(repo: string): Promise<Plan> {
  const snapshot = new DiskSnapshot(repo);
  return buildPlan({ snapshot, loaded: loadConfig(snapshot) }, {});
}

/** What apply writes: every created or modified file's content (moves and deletes are not needed here). */
async function materialize(repo: string): Promise<Plan> {
  const plan = await planOf(repo);
  for (const c of plan.changes) {
    if ((c.op === 'create' || c.op === 'modify') && c.content !== undefined) {
      const target = resolve(repo, c.path);
      expect(target.startsWith(repo + '/'), `${c.path} escapes the repository`).toBe(true);
      mkdirSync(resolve(target, '..'), { recursive: true });
      writeFileSync(target, c.content);
    }
  }
  return plan;
}

describe('bad input is refused with file:line:col, exit 1, tree untouched', () => {
  const cases: [string, Refusal][] = [
    ['malformed-yaml', { exit: 1, at: /docker-compose\.yml:7:\d+/, says: /\S/ }],
    ['duplicate-keys', { exit: 1, at: /docker-compose\.yml:9:3/, says: /unique|duplicate/i }],
    ['services-list', { exit: 1, at: /docker-compose\.yml:2:3/, says: /'services' must be a mapping/ }],
    [
      'invalid-service-name',
      { exit: 1, at: /docker-compose\.yml:5:3/, says: /invalid service name "api server!"/ },
    ],
    ['alias-bomb', { exit: 1, at: /docker-compose\.yml:\d+:\d+/, says: /alias/i }],
  ];
  for (const [name, want] of cases) {
    it(`${name}: plan`, () => {
      const { repo } = repoFor(name);
      const r = cli(['plan', '-C', repo]);
      expectRefusal(r, want);
      expect(porcelain(repo)).toBe('');
    });
  }

  it('alias-bomb: refused fast, before anything expands it', () => {
    const { repo } = repoFor('alias-bomb');
    const r = cli(['plan', '-C', repo, '--json']);
    expect(r.status).toBe(1);
    expect(r.ms).toBeLessThan(5_000);
  });

  it('malformed-yaml: apply --all --yes writes nothing', () => {
    const { repo } = repoFor('malformed-yaml');
    const r = cli(['apply', '-C', repo, '--all', '--yes']);
    expectRefusal(r, { exit: 1, at: /docker-compose\.yml:7:\d+/, says: /\S/ });
    expect(porcelain(repo)).toBe('');
  });
});

describe('very large and binary compose files', () => {
  it('a 50 MB docker-compose.yml is refused as too large', () => {
    const { repo } = repoFor('huge-file', ({ repo }) => {
      // Valid YAML all the way through, so only the size can be the reason for refusing it.
      const label = 'x'.repeat(1000);
      const chunks = ['services:\n'];
      let bytes = chunks[0]?.length ?? 0;
      for (let i = 0; bytes < 50 * 1024 * 1024; i++) {
        const s = `  svc${i}:\n    image: busybox:1.36\n    labels:\n      pad: "${label}"\n`;
        chunks.push(s);
        bytes += s.length;
      }
      writeFileSync(join(repo, 'docker-compose.yml'), chunks.join(''));
    });
    expect(statSync(join(repo, 'docker-compose.yml')).size).toBeGreaterThanOrEqual(50 * 1024 * 1024);
    const r = cli(['plan', '-C', repo]);
    expectRefusal(r, { exit: 1, at: /docker-compose\.yml/, says: /bytes|too large/i });
    expect(porcelain(repo)).toBe('');
  });

  it('a binary docker-compose.yml is refused as not YAML text', () => {
    const { repo } = repoFor('binary-file', ({ repo }) => {
      const gzipHeader = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03]);
      writeFileSync(
        join(repo, 'docker-compose.yml'),
        Buffer.concat([gzipHeader, randomBytes(4096), Buffer.alloc(16)]),
      );
    });
    const r = cli(['plan', '-C', repo]);
    expectRefusal(r, { exit: 1, at: /docker-compose\.yml/, says: /NUL|UTF-8|not a YAML|binary/i });
    expect(porcelain(repo)).toBe('');
  });
});

describe('cycles', () => {
  it('circular extends names the file and the chain', () => {
    const { repo } = repoFor('circular-extends');
    const r = cli(['plan', '-C', repo]);
    expectRefusal(r, { exit: 1, at: /docker-compose\.yml(:\d+:\d+)?/, says: /cycle.*api.*worker.*base/ });
    expect(porcelain(repo)).toBe('');
  });

  it('circular include names the file and the chain', () => {
    const { repo } = repoFor('circular-include');
    const r = cli(['plan', '-C', repo]);
    expectRefusal(r, {
      exit: 1,
      at: /compose\/(app|infra)\.yml(:\d+:\d+)?/,
      says: /include cycle.*compose\/infra\.yml.*compose\/app\.yml/,
    });
    expect(porcelain(repo)).toBe('');
  });

  it('circular depends_on is reported with the services in the cycle', () => {
    const { repo } = repoFor('circular-depends-on');
    const r = cli(['plan', '-C', repo, '--json']);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(porcelain(repo)).toBe('');
    if (r.status === 0) {
      // Planned: the cycle must be a finding that names the file and every service in it.
      const plan = JSON.parse(r.stdout) as { findings: { level: string; message: string; file?: string }[] };
      const cycle = plan.findings.find((f) => /cycle/i.test(f.message));
      expect(cycle, JSON.stringify(plan.findings)).toBeDefined();
      expect(cycle?.level).not.toBe('info');
      expect(cycle?.file).toBe('docker-compose.yml');
      for (const s of ['api', 'worker', 'worker-proxy']) expect(cycle?.message).toContain(s);
    } else {
      expectRefusal(r, { exit: 1, at: /docker-compose\.yml(:\d+:\d+)?/, says: /cycle.*api.*worker/ });
    }
  });
});

describe('paths that leave the repository', () => {
  const OUTSIDE_COMPOSE = 'services:\n  outsider:\n    image: evil/exfiltrate:latest\n';

  function withOutsideLink(): { repo: string; outside: string } {
    let outside = '';
    const { repo } = repoFor('symlink-outside', ({ sandbox, repo }) => {
      mkdirSync(join(sandbox, 'outside'));
      outside = join(sandbox, 'outside', 'compose.yml');
      writeFileSync(outside, OUTSIDE_COMPOSE);
      symlinkSync(outside, join(repo, 'docker-compose.test.yml'));
    });
    return { repo, outside };
  }

  it('a root compose file symlinked outside the repo is named, and never read into the plan', () => {
    const { repo, outside } = withOutsideLink();
    const r = cli(['plan', '-C', repo, '--json']);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.stdout + r.stderr).not.toContain('outsider');
    expect(readFileSync(outside, 'utf8')).toBe(OUTSIDE_COMPOSE);
    expect(porcelain(repo)).toBe('');
    if (r.status === 0) {
      const plan = JSON.parse(r.stdout) as { findings: { level: string; message: string; file?: string }[] };
      const flagged = plan.findings.find(
        (f) =>
          f.level !== 'info' &&
          (f.file === 'docker-compose.test.yml' || f.message.includes('docker-compose.test.yml')),
      );
      expect(
        flagged,
        `no finding names the out-of-repo link: ${JSON.stringify(plan.findings)}`,
      ).toBeDefined();
      expect(flagged?.message).toMatch(/outside|symlink|link/i);
    } else {
      expectRefusal(r, {
        exit: r.status === 3 ? 3 : 1,
        at: /docker-compose\.test\.yml/,
        says: /outside|symlink|link/i,
      });
    }
  });

  it('apply never writes through a link that leaves the repo', () => {
    const { repo, outside } = withOutsideLink();
    const r = cli(['apply', '-C', repo, '--all', '--yes']);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(readFileSync(outside, 'utf8')).toBe(OUTSIDE_COMPOSE);
  });

  it('a build context and bind mount outside the repo: flagged as a warning, plan succeeds', () => {
    const { repo } = repoFor('context-outside');
    const r = cli(['plan', '-C', repo, '--json']);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.status).toBe(0);
    expect(porcelain(repo)).toBe('');
    const plan = JSON.parse(r.stdout) as { findings: { level: string; message: string; file?: string }[] };
    const warning = plan.findings.find((f) => f.level === 'warning' && f.message.includes('../elsewhere'));
    expect(warning, `no warning names ../elsewhere: ${JSON.stringify(plan.findings)}`).toBeDefined();
    expect(warning?.file).toBe('docker-compose.yml');
  });

  it('rebased outside paths in the component file still point at the same place', async () => {
    const { repo } = repoFor('context-outside');
    const plan = await planOf(repo);
    const file = plan.changes.find((c) => c.op === 'create' && c.path === 'api/docker-compose.yml');
    expect(file?.content).toBeDefined();
    const doc = parse(file?.content ?? '') as {
      services: { api: { build: { context: string }; volumes: string[] } };
    };
    const api = doc.services.api;
    const fromComponent = (p: string) => resolve(repo, 'api', p);
    expect(fromComponent(api.build.context)).toBe(resolve(repo, '../elsewhere'));
    const shared = api.volumes.map((v) => v.split(':')).find(([, target]) => target === '/shared');
    expect(shared).toBeDefined();
    expect(fromComponent(shared?.[0] ?? '')).toBe(resolve(repo, '../shared'));
    const src = api.volumes.map((v) => v.split(':')).find(([, target]) => target === '/app/src');
    expect(fromComponent(src?.[0] ?? '')).toBe(resolve(repo, 'api/src'));
  });
});

describe('component directories with shell and make metacharacters', () => {
  const NAMES = ['$(touch pwned)', '`touch pwned`', 'with space', `it's "quoted"`];
  const SERVICES: Record<string, string> = {
    '$(touch pwned)': 'dollar',
    '`touch pwned`': 'backtick',
    'with space': 'spaced',
    [`it's "quoted"`]: 'quoted',
  };

  function hostileRepo() {
    return repoFor('hostile-names', ({ repo }) => {
      const lines = ['services:', '  postgres:', '    image: postgres:16'];
      for (const dir of NAMES) {
        mkdirSync(join(repo, dir));
        writeFileSync(join(repo, dir, 'Dockerfile'), 'FROM python:3.12-slim\n');
        writeFileSync(join(repo, dir, 'pyproject.toml'), '[project]\nname = "x"\nversion = "0.1.0"\n');
        // `$$` is compose's escape for a literal `$` (docker-compose config resolves it to the directory).
        lines.push(
          `  ${SERVICES[dir]}:`,
          `    build: ${JSON.stringify(`./${dir.replace(/\$/g, '$$$$')}`)}`,
          '    depends_on: [postgres]',
        );
      }
      writeFileSync(join(repo, 'docker-compose.yml'), `${lines.join('\n')}\n`);
    });
  }

  it('plan warns about each name and leaves the tree untouched', () => {
    const { repo } = hostileRepo();
    const r = cli(['plan', '-C', repo, '--json']);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.status).toBe(0);
    expect(porcelain(repo)).toBe('');
    expect(findNamed(repo, 'pwned')).toEqual([]);
    const plan = JSON.parse(r.stdout) as { findings: { level: string; code: string; message: string }[] };
    for (const dir of NAMES) {
      expect(
        plan.findings.some((f) => f.code === 'component-name' && f.message.includes(dir)),
        dir,
      ).toBe(true);
    }
  });

  it('each service is owned by the directory its build context names ($$ is a literal $)', async () => {
    const { repo } = hostileRepo();
    const plan = await planOf(repo);
    for (const dir of NAMES) {
      const c = plan.components.find((x) => x.path === dir);
      expect(c?.services, dir).toEqual([SERVICES[dir]]);
      expect(c?.kind, dir).toBe('compose');
    }
    // No change may target a directory that does not exist (an unescaped "$$(touch pwned)/").
    for (const c of plan.changes) expect(c.path.startsWith('$$'), c.path).toBe(false);
  });

  it('generated Makefiles survive make -n and a real make with stub docker, and nothing named pwned appears', async () => {
    const { sandbox, repo } = hostileRepo();
    const plan = await materialize(repo);
    const makefiles = plan.changes.filter(
      (c) => c.op === 'create' && /(^|\/)(Makefile|compose\.mk)$/.test(c.path),
    );
    expect(makefiles.length).toBeGreaterThanOrEqual(NAMES.length);
    const { bin, log } = stubBin(sandbox, ['docker', 'docker-compose', 'pytest', 'npm', 'go', 'cargo']);
    const env = { ...process.env, PATH: `${bin}:/usr/bin:/bin` };
    for (const mf of makefiles) {
      const dir = resolve(repo, posix.dirname(mf.path));
      const phony =
        /^\.PHONY:(.*)$/m
          .exec(mf.content ?? '')?.[1]
          ?.trim()
          .split(/\s+/) ?? [];
      expect(phony.length, mf.path).toBeGreaterThan(0);
      const dry = spawnSync('make', ['-n', ...phony], { cwd: dir, env, encoding: 'utf8' });
      expect(dry.status, `${mf.path}: make -n: ${dry.stderr}`).toBe(0);
      // -k: an empty test command (no runner known) may fail; the point is what the shell executes.
      spawnSync('make', ['-k', ...phony], { cwd: dir, env, encoding: 'utf8' });
    }
    expect(readFileSync(log, 'utf8')).toMatch(/^docker /m);
    expect(findNamed(sandbox, 'pwned')).toEqual([]);
  });
});
