import { describe, expect, test } from 'vitest';
import { isMigrateError, type MigrateError } from '../../src/errors.js';
import { MAX_COMPOSE_BYTES, parseComposeFile } from '../../src/compose/parse.js';
import { toValue, topEntries } from '../../src/compose/value.js';

function failure(text: string | Uint8Array): MigrateError {
  try {
    parseComposeFile('bad.yml', text);
  } catch (e) {
    if (isMigrateError(e)) return e;
    throw e;
  }
  throw new Error('expected a MigrateError');
}

describe('parseComposeFile errors carry code, one-line message and 1-based position', () => {
  const cases: Array<[string, string, string, number, number, RegExp]> = [
    ['malformed flow sequence', 'services:\n  a:\n    ports: [1\n  b: {}\n', 'yaml-syntax', 4, 3, /./],
    ['duplicate key', 'services:\n  a:\n    image: x\n    image: y\n', 'yaml-duplicate-key', 4, 5, /unique/],
    [
      'duplicate key in a flow mapping inside a list',
      'services:\n  a:\n    image: x\n    ulimits: [{soft: 1, soft: 2}]\n',
      'yaml-duplicate-key',
      4,
      25,
      /unique/,
    ],
    [
      'duplicate top-level key',
      'services: {}\nvolumes: {}\nservices: {}\n',
      'yaml-duplicate-key',
      3,
      1,
      /unique/,
    ],
    [
      'duplicate key before a syntax error: the first error is the duplicate',
      'services:\n  a:\n    image: x\n    image: y\n  b:\n    ports: [1\n',
      'yaml-duplicate-key',
      4,
      5,
      /unique/,
    ],
    ['top-level list', '- a\n- b\n', 'compose-shape', 1, 1, /top-level must be a mapping/],
    ['services as list', 'services:\n  - a\n', 'compose-shape', 2, 3, /'services' must be a mapping/],
    [
      'service as string',
      'services:\n  web: nginx\n',
      'compose-shape',
      2,
      8,
      /service 'web' must be a mapping/,
    ],
    [
      'invalid service name',
      'services:\n  web app:\n    image: x\n',
      'compose-service-name',
      2,
      3,
      /invalid service name "web app"/,
    ],
    [
      'service name starting with a dash',
      'services:\n  -web:\n    image: x\n',
      'compose-service-name',
      2,
      3,
      /invalid service name/,
    ],
  ];
  for (const [name, text, code, line, col, message] of cases) {
    test(name, () => {
      const e = failure(text);
      expect(e.code).toBe(code);
      expect(e.location).toEqual({ file: 'bad.yml', line, col });
      expect(e.message).toMatch(message);
      expect(e.message).not.toContain('\n');
      expect(e.format()).toMatch(new RegExp(`^bad\\.yml:${line}:${col}: `));
    });
  }

  test('equal-looking keys that are not equal values load (1 and "1", two complex keys)', () => {
    const f = parseComposeFile(
      'ok.yml',
      'services:\n  a:\n    image: x\n    labels:\n      1: a\n      "1": b\n    x-k:\n      ? [a]\n      : 1\n      ? [a]\n      : 2\n',
    );
    expect(f.doc.errors).toEqual([]);
  });

  test('alias bomb: refused by expanded size, at the alias that crosses the bound', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    const names = 'bcdefghi'.split('');
    let prev = 'a';
    for (const n of names) {
      lines.push(`${n}: &${n} [${Array(9).fill(`*${prev}`).join(',')}]`);
      prev = n;
    }
    lines.push(`services:\n  web:\n    image: x\n    x: *${prev}`);
    const e = failure(lines.join('\n'));
    expect(e.code).toBe('yaml-alias-bomb');
    expect(e.message).toMatch(/beyond 1,000,000 nodes/);
    // Anchors a..f expand to about 670,000 nodes together; the first alias on line 7 ("g") crosses 1,000,000.
    expect(e.location?.line).toBe(7);
  });

  test('a file of shared anchors used hundreds of times loads (its expansion is small)', () => {
    const lines = [
      'x-health: &health {interval: 10s, timeout: 5s, retries: 5, start_interval: 2s}',
      'x-logging: &logging {driver: json-file, options: {max-size: 10m}}',
      'x-base: &base',
      '  restart: unless-stopped',
      '  logging: *logging',
      'services:',
    ];
    for (let i = 0; i < 60; i++) {
      lines.push(
        `  svc${i}:`,
        '    <<: *base',
        '    image: busybox',
        '    healthcheck: *health',
        '    logging: *logging',
      );
    }
    const file = parseComposeFile('anchors.yml', lines.join('\n'));
    const v = toValue(file) as { services: Record<string, Record<string, unknown>> };
    expect(Object.keys(v.services)).toHaveLength(60);
    expect(v.services.svc59?.healthcheck).toEqual({
      interval: '10s',
      timeout: '5s',
      retries: 5,
      start_interval: '2s',
    });
    expect(v.services.svc0?.restart).toBe('unless-stopped');
  });

  test('NUL bytes and invalid UTF-8 are refused before parsing', () => {
    expect(failure(new Uint8Array([0x61, 0x3a, 0x00, 0x0a])).code).toBe('yaml-binary');
    expect(failure(new Uint8Array([0x61, 0x3a, 0x20, 0xff, 0xfe, 0x0a])).code).toBe('yaml-binary');
  });

  test('files over 10 MiB are refused', () => {
    const big = new Uint8Array(MAX_COMPOSE_BYTES + 1).fill(0x20);
    const e = failure(big);
    expect(e.code).toBe('yaml-too-large');
  });
});

