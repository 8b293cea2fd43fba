import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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

  it('names the TypeScript place of an error raised in the build, through the map beside it', () => {
    // The built CLI, as a user runs it: a bug in built code (bytes missing) is reported at its source line.
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const built = (f: string): string => pathToFileURL(join(root, 'dist/src', f)).href;
    const script = `
      const { placeOf, sourceStack } = await import(${JSON.stringify(built('cli/errors.js'))});
      const { parseComposeFile } = await import(${JSON.stringify(built('compose/parse.js'))});
      try { parseComposeFile('x.yml', undefined); } catch (e) {
        console.log(JSON.stringify({ place: placeOf(e), stack: sourceStack(e.stack) }));
      }`;
    const out = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }),
    ) as {
      place: string;
      stack: string;
    };
    const m = /^src\/compose\/parse\.ts:(\d+)$/.exec(out.place);
    expect(m, out.place).not.toBeNull();
    const line = readFileSync(join(root, 'src/compose/parse.ts'), 'utf8').split('\n')[Number(m![1]) - 1];
    expect(line).toContain('byteLength');
    expect(out.stack.split('\n')[1]).toContain(`${join(root, 'src/compose/parse.ts')}:${m![1]}:`);
  });
});
