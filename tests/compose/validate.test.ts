import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { validateComposeText } from '../../src/compose/validate.js';

const fixtureFiles = [
  'lumiere/docker-compose.development.yaml',
  'lumiere/docker-compose.test.yaml',
  'lumiere/docker-compose.production.yaml',
  'layered/docker-compose.yml',
  'layered/docker-compose.dev.yml',
  'layered/docker-compose.test.yml',
  'layered/docker-compose.ci.yml',
  'modular/docker-compose.yml',
  'modular/docker-compose/services/nestjs.yml',
  'modular/docker-compose/infrastructure/databases.yml',
];

describe('validateComposeText', () => {
  for (const f of fixtureFiles) {
    test(`fixture ${f} is valid (tags validate as their inner value, newer keys from the current specification)`, async () => {
      expect(await validateComposeText(f, readFileSync(`fixtures/${f}`, 'utf8'))).toEqual([]);
    });
  }

  test('keys of the current specification are accepted: start_interval, models, post_start, develop, gw_priority', async () => {
    const text = [
      'models:',
      '  llm:',
      '    model: ai/smollm2',
      'services:',
      '  web:',
      '    image: example/web',
      '    healthcheck:',
      '      test: ["CMD", "true"]',
      '      interval: 30s',
      '      start_period: 20s',
      '      start_interval: 2s',
      '    post_start:',
      '      - command: ["/bin/sh", "-c", "echo started"]',
      '    pre_stop:',
      '      - command: ["/bin/sh", "-c", "echo stopping"]',
      '    models: [llm]',
      '    develop:',
      '      watch:',
      '        - action: sync',
      '          path: ./src',
      '          target: /app/src',
      '    networks:',
      '      front:',
      '        gw_priority: 1',
      'networks:',
      '  front: {}',
      '',
    ].join('\n');
    expect(await validateComposeText('current.yml', text)).toEqual([]);
  });

  test('an unknown key is still refused, with its position', async () => {
    const issues = await validateComposeText(
      'x.yml',
      'services:\n  web:\n    image: x\n    healthcheck:\n      start_intervall: 2s\n',
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 5, col: 7 });
    expect(issues[0]?.message).toMatch(/unknown key 'start_intervall'/);
  });

  test('newer spec keys are accepted', async () => {
    const text = [
      'name: demo',
      'include:',
      '  - path: [infra.yml]',
      '    env_file: infra.env',
      'services:',
      '  web:',
      '    build:',
      '      context: .',
      '      additional_contexts: {lib: ../lib}',
      '      tags: [web:dev]',
      '    env_file:',
      '      - path: .env',
      '        required: false',
      '    depends_on:',
      '      db: {condition: service_healthy, required: false, restart: true}',
      '    develop:',
      '      watch:',
      '        - {path: ./src, action: sync, target: /app/src}',
      '    volumes:',
      '      - {type: bind, source: ., target: /app, bind: {create_host_path: true}}',
      '      - {type: volume, source: data, target: /data, volume: {subpath: sub}}',
      '      - {type: tmpfs, target: /tmp, tmpfs: {mode: 1777}}',
      '  db:',
      '    image: postgres',
    ].join('\n');
    expect(await validateComposeText('c.yml', text)).toEqual([]);
  });

  test('unknown keys and wrong types are reported at the offending line', async () => {
    const text = [
      'services:',
      '  web:',
      '    image: nginx',
      '    prots:',
      '      - "80:80"',
      '    restart: [always]',
    ].join('\n');
    const issues = await validateComposeText('c.yml', text);
    expect(issues).toContainEqual({
      file: 'c.yml',
      line: 4,
      col: 5,
      message: "services.web: unknown key 'prots'",
    });
    expect(issues.find((i) => i.message.startsWith('services.web.restart'))).toMatchObject({
      line: 6,
      col: 14,
    });
  });

  test('a depends_on condition outside the enum', async () => {
    const issues = await validateComposeText(
      'c.yml',
      'services:\n  a:\n    image: x\n    depends_on:\n      b: {condition: healthy}\n',
    );
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]?.line).toBe(5);
  });

  test('parse errors come back as one issue with a position', async () => {
    expect(await validateComposeText('c.yml', 'services:\n  a:\n    image: x\n    image: y\n')).toEqual([
      { file: 'c.yml', line: 4, col: 5, message: expect.stringContaining('unique') },
    ]);
  });
});
