import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeRepo } from '../../analysis/load-repo.js';
import { componentComposeFiles } from '../../generate/build-plan.js';
import { migrationsOrNone, originalSnapshot } from '../../git/original-snapshot.js';
import { openRepoContext, type GlobalOptions } from '../context.js';
import { openRepo, type Repo } from '../../git/repo.js';
import { lockHolder } from '../../git/lock.js';
import { readJournal, unfinishedRunError, type Journal } from '../../git/journal.js';

interface StatusFlags extends GlobalOptions {
  json?: boolean;
}

/** As the status command reports it: pending is "not migrated yet", staged is "applied with --no-commit". */
export type ComponentState = 'migrated' | 'staged' | 'pending' | 'host-only' | 'interrupted';

export interface StatusRow {
  name: string;
  path: string;
  kind: 'compose' | 'host';
  state: ComponentState;
  commit?: string;
  date?: string;
}

export async function statusCommand(opts: StatusFlags): Promise<number> {
  const { io, root, disk, loaded } = openRepoContext(opts);
  const { config } = loaded;
  const original = await originalSnapshot(root, disk, config);
  const { repo, analysis } = analyzeRepo(original, config);
  const records = await migrationsOrNone(root, config);
  const unfinished = await unfinishedRun(root);
  const halfDone = new Set(
    unfinished?.journal.kind === 'apply'
      ? unfinished.journal.steps.filter((s) => s.commit === undefined).flatMap((s) => s.components)
      : [],
  );
  const rows: StatusRow[] = analysis.components.map((c) => {
    const pending = records.find((r) => r.kind === 'pending' && r.components.includes(c.name));
    const applied = records.find((r) => r.kind === 'apply' && !r.revertedBy && r.components.includes(c.name));
    const base = { name: c.name, path: c.path, kind: c.kind };
    if (c.kind === 'host')
      return { ...base, state: 'host-only', ...(applied ? { commit: applied.sha, date: applied.date } : {}) };
    if (pending) return { ...base, state: 'staged', commit: pending.sha, date: pending.date };
    // Files of an interrupted step may be on disk: they prove nothing until the step is committed.
    if (halfDone.has(c.name) && !applied) return { ...base, state: 'interrupted' };
    if (applied) return { ...base, state: 'migrated', commit: applied.sha, date: applied.date };
    // Migrated by hand or committed outside the tool: the generated files are there.
    const files = componentComposeFiles(c, analysis, repo, config, repo.layout.extension);
    const onDisk = files.length > 0 && files.every((f) => existsSync(join(root, f.path)));
    return { ...base, state: onDisk ? 'migrated' : 'pending' };
  });
  const archived = records.find((r) => r.kind === 'apply' && r.archive && !r.revertedBy);
  if (opts.json) {
    io.out(
      JSON.stringify(
        {
          schemaVersion: 1,
          components: rows,
          archive: archived
            ? { state: 'archived', commit: archived.sha, date: archived.date }
            : { state: original === disk ? 'at-root' : 'archived' },
          ...(unfinished
            ? { unfinished: { kind: unfinished.journal.kind, message: unfinished.message } }
            : {}),
        },
        null,
        2,
      ) + '\n',
    );
    return 0;
  }
  const width = Math.max(4, ...rows.map((r) => r.name.length));
  for (const r of rows) {
    const state =
      r.state === 'migrated'
        ? io.style.green(r.state)
        : r.state === 'pending'
          ? io.style.yellow(r.state)
          : r.state === 'staged'
            ? io.style.cyan(r.state)
            : r.state === 'interrupted'
              ? io.style.red(r.state)
              : io.style.dim(r.state);
    io.out(
      `  ${r.name.padEnd(width)}  ${state.padEnd(9 + (state.length - r.state.length))}  ${r.commit ? r.commit.slice(0, 12) : ''}\n`,
    );
  }
  if (unfinished) io.out(`${unfinished.message}\n`);
  io.out(
    archived
      ? `root compose files archived in ${archived.sha.slice(0, 12)}\n`
      : original === disk
        ? 'root compose files still at the root\n'
        : 'root compose files archived\n',
  );
  return 0;
}

/** An apply or rollback that is running now, or was killed or interrupted, in one line. */
async function unfinishedRun(root: string): Promise<{ journal: Journal; message: string } | undefined> {
  const repo = await openRepo(root).catch(() => undefined);
  if (!repo) return undefined;
  const found = await readJournal(repo).catch(() => undefined);
  if (!found) return undefined;
  const holder = await lockHolder(repo);
  const message = holder
    ? `${found.journal.kind} in progress (pid ${holder.pid}); run status again when it is done`
    : `unfinished: ${unfinishedRunError(found.journal, found.path, await commitsSince(repo, found.journal.startHead)).message}`;
  return { journal: found.journal, message };
}

async function commitsSince(repo: Repo, start: string | undefined): Promise<number | undefined> {
  if (!start) return undefined;
  const out = await repo.run(['rev-list', '--count', `${start}..HEAD`]).catch(() => '');
  return out.trim() === '' ? undefined : Number(out.trim());
}
