import { describe, expect, it } from 'vitest';
import { discoverComposeFiles } from '../../src/analysis/discovery.js';
import { layoutEnvironments } from '../../src/analysis/environments.js';
import { DiskSnapshot } from '../../src/repo/disk.js';

/** The environments the plan would print for a fixture: name, files and the evidence text. */
function environmentsOf(name: string) {
  const snapshot = new DiskSnapshot(`fixtures/${name}`);
  const discovery = discoverComposeFiles(snapshot, {});
  const layout = layoutEnvironments({ snapshot, files: discovery.files, config: {} });
  const findings = [...discovery.findings, ...layout.findings];
  return {
    envs: layout.environments.map((e) => ({ name: e.name, files: e.files })),
    evidence: Object.fromEntries(layout.environments.map((e) => [e.name, e.evidence.join('\n')])),
    decisions: findings.filter((f) => f.decision).map((f) => f.decision?.configKey),
    findings,
  };
}

describe('environments of the fixtures, from evidence', () => {
  it('deploy-folder: found in deploy/ and said so; layered by the script that runs both files', () => {
    const r = environmentsOf('deploy-folder');
    expect(r.envs).toEqual([
      { name: 'dev', files: ['deploy/docker-compose.yml', 'deploy/docker-compose.apps.yml'] },
    ]);
    const info = r.findings.find((f) => f.code === 'compose-folder');
    expect(info?.level).toBe('info');
    expect(info?.message).toMatch(/using 2 in deploy\/ \(a conventional folder/);
    expect(info?.message).toMatch(/compose reads deploy\/\.env/);
    expect(r.evidence.dev).toMatch(/scripts\/up\.sh:4/);
    const apps = r.findings.find((f) => f.code === 'unclassified-file');
    expect(apps?.decision).toMatchObject({
      configKey: 'environments["deploy/docker-compose.apps.yml"]',
      default: 'base',
    });
  });

  it('standalone-local: the local file alone is dev; the plain file is never merged into it', () => {
    const r = environmentsOf('standalone-local');
    expect(r.envs).toEqual([
      { name: 'dev', files: ['docker-compose-local.yml'] },
      { name: 'prod', files: ['docker-compose.yml'] },
    ]);
    expect(r.evidence.dev).toBe(
      'docker-compose-local.yml: run alone (-f docker-compose-local.yml) at setup.sh:2',
    );
    expect(r.decisions).toEqual(['layers.prod']);
  });

  it('variants-alone: every file its own environment; the anchors file loads and is in none', () => {
    const r = environmentsOf('variants-alone');
    expect(r.envs).toEqual([
      { name: 'dev', files: ['docker-compose.yml'] },
      { name: 'test', files: ['docker-compose.test.yml'] },
      { name: 'slim', files: ['docker-compose.slim.yml'] },
      { name: 'slim-test', files: ['docker-compose.slim-test.yml'] },
    ]);
    expect(r.evidence.test).toMatch(/\.github\/workflows\/test\.yml:8/);
    expect(r.evidence.slim).toMatch(/tools\/stack\.py:16/);
    expect(r.findings.find((f) => f.code === 'inert-file')?.file).toBe('docker-compose.shared.yml');
    expect(r.decisions).toEqual(['environments["docker-compose.slim.yml"]']);
  });

  it('layered-evidence: Taskfile and CI order the layers; ci is a test overlay; base alone is asked', () => {
    const r = environmentsOf('layered-evidence');
    expect(r.envs).toEqual([
      { name: 'dev', files: ['docker-compose.yml', 'docker-compose.dev.yml'] },
      { name: 'test', files: ['docker-compose.yml', 'docker-compose.test.yml', 'docker-compose.ci.yml'] },
      { name: 'prod', files: ['docker-compose.yml'] },
    ]);
    expect(r.evidence.dev).toMatch(/Taskfile\.yml:5/);
    expect(r.evidence.test).toMatch(
      /docker-compose\.ci\.yml: only ever run on top of the test files \(\.github\/workflows\/ci\.yml:9\)/,
    );
    expect(r.evidence.prod).toMatch(/run alone at scripts\/deploy\.sh:3/);
    expect(r.decisions).toEqual(['layers.prod']);
  });

  it('alt-stack: the images file is an alternative stack, not a layer', () => {
    const r = environmentsOf('alt-stack');
    expect(r.envs).toEqual([
      { name: 'dev', files: ['docker-compose.yml'] },
      { name: 'images', files: ['docker-compose.images.yml'] },
    ]);
    expect(r.decisions).toEqual([]);
  });

  it('empty-overlay: the comment-only override is an empty layer of dev', () => {
    const r = environmentsOf('empty-overlay');
    expect(r.envs).toEqual([{ name: 'dev', files: ['docker-compose.yml', 'docker-compose.override.yml'] }]);
  });
});
