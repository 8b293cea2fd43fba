/**
 * Scalars Compose reads YAML 1.1-style survive the migration byte for byte, and verify compares
 * values the way Compose reads them (so `mode: 0440` written back as `440` would be a difference).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { buildPlan } from '../../src/generate/build-plan.js';
import { DiskSnapshot } from '../../src/repo/disk.js';
import { composeNumber, spellingSensitive } from '../../src/compose/yaml11.js';
import { buildOnce, cli, git, porcelain, repoFor, HOSTILE } from './helpers.js';

beforeAll(() => buildOnce(), 120_000);

const ORIGINAL = readFileSync(join(HOSTILE, 'yaml11-scalars/docker-compose.development.yml'), 'utf8');
/** The lines whose scalar the migration has no reason to touch. */
const KEPT = ORIGINAL.split('\n').filter((l) =>
  /^\s+(UMASK|BATCH_SIZE|FLAGS|DEBUG|ENABLED|SINCE|STARTED|RATIO|EMPTY|mode|stop_grace_period|shm_size):/.test(
    l,
  ),
);

describe('YAML 1.1 scalars', () => {
  it('reads numbers as Compose does', () => {
    expect(composeNumber('0440')).toBe(0o440);
    expect(composeNumber('0022')).toBe(18);
    expect(composeNumber('1_000')).toBe(1000);
    expect(composeNumber('-1_000.5')).toBe(-1000.5);
    expect(composeNumber('0b101')).toBe(5);
    expect(composeNumber('440')).toBeUndefined();
    expect(composeNumber('0x1F')).toBeUndefined();
    expect(composeNumber('1_2_x')).toBeUndefined();
    for (const s of ['0440', 'yes', 'off', '~', '2001-12-14', '1e3', '.inf'])
      expect(spellingSensitive(s)).toBe(true);
    for (const s of ['postgres', '8080:80', './api']) expect(spellingSensitive(s)).toBe(false);
  });

  it('plan writes every untouched scalar back as it was written', async () => {
    expect(KEPT.length).toBe(12);
    const { repo } = repoFor('yaml11-scalars');
    const snapshot = new DiskSnapshot(repo);
    const plan = await buildPlan({ snapshot, loaded: loadConfig(snapshot) }, {});
    const file = plan.changes.find((c) => c.path === 'api/docker-compose.yml')?.content;
    expect(file).toBeDefined();
    const lines = new Set((file ?? '').split('\n'));
    for (const line of KEPT) expect(lines.has(line), `${line}\n--- in ---\n${file}`).toBe(true);
    expect(porcelain(repo)).toBe('');
  });

  it('verify compares as Compose reads: 0440 respelled 440 is a difference', () => {
    const { repo } = repoFor('yaml11-scalars');
    expect(cli(['apply', '-C', repo, '--all', '--yes']).status).toBe(0);
    const ok = cli(['verify', '-C', repo]);
    expect(ok.status, ok.stdout).toBe(0);

    const path = join(repo, 'api/docker-compose.yml');
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('mode: 0440');
    writeFileSync(path, text.replace('mode: 0440', 'mode: 440'));
    git(repo, 'commit', '-qam', 'respell mode');
    const bad = cli(['verify', '-C', repo]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/mode/);
    expect(bad.stdout).toMatch(/288/);
  });
});
