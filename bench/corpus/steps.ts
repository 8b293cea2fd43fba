/**
 * One CLI or referee run as a child process: its exit status, output and wall time, and whether it
 * crashed. Asynchronous so that several repositories can run side by side.
 */
import { spawn } from 'node:child_process';
import { homedir } from 'node:os';

export interface StepRun {
  command: string;
  args: string[];
  /** null when the process died from a signal. */
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The environment every child sees: no stray shell variables, no colour, no terminal. */
export const CHILD_ENV: Record<string, string> = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: homedir(),
  LANG: 'C.UTF-8',
  NO_COLOR: '1',
};

export function run(
  command: string,
  args: string[],
  cwd: string,
  opts: { input?: string; timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<StepRun> {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const child = spawn(command, args, {
      cwd,
      env: opts.env ? { ...CHILD_ENV, ...opts.env } : CHILD_ENV,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      timeout: opts.timeoutMs ?? 120_000,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => err.push(Buffer.from(`spawn failed: ${e.message}\n`)));
    if (child.stdin) {
      // A child that exits before reading its input must not take this process down.
      child.stdin.on('error', () => undefined);
      child.stdin.end(opts.input);
    }
    child.on('close', (status, signal) =>
      resolve({
        command,
        args,
        status,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        ms: Number(process.hrtime.bigint() - start) / 1e6,
      }),
    );
  });
}

/** Exit codes the CLI documents (README "Exit codes"); anything else is a crash. */
const DOCUMENTED_EXITS = new Set([0, 1, 2, 3, 130]);

/** A stack frame line as Node prints it ("    at fn (file:1:2)", "    at file:1:2", "    at async Promise.all (index 0)"). */
const STACK_FRAME = /^\s*at .*(?::\d+:\d+\)?|\((?:native|index \d+)\)|<anonymous>\)?)$/m;

/** Why a CLI run counts as a crash, or undefined when it ended the way the CLI documents. */
export function crashOf(r: StepRun): string | undefined {
  if (r.status === null) return `killed by ${r.signal ?? 'a signal'}`;
  if (!DOCUMENTED_EXITS.has(r.status)) return `undocumented exit code ${r.status}`;
  const frame = STACK_FRAME.exec(r.stderr);
  if (frame) return `stack trace on stderr: ${frame[0].trim()}`;
  if (/internal error/i.test(r.stderr)) return 'stderr says "internal error"';
  return undefined;
}

/** The first meaningful line of a run's stderr, for a table cell. */
export function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? ''
  );
}
