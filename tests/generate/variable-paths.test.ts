/**
 * Host paths held in variables: rebased through the component's Makefile when the root .env sets
 * them to a relative path, otherwise a `not-carried` finding naming the variable and the key.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { buildPlan } from '../../src/generate/build-plan.js';
import type { Finding } from '../../src/model.js';
import { makeExportValue, readMakeExportValue, UnquotableError } from '../../src/quote.js';
import { MemorySnapshot } from '../../src/repo/memory.js';

const app = { 'api/Dockerfile': 'FROM python:3.12\n', 'api/pyproject.toml': '[project]\nname = "api"\n' };

async function planOf(compose: string, files: Record<string, string> = {}) {
  const snapshot = new MemorySnapshot({ ...app, 'docker-compose.yml': compose, ...files });
  const plan = await buildPlan({ snapshot, loaded: loadConfig(snapshot) }, { skipCodemods: true });
  const held = (f: Finding) => f.code === 'variable-path-rebased' || (f.code === 'not-carried' && f.variable);
  const findings = plan.findings.filter(held);
  const makefile = plan.changes.find((c) => c.path === 'api/Makefile')?.content ?? '';
  const composeFile = plan.changes.find((c) => c.path === 'api/docker-compose.yml')?.content ?? '';
  return { findings, makefile, composeFile };
}

const withDb = (apiLines: string): string =>
  `services:\n  api:\n    build: ./api\n    depends_on: [api-db]\n${apiLines}  api-db:\n    image: postgres:16\n`;

describe('a path held in a variable', () => {
  it('is rebased by the Makefile when the root .env sets it to a relative path', async () => {
    const { findings, makefile, composeFile } = await planOf(
      withDb('    volumes:\n      - ${CFG}:/etc/app.yml:ro\n    env_file: ${ENV_FILE}\n'),
      { '.env': 'CFG=./conf/app.yml\nENV_FILE=conf/api.env\n' },
    );
    expect(makefile).toContain('export CFG ?= ../conf/app.yml\n');
    expect(makefile).toContain('export ENV_FILE ?= ../conf/api.env\n');
    // The compose file keeps the variable: the shell's value still wins.
    expect(composeFile).toContain('${CFG}:/etc/app.yml:ro');
    expect(findings).toEqual([
      expect.objectContaining({
        level: 'info',
        code: 'variable-path-rebased',
        service: 'api',
        env: 'dev',
        key: 'env_file',
        variable: 'ENV_FILE',
        file: 'docker-compose.yml',
      }),
      expect.objectContaining({
        code: 'variable-path-rebased',
        key: 'volumes[0]',
        variable: 'CFG',
        file: 'docker-compose.yml',
        line: 6,
      }),
    ]);
  });

  it('covers the file of a top-level secret the file keeps, at the line that writes it', async () => {
    const { findings, makefile } = await planOf(
      withDb('    secrets: [api_key]\n') + 'secrets:\n  api_key:\n    file: ${SECRETS_DIR}/api_key.txt\n',
      { '.env': 'SECRETS_DIR=./secrets\n' },
    );
    expect(makefile).toContain('export SECRETS_DIR ?= ../secrets\n');
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'variable-path-rebased',
        service: 'api',
        key: 'secrets.api_key.file',
        variable: 'SECRETS_DIR',
        file: 'docker-compose.yml',
        line: 10,
      }),
    ]);
  });

  it('needs nothing when the value is absolute', async () => {
    const { findings, makefile } = await planOf(withDb('    volumes:\n      - ${CFG}:/etc/app.yml\n'), {
      '.env': 'CFG=/srv/app.yml\n',
    });
    expect(findings).toEqual([]);
    expect(makefile).not.toContain('export ');
  });

  it.each([
    ['unset in the root .env', '      - ${CFG}:/etc/app.yml\n', '', 'CFG', 'is not set in the root .env'],
    [
      'with a default written in the file',
      '      - ${CFG:-./conf}:/etc/app\n',
      '',
      'CFG',
      'a value written with it',
    ],
    [
      'part of the first segment',
      '      - ${NAME}_data:/data\n',
      'NAME=./x\n',
      'NAME',
      'only part of the path',
    ],
    [
      'read outside paths too',
      '      - ${CFG}:/etc/app.yml\n    environment:\n      CONFIG_PATH: ${CFG}\n',
      'CFG=./conf/app.yml\n',
      'CFG',
      'also read outside paths',
    ],
  ])('is not carried when %s', async (_, lines, dotEnv, variable, why) => {
    const { findings, makefile } = await planOf(
      withDb(`    volumes:\n${lines}`),
      dotEnv ? { '.env': dotEnv } : {},
    );
    expect(findings).toEqual([
      expect.objectContaining({
        level: 'warning',
        code: 'not-carried',
        service: 'api',
        env: 'dev',
        key: 'volumes[0]',
        variable,
        file: 'docker-compose.yml',
        line: 6,
      }),
    ]);
    expect(findings[0]?.message).toContain(why);
    expect(makefile).not.toContain(`export ${variable}`);
  });
});

describe('makeExportValue', () => {
  it.each(['../conf/app.yml', 'a$b', 'x#y', '../a b/c', "it's"])('reads back %j', (v) => {
    expect(readMakeExportValue(makeExportValue(v))).toBe(v);
  });

  it.each(['', ' lead', 'trail ', 'a\\', 'a\\#b', 'two\nlines'])('refuses %j', (v) => {
    expect(() => makeExportValue(v)).toThrow(UnquotableError);
  });
});
