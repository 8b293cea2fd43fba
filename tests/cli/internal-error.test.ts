import { describe, expect, it, vi } from 'vitest';
import { placeOf, reportError } from '../../src/cli/errors.js';

describe('internal errors', () => {
  it('print one line naming the place in the sources', () => {
    const e = new TypeError("Cannot read properties of undefined (reading 'services')\nsecond line");
    const place = placeOf(e);
    expect(place).toMatch(/^tests\/cli\/internal-error\.test\.ts:\d+$/);
    const writes: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((t) => {
      writes.push(String(t));
      return true;
    });
    try {
      expect(reportError(e, { verbose: false, json: false, stderr: process.stderr })).toBe(1);
    } finally {
      spy.mockRestore();
    }
    expect(writes.join('')).toBe(
      `compose-migrate: internal error at ${place}: Cannot read properties of undefined (reading 'services') (run with --verbose for details)\n`,
    );
  });

  it('skips frames outside the package', () => {
    const e = new Error('x');
    e.stack = 'Error: x\n    at f (/usr/lib/node_modules/x/index.js:1:2)\n    at node:internal/main:3:4';
    expect(placeOf(e)).toBeUndefined();
  });
});
