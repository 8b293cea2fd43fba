/**
 * A compose project in a subfolder of the git work tree, its compose files in a folder below it:
 * after the archive every command still reads the original files from history, relative to the
 * project, and answers (never a raw `fatal:` from git, never a stack trace).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, STACK_LINE, buildOnce, cli, git, porcelain, repoFor } from './helpers.js';

beforeAll(() => buildOnce(), 120_000);

function clean(r: { stdout: string; stderr: string }): void {
  expect(r.stdout + r.stderr).not.toMatch(/fatal:|internal error/);
  expect(r.stderr).not.toMatch(STACK_LINE);
}

describe('compose files in a subfolder of a subfolder project', () => {
  it('after the archive plan, status, verify, apply and rollback work; rollback restores the start', () => {
    const { repo: top } = repoFor('compose-subfolder');
    const start = git(top, 'rev-parse', 'HEAD^{tree}');
    const stack = join(top, 'stack');

    const applied = cli(['apply', '-C', stack, '--all', '--yes']);
    clean(applied);
    expect(applied.status, applied.stderr).toBe(0);
    expect(existsSync(join(stack, 'todo/docker-compose.yml'))).toBe(true);
    expect(existsSync(join(stack, 'deploy/docker-compose.yml'))).toBe(false);
    expect(porcelain(top)).toBe('');

    const plan = cli(['plan', '-C', stack]);
    clean(plan);
    expect(plan.status, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/already migrated/);

    const status = cli(['status', '-C', stack, '--json']);
    clean(status);
    expect(status.status, status.stderr).toBe(0);
    const report = JSON.parse(status.stdout) as { components: { name: string; state: string }[] };
    expect(report.components.map((c) => [c.name, c.state])).toEqual([['api', 'migrated']]);

    const verify = cli(['verify', '-C', stack]);
    clean(verify);
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/^ok +api\/docker-compose\.yml/m);

    const again = cli(['apply', '-C', stack, '--all', '--yes']);
    clean(again);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout + again.stderr).toMatch(/already migrated/);

    const head = git(top, 'rev-parse', 'HEAD');
    const dry = cli(['rollback', '-C', stack, '--dry-run']);
    clean(dry);
    expect(dry.status, dry.stderr).toBe(0);
    expect(git(top, 'rev-parse', 'HEAD')).toBe(head);

    const back = cli(['rollback', '-C', stack, '--yes']);
    clean(back);
    expect(back.status, back.stderr).toBe(0);
    expect(git(top, 'rev-parse', 'HEAD^{tree}')).toBe(start);
    expect(porcelain(top)).toBe('');
  }, 180_000);

  it('a shell left in the compose folder once it is gone: one line, exit 2, nothing changed', () => {
    const { repo: top } = repoFor('compose-subfolder');
    const gone = join(top, 'stack', 'gone');
    mkdirSync(gone);
    const head = git(top, 'rev-parse', 'HEAD');
    const r = spawnSync(
      'sh',
      ['-c', 'cd "$1" && rmdir "$1" && exec "$2" "$3" status', 'sh', gone, process.execPath, CLI],
      {
        encoding: 'utf8',
        env: { ...process.env, CI: 'true', NO_COLOR: '1' },
      },
    );
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^compose-migrate: the current directory no longer exists/),
    ]);
    expect(r.status).toBe(2);
    expect(existsSync(gone)).toBe(false);
    expect(git(top, 'rev-parse', 'HEAD')).toBe(head);
    expect(porcelain(top)).toBe('');
  }, 60_000);
});
