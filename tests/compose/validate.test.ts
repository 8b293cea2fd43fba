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
    test(`fixture ${f} is valid (tags validate as their inner value, newer keys via the overlay)`, async () => {
      expect(await validateComposeText(f, readFileSync(`fixtures/${f}`, 'utf8'))).toEqual([]);
    });
  }

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
