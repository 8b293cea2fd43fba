import { isMigrateError } from '../errors.js';

/** The only place errors become text: one line, no stack trace unless --verbose. */
export function reportError(e: unknown, verbose: boolean): number {
  if (e instanceof Error && e.name === 'Interrupted') {
    process.stderr.write('compose-migrate: interrupted; nothing was written\n');
    return 130;
  }
  if (isMigrateError(e)) {
    process.stderr.write(`compose-migrate: ${e.format()}\n`);
    if (verbose && e.stack) process.stderr.write(`${e.stack}\n`);
    return e.exitCode;
  }
  const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
  process.stderr.write(
    `compose-migrate: internal error: ${message}${verbose ? '' : ' (run with --verbose for details)'}\n`,
  );
  if (verbose && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  return 1;
}
