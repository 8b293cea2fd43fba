import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMigrateError } from '../errors.js';

/** The package root (this file is src/cli/errors.ts, built to dist/src/cli/errors.js). */
const PACKAGE_ROOT = fileURLToPath(
  new URL(import.meta.url.includes('/dist/') ? '../../../' : '../../', import.meta.url),
);

/**
 * A place in a built file as a place in its TypeScript source, when the build left a source map
 * beside it (a development build does; the published package ships none, and names the built
 * file). Read only when an error is reported: Node's own source map support, enabled for every
 * run, cost some 50 ms of every command.
 */
function sourcePlace(file: string, line: number, col: number): { file: string; line: number; col: number } {
  if (!file.endsWith('.js')) return { file, line, col };
  try {
    const payload = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as ConstructorParameters<
      typeof SourceMap
    >[0];
    const entry = new SourceMap(payload).findEntry(line - 1, col - 1);
    if ('originalSource' in entry && entry.originalSource) {
      const source = entry.originalSource.startsWith('file://')
        ? fileURLToPath(entry.originalSource)
        : resolve(dirname(file), payload.sourceRoot, entry.originalSource);
      return { file: source, line: entry.originalLine + 1, col: entry.originalColumn + 1 };
    }
  } catch {
    /* no map, or not one we can read: the built place */
  }
  return { file, line, col };
}

/** A stack frame's file, line and column: "at f (/x/y.js:1:2)", "at /x/y.js:1:2", file URLs too. */
const FRAME_PLACE = /((?:file:\/\/)?\/[^()\s]*):(\d+):(\d+)(\)?\s*)$/u;

interface Frame {
  /** The file the frame names, as a path. */
  built: string;
  line: number;
  col: number;
  /** Where the place starts in the frame's text, and what follows it. */
  start: number;
  tail: string;
}

function frameOf(text: string): Frame | undefined {
  const m = FRAME_PLACE.exec(text);
  if (!m) return undefined;
  const built = m[1]!.startsWith('file://') ? fileURLToPath(m[1]!) : m[1]!;
  return { built, line: Number(m[2]), col: Number(m[3]), start: m.index, tail: m[4] ?? '' };
}

/**
 * Where an internal error was raised: the first stack frame in this package's own code, as
 * `src/x.ts:line` where a source map says so, so that a bug report names a place.
 */
export function placeOf(e: Error): string | undefined {
  for (const text of (e.stack ?? '').split('\n').slice(1)) {
    const frame = frameOf(text);
    if (!frame || frame.built.includes('/node_modules/')) continue;
    const place = sourcePlace(frame.built, frame.line, frame.col);
    const rel = relative(PACKAGE_ROOT, place.file);
    if (rel.startsWith('..')) continue;
    return `${rel}:${place.line}`;
  }
  return undefined;
}

/** A stack trace with each frame of a built file named at its place in the source (see sourcePlace). */
export function sourceStack(stack: string): string {
  return stack
    .split('\n')
    .map((text) => {
      const frame = frameOf(text);
      if (!frame) return text;
      const place = sourcePlace(frame.built, frame.line, frame.col);
      if (place.file === frame.built) return text;
      return `${text.slice(0, frame.start)}${place.file}:${place.line}:${place.col}${frame.tail}`;
    })
    .join('\n');
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
    if (opts.verbose && e.stack) opts.stderr.write(`${sourceStack(e.stack)}\n`);
    return e.exitCode;
  }
  const message = e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e);
  const place = e instanceof Error ? placeOf(e) : undefined;
  write(
    `internal error${place ? ` at ${place}` : ''}: ${message}${opts.verbose || opts.json ? '' : ' (run with --verbose for details)'}`,
    'internal',
  );
  if (opts.verbose && e instanceof Error && e.stack) opts.stderr.write(`${sourceStack(e.stack)}\n`);
  return 1;
}
