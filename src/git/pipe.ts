import { spawn } from 'node:child_process';
import { MigrateError } from '../errors.js';
import { gitEnv } from './env.js';

/**
 * One git command run in `cwd`, fed `input` on stdin; resolves with its standard output as bytes.
 * Failures become MigrateError('git-failed') with git's message.
 */
export function pipeGit(
  cwd: string,
  args: readonly string[],
  input: Buffer | string,
  env: Record<string, string> = {},
): Promise<Buffer> {
  const verb = args[0] ?? 'git';
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...args], { cwd, env: gitEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', (e) => reject(new MigrateError('git-failed', `git ${verb} failed: ${e.message}`)));
    child.on('close', (code) =>
      code === 0
        ? resolve(Buffer.concat(out))
        : reject(
            new MigrateError('git-failed', `git ${verb} failed: ${stderr.trim() || `exit code ${code}`}`),
          ),
    );
    // git may exit before reading everything; its exit code and stderr say why.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}
