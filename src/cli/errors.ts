import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMigrateError } from '../errors.js';

/** The package root (this file is src/cli/errors.ts, built to dist/src/cli/errors.js). */
const PACKAGE_ROOT = fileURLToPath(
  new URL(import.meta.url.includes('/dist/') ? '../../../' : '../../', import.meta.url),
);

/**
 * Where an internal error was raised: the first stack frame in this package's own code, as
 * `src/x.ts:line` (source maps are enabled at start-up), so that a bug report names a place.
 */
export function placeOf(e: Error): string | undefined {
  for (const line of (e.stack ?? '').split('\n').slice(1)) {
    const m = /((?:file:\/\/)?\/[^()\s]*):(\d+):(\d+)\)?\s*$/u.exec(line);
    if (!m) continue;
    const file = m[1]!.startsWith('file://') ? fileURLToPath(m[1]!) : m[1]!;
    if (file.includes('/node_modules/')) continue;
    const rel = relative(PACKAGE_ROOT, file);
    if (rel.startsWith('..')) continue;
    return `${rel}:${m[2]}`;
  }
  return undefined;
}

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
    if (opts.verbose && e.detail) opts.stderr.write(`${e.detail.replace(/^/gmu, '  ')}\n`);
    if (opts.verbose && e.stack) opts.stderr.write(`${e.stack}\n`);
    return e.exitCode;
  }
  const message = e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e);
  const place = e instanceof Error ? placeOf(e) : undefined;
  write(
    `internal error${place ? ` at ${place}` : ''}: ${message}${opts.verbose || opts.json ? '' : ' (run with --verbose for details)'}`,
    'internal',
  );
  if (opts.verbose && e instanceof Error && e.stack) opts.stderr.write(`${e.stack}\n`);
  return 1;
}
