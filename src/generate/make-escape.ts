import { MigrateError } from '../errors.js';
import { UnquotableError, makeRecipeWord, shQuote } from '../quote.js';

/** Quote for POSIX sh: always single quotes, so generated Makefiles read the same for every name. */
export function shellQuote(s: string): string {
  return shQuote(s, { always: true });
}

/** Make expands `$` in recipes before the shell sees them; `$$` passes one through. */
export function makeEscape(s: string): string {
  return s.replace(/\$/g, '$$$$');
}

/** A value placed into a recipe as one shell word, safe from both make and the shell. */
export function recipeWord(s: string, what: string): string {
  try {
    return makeRecipeWord(s, { always: true });
  } catch (e) {
    throw unquotable(e, what);
  }
}

/**
 * A shell command the user configured (or the runner analysis derived): passed to the shell as
 * written, but make must not expand its `$`.
 */
export function recipeCommand(s: string, what: string): string {
  if (/[\n\r\0]/.test(s)) throw unquotable(new UnquotableError(s, 'a Makefile recipe', 'line break'), what);
  return makeEscape(s);
}

/** A newline would end the recipe line and start a new make statement. */
function unquotable(e: unknown, what: string): unknown {
  if (!(e instanceof UnquotableError)) return e;
  return new MigrateError(
    'component-name',
    `${what} contains a line break or NUL and cannot be put in a Makefile: ${JSON.stringify(e.value)}`,
    { file: 'Makefile' },
  );
}
