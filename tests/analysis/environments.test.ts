import { describe, expect, it } from 'vitest';
import {
  classifyFile,
  discoverRootComposeFiles,
  layoutEnvironments,
  tokensOf,
} from '../../src/analysis/environments.js';
import { MemorySnapshot } from '../../src/repo/memory.js';

describe('root compose files', () => {
  it('finds docker-compose*/compose* at the root and in configured dirs, never the tool config', () => {
    const snap = new MemorySnapshot({
      'docker-compose.yml': '',
      'compose.test.yaml': '',
      'deploy/docker-compose.prod.yml': '',
      'other/docker-compose.yml': '',
      'compose-migrate.config.yaml': '',
      'my-docker-compose.yml': '',
      'docker-compose.yml.bak': '',
    });
    expect(discoverRootComposeFiles(snap, {})).toEqual(['docker-compose.yml', 'compose.test.yaml']);
    expect(discoverRootComposeFiles(snap, { composeDirs: ['deploy/'] })).toEqual([
      'docker-compose.yml',
      'compose.test.yaml',
      'deploy/docker-compose.prod.yml',
    ]);
  });

  it('reads name tokens', () => {
    expect(tokensOf('docker-compose.yml')).toEqual([]);
    expect(tokensOf('docker-compose.alpine-test.yml')).toEqual(['alpine-test']);
    expect(tokensOf('compose.dev.yaml')).toEqual(['dev']);
    expect(tokensOf('deploy/docker-compose.Production.yaml')).toEqual(['production']);
  });
});

describe('classification', () => {
  const role = (p: string) => classifyFile(p, {}).role;
  it.each([
    ['docker-compose.development.yaml', 'dev'],
    ['docker-compose.local.yml', 'dev'],
    ['docker-compose.dev.yml', 'dev'],
    ['docker-compose.test.yaml', 'test'],
    ['docker-compose.testing.yaml', 'test'],
    ['docker-compose.ci.yml', 'test'],
    ['docker-compose.e2e.yml', 'test'],
    ['docker-compose.integration.yml', 'test'],
    ['docker-compose.prod.yml', 'prod'],
    ['docker-compose.production.yaml', 'prod'],
    ['docker-compose.alpine-test.yml', 'alpine-test'],
  ])('%s -> %s', (file, env) => {
    expect(role(file)).toMatchObject({ kind: 'env', env });
  });

  it('base, override and unclassified', () => {
    expect(role('docker-compose.yml')).toEqual({ kind: 'base' });
    expect(role('compose.yaml')).toEqual({ kind: 'base' });
    expect(role('docker-compose.override.yml')).toEqual({ kind: 'override' });
    expect(role('docker-compose.backend.yml')).toEqual({ kind: 'unclassified' });
  });

  it('config answers what the name cannot', () => {
    expect(
      classifyFile('docker-compose.backend.yml', { environments: { 'docker-compose.backend.yml': 'base' } })
        .role,
    ).toEqual({ kind: 'base' });
    expect(
      classifyFile('docker-compose.staging.yml', { environments: { 'docker-compose.staging.yml': 'prod' } })
        .role,
    ).toMatchObject({ kind: 'env', env: 'prod' });
    expect(
      classifyFile('docker-compose.yml', { environments: { 'docker-compose.yml': 'dev' } }).role,
    ).toMatchObject({ kind: 'env', env: 'dev' });
    expect(
      classifyFile('docker-compose.tools.yml', { environments: { 'docker-compose.tools.yml': 'ignore' } })
        .role,
    ).toEqual({ kind: 'ignore' });
  });
});

describe('layout', () => {
  it('layers base under every environment, override onto dev, test before ci', () => {
    const files = [
      'docker-compose.yml',
      'docker-compose.ci.yml',
      'docker-compose.dev.yml',
      'docker-compose.override.yml',
      'docker-compose.test.yml',
    ];
    const layout = layoutEnvironments(files, {});
    expect(layout.environments).toEqual([
      { name: 'dev', files: ['docker-compose.yml', 'docker-compose.dev.yml', 'docker-compose.override.yml'] },
      { name: 'test', files: ['docker-compose.yml', 'docker-compose.test.yml', 'docker-compose.ci.yml'] },
    ]);
    expect(layout.extension).toBe('.yml');
    expect(layout.findings.map((f) => f.code)).toEqual(['layered-environment']);
  });

  it('a lone base file is the dev environment; no prod without a prod file', () => {
    expect(layoutEnvironments(['compose.yaml'], {}).environments).toEqual([
      { name: 'dev', files: ['compose.yaml'] },
    ]);
  });

  it('an unclassified file is a decision with no default and its config key', () => {
    const layout = layoutEnvironments(['docker-compose.yml', 'docker-compose.backend.yml'], {});
    const decision = layout.findings.find((f) => f.level === 'decision');
    expect(decision?.code).toBe('unclassified-file');
    expect(decision?.decision?.default).toBeUndefined();
    expect(decision?.decision?.configKey).toBe('environments["docker-compose.backend.yml"]');
    expect(decision?.message).toContain('docker-compose.backend.yml');
  });

  it('keeps the majority extension', () => {
    expect(
      layoutEnvironments(
        ['docker-compose.development.yaml', 'docker-compose.test.yaml', 'x/docker-compose.prod.yml'],
        {},
      ).extension,
    ).toBe('.yaml');
  });
});
