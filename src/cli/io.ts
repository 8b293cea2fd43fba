/**
 * What a run takes from its process. Its own module, free of imports, so that `--help` loads nothing
 * but commander.
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

/** The real process: what the installed binary passes to run(). */
export function processIo(): RunIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  };
}
