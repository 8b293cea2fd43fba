import { describe, expect, it } from 'vitest';
import { progressLine } from '../../src/cli/progress.js';

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, isTTY, columns: 40, write: (t: string) => writes.push(t) };
}

describe('progressLine', () => {
  it('draws nothing when stderr is not a terminal', () => {
    const s = stream(false);
    let t = 0;
    const p = progressLine(s, { now: () => t, delayMs: 0, intervalMs: 0 });
    for (let i = 0; i < 5; i++, t += 1000) p.update('loading', i, 5);
    p.clear();
    expect(s.writes).toEqual([]);
  });

  it('waits out the delay, throttles, and clears with spaces, never an escape sequence', () => {
    const s = stream(true);
    let t = 0;
    const p = progressLine(s, { now: () => t, delayMs: 200, intervalMs: 100 });
    p.update('running codemods', 0, 300);
    t = 150;
    p.update('running codemods', 1, 300);
    expect(s.writes).toEqual([]);
    t = 250;
    p.update('running codemods', 2, 300);
    t = 300;
    p.update('running codemods', 3, 300); // within the interval: skipped
    t = 400;
    p.update('analysing', 0, 1);
    p.clear();
    expect(s.writes).toEqual([
      '\rrunning codemods 3/300',
      `\ranalysing 1/1${' '.repeat(9)}`,
      `\r${' '.repeat(13)}\r`,
    ]);
    expect(s.writes.join('')).not.toContain('\x1b');
  });

  it('restarts the delay after a clear, so time spent at a prompt does not count', () => {
    const s = stream(true);
    let t = 0;
    const p = progressLine(s, { now: () => t, delayMs: 200, intervalMs: 0 });
    p.update('loading', 0, 2);
    p.clear();
    t = 10_000;
    p.update('loading', 0, 2);
    expect(s.writes).toEqual([]);
  });

  it('never writes wider than the terminal', () => {
    const s = stream(true);
    let t = 0;
    const p = progressLine(s, { now: () => t, delayMs: 0, intervalMs: 0 });
    t = 1;
    p.update('x'.repeat(100), 0, 1);
    expect((s.writes[0] ?? '').length).toBe(1 + 39);
  });
});
