import { describe, expect, it } from 'vitest';
import { logReads, readsAlike } from '../../src/codemods/read-log.js';

interface Options {
  rootFiles: { name: string; componentFile: string; fallbacks: string[] }[];
  componentDirs: Record<string, string>;
}

const base = (): Options => ({
  rootFiles: [
    { name: 'docker-compose.test.yml', componentFile: 'docker-compose.test.yml', fallbacks: [] },
    { name: 'docker-compose.yml', componentFile: 'docker-compose.yml', fallbacks: [] },
  ],
  componentDirs: {},
});

describe('logReads', () => {
  it('reads like the value it wraps', () => {
    const { view } = logReads(base());
    expect(view.rootFiles.map((r) => r.name)).toEqual(['docker-compose.test.yml', 'docker-compose.yml']);
    expect(view.rootFiles[0]?.componentFile).toBe('docker-compose.test.yml');
    expect(Object.entries(view.componentDirs)).toEqual([]);
    expect([...view.rootFiles].length).toBe(2);
    expect('componentDirs' in view).toBe(true);
  });

  it('logs reads made through property descriptors too', () => {
    const { view, reads } = logReads(base());
    const rootFiles = Object.getOwnPropertyDescriptors(view)['rootFiles']?.value as Options['rootFiles'];
    expect(rootFiles[1]?.name).toBe('docker-compose.yml');
    const renamed = base();
    renamed.rootFiles[1]!.name = 'compose.yml';
    expect(readsAlike(reads, renamed)).toBe(false);
    expect(readsAlike(reads, base())).toBe(true);
  });

  it('refuses writes', () => {
    const { view } = logReads(base());
    expect(() => {
      'use strict';
      view.rootFiles.push({ name: 'x', componentFile: 'x', fallbacks: [] });
    }).toThrow(TypeError);
    expect(Reflect.set(view, 'componentDirs', { a: 'b' })).toBe(false);
    expect(Reflect.deleteProperty(view.rootFiles, '0')).toBe(false);
  });

  it('a value that differs only where nothing was read answers alike', () => {
    const { view, reads } = logReads(base());
    void view.rootFiles.map((r) => r.name);
    void view.rootFiles[0]?.componentFile;
    const other = base();
    other.rootFiles[1]!.componentFile = 'compose.yml';
    other.rootFiles[0]!.fallbacks = ['todo/docker-compose.test.yml'];
    other.componentDirs = { api: 'services/api' };
    expect(readsAlike(reads, other)).toBe(true);
  });

  it('a value that differs where something was read does not', () => {
    const names = logReads(base());
    void names.view.rootFiles.map((r) => r.name);
    const renamed = base();
    renamed.rootFiles[1]!.name = 'compose.yml';
    expect(readsAlike(names.reads, renamed)).toBe(false);
    const shorter = base();
    shorter.rootFiles.pop();
    expect(readsAlike(names.reads, shorter)).toBe(false);
    const longer = base();
    longer.rootFiles.push({ name: 'docker-compose.prod.yml', componentFile: 'x', fallbacks: [] });
    expect(readsAlike(names.reads, longer)).toBe(false);

    const dirs = logReads(base());
    void Object.entries(dirs.view.componentDirs);
    const withDirs = base();
    withDirs.componentDirs = { api: 'services/api' };
    expect(readsAlike(dirs.reads, withDirs)).toBe(false);
    expect(readsAlike(dirs.reads, base())).toBe(true);

    const first = logReads(base());
    void first.view.rootFiles[0]?.fallbacks.map((f) => f);
    const archived = base();
    archived.rootFiles[0]!.fallbacks = ['todo/docker-compose.test.yml'];
    expect(readsAlike(first.reads, archived)).toBe(false);
  });

  it('logs a read under the path it was made through, also for an object reached by two', () => {
    const shared: string[] = [];
    const { view, reads } = logReads({ a: shared, b: shared });
    void view.b.length;
    void view.b.length;
    expect(reads.filter((r) => r.key === 'length')).toHaveLength(1);
    expect(readsAlike(reads, { a: ['x'], b: [] })).toBe(true);
    expect(readsAlike(reads, { a: [], b: ['x'] })).toBe(false);
  });

  it('tells a missing property from one that holds undefined or an object', () => {
    const { view, reads } = logReads({ a: { b: 1 } } as Record<string, unknown>);
    void view['c'];
    void (view['a'] as Record<string, unknown>)['b'];
    expect(readsAlike(reads, { a: { b: 1 } })).toBe(true);
    expect(readsAlike(reads, { a: { b: 1 }, c: undefined })).toBe(false);
    expect(readsAlike(reads, { a: { b: 2 } })).toBe(false);
    expect(readsAlike(reads, { a: 1 })).toBe(false);
    expect(readsAlike(reads, { a: [1] })).toBe(false);
  });
});