describe('parseComposeFile success', () => {
  test('custom tags survive a round trip and are visible as markers', () => {
    const text =
      'services:\n  a:\n    ports: !override\n      - "1:1"\n    volumes: !reset []\n    command: !reset null\n';
    const f = parseComposeFile('x.yml', text);
    expect(f.doc.warnings).toEqual([]);
    const out = f.doc.toString();
    expect(out).toContain('ports: !override');
    expect(out).toContain('volumes: !reset []');
    expect(out).toContain('command: !reset null');
    expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  test('merge keys are shallow and explicit keys win wherever they stand', () => {
    const text = [
      'x-base: &base',
      '  environment: {A: "1", B: "2"}',
      '  restart: always',
      '  image: base',
      'services:',
      '  a:',
      '    image: mine',
      '    <<: *base',
      '    environment: {C: "3"}',
    ].join('\n');
    const v = toValue(parseComposeFile('x.yml', text)) as Record<string, Record<string, unknown>>;
    expect(v.services?.a).toEqual({ image: 'mine', environment: { C: '3' }, restart: 'always' });
  });

  test('a list of merge sources: earlier sources win', () => {
    const text =
      'x1: &one {a: 1, b: 1}\nx2: &two {b: 2, c: 2}\nservices:\n  s:\n    <<: [*one, *two]\n    image: x\n';
    const v = toValue(parseComposeFile('x.yml', text)) as Record<string, Record<string, unknown>>;
    expect(v.services?.s).toEqual({ a: 1, b: 1, c: 2, image: 'x' });
  });

  test('empty services mapping is allowed', () => {
    expect(() => parseComposeFile('x.yml', 'services:\n')).not.toThrow();
  });

  test('an empty or comment-only file is an empty layer', () => {
    for (const text of ['', '\n', '# overrides go here\n# (none yet)\n', '---\n# nothing\n']) {
      const file = parseComposeFile('docker-compose.override.yml', text);
      expect(toValue(file)).toBeNull();
    }
  });
});

describe('aliases resolve to the anchor defined last before them', () => {
  test('a redefined anchor: each alias takes the definition above it, merge keys included', () => {
    const f = parseComposeFile(
      'a.yml',
      [
        'x-a: &a {v: 1}',
        'x-b: *a',
        'x-c: &a {v: 2}',
        'x-d: *a',
        'x-e:',
        '  <<: *a',
        '  w: 3',
        'services:',
        '  web:',
        '    image: x',
        '    labels: *a',
      ].join('\n'),
    );
    const value = (key: string): unknown => toValue(f, topEntries(f).get(key)?.valueNode);
    expect(value('x-b')).toEqual({ v: 1 });
    expect(value('x-d')).toEqual({ v: 2 });
    expect(value('x-e')).toEqual({ v: 2, w: 3 });
    expect(value('services')).toEqual({ web: { image: 'x', labels: { v: 2 } } });
  });
});
