/**
 * The root .env: the plan reads what is committed plus what exists locally and says which. Where a
 * committed .env.example declares the variables, a local untracked .env made from it changes
 * nothing in the generated files or the findings; what a local .env adds beyond it is stated.
 */
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupRepos,
  cliProcess as cli,
  ensureBuilt,
  makeRepo,
  porcelain,
  writeText,
  type TestRepo,
} from '../helpers/cli.js';

interface EnvRead {
  path: string;
  source: string;
  variables: number;
}
interface PlanDoc {
  env: { file: string; read: EnvRead[]; localOnly: string[]; differs: string[] };
  changes: { path: string; diff?: string }[];
  findings: { code: string; message: string; service?: string; env?: string }[];
}

const COMPOSE = [
  'services:',
  '  api:',
  '    build: ./api',
  '    ports: ["${API_PORT:-8000}:8000"]',
  '    environment:',
  '      DATABASE_URL: postgres://app:${DB_PASSWORD}@db:5432/app',
  '    depends_on: [db]',
  '  db:',
  '    image: postgres:16',
  '    environment:',
  '      POSTGRES_PASSWORD: ${DB_PASSWORD}',
  '',
].join('\n');

let repo: TestRepo;
let committedEnv: TestRepo;

beforeAll(() => {
  ensureBuilt();
  const files = {
    'docker-compose.yml': COMPOSE,
    'api/Dockerfile': 'FROM python:3.12\n',
    'api/pyproject.toml': '[project]\nname = "api"\n',
  };
  repo = makeRepo(null, {
    ...files,
    '.gitignore': '.env\n',
    '.env.example': 'API_PORT=8000\nDB_PASSWORD=change-me\n',
  });
  committedEnv = makeRepo(null, { ...files, '.env': 'API_PORT=8000\nDB_PASSWORD=dev\n' });
});
afterAll(cleanupRepos);

const plan = (dir: string): PlanDoc => {
  const r = cli(dir, ['plan', '--json', '--diff']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as PlanDoc;
};
/** What must not depend on the untracked file: every change with its content, every finding. */
const outcome = (p: PlanDoc) => ({ changes: p.changes, findings: p.findings });

describe('a committed .env.example and an untracked .env', () => {
  it('without a local .env: reads the example, and its variables count as the root .env', () => {
    const p = plan(repo.dir);
    expect(p.env).toEqual({
      file: '.env',
      read: [{ path: '.env.example', source: 'example', variables: 2 }],
      localOnly: [],
      differs: [],
    });
    expect(p.findings.find((f) => f.code === 'root-env')?.message).toMatch(/api uses API_PORT, DB_PASSWORD/);
    const text = cli(repo.dir, ['plan']).stdout;
    expect(text).toContain(
      "  .env     read .env.example (committed example; 2 variables); no .env: the example's values stand in\n",
    );
  });

  it('the same files and findings with a local .env made from the example, and the plan says it read it', () => {
    const without = plan(repo.dir);
    copyFileSync(join(repo.dir, '.env.example'), join(repo.dir, '.env'));
    try {
      const withEnv = plan(repo.dir);
      expect(outcome(withEnv)).toEqual(outcome(without));
      expect(withEnv.env.read).toEqual([
        { path: '.env', source: 'local', variables: 2 },
        { path: '.env.example', source: 'example', variables: 2 },
      ]);
      expect(cli(repo.dir, ['plan']).stdout).toContain(
        '  .env     read .env (local, not committed; 2 variables), .env.example (committed example; 2 variables)\n',
      );
    } finally {
      rmSync(join(repo.dir, '.env'));
    }
    expect(porcelain(repo.dir)).toBe('');
  });

  it('the Makefile passes the root .env only where it exists: a checkout may lack an untracked one', () => {
    const mk = plan(repo.dir).changes.find((c) => c.path === 'api/Makefile')?.diff ?? '';
    expect(mk).toContain(
      "docker compose $(if $(wildcard ../.env),--env-file='../.env') -f 'docker-compose.yml' up -d",
    );
  });

  it('states what the plan owes to a local .env that sets more or other values than the example', () => {
    writeText(repo.dir, '.env', 'API_PORT=9000\nDB_PASSWORD=change-me\n');
    writeText(
      repo.dir,
      'docker-compose.yml',
      COMPOSE.replace('image: postgres:16', 'image: postgres:${PG_VERSION:-16}'),
    );
    writeText(repo.dir, '.env', 'API_PORT=9000\nDB_PASSWORD=change-me\nPG_VERSION=17\n');
    try {
      const p = plan(repo.dir);
      expect(p.env.localOnly).toEqual(['PG_VERSION']);
      expect(p.env.differs).toEqual(['API_PORT']);
      const note = p.findings.find((f) => f.code === 'local-env')?.message;
      expect(note).toMatch(
        /this plan depends on \.env, which git does not track: PG_VERSION is set only there; API_PORT differs from \.env\.example \(its value is used\)/,
      );
    } finally {
      rmSync(join(repo.dir, '.env'));
      writeText(repo.dir, 'docker-compose.yml', COMPOSE);
    }
    expect(porcelain(repo.dir)).toBe('');
  });
});

describe('a committed .env', () => {
  it('is read as committed and passed to compose unconditionally', () => {
    const p = plan(committedEnv.dir);
    expect(p.env.read).toEqual([{ path: '.env', source: 'committed', variables: 2 }]);
    const mk = p.changes.find((c) => c.path === 'api/Makefile')?.diff ?? '';
    expect(mk).toContain("docker compose --env-file '../.env' -f 'docker-compose.yml' up -d");
    expect(p.findings.map((f) => f.code)).not.toContain('local-env');
  });
});
