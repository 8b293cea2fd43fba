/**
 * Processes racing for a stale repository lock (its pid is dead): exactly one takes it, every other
 * one is told who holds it. Each round starts K processes, lets them all reach a barrier, then
 * releases them at once; the winner holds the lock until every loser has answered.
 *
 * Rounds: COMPOSE_MIGRATE_LOCK_RACES (default 12).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT, buildOnce } from './helpers.js';

const ROUNDS = Number(process.env['COMPOSE_MIGRATE_LOCK_RACES'] ?? '12');
const TAKERS = 4;

const LOCK_MODULE = pathToFileURL(join(PROJECT, 'dist/src/git/lock.js')).href;

/** One taker: ready, wait for the go file, take the lock through the real API, answer, hold a while. */
const WORKER = `
import { existsSync } from 'node:fs';
import { acquireRepoLock } from ${JSON.stringify(LOCK_MODULE)};
const [lockPath, goPath, donePath] = process.argv.slice(2);
const nap = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
process.stdout.write('ready\\n');
while (!existsSync(goPath)) nap(1);
try {
  const lock = await acquireRepoLock({ gitPath: async () => lockPath }, 'race');
  process.stdout.write('won\\n');
  // Hold it until the parent has heard from every other taker.
  for (let i = 0; i < 5000 && !existsSync(donePath); i++) nap(2);
  lock.release();
} catch (e) {
  process.stdout.write('lost ' + e.message + '\\n');
}
`;

let sandbox = '';
let worker = '';

beforeAll(() => {
  buildOnce();
  sandbox = mkdtempSync(join(tmpdir(), 'cm-lock-race-'));
  worker = join(sandbox, 'worker.mjs');
  writeFileSync(worker, WORKER);
}, 120_000);

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(r.stdout);
}

interface Round {
  answers: string[];
  files: string[];
}

async function round(dir: string, prepare: (lock: string) => void): Promise<Round> {
  const lock = join(dir, 'compose-migrate.lock');
  const go = join(dir, 'go');
  const done = join(dir, 'done');
  prepare(lock);
  const answers: string[] = [];
  let ready = 0;
  let allReady: () => void = () => undefined;
  const readyAll = new Promise<void>((resolve) => (allReady = resolve));
  let lostOrWon = 0;
  let heardAll: () => void = () => undefined;
  const heard = new Promise<void>((resolve) => (heardAll = resolve));
  const exits = Array.from({ length: TAKERS }, () => {
    const child = spawn(process.execPath, [worker, lock, go, done], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buf += chunk;
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line === 'ready') {
          if (++ready === TAKERS) allReady();
        } else {
          answers.push(line);
          if (++lostOrWon === TAKERS) heardAll();
        }
      }
    });
    return new Promise<void>((resolve) => child.on('exit', () => resolve()));
  });
  await readyAll;
  writeFileSync(go, '');
  await Promise.race([heard, Promise.all(exits)]);
  writeFileSync(done, '');
  await Promise.all(exits);
  return { answers, files: readdirSync(dir).sort() };
}

function expectOneWinner(r: Round, dead: number): void {
  expect(r.answers).toHaveLength(TAKERS);
  expect(
    r.answers.filter((a) => a === 'won'),
    r.answers.join('\n'),
  ).toHaveLength(1);
  for (const a of r.answers.filter((x) => x !== 'won'))
    expect(a).toMatch(/^lost another compose-migrate race \(pid \d+, started .*\) holds the repository lock/);
  // Nobody names the dead pid as a holder.
  expect(r.answers.join('\n')).not.toContain(`pid ${dead},`);
  // The winner released its lock; no claim or private file is left behind.
  expect(r.files.filter((f) => f.startsWith('compose-migrate.lock'))).toEqual([]);
}

describe('a stale lock raced by several processes', () => {
  it(`exactly one of ${TAKERS} takes it, ${ROUNDS} rounds`, async () => {
    const dead = deadPid();
    for (let i = 0; i < ROUNDS; i++) {
      const dir = mkdtempSync(join(sandbox, `round-${i}-`));
      const r = await round(dir, (lock) =>
        writeFileSync(
          lock,
          JSON.stringify({ pid: dead, command: 'apply', host: hostname(), started: `round ${i}` }) + '\n',
        ),
      );
      expectOneWinner(r, dead);
    }
  }, 600_000);

  it('an unreadable lock, and a takeover left by a dead taker, are taken over by exactly one', async () => {
    const dead = deadPid();
    for (let i = 0; i < Math.max(4, Math.ceil(ROUNDS / 4)); i++) {
      const dir = mkdtempSync(join(sandbox, `chain-${i}-`));
      const r = await round(dir, (lock) => {
        const stale = `{"pid": ${dead}, "comm`; // cut short: a lock written by a process that died
        writeFileSync(lock, stale);
        if (i % 2 === 1) {
          // A taker that died after claiming the takeover of that lock, before replacing it.
          const claim = `${lock}.takeover-${createHash('sha256').update(stale).digest('hex').slice(0, 32)}`;
          writeFileSync(
            claim,
            JSON.stringify({ pid: dead, command: 'apply', host: hostname(), started: 'x' }) + '\n',
          );
          expect(existsSync(claim)).toBe(true);
        }
      });
      expectOneWinner(r, dead);
    }
  }, 600_000);
});
