/**
 * The fast YAML reader against the `yaml` library on texts no fixture holds: random documents written
 * in every style the library writes (block and flow, plain, quoted and block scalars, anchors,
 * comments), and fixture texts with random bytes inserted or deleted. Wherever the library reads a
 * text, both readers must give the same tree; wherever it refuses one, parseComposeFile must refuse
 * it too (the fast reader declining, never accepting what the library would not).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Document } from 'yaml';
import { compareReaders } from '../helpers/yaml-readers.js';

const ROOT = resolve(import.meta.dirname, '../..');
const RUNS = Number(process.env.YAML_READER_RUNS ?? 300);

const WORDS = [
  'image',
  'ports',
  'db',
  '<<',
  'true',
  'no',
  '~',
  '0440',
  '1_000',
  '0x1F',
  '.inf',
  '8080:80',
  '${A:-b}',
  'a: b',
  '- x',
  '# c',
  '"q"',
  "it's",
  '',
  ' ',
  'é',
  '*x',
  '&y',
  '!reset',
  '? k',
  '|',
  '>',
];

const scalar = fc.oneof(
  fc.constantFrom(...WORDS),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
);
const key = fc.oneof(
  fc.constantFrom('image', 'ports', 'a', 'b', 'x-y', '1', 'true', 'k k', 'é'),
  fc.string({ minLength: 1, maxLength: 8 }),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('seq'), tie('map')),
  seq: fc.array(tie('node'), { maxLength: 4 }),
  map: fc.dictionary(key, tie('node'), { maxKeys: 4 }),
})).node;

const style = fc.record({
  collectionStyle: fc.constantFrom('any', 'block', 'flow'),
  defaultStringType: fc.constantFrom(
    'PLAIN',
    'QUOTE_DOUBLE',
    'QUOTE_SINGLE',
    'BLOCK_LITERAL',
    'BLOCK_FOLDED',
  ),
  defaultKeyType: fc.constantFrom(null, 'PLAIN', 'QUOTE_DOUBLE'),
  indent: fc.integer({ min: 1, max: 4 }),
  indentSeq: fc.boolean(),
  comment: fc.option(fc.string({ maxLength: 10 }).map((s) => s.replace(/[\n\r]/gu, ' '))),
});

type Style = typeof style extends fc.Arbitrary<infer T> ? T : never;

function render(v: unknown, s: Style): string {
  const doc = new Document({ root: v });
  if (s.comment !== null) doc.commentBefore = s.comment;
  return doc.toString({
    collectionStyle: s.collectionStyle as 'any' | 'block' | 'flow',
    defaultStringType: s.defaultStringType as 'PLAIN',
    defaultKeyType: s.defaultKeyType as 'PLAIN' | null,
    indent: s.indent,
    indentSeq: s.indentSeq,
  });
}

describe('fast reader = yaml Document, random documents', () => {
  it('gives the same tree for documents written in every style', () => {
    fc.assert(
      fc.property(value, style, (v, s) => {
        const text = render(v, s);
        const o = compareReaders('random.yml', text);
        expect(o.mismatch, text).toBeUndefined();
      }),
      { numRuns: RUNS },
    );
  });

  it('gives the same tree with anchors, aliases and merge keys', () => {
    const anchored = fc
      .record({ a: value, b: value, k: key })
      .map(
        ({ a, b, k }) =>
          `x-a: &a\n  ${JSON.stringify(k)}: ${JSON.stringify(a)}\nx-b: &b ${JSON.stringify(b)}\nservices:\n  s:\n    <<: *a\n    list:\n      - *b\n      - &c ${JSON.stringify(a)}\n      - *c\n`,
      );
    fc.assert(
      fc.property(anchored, (text) => {
        const o = compareReaders('anchored.yml', text);
        expect(o.mismatch, text).toBeUndefined();
      }),
      { numRuns: RUNS },
    );
  });
});

describe('fast reader = yaml Document, damaged fixtures', () => {
  const texts = [
    'lumiere/docker-compose.development.yaml',
    'layered/docker-compose.yml',
    'modular/docker-compose.yml',
    'anchors/docker-compose.yml',
    'layered/docker-compose.ci.yml',
  ]
    .map((f) => join(ROOT, 'fixtures', f))
    .filter((f) => existsSync(f))
    .map((f) => readFileSync(f, 'utf8'));
  const damage = fc.record({
    which: fc.nat({ max: texts.length - 1 }),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    cut: fc.nat({ max: 6 }),
    insert: fc.oneof(
      fc.constantFrom(
        ' ',
        '\t',
        '\n',
        ':',
        '- ',
        '#',
        '"',
        "'",
        '&a ',
        '*a',
        '!reset ',
        '{',
        '[',
        ']',
        '}',
        ',',
        '? ',
        '|',
        '>',
        '%',
        '---\n',
        '<<: ',
        '\uFEFF',
        '\r\n',
        '\r',
        '\u0085',
        '\u2028',
        '\u00A0',
        '\f',
        '\v',
        '\x7F',
        '\uD83D\uDE00',
      ),
      fc.string({ maxLength: 3 }),
    ),
  });
  it('reads what the library reads identically, and refuses what it refuses', () => {
    fc.assert(
      fc.property(damage, ({ which, at, cut, insert }) => {
        const base = texts[which]!;
        const i = Math.floor(at * base.length);
        const text = base.slice(0, i) + insert + base.slice(i + cut);
        const o = compareReaders('damaged.yml', text);
        expect(o.mismatch, JSON.stringify(text.slice(Math.max(0, i - 60), i + 60))).toBeUndefined();
      }),
      { numRuns: RUNS * 3 },
    );
  });
  it('does the same when a line is indented more or less', () => {
    const shift = fc.record({
      which: fc.nat({ max: texts.length - 1 }),
      line: fc.nat(),
      delta: fc.integer({ min: -3, max: 3 }),
    });
    fc.assert(
      fc.property(shift, ({ which, line, delta }) => {
        const lines = texts[which]!.split('\n');
        const n = line % lines.length;
        const l = lines[n]!;
        lines[n] = delta >= 0 ? ' '.repeat(delta) + l : l.replace(new RegExp(`^ {0,${-delta}}`, 'u'), '');
        const text = lines.join('\n');
        const o = compareReaders('shifted.yml', text);
        expect(o.mismatch, JSON.stringify(lines.slice(Math.max(0, n - 2), n + 3))).toBeUndefined();
      }),
      { numRuns: RUNS * 3 },
    );
  });
});
