import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/config/load.js';
import { MigrateError } from '../../src/errors.js';
import { MemorySnapshot } from '../../src/repo/memory.js';

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
    expect(fail('ports: [\n').code).toBe('config-invalid');
    expect(fail('ports: keep\nports: shift\n').format()).toMatch(/:2:1: /);
  });
});
