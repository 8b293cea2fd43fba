import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInTerminal, terminalEnv } from '../interactive/pty.js';
import { cleanupRepos, ensureBuilt, fixtureRepo, repoOf, runPiped } from '../interactive/repo.js';

beforeAll(ensureBuilt);
afterAll(cleanupRepos);

const ESC = '\x1b';

/** Commands whose output is read by people and by logs; `error` fails on a malformed compose file. */
const COMMANDS: [string, string[], number][] = [
  ['plan', ['plan', '--diff'], 0],
  ['apply --dry-run', ['apply', '--all', '--dry-run', '--yes'], 0],
  ['status', ['status'], 0],
  ['verify', ['verify'], 0],
  ['an error', ['plan', '-C', '<broken>'], 1],
];

let dir = '';
let broken = '';
beforeAll(() => {
  dir = fixtureRepo('lumiere');
  broken = repoOf({ 'docker-compose.yml': 'services:\n  api:\n    image: [unclosed\n' });
});
const resolved = (args: string[]) => args.map((a) => (a === '<broken>' ? broken : a));

describe('no escape codes where colour is off', () => {
  it.each(COMMANDS)('%s, piped', (_name, args, code) => {
    const r = runPiped(resolved(args), dir);
    expect(r.code).toBe(code);
    expect(r.stdout + r.stderr).not.toContain(ESC);
    expect(r.stdout + r.stderr).not.toBe('');
    if (code !== 0) expect(r.stderr).toMatch(/^compose-migrate: docker-compose\.yml:\d+:\d+: /);
  });

  it.each(COMMANDS)('%s, on a terminal with NO_COLOR=1', async (_name, args, code) => {
    const s = runInTerminal(resolved(args), { cwd: dir, env: terminalEnv({ NO_COLOR: '1' }) });
    expect(await s.exited).toBe(code);
    expect(s.raw()).not.toContain(ESC);
    expect(s.raw()).not.toBe('');
  });

  it('the same plan on a terminal without NO_COLOR is coloured (the check above can fail)', async () => {
    const s = runInTerminal(['plan'], { cwd: dir });
    expect(await s.exited).toBe(0);
    expect(s.raw()).toContain(ESC);
  });

  it('--no-color on a terminal', async () => {
    const s = runInTerminal(['plan', '--diff', '--no-color'], { cwd: dir });
    expect(await s.exited).toBe(0);
    expect(s.raw()).not.toContain(ESC);
  });
});
