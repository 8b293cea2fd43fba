import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/config/load.js';
import { MigrateError } from '../../src/errors.js';
import { MemorySnapshot } from '../../src/repo/memory.js';
import { answersToEdits, howToAnswer } from '../../src/config/answers.js';
import type { Decision } from '../../src/model.js';

const fail = (text: string): MigrateError => {
  try {
    parseConfig('compose-migrate.config.yaml', text);
  } catch (e) {
    if (e instanceof MigrateError) return e;
    throw e;
  }
  throw new Error('expected a config error');
};

describe('config', () => {
  it('reads the default name at the root, YAML or JSON', () => {
    expect(loadConfig(new MemorySnapshot({ 'compose-migrate.config.yaml': 'ports: keep\n' })).config).toEqual(
      { ports: 'keep' },
    );
    expect(
      loadConfig(new MemorySnapshot({ 'compose-migrate.config.json': '{"containerNames":"drop"}' })).config,
    ).toEqual({ containerNames: 'drop' });
    expect(loadConfig(new MemorySnapshot({})).config).toEqual({});
  });

  it('an explicit --config that does not exist is a usage error', () => {
    expect(() => loadConfig(new MemorySnapshot({}), 'nope.yaml')).toThrow(/config file not found/);
  });

  it('envFile is makefile or ignore; copy was never implemented and is refused, not silently ignored', () => {
    expect(parseConfig('c.yaml', 'envFile: ignore\n')).toEqual({ envFile: 'ignore' });
    const e = fail('envFile: copy\n');
    expect(e.code).toBe('config-invalid');
    expect(e.message).toMatch(/envFile/);
  });

  it('rejects unknown keys and bad values at their line', () => {
    const unknown = fail('ports: shift\ncolour: red\n');
    expect(unknown.format()).toMatch(/^compose-migrate\.config\.yaml:2:1: colour: unknown key/);
    expect(fail('containerNames: rename\n').format()).toMatch(
      /:1:\d+: containerNames: must be one of scope, keep, drop/,
    );
    expect(fail('peers:\n  web: yes-please\n').message).toMatch(/peers: must map/);
    expect(fail('archiveDir: ../outside\n').message).toMatch(/inside the repository/);
    for (const root of ['.', './', "''", './.'])
      expect(fail(`archiveDir: ${root}\n`).message).toMatch(/below the repository root, not the root itself/);
    expect(fail('archiveDir: .git/todo\n').message).toMatch(/archiveDir: must not be inside \.git/);
    expect(parseConfig('c.yaml', 'archiveDir: ./old/\n').archiveDir).toBe('./old/');
    expect(fail('ports: [\n').code).toBe('config-invalid');
    expect(fail('ports: keep\nports: shift\n').format()).toMatch(/:2:1: /);
  });
});

describe('layers', () => {
  it('maps environment names to lists of compose files', () => {
    expect(parseConfig('c.yaml', 'layers:\n  prod: [docker-compose.yml]\n  dev: []\n').layers).toEqual({
      prod: ['docker-compose.yml'],
      dev: [],
    });
  });

  it.each([
    ['layers: [docker-compose.yml]\n', /layers: must map environment names to lists of compose files/],
    ['layers:\n  prod: docker-compose.yml\n', /layers: prod must be a list of compose files/],
    ['layers:\n  Prod Env: [a.yml]\n', /environment name "Prod Env"/],
  ])('refuses %j', (text, message) => {
    let err: unknown;
    try {
      parseConfig('compose-migrate.config.yaml', text);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({
      code: 'config-invalid',
      location: { file: 'compose-migrate.config.yaml', line: 1 },
    });
    expect((err as Error).message).toMatch(message);
  });

  it('answers to layering decisions become layers edits', () => {
    const layered: Decision = {
      id: 'layers:prod',
      kind: 'layers',
      question: '?',
      choices: ['docker-compose.yml + docker-compose.prod.yml', 'docker-compose.prod.yml'],
      configKey: 'layers.prod',
      configPath: ['layers', 'prod'],
    };
    const alone: Decision = {
      id: 'alone:docker-compose.yml',
      kind: 'layers',
      question: '?',
      choices: ['prod', 'staging', 'skip'],
      configKey: 'layers.prod',
      configPath: ['layers', 'prod'],
    };
    expect(answersToEdits([{ decision: layered, answer: 'docker-compose.prod.yml' }])).toEqual([
      { path: ['layers', 'prod'], value: ['docker-compose.prod.yml'] },
    ]);
    expect(answersToEdits([{ decision: alone, answer: 'staging' }])).toEqual([
      { path: ['layers', 'staging'], value: ['docker-compose.yml'] },
    ]);
    expect(answersToEdits([{ decision: alone, answer: 'skip' }])).toEqual([
      { path: ['layers', 'prod'], value: [] },
    ]);
    expect(howToAnswer(layered)).toBe(
      'config layers.prod: [docker-compose.yml, docker-compose.prod.yml] | [docker-compose.prod.yml]',
    );
  });
});
