/**
 * `verify` as a user runs it after `apply --all --yes`: which files it checks, what it says of a file
 * compose would refuse, of a loss the plan reported, and of a path held in a variable; its exit codes
 * (README "verify"); and that it agrees with the referee where a verify reading both sides with the
 * root's variables from the root folder would have said "equal".
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generatedFiles, generatedSide, rootSide, type PlanJson } from '../../bench/corpus/conservation.js';
import { compareMeaning } from '../../bench/corpus/meaning.js';
import { skipReferee } from '../compose/referee.js';
import { cleanupRepos, cli, git, makeRepo, porcelain, treeHashes } from '../helpers/cli.js';

afterAll(cleanupRepos);

interface VerifyJson {
  files: {
    file: string;
    verdict: string;
    unexplained: number;
    reported: number;
    differences: { service: string; path: string; reported?: string }[];
    error?: { code: string; message: string; file?: string; line?: number };
  }[];
  differences: number;
  unexplained: number;
  reported: number;
  errors: number;
}

const verifyJson = async (dir: string, env: Record<string, string> = {}) => {
  const r = await cli(dir, ['verify', '--json'], { env });
  return { code: r.code, json: JSON.parse(r.stdout) as VerifyJson };
};

describe('verify checks only the files the migration wrote', () => {
  it('leaves out a root compose file where a skipped component would have written its own', async () => {
    const repo = makeRepo(null, {
      'deploy/docker-compose.yml':
        'services:\n  api:\n    build: ../api\n    depends_on: [api-db]\n  api-db:\n    image: postgres:16\n  backup:\n    build: .\n    depends_on: [backup-db]\n  backup-db:\n    image: postgres:16\n',
      'deploy/Dockerfile': 'FROM alpine\n',
      'api/Dockerfile': 'FROM python:3.12\n',
      'api/pyproject.toml': '[project]\nname = "api"\n',
    });
    const plan = JSON.parse((await cli(repo.dir, ['plan', '--json'])).stdout) as PlanJson;
    expect(plan.findings).toContainEqual(
      expect.objectContaining({ code: 'target-exists', component: 'deploy' }),
    );
    const apply = await cli(repo.dir, ['apply', '--all', '--yes']);
    expect(apply.code, apply.stderr).toBe(0);
    const before = treeHashes(repo.dir);
    const { code, json } = await verifyJson(repo.dir);
    expect(json.files.map((f) => f.file)).toEqual(['api/docker-compose.yml']);
    expect(json.files[0]?.verdict).toBe('equal');
    expect(code).toBe(0);
    // verify reads only.
    expect(treeHashes(repo.dir)).toEqual(before);
    expect(porcelain(repo.dir)).toBe('');
  });
});

describe('verify on a file compose would refuse', () => {
  it('reports that file with file:line, compares the others, and exits 1', async () => {
    const repo = makeRepo('held-paths');
    expect((await cli(repo.dir, ['apply', '--all', '--yes'])).code).toBe(0);
    const before = treeHashes(repo.dir);
    const { code, json } = await verifyJson(repo.dir);
    expect(code).toBe(1);
    expect(treeHashes(repo.dir)).toEqual(before);
    const prod = json.files.find((f) => f.file === 'reports/docker-compose.production.yml');
    expect(prod?.verdict).toBe('error');
    expect(prod?.error?.code).toBe('compose-interpolation');
    expect(prod?.error?.message).toContain('required variable REGISTRY is missing a value');
    expect(prod?.error?.file).toBe('reports/docker-compose.production.yml');
    const line = readFileSync(join(repo.dir, 'reports/docker-compose.production.yml'), 'utf8')
      .split('\n')
      .findIndex((l) => l.includes('${REGISTRY:?'));
    expect(prod?.error?.line).toBe(line + 1);
    expect(json.errors).toBe(1);
    expect(json.files.filter((f) => f.verdict === 'equal').map((f) => f.file)).toEqual([
      'mailer/docker-compose.yml',
      'mailer/docker-compose.production.yml',
      'reports/docker-compose.yml',
    ]);
    const text = await cli(repo.dir, ['verify']);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(
      /ERR {2}reports\/docker-compose\.production\.yml \(prod\): not compared: .*REGISTRY.* \(reports\/docker-compose\.production\.yml:\d+\)/,
    );
    expect(text.stdout).toContain('1 file not compared');
  });

  it('compares it once the shell sets the variable (the shell wins over every env file)', async () => {
    const repo = makeRepo('held-paths');
    expect((await cli(repo.dir, ['apply', '--all', '--yes'])).code).toBe(0);
    const { code, json } = await verifyJson(repo.dir, { REGISTRY: 'registry.example' });
    expect(json.files.map((f) => f.verdict)).toEqual(['equal', 'equal', 'equal', 'equal']);
    expect(code).toBe(0);
  });
});

describe('verify with an untracked root .env', () => {
  it('reads it from the work tree on both sides, as compose does, after the archive too', async () => {
    const repo = makeRepo('held-paths', { '.gitignore': '.env\n' });
    expect(git(repo.dir, 'ls-files', '.env')).toBe('');
    expect((await cli(repo.dir, ['apply', '--all', '--yes'])).code).toBe(0);
    expect(git(repo.dir, 'ls-files', 'docker-compose.yml')).toBe('');
    const { code, json } = await verifyJson(repo.dir, { REGISTRY: 'registry.example' });
    expect(json.files.map((f) => `${f.file} ${f.verdict}`)).toEqual([
      'mailer/docker-compose.yml equal',
      'mailer/docker-compose.production.yml equal',
      'reports/docker-compose.yml equal',
      'reports/docker-compose.production.yml equal',
    ]);
    expect(code).toBe(0);
  });
});

describe('verify on a dependency the plan dropped', () => {
  it('reports it as a difference the plan reported; exit 0, and 1 with --strict', async () => {
    const repo = makeRepo('layered');
    expect((await cli(repo.dir, ['apply', '--all', '--yes'])).code).toBe(0);
    const { code, json } = await verifyJson(repo.dir);
    const app = json.files.find((f) => f.file === 'app/docker-compose.yml');
    expect(app?.verdict).toBe('differs');
    expect(app?.differences).toEqual([
      expect.objectContaining({ service: 'app', reported: 'dependency-dropped' }),
    ]);
    expect(app?.unexplained).toBe(0);
    expect(json.unexplained).toBe(0);
    expect(json.reported).toBeGreaterThan(0);
    expect(code).toBe(0);
    const strict = await cli(repo.dir, ['verify', '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('(reported by the plan: not carried)');
    expect(strict.stdout).toMatch(/differences? the plan reported as not carried \(--strict\)/);
  });
});

describe.skipIf(skipReferee)('a path held in a variable, copied without its rebased value', () => {
  it('is a difference for verify and for the referee alike', async () => {
    const repo = makeRepo('held-paths');
    const plan = JSON.parse((await cli(repo.dir, ['plan', '--json'])).stdout) as PlanJson;
    expect(plan.findings.filter((f) => f.code === 'variable-path-rebased').map((f) => f.variable)).toEqual(
      expect.arrayContaining(['REPORTS_CONFIG', 'TEMPLATES_DIR', 'MAILER_ENV_FILE']),
    );
    const root = await rootSide(repo.dir, plan);
    expect((await cli(repo.dir, ['apply', '--all', '--yes'])).code).toBe(0);
    // As a generator that copies `${REPORTS_CONFIG}` as is would leave it: no export of the rebased value.
    const makefile = join(repo.dir, 'reports/Makefile');
    writeFileSync(
      makefile,
      readFileSync(makefile, 'utf8')
        .split('\n')
        .filter((l) => !l.startsWith('export '))
        .join('\n'),
    );
    git(repo.dir, 'commit', '-q', '-am', 'drop the exports');
    const file = generatedFiles(plan).find((f) => f.path === 'reports/docker-compose.yml')!;
    const generated = await generatedSide(repo.dir, plan, [file], root);
    const referee = compareMeaning(
      root.results.get('dev')?.services ?? {},
      generated.results.get(file.path)?.services ?? {},
    );
    expect(referee.differences).toContain('reports.volumes');
    const { code, json } = await verifyJson(repo.dir);
    const dev = json.files.find((f) => f.file === file.path);
    expect(dev?.verdict).toBe('differs');
    expect(dev?.differences.map((d) => d.path)).toEqual(['volumes[0].source', 'volumes[1].source']);
    expect(code).toBe(1);
  });
});
