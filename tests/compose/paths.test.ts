import fc from 'fast-check';
import { posix } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  PATH_KEYS,
  isOutsideRepo,
  mapIncludePaths,
  mapServicePaths,
  rebasePath,
  resolveRelative,
} from '../../src/compose/paths.js';
import { isHostPath } from '../../src/compose/short-syntax.js';

describe('resolveRelative', () => {
  const table: Array<[string, string, string]> = [
    ['.', '', '.'],
    ['./', '', '.'],
    ['./src', 'pourtier', './pourtier/src'],
    ['src', 'pourtier', './pourtier/src'],
    ['.', 'pourtier', './pourtier'],
    ['../x', 'a', './x'],
    ['../../apps/api', 'docker-compose/services', './apps/api'],
    ['..', '', '..'],
    ['../../x', 'a', '../x'],
    ['./data/', '', './data/'],
    ['~/.config/aws', 'a', '~/.config/aws'],
    ['/var/run/docker.sock', 'a', '/var/run/docker.sock'],
    ['${HOME}/x', 'a', '${HOME}/x'],
    ['$PWD/x', 'a', '$PWD/x'],
  ];
  for (const [p, dir, want] of table)
    test(`${p} in ${dir || '<root>'}`, () => expect(resolveRelative(p, dir)).toBe(want));
});

describe('rebasePath', () => {
  test('examples', () => {
    expect(rebasePath('./pourtier/src', '', 'pourtier')).toBe('./src');
    expect(rebasePath('.', '', 'pourtier')).toBe('..');
    expect(rebasePath('./postgres/init', '', 'pourtier')).toBe('../postgres/init');
    expect(rebasePath('./pourtier', '', 'pourtier')).toBe('.');
    expect(rebasePath('~/.aws', '', 'pourtier')).toBe('~/.aws');
    expect(rebasePath('/abs', '', 'a/b')).toBe('/abs');
  });

  const seg = fc.stringMatching(/^[a-z0-9_-]{1,6}$/);
  const dir = fc.array(seg, { maxLength: 5 }).map((s) => s.join('/'));
  const rel = fc
    .array(fc.oneof(seg, fc.constant('..'), fc.constant('.')), { minLength: 1, maxLength: 6 })
    .map((s) => s.join('/'));

  test('property: rebasing then resolving from the new dir reaches the same place', () => {
    fc.assert(
      fc.property(rel, dir, dir, (p, from, to) => {
        const moved = rebasePath(p, from, to);
        const abs = (q: string, d: string): string => posix.join('/root/repo', d, q);
        expect(abs(moved, to)).toBe(abs(p, from));
        expect(moved === '.' || moved.startsWith('./') || moved.startsWith('../') || moved === '..').toBe(
          true,
        );
      }),
      { numRuns: 500 },
    );
  });

  test('property: resolveRelative agrees with rebasing to the root', () => {
    fc.assert(
      fc.property(rel, dir, (p, from) => {
        expect(resolveRelative(p, from)).toBe(rebasePath(p, from, ''));
      }),
      { numRuns: 300 },
    );
  });
});

test('isHostPath follows compose (and docker-compose 1.29): only ., / and ~ start a path', () => {
  expect(['./a', '.', '../b', '/abs', '~/x', '~', 'C:\\x', '\\\\srv\\share'].every(isHostPath)).toBe(true);
  expect(['data', 'data/x', 'pg_data', ''].some(isHostPath)).toBe(false);
});

test('isOutsideRepo', () => {
  expect(isOutsideRepo('../x')).toBe(true);
  expect(isOutsideRepo('..')).toBe(true);
  expect(isOutsideRepo('./a/../../x')).toBe(true);
  expect(isOutsideRepo('./a/../x')).toBe(false);
  expect(isOutsideRepo('/abs')).toBe(false);
});

test('mapServicePaths visits every path-bearing service key and nothing else', () => {
  const seen: string[] = [];
  const out = mapServicePaths(
    {
      image: './not-a-path',
      build: {
        context: './api',
        dockerfile: 'Dockerfile.dev',
        additional_contexts: { lib: '../lib', base: 'docker-image://alpine' },
      },
      volumes: [
        './src:/app',
        'named:/data',
        '/anon',
        { type: 'bind', source: './x', target: '/x' },
        { type: 'volume', source: 'v', target: '/v' },
      ],
      env_file: ['.env', { path: './b.env', required: false }],
      label_file: './labels',
      extends: { file: '../base.yml', service: 'b' },
      develop: { watch: [{ path: './src', action: 'sync', target: '/app' }] },
    },
    (p, id) => {
      seen.push(`${id}:${p}`);
      return id === 'build.dockerfile' ? p : `R(${p})`;
    },
  );
  expect(seen.sort()).toEqual(
    [
      'build.context:./api',
      'build.dockerfile:Dockerfile.dev',
      'build.additional_contexts:../lib',
      'volumes.short:./src',
      'volumes.long:./x',
      'env_file:.env',
      'env_file:./b.env',
      'label_file:./labels',
      'extends.file:../base.yml',
      'develop.watch.path:./src',
    ].sort(),
  );
  expect(out.volumes).toEqual([
    'R(./src):/app',
    'named:/data',
    '/anon',
    { type: 'bind', source: 'R(./x)', target: '/x' },
    { type: 'volume', source: 'v', target: '/v' },
  ]);
  expect(out.image).toBe('./not-a-path');
  expect(mapServicePaths({ build: 'https://github.com/a/b.git#main' }, () => 'X').build).toBe(
    'https://github.com/a/b.git#main',
  );
  const ids = new Set(PATH_KEYS.map((k) => k.id));
  for (const s of seen) expect(ids.has(s.split(':')[0] as never)).toBe(true);
});

test('mapIncludePaths handles string, list and long forms', () => {
  const fn = (p: string): string => `R(${p})`;
  expect(mapIncludePaths('a.yml', fn)).toBe('R(a.yml)');
  expect(
    mapIncludePaths(['a.yml', { path: ['b.yml', 'c.yml'], env_file: 'e.env', project_directory: 'd' }], fn),
  ).toEqual([
    'R(a.yml)',
    { path: ['R(b.yml)', 'R(c.yml)'], env_file: 'R(e.env)', project_directory: 'R(d)' },
  ]);
});
