import { spawn, type IPty } from 'node-pty';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/src/cli/bin.js', import.meta.url));

// CSI and OSC sequences, charset selection and keypad modes: everything a terminal UI may emit.
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][A-Za-z0-9]|\x1b[=>78]/g;

export const stripAnsi = (s: string): string => s.replace(ANSI, '');

export const KEY = { enter: '\r', ctrlC: '\x03', down: '\x1b[B', up: '\x1b[A' } as const;

/** Environment for a child that must see a person at a terminal: no CI marker, a git identity. */
export function terminalEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && k !== 'CI' && k !== 'NO_COLOR' && k !== 'FORCE_COLOR') env[k] = v;
  return {
    ...env,
    TERM: 'xterm-256color',
    GIT_AUTHOR_NAME: 'Test User',
    GIT_AUTHOR_EMAIL: 'test@example.com',
    GIT_COMMITTER_NAME: 'Test User',
    GIT_COMMITTER_EMAIL: 'test@example.com',
    ...extra,
  };
}

export interface Session {
  /** Everything printed so far, escape sequences included. */
  raw: () => string;
  /** Everything printed so far, escape sequences removed. */
  text: () => string;
  /**
   * Resolves once `pattern` appears in the output after the previous match; rejects after `timeoutMs`
   * with the output so far, so a failing test shows what the terminal showed.
   */
  waitFor: (pattern: string | RegExp, timeoutMs?: number) => Promise<string>;
  write: (keys: string) => void;
  exited: Promise<number>;
  kill: () => void;
}

/** The built CLI in a pseudo-terminal: stdin, stdout and stderr are all a TTY. */
export function runInTerminal(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; cols?: number; rows?: number },
): Session {
  const child: IPty = spawn(process.execPath, [CLI, ...args], {
    name: 'xterm-256color',
    cols: options.cols ?? 200,
    rows: options.rows ?? 60,
    cwd: options.cwd,
    env: options.env ?? terminalEnv(),
  });
  let raw = '';
  let cursor = 0;
  const waiters = new Set<() => void>();
  let exitCode: number | undefined;
  child.onData((d) => {
    raw += d;
    for (const w of [...waiters]) w();
  });
  const exited = new Promise<number>((resolve) => {
    child.onExit(({ exitCode: code }) => {
      exitCode = code;
      resolve(code);
      for (const w of [...waiters]) w();
    });
  });
  const waitFor = (pattern: string | RegExp, timeoutMs = 20_000) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const text = stripAnsi(raw);
        const rest = text.slice(cursor);
        const m =
          typeof pattern === 'string'
            ? rest.includes(pattern)
              ? { index: rest.indexOf(pattern), length: pattern.length }
              : undefined
            : (() => {
                const r = pattern.exec(rest);
                return r ? { index: r.index, length: r[0].length } : undefined;
              })();
        if (m) {
          cursor += m.index + m.length;
          done();
          resolve(rest.slice(0, m.index + m.length));
          return;
        }
        if (exitCode !== undefined) {
          done();
          reject(new Error(`exited ${exitCode} before ${String(pattern)} appeared; output:\n${text}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for ${String(pattern)}; output:\n${stripAnsi(raw)}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  return {
    raw: () => raw,
    text: () => stripAnsi(raw),
    waitFor,
    write: (keys) => child.write(keys),
    exited,
    kill: () => {
      if (exitCode === undefined) child.kill();
    },
  };
}
