/**
 * The fast reader (js-yaml) and the `yaml` Document must give the same tree: same values, tags,
 * anchors, merge keys, alias targets and start offsets, on every YAML file of the fixtures and, when
 * the corpus is beside the project, of every corpus repository. When the fast reader accepts a text
 * the library refuses, that is a failure too: the error would go unreported.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { COMPOSE_TAGS, parseComposeFile } from '../../src/compose/parse.js';
import { toValue } from '../../src/compose/value.js';
import { fastTree, treeFromDocument } from '../../src/compose/yaml-tree.js';
import { compareReaders } from '../helpers/yaml-readers.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CORPUS = resolve(ROOT, '../shared/corpus');

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/u.test(e.name)) out.push(p);
  }
  return out;
}

describe('fast reader = yaml Document', () => {
  const files = yamlFiles(join(ROOT, 'fixtures'));

  it('finds the fixtures', () => {
    expect(files.length).toBeGreaterThan(40);
  });

  it('gives the same tree on every fixture YAML file', () => {
    const bad: string[] = [];
    let read = 0;
    for (const f of files) {
      const o = compareReaders(f, readFileSync(f, 'utf8'));
      if (!o.declined) read++;
      if (o.mismatch) bad.push(`${relative(ROOT, f)}: ${o.mismatch}`);
    }
    expect(bad).toEqual([]);
    // Most fixture files are plain compose files the fast reader takes.
    expect(read).toBeGreaterThan(files.length * 0.8);
  });

  it('converts to the same values and positions', () => {
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      let fast;
      try {
        fast = parseComposeFile('x.yml', text);
      } catch {
        continue;
      }
      const doc = parseDocument(text, { customTags: COMPOSE_TAGS, merge: true, keepSourceTokens: false });
      const slow = { ...fast, tree: treeFromDocument(doc), doc, lines: fast.lines };
      const pos = (file: typeof fast) => {
        const out: string[] = [];
        const v = toValue(file, undefined, (p, at) => out.push(`${p}@${at.line}:${at.col}`));
        return { v: JSON.stringify(v), out };
      };
      expect(pos(fast), relative(ROOT, f)).toEqual(pos(slow));
    }
  });

  const cases: [string, string][] = [
    ['empty values and nulls', 'a:\nb: ~\nc: null\nd: ""\ne: []\n'],
    [
      'core-schema scalars',
      'a: 0o17\nb: 0x1F\nc: 1e3\nd: .inf\ne: -.Inf\nf: .nan\ng: True\nh: "1"\ni: 1_000\nj: 0440\nk: 2001-12-14\n',
    ],
    ['merge keys and aliases', 'x: &a {k: 1}\ny: &b\n  j: 2\nz:\n  <<: [*a, *b]\n  "<<": q\n  w: *a\n'],
    ['tags', 'a: !reset []\nb: !override\n  k: 1\nc: !reset\nd: !reset null\ne:\n  - !override x\n'],
    [
      'block scalars and comments',
      'a: |\n  x # not a comment\n  y\nb: >-\n  f\n  g\nc: x # c\nd: "q # q" # r\n',
    ],
    ['flow collections', 'a: [1, "2", {b: c}, [d]]\ne: {f: [g], h: 3, "i j": k}\n'],
    ['anchors on items', 's:\n  - &i one\n  - *i\n  - &m\n    k: v\n  - *m\n'],
    ['multi-line plain', 'a: one\n  two\n  three\nb: x\n'],
    ['keys of other types', '1: a\ntrue: b\nnull: c\n~: d\n1.5: e\n'],
    ['document markers', '---\na: 1\n...\n'],
    ['only comments', '# nothing\n\n# here\n'],
    ['a byte order mark', '\uFEFFservices:\n  a:\n    image: "0440"\n    user: 0440\n'],
    ['CRLF line ends', 'services:\r\n  a:\r\n    image: x\r\n    user: 0440 # c\r\n'],
    ['repeated merge keys', 'x: &a {k: 1}\ny: &b {j: 2}\nz:\n  <<: *a\n  <<: *b\n  k: 3\n'],
    [
      'a flow sequence on the line after its key',
      'a:\n  test:\n    [\n      "CMD",\n      "x",\n    ]\n  b: 1\n',
    ],
    [
      'a mapping and a block scalar as sequence items',
      's:\n  - |\n    x=1\n  - k: v\n    j: w\n  -\n  - - n\n',
    ],
  ];
  for (const [name, text] of cases) {
    it(`agrees on ${name}`, () => {
      const o = compareReaders(name, text);
      expect(o.mismatch).toBeUndefined();
    });
  }

  it('declines what it cannot mirror, and parseComposeFile still reads it', () => {
    for (const text of [
      '%YAML 1.2\n---\na: 1\n',
      '? a\n: 1\n',
      'a: !!str 1\n',
      'a: !custom x\n',
      'a: 1\n---\nb: 2\n',
    ]) {
      expect(fastTree(text, COMPOSE_TAGS), text).toBeUndefined();
    }
    expect(toValue(parseComposeFile('x.yml', 'a: !!str 1\n'))).toEqual({ a: '1' });
    // A quoted "0440" stays a string behind a byte order mark (js-yaml would shift the offsets).
    expect(toValue(parseComposeFile('x.yml', '\uFEFFa: "0440"\nb: 0440\n'))).toEqual({ a: '0440', b: 288 });
  });

  it('refuses what the library refuses: equal resolved keys written differently', () => {
    expect(() => parseComposeFile('x.yml', 'a:\n  1: x\n  1.0: y\n')).toThrow(/unique/u);
    expect(() => parseComposeFile('x.yml', 'a:\n  null: x\n  ~: y\n')).toThrow(/unique/u);
    expect(() => parseComposeFile('x.yml', 'a:\n  k: x\n  k: y\n')).toThrow(/unique/u);
  });
});

const bundles = existsSync(CORPUS) ? readdirSync(CORPUS).filter((f) => f.endsWith('.bundle')) : [];
const work: string[] = [];
afterAll(() => {
  for (const w of work) rmSync(w, { recursive: true, force: true });
});

describe.runIf(bundles.length > 0 || process.env.CI === 'true')(
  'fast reader = yaml Document on the corpus',
  () => {
    it('has the corpus', () => {
      expect(bundles.length).toBeGreaterThan(0);
    });
    for (const bundle of bundles) {
      it(`gives the same tree on every YAML file of ${bundle}`, () => {
        const dir = mkdtempSync(join(tmpdir(), 'cm-yaml-tree-'));
        work.push(dir);
        const git = (...args: string[]): string =>
          execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
        git('init', '-q');
        git('fetch', '-q', join(CORPUS, bundle), 'HEAD');
        const paths = git('ls-tree', '-r', '--name-only', '-z', 'FETCH_HEAD')
          .split('\0')
          .filter((p) => /\.ya?ml$/u.test(p));
        const bad: string[] = [];
        for (const p of paths) {
          const text = git('show', `FETCH_HEAD:${p}`);
          if (text.length > 2_000_000) continue;
          const o = compareReaders(p, text);
          if (o.mismatch) bad.push(`${p}: ${o.mismatch}`);
        }
        expect(bad).toEqual([]);
      }, 120_000);
    }
  },
);
