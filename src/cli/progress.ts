import type { Progress } from '../analysis/load-repo.js';

export interface ProgressStream {
  write: (text: string) => unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressLine {
  update: Progress;
  /** Erases the line; call before printing anything else. */
  clear: () => void;
}

export interface ProgressTiming {
  now?: () => number;
  /** Nothing is drawn for steps that finish sooner than this: fast runs should not flicker. */
  delayMs?: number;
  /** Redraw at most this often. */
  intervalMs?: number;
}

const NONE: ProgressLine = { update: () => undefined, clear: () => undefined };

/**
 * One status line on stderr, only when stderr is a terminal. It is drawn with a carriage return and
 * erased with spaces, no escape sequences, so that NO_COLOR terminals and logs of a session stay clean.
 */
export function progressLine(stream: ProgressStream, timing: ProgressTiming = {}): ProgressLine {
  if (stream.isTTY !== true) return NONE;
  const now = timing.now ?? Date.now;
  const delay = timing.delayMs ?? 200;
  const interval = timing.intervalMs ?? 80;
  // The delay counts from the first update after a clear: time spent at a prompt is not a long step.
  let start: number | undefined;
  let last = -Infinity;
  let width = 0;
  return {
    update(step, done, total) {
      const t = now();
      start ??= t;
      if (t - start < delay || t - last < interval) return;
      last = t;
      const columns = Math.max(20, (stream.columns ?? 80) - 1);
      const text = `${step} ${Math.min(done + 1, total)}/${total}`.slice(0, columns);
      stream.write(`\r${text.padEnd(width)}`);
      width = text.length;
    },
    clear() {
      start = undefined;
      if (width === 0) return;
      stream.write(`\r${' '.repeat(width)}\r`);
      width = 0;
    },
  };
}
