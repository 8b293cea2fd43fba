import { originalSnapshot } from '../../git/original-snapshot.js';
import { verifyRepo } from '../../verify/run.js';
import { MigrateError } from '../../errors.js';
import { ROOT_PROJECT_VAR } from '../../analysis/conflicts.js';
import { openRepoContext, type GlobalOptions } from '../context.js';

interface VerifyFlags extends GlobalOptions {
  component?: string;
  json?: boolean;
}

const show = (v: unknown): string => (v === undefined ? '(absent)' : JSON.stringify(v));

export async function verifyCommand(opts: VerifyFlags): Promise<number> {
  const { io, root, disk, loaded } = openRepoContext(opts);
  const { config } = loaded;
  const original = await originalSnapshot(root, disk, config);
  const verdicts = verifyRepo(original, disk, config, opts.component, opts.io.env);
  if (opts.component && verdicts.length === 0) {
    throw new MigrateError(
      'usage',
      `${opts.component} has no generated compose file to verify (not migrated, or host-only)`,
      undefined,
      1,
    );
  }
  const total = verdicts.reduce((n, v) => n + v.differences.length, 0);
  if (opts.json) {
    io.out(JSON.stringify({ schemaVersion: 1, files: verdicts, differences: total }, null, 2) + '\n');
    return total === 0 ? 0 : 1;
  }
  if (verdicts.length === 0) io.out('nothing to verify: no component has been migrated\n');
  for (const v of verdicts) {
    const ok = v.differences.length === 0;
    io.out(
      `${ok ? io.style.green('ok  ') : io.style.red('DIFF')} ${v.file} (${v.env}): ${v.services.length} services${ok ? ' equal the original except the planned changes' : ''}\n`,
    );
    for (const d of v.differences) {
      io.out(
        `     ${d.service || '(top level)'} ${d.path}: original ${show(d.original)}, generated ${show(d.generated)}\n`,
      );
    }
  }
  if (verdicts.some((v) => v.differences.some((d) => /^volumes\.[^.]+\.name$/.test(d.path))))
    io.out(
      `a pinned volume resolves to another Docker volume than the original: in a checkout whose folder name differs from the one the migration was planned in, set ${ROOT_PROJECT_VAR}=<this folder's name> (shell or root .env) to keep this checkout's data\n`,
    );
  io.out(
    total === 0
      ? 'verify: no unexplained differences\n'
      : `verify: ${total} unexplained difference${total === 1 ? '' : 's'}\n`,
  );
  return total === 0 ? 0 : 1;
}
