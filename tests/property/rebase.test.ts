/**
 * Rebasing a path written at the repository root into a component directory must not move what it
 * points at: resolving the rebased path from the component gives the same place as resolving the
 * original from the root, for paths that stay inside the repository and for those that leave it.
 */
import { posix } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rebasePath } from '../../src/compose/paths.js';

/** Deep enough that no generated "../" chain reaches the filesystem root, where ".." stops counting. */
const ROOT = '/w/x/y/z/u/v/repo';

const segment = fc.constantFrom('src', 'data', 'a', 'b-c', 'x.y', 'Dockerfile');
const step = fc.oneof(
  { weight: 3, arbitrary: segment },
  { weight: 1, arbitrary: fc.constant('..') },
  { weight: 1, arbitrary: fc.constant('.') },
);

/** A relative path as authors write them: "./src", "../shared/x", "data/", "a/../b". */
const relativePath = fc
  .tuple(fc.array(step, { minLength: 1, maxLength: 5 }), fc.boolean(), fc.boolean())
  .map(([steps, dotSlash, trailing]) => {
    const body = steps.join('/');
    const lead = dotSlash && !body.startsWith('.') ? `./${body}` : body;
    return trailing ? `${lead}/` : lead;
  });

/** A component directory, repo-relative: "pourtier", "apps/api", "services/group/x". */
const componentDir = fc
  .array(
    segment.filter((s) => s !== 'Dockerfile'),
    { minLength: 1, maxLength: 3 },
  )
  .map((s) => s.join('/'));

/** True when the path, written at the root, stays inside the repository. */
const staysInside = (p: string): boolean => !posix.relative(ROOT, posix.resolve(ROOT, p)).startsWith('..');

describe('rebasePath keeps the location', () => {
  it('for paths that stay inside the repository', () => {
    fc.assert(
      fc.property(relativePath.filter(staysInside), componentDir, (p, dir) => {
        const rebased = rebasePath(p, '', dir);
        expect(posix.resolve(ROOT, dir, rebased)).toBe(posix.resolve(ROOT, p));
      }),
      { numRuns: 500 },
    );
  });

  it('for paths that leave the repository (context: ../elsewhere)', () => {
    fc.assert(
      fc.property(relativePath, componentDir, (p, dir) => {
        const rebased = rebasePath(p, '', dir);
        expect(posix.isAbsolute(rebased)).toBe(false);
        expect(posix.resolve(ROOT, dir, rebased)).toBe(posix.resolve(ROOT, p));
      }),
      { numRuns: 500 },
    );
  });

  it('between any two repo directories', () => {
    fc.assert(
      fc.property(relativePath, fc.oneof(fc.constant(''), componentDir), componentDir, (p, from, to) => {
        const rebased = rebasePath(p, from, to);
        expect(posix.resolve(ROOT, to, rebased)).toBe(posix.resolve(ROOT, from, p));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps a trailing slash and the "./" or "../" style compose writes', () => {
    fc.assert(
      fc.property(relativePath, componentDir, (p, dir) => {
        const rebased = rebasePath(p, '', dir);
        expect(
          rebased === '.' || rebased.startsWith('./') || rebased.startsWith('../') || rebased === '..',
        ).toBe(true);
        if (p.endsWith('/') && rebased !== '.' && rebased !== '..') expect(rebased.endsWith('/')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('leaves home, absolute and variable-led paths alone', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('~/x', '/srv/data', '${HOME}/cache', '$DATA_DIR/x'),
        componentDir,
        (p, dir) => {
          expect(rebasePath(p, '', dir)).toBe(p);
        },
      ),
    );
  });
});
