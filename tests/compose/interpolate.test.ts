import { describe, expect, test } from 'vitest';
import {
  interpolate,
  interpolateDeep,
  loadDotEnv,
  variablesIn,
  varSource,
} from '../../src/compose/interpolate.js';

const vars = varSource({ SET: 'value', EMPTY: '', PORT: '5432', NESTED: 'inner' });

describe('interpolate', () => {
  const table: Array<[string, string]> = [
    ['plain', 'plain'],
    ['$SET', 'value'],
    ['${SET}', 'value'],
    ['a-${SET}-b', 'a-value-b'],
    ['$SET.x', 'value.x'],
    ['${UNSET}', ''],
    ['${UNSET:-d}', 'd'],
    ['${EMPTY:-d}', 'd'],
    ['${EMPTY-d}', ''],
    ['${UNSET-d}', 'd'],
    ['${SET:-d}', 'value'],
    ['${SET:+x}', 'x'],
    ['${EMPTY:+x}', ''],
    ['${EMPTY+x}', 'x'],
    ['${UNSET+x}', ''],
    ['${UNSET:-${NESTED}}', 'inner'],
    ['${UNSET:-${ALSO_UNSET:-deep}}', 'deep'],
    ['${UNSET:-a}${SET}', 'avalue'],
    ['$$SET', '$SET'],
    ['$${SET}', '${SET}'],
    ['cost: $$5', 'cost: $5'],
    ['${PORT:-5432}:5432', '5432:5432'],
    ['${SET?boom}', 'value'],
    ['${EMPTY?boom}', ''],
    ['${UNSET:-with space}', 'with space'],
  ];
  for (const [input, want] of table) {
    test(input, () => expect(interpolate(input, vars)).toBe(want));
  }

  test('required variables', () => {
    expect(() => interpolate('${UNSET:?set it}', vars, { file: 'a.yml', line: 3 })).toThrow(
      /required variable UNSET is missing a value: set it/,
    );
    expect(() => interpolate('${EMPTY:?x}', vars)).toThrow(/EMPTY/);
    expect(() => interpolate('${UNSET?}', vars)).toThrow(/UNSET/);
    try {
      interpolate('${UNSET:?set it}', vars, { file: 'a.yml', line: 3 });
    } catch (e) {
      expect((e as { code: string; location: unknown }).code).toBe('compose-interpolation');
      expect((e as { location: unknown }).location).toEqual({ file: 'a.yml', line: 3 });
    }
  });

  test('invalid templates are errors, as in compose', () => {
    expect(() => interpolate('${', vars)).toThrow(/unclosed/);
    expect(() => interpolate('$1', vars)).toThrow(/invalid interpolation/);
    expect(() => interpolate('${A B}', vars)).toThrow(/invalid interpolation/);
  });
});

test('variablesIn finds names, nested defaults included, once each', () => {
  expect(variablesIn('${A:-${B}}-$C-$$D-${A}')).toEqual(['A', 'B', 'C']);
  expect(variablesIn('no vars $$ here')).toEqual([]);
});

test('interpolateDeep touches values, not keys', () => {
  expect(interpolateDeep({ '${SET}': ['${SET}', 1, { k: '$PORT' }] }, vars)).toEqual({
    '${SET}': ['value', 1, { k: '5432' }],
  });
});

test('loadDotEnv: comments, quotes, export, inline comments, multi-line, references', () => {
  const env = loadDotEnv(
    [
      '# comment',
      '',
      'A=1',
      'export B=two',
      "C='single ${A} # not a comment'",
      'D="double\\nline ${A}"',
      'E=plain # inline comment',
      'F=has#hash',
      'G="multi',
      'line"',
      'H=${A}-${MISSING:-x}',
      '  I = spaced  ',
      'J=',
      'not a line',
    ].join('\n'),
  );
  expect(Object.fromEntries(env)).toEqual({
    A: '1',
    B: 'two',
    C: 'single ${A} # not a comment',
    D: 'double\nline 1',
    E: 'plain',
    F: 'has#hash',
    G: 'multi\nline',
    H: '1-x',
    I: 'spaced',
    J: '',
  });
});
