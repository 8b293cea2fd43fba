import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';

import { cleanupRepos, ensureBuilt, fixtureRepo, gitState, repoOf, runPiped } from '../interactive/repo.js';

beforeAll(ensureBuilt);
afterAll(cleanupRepos);

describe('finding the compose files', () => {
  it('run from a subfolder without -C, the repository is the git work tree', () => {
    const dir = fixtureRepo('deploy-folder');
    const r = runPiped(['plan', '--json'], join(dir, 'services', 'ledger'));
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as {
      environments: { name: string; files: string[]; evidence: string[] }[];
    };
    expect(plan.environments.map((e) => e.files)).toEqual([
      ['deploy/docker-compose.yml', 'deploy/docker-compose.apps.yml'],
    ]);
    expect(plan.environments[0]?.evidence[0]).toMatch(/scripts\/up\.sh:4/);
  });

  it('nothing found: exit 1, the message names the folders searched and composeDirs', () => {
    const dir = repoOf({ 'ops/stack/docker-compose.yml': 'services:\n  a:\n    image: x\n' });
    const r = runPiped(['plan'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/deploy\/, docker\/, compose\/, \.docker\/, infra\//);
    expect(r.stderr).toMatch(/config composeDirs/);
  });

  it('config composeDirs still names the folder', () => {
    const dir = repoOf({
      'ops/stack/docker-compose.yml': 'services:\n  a:\n    image: x\n',
      'compose-migrate.config.yaml': 'composeDirs: [ops/stack]\n',
    });
    const r = runPiped(['plan', '--json'], dir);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { environments: { files: string[] }[] }).environments[0]?.files).toEqual([
      'ops/stack/docker-compose.yml',
    ]);
  });

  it('compose files in two conventional folders: exit 1 naming both and composeDirs, nothing written', () => {
    const dir = repoOf({
      'deploy/docker-compose.yml': 'services:\n  a:\n    image: x\n',
      'docker/docker-compose.yml': 'services:\n  b:\n    image: y\n',
    });
    const before = gitState(dir);
    const r = runPiped(['apply', '--all', '--yes'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /several folders hold some: deploy, docker; say which with config composeDirs: \[deploy\]/,
    );
    expect(gitState(dir)).toEqual(before);
  });
});

describe('valid Compose is accepted', () => {
  it('a comment-only override and start_interval: plan and apply --all --yes succeed', () => {
    const dir = fixtureRepo('empty-overlay');
    expect(runPiped(['plan'], dir).code).toBe(0);
    const r = runPiped(['apply', '--all', '--yes'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('a file of anchors with more than 100 alias uses loads (variants-alone)', () => {
    const dir = fixtureRepo('variants-alone');
    const r = runPiped(['plan', '--json'], dir);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as { findings: { code: string; file?: string }[] };
    expect(plan.findings.find((f) => f.code === 'inert-file')?.file).toBe('docker-compose.shared.yml');
  });
});
