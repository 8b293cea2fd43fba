/**
 * An orchestrator file that cannot be read is reported, never skipped silently: a warning finding
 * naming it and why, and an error outcome among the codemods. Mode 000 does not stop root, so when
 * the tests run as root the CLI runs as an unprivileged user (uid 65534) on a copy it owns; a
 * dangling symbolic link is the second case, the same for any user.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, STACK_LINE, buildOnce, git, porcelain, repoFor, type CliResult } from './helpers.js';

beforeAll(() => buildOnce(), 120_000);

interface PlanJson {
  findings: { level: string; code: string; file?: string; message: string }[];
  codemods?: { files: { file: string; transform: string; status: string; why?: string }[] };
}

const NOBODY = 65534;

function chownTree(dir: string, uid: number): void {
  const r = spawnSync('chown', ['-R', `${uid}:${uid}`, dir]);
  expect(r.status, String(r.stderr)).toBe(0);
}

/** The CLI as an unprivileged user when the tests run as root (root reads mode-000 files). */
function cliAs(args: string[], unprivileged: boolean, home: string): CliResult {
  const start = Date.now();
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', NO_COLOR: '1', HOME: home },
    ...(unprivileged ? { uid: NOBODY, gid: NOBODY } : {}),
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ms: Date.now() - start };
}

function expectReported(r: CliResult, why: RegExp): void {
  expect(r.stderr).not.toMatch(STACK_LINE);
  expect(r.status, r.stderr).toBe(0);
  const plan = JSON.parse(r.stdout) as PlanJson;
  const warning = plan.findings.filter((f) => f.code === 'unreadable-file');
  expect(warning).toHaveLength(1);
  expect(warning[0]).toMatchObject({ level: 'warning', file: 'scripts/dev.sh' });
  expect(warning[0]?.message).toMatch(why);
  expect(warning[0]?.message).toMatch(/not checked for references to the root compose files/);
  const outcome = plan.codemods?.files.filter((f) => f.file === 'scripts/dev.sh') ?? [];
  expect(outcome).toEqual([
    {
      file: 'scripts/dev.sh',
      transform: 'read',
      status: 'error',
      why: expect.stringMatching(why) as string,
      messages: [],
    },
  ]);
}

describe('an unreadable orchestrator file', () => {
  it('mode 000: a warning and an error outcome naming it (permission denied); nothing written', () => {
    const { sandbox, repo } = repoFor('unreadable-orchestrator');
    const head = git(repo, 'rev-parse', 'HEAD');
    const root = process.getuid?.() === 0;
    const mode = statSync(join(repo, 'scripts/dev.sh')).mode & 0o7777;
    chmodSync(join(repo, 'scripts/dev.sh'), 0o000);
    if (root) chownTree(sandbox, NOBODY);
    const r = cliAs(['plan', '-C', repo, '--json'], root, sandbox);
    if (root) chownTree(sandbox, 0);
    chmodSync(join(repo, 'scripts/dev.sh'), mode);
    expectReported(r, /permission denied/);
    expect(porcelain(repo)).toBe('');
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(head);
  }, 120_000);

  it('a symbolic link to a file that does not exist: a warning and an error outcome naming it', () => {
    const { sandbox, repo } = repoFor('unreadable-orchestrator', ({ repo }) => {
      rmSync(join(repo, 'scripts/dev.sh'));
      symlinkSync('../../shared/dev.sh', join(repo, 'scripts/dev.sh'));
    });
    const head = git(repo, 'rev-parse', 'HEAD');
    const r = cliAs(['plan', '-C', repo, '--json'], false, sandbox);
    expectReported(r, /a symbolic link to \.\.\/\.\.\/shared\/dev\.sh that does not exist/);
    expect(porcelain(repo)).toBe('');
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(head);
    // A warning, not a refusal: apply goes on.
    const a = cliAs(['apply', '-C', repo, '--all', '--yes'], false, sandbox);
    expect(a.status, a.stderr).toBe(0);
  }, 120_000);
});
