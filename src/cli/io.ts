/**
 * What a run takes from its process. Its own module, free of imports, so that start-up (and `--help`,
 * which prints a table the build rendered) loads as little as it can.
 */

/** A stream the command writes text to. */
export interface OutStream {
  write: (text: string) => unknown;
  isTTY?: boolean;
  columns?: number;
}

/** What the terminal gives a key-at-a-time prompt. */
export type InStream = NodeJS.ReadableStream & {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode?: (mode: boolean) => unknown;
};

/**
 * Everything a run takes from its process, passed in so that the command runs the same way from the
 * installed binary and from a library caller (tests run it in-process with their own streams).
 */
export interface RunIo {
  stdout: OutStream;
  stderr: OutStream;
  stdin: InStream;
  env: Readonly<Record<string, string | undefined>>;
  /** Directory relative paths on the command line (-C, --out, --plan, show's file) resolve against. */
  cwd: string;
  /** Fault injection for tests of the transaction; the installed command never sets it. */
  failAfter?: number;
}

/**
 * The real process: what the installed binary passes to run(). The streams are read when first used:
 * Node builds `process.stdin` (a socket on a pipe) and the others on first access, which `--help`
 * need not pay for.
 */
export function processIo(): RunIo {
  return {
    get stdout() {
      return process.stdout;
    },
    get stderr() {
      return process.stderr;
    },
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
  };
}
