import { isMigrateError } from '../errors.js';

export interface ReportOptions {
  verbose: boolean;
  stderr: { write: (text: string) => unknown };
  /** `--json`: the error is one JSON object on stderr, for scripts that parse the output. */
  json: boolean;
}

/** `{"error":{"message","code","file?","line?","col?"}}`: what a script reads from stderr with --json. */
export function errorJson(
  message: string,
  code: string,
  location?: { file: string; line?: number; col?: number },
): string {
  return (
    JSON.stringify({
      error: {
        message,
        code,
        ...(location ? { file: location.file } : {}),
        ...(location?.line !== undefined ? { line: location.line } : {}),
        ...(location?.col !== undefined ? { col: location.col } : {}),
      },
    }) + '\n'
  );
}

/** The only place errors become text: one line, no stack trace unless --verbose. */
export function reportError(e: unknown, opts: ReportOptions): number {
  const write = (text: string, code: string, location?: { file: string; line?: number; col?: number }) =>
    opts.stderr.write(opts.json ? errorJson(text, code, location) : `compose-migrate: ${text}\n`);
  if (e instanceof Error && e.name === 'Interrupted') {
    write('interrupted; nothing was written', 'interrupted');
    return 130;
  }
  if (isMigrateError(e)) {
    if (opts.json) write(e.message, e.code, e.location);
    else write(e.format(), e.code);
    if (opts.verbose && e.stack) opts.stderr.write(`${e.stack}\n`);
    return e.exitCode;
  }
  const message = e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e);
  write(
    `internal error: ${message}${opts.verbose || opts.json ? '' : ' (run with --verbose for details)'}`,
    'internal',
  );
  if (opts.verbose && e instanceof Error && e.stack) opts.stderr.write(`${e.stack}\n`);
  return 1;
}
