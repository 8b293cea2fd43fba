import { migrationsOrNone, originalSnapshot } from '../../git/original-snapshot.js';
import { filesAddedByApplies } from '../../git/history.js';
import { parseComposeFilesAhead, verifyRepo, type FileVerdict } from '../../verify/run.js';
import { MigrateError } from '../../errors.js';
import { ROOT_PROJECT_VAR } from '../../analysis/conflicts.js';
import { openRepoContext, type GlobalOptions } from '../context.js';

interface VerifyFlags extends GlobalOptions {
  component?: string;
  json?: boolean;
  strict?: boolean;
}

const show = (v: unknown): string => (v === undefined ? '(absent)' : JSON.stringify(v));
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Exit 0 when every file means what the original did (planned adjustments aside); 1 on any
 * unexplained difference or a file compose would refuse; differences the plan itself reported as
 * losses (a dropped dependency) make it exit 1 only with --strict, as plan and apply do.
 */
export function verifyExitCode(verdicts: FileVerdict[], strict: boolean): 0 | 1 {
  const failing = verdicts.some(
    (v) => v.verdict === 'error' || v.unexplained > 0 || (strict && v.reported > 0),
  );
  return failing ? 1 : 0;
}

export async function verifyCommand(opts: VerifyFlags): Promise<number> {
  const { io, root, disk, loaded } = openRepoContext(opts);
  const { config } = loaded;
  // From git: the history (read once, with the configured archive folder, for both questions), then
  // side by side the original tree's listing and the files the applies added, then the original
  // blobs. Meanwhile the compose files on disk (the generated ones) are read and parsed.
  const fromGit = (async () => {
    const records = await migrationsOrNone(root, config);
    const [original, written] = await Promise.all([
      originalSnapshot(root, disk, config, records),
      filesAddedByApplies(root, records),
    ]);
    await original.prefetch?.();
    return { original, written };
  })();
  const parsed = await parseComposeFilesAhead(disk, config, fromGit);
  const { original, written } = await fromGit;
  const verdicts = verifyRepo(original, disk, config, opts.component, opts.io.env, written, parsed);
  if (opts.component && verdicts.length === 0) {
    throw new MigrateError(
      'usage',
      `${opts.component} has no generated compose file to verify (not migrated, or host-only)`,
      undefined,
      1,
    );
  }
  const total = verdicts.reduce((n, v) => n + v.differences.length, 0);
  const unexplained = verdicts.reduce((n, v) => n + v.unexplained, 0);
  const reported = verdicts.reduce((n, v) => n + v.reported, 0);
  const errors = verdicts.filter((v) => v.verdict === 'error').length;
  const code = verifyExitCode(verdicts, opts.strict === true);
  if (opts.json) {
    io.out(
      JSON.stringify(
        { schemaVersion: 1, files: verdicts, differences: total, unexplained, reported, errors },
        null,
        2,
      ) + '\n',
    );
    return code;
  }
  if (verdicts.length === 0) io.out('nothing to verify: no component has been migrated\n');
  for (const v of verdicts) {
    if (v.verdict === 'error') {
      const at = v.error?.file
        ? ` (${v.error.file}${v.error.line !== undefined ? `:${v.error.line}` : ''})`
        : '';
      io.out(`${io.style.red('ERR ')} ${v.file} (${v.env}): not compared: ${v.error?.message ?? '?'}${at}\n`);
      continue;
    }
    const ok = v.differences.length === 0;
    const tag = ok
      ? io.style.green('ok  ')
      : v.unexplained === 0
        ? io.style.yellow('LOSS')
        : io.style.red('DIFF');
    io.out(
      `${tag} ${v.file} (${v.env}): ${v.services.length} services${ok ? ' equal the original except the planned changes' : ''}\n`,
    );
    for (const d of v.differences) {
      io.out(
        `     ${d.service || '(top level)'} ${d.path}: original ${show(d.original)}, generated ${show(d.generated)}${d.reported ? ' (reported by the plan: not carried)' : ''}\n`,
      );
    }
  }
  if (verdicts.some((v) => v.differences.some((d) => /^volumes\.[^.]+\.name$/.test(d.path))))
    io.out(
      `a pinned volume resolves to another Docker volume than the original: in a checkout whose folder name differs from the one the migration was planned in, set ${ROOT_PROJECT_VAR}=<this folder's name> (shell or root .env) to keep this checkout's data\n`,
    );
  const parts = [
    unexplained === 0 ? 'no unexplained differences' : plural(unexplained, 'unexplained difference'),
    ...(reported
      ? [
          `${plural(reported, 'difference')} the plan reported as not carried${opts.strict ? ' (--strict)' : ''}`,
        ]
      : []),
    ...(errors
      ? [`${plural(errors, 'file')} not compared (compose would refuse ${errors === 1 ? 'it' : 'them'})`]
      : []),
  ];
  io.out(`verify: ${parts.join('; ')}\n`);
  return code;
}
