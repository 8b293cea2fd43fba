/**
 * Service references written with variables: depends_on, links, network_mode and volumes_from are
 * interpolated as compose interpolates them (values with the root .env, never mapping keys).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOnce, cli, git, porcelain, repoFor } from './helpers.js';

beforeAll(() => buildOnce(), 120_000);

interface PlanJson {
  components: {
    name: string;
    backing: Record<string, string[]>;
    peers: Record<string, string[]>;
    backingWhy?: Record<string, string>;
  }[];
  findings: { level: string; code: string; file?: string; line?: number; message: string }[];
}

function planOf(repo: string, args: string[] = []): PlanJson {
  const r = cli(['plan', '-C', repo, '--json', ...args]);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as PlanJson;
}

describe('depends_on and links written with variables', () => {
  it('follow the interpolated value: the files carry postgres and redis, keep the text, verify is clean', () => {
    const { repo } = repoFor('interpolated-depends-on');
    const plan = planOf(repo);
    const backing = Object.fromEntries(plan.components.map((c) => [c.name, c.backing['dev']]));
    expect(backing).toEqual({ api: ['postgres'], worker: ['postgres', 'redis'] });
    expect(plan.findings.filter((f) => f.code === 'unresolved-service-reference')).toEqual([]);
    expect(porcelain(repo)).toBe('');

    const r = cli(['apply', '-C', repo, '--all', '--yes']);
    expect(r.status, r.stderr).toBe(0);
    type File = { services: Record<string, { depends_on?: unknown; links?: unknown }> };
    const api = parse(readFileSync(join(repo, 'api/docker-compose.yml'), 'utf8')) as File;
    expect(Object.keys(api.services).sort()).toEqual(['api', 'postgres']);
    expect(api.services['api']?.depends_on).toEqual(['${DB:-postgres}']);
    const worker = parse(readFileSync(join(repo, 'worker/docker-compose.yml'), 'utf8')) as File;
    expect(Object.keys(worker.services).sort()).toEqual(['postgres', 'redis', 'worker']);
    expect(worker.services['worker']?.links).toEqual(['${QUEUE_HOST}:queue']);
    const v = cli(['verify', '-C', repo]);
    expect(v.status, v.stdout + v.stderr).toBe(0);
  }, 120_000);

  it('a mapping key written with a variable (compose never interpolates keys) is a warning at file:line', () => {
    const { repo } = repoFor('interpolated-depends-on', ({ repo }) => {
      const path = join(repo, 'docker-compose.yml');
      const text = readFileSync(path, 'utf8');
      const keyed = text.replace(
        '    depends_on: ["${DB:-postgres}"]\n',
        '    depends_on:\n      "${DB:-postgres}":\n        condition: service_started\n',
      );
      expect(keyed).not.toBe(text);
      writeFileSync(path, keyed);
    });
    const head = git(repo, 'rev-parse', 'HEAD');
    const plan = planOf(repo);
    const warning = plan.findings.filter((f) => f.code === 'unresolved-service-reference');
    expect(warning).toHaveLength(1);
    expect(warning[0]).toMatchObject({ level: 'warning', file: 'docker-compose.yml', line: 5 });
    expect(warning[0]?.message).toMatch(/api depends_on key \$\{DB:-postgres\}.*never mapping keys/);
    expect(plan.components.find((c) => c.name === 'api')?.backing['dev'] ?? []).not.toContain('postgres');
    expect(porcelain(repo)).toBe('');
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(head);
  }, 120_000);

  it('a value whose variable has no value is a warning naming it', () => {
    const { repo } = repoFor('interpolated-depends-on', ({ repo }) => {
      writeFileSync(join(repo, '.env'), '# QUEUE_HOST is not set\n');
    });
    const plan = planOf(repo);
    const warning = plan.findings.filter((f) => f.code === 'unresolved-service-reference');
    expect(warning.map((f) => f.message)).toEqual([
      expect.stringMatching(
        /^worker links \$\{QUEUE_HOST\}:queue \(dev\) names no service \(its variable has no value\)/,
      ),
    ]);
  }, 120_000);
});

describe('network_mode: service:<sidecar>', () => {
  it('carries the sidecar without asking: no peer decision, an info line naming the edge', () => {
    const { repo } = repoFor('network-sidecar');
    for (const args of [[], ['--with-peers']]) {
      const plan = planOf(repo, args);
      expect(plan.findings.filter((f) => f.code === 'peer-dependency')).toEqual([]);
      const info = plan.findings.filter((f) => f.code === 'peer-carried');
      expect(info).toHaveLength(1);
      expect(info[0]).toMatchObject({ level: 'info', file: 'docker-compose.development.yml', line: 7 });
      expect(info[0]?.message).toMatch(
        /^api -> tunnel \(network_mode .*carried into api's files.*api runs in its network namespace/,
      );
      const api = plan.components.find((c) => c.name === 'api');
      expect(api?.peers['dev']).toEqual(['tunnel']);
      // Not presented as a choice in the components table either.
      expect(api?.backingWhy?.['tunnel']).toBe('api runs in its network namespace');
    }
    expect(porcelain(repo)).toBe('');
  }, 120_000);

  it('a peer reached by depends_on only is still a decision', () => {
    const { repo } = repoFor('network-sidecar', ({ repo }) => {
      const path = join(repo, 'docker-compose.development.yml');
      const text = readFileSync(path, 'utf8');
      const plain = text
        .replace('    network_mode: service:tunnel\n', '')
        .replace('[postgres]', '[postgres, tunnel]');
      expect(plain).not.toBe(text);
      writeFileSync(path, plain);
    });
    const plan = planOf(repo);
    expect(plan.findings.filter((f) => f.code === 'peer-carried')).toEqual([]);
    expect(plan.findings.filter((f) => f.code === 'peer-dependency').map((f) => f.message)).toEqual([
      expect.stringMatching(/^api -> tunnel \(depends_on/),
    ]);
  }, 120_000);
});
