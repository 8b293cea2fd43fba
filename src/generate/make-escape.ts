import { MigrateError } from '../errors.js';

/** Quote for POSIX sh: single quotes, with embedded quotes closed, escaped and reopened. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Make expands `$` in recipes before the shell sees them; `$$` passes one through. */
export function makeEscape(s: string): string {
  return s.replace(/\$/g, '$$$$');
}

/** A value placed into a recipe as one shell word, safe from both make and the shell. */
export function recipeWord(s: string, what: string): string {
  assertOneLine(s, what);
  return makeEscape(shellQuote(s));
}

/**
 * A shell command the user configured (or the runner analysis derived): passed to the shell as
 * written, but make must not expand its `$`.
 */
export function recipeCommand(s: string, what: string): string {
  assertOneLine(s, what);
  return makeEscape(s);
}

/** A newline would end the recipe line and start a new make statement. */
function assertOneLine(s: string, what: string): void {
  if (/[\n\r\0]/.test(s)) {
    throw new MigrateError(
      'component-name',
      `${what} contains a line break or NUL and cannot be put in a Makefile: ${JSON.stringify(s)}`,
      {
        file: 'Makefile',
      },
    );
  }
}
