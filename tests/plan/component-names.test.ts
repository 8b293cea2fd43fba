import { describe, expect, it } from 'vitest';
import { checkComponentNames, editDistance, similarNames } from '../../src/plan/component-names.js';

describe('component names', () => {
  it('counts a transposition as one edit', () => {
    expect(editDistance('pourtier', 'pourtire')).toBe(1);
    expect(editDistance('courier', 'coureir')).toBe(1);
    expect(editDistance('api', 'app')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests close names nearest first, and nothing for unrelated ones', () => {
    const known = ['courier', 'passeur', 'pourtier', 'laborant'];
    expect(similarNames('pourtir', known)).toEqual(['pourtier']);
    expect(similarNames('Pourtier', known)).toEqual(['pourtier']);
    expect(similarNames('pass', known)).toEqual(['passeur']);
    expect(similarNames('zzz', known)).toEqual([]);
  });

  it('an unknown name is a usage error (exit 2); known names pass', () => {
    expect(() => checkComponentNames(['pourtier'], ['pourtier'])).not.toThrow();
    expect(() => checkComponentNames(['pourtire'], ['pourtier', 'passeur'])).toThrow(
      expect.objectContaining({
        exitCode: 2,
        message: 'unknown component "pourtire"; did you mean pourtier?',
      }),
    );
    expect(() => checkComponentNames(['x'], [])).toThrow(/components: none/);
  });
});
