import { afterAll, describe, expect, it } from 'vitest';
import {
  chmodSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveConfigFile } from '../../src/apply/execute-config.js';

const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'cm-save-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('saveConfigFile', () => {
  it('replaces the file whole, keeps its mode, and leaves no temporary file behind', () => {
    const root = temp();
    writeFileSync(join(root, 'compose-migrate.config.yaml'), 'ports: shift\n');
    chmodSync(join(root, 'compose-migrate.config.yaml'), 0o600);
    saveConfigFile(root, 'compose-migrate.config.yaml', 'ports: keep\n');
    expect(readFileSync(join(root, 'compose-migrate.config.yaml'), 'utf8')).toBe('ports: keep\n');
    expect(statSync(join(root, 'compose-migrate.config.yaml')).mode & 0o777).toBe(0o600);
    expect(readdirSync(root)).toEqual(['compose-migrate.config.yaml']);
  });

  it('creates a missing file', () => {
    const root = temp();
    saveConfigFile(root, 'compose-migrate.config.yaml', 'ports: keep\n');
    expect(readFileSync(join(root, 'compose-migrate.config.yaml'), 'utf8')).toBe('ports: keep\n');
  });

  it('refuses a path outside the repository and a symlink', () => {
    const root = temp();
    const elsewhere = temp();
    expect(() => saveConfigFile(root, '../x.yaml', 'a: 1\n')).toThrow(/outside the repository/);
    writeFileSync(join(elsewhere, 'real.yaml'), 'ports: shift\n');
    symlinkSync(join(elsewhere, 'real.yaml'), join(root, 'compose-migrate.config.yaml'));
    expect(() => saveConfigFile(root, 'compose-migrate.config.yaml', 'ports: keep\n')).toThrow(/symlink/);
    expect(readFileSync(join(elsewhere, 'real.yaml'), 'utf8')).toBe('ports: shift\n');
  });
});
