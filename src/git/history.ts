import { openRepo, type Repo } from './repo.js';
import { T_ARCHIVE, T_BASE, T_COMPONENT, T_KIND, T_REVERTS, parseTrailers, trailer } from './trailers.js';

/** Private refs: one per component (and one for the archive) while a --no-commit apply is pending. */
export const REF_NS = 'refs/compose-migrate/';
export const pendingRef = (component: string): string => `${REF_NS}pending/${component}`;
export const PENDING_ARCHIVE_REF = `${REF_NS}pending-archive`;

export type MigrationKind = 'apply' | 'rollback' | 'pending';

/** One migration event found in the repository. */
export interface MigrationRecord {
  kind: MigrationKind;
  /** The commit (apply / rollback), or the backup commit of a pending apply. */
  sha: string;
  /** Committer date, ISO 8601. */
  date: string;
  subject: string;
  components: string[];
  archive: boolean;
  /** apply: the rollback commit that undid it, when one did. */
  revertedBy?: string;
  /** rollback: the apply commits it undid. */
  reverts?: string[];
  /** pending: the refs that keep the backup. */
  refs?: string[];
  /** pending: HEAD when the change was staged. */
  base?: string;
}

const FIELD = '\x1f';
const REVERT_LINE = /^This reverts commit ([0-9a-f]{7,64})/mu;

interface RawCommit {
  sha: string;
  date: string;
  subject: string;
  trailers: Map<string, string[]>;
  body: string;
}

async function logMigrationCommits(repo: Repo): Promise<RawCommit[]> {
  if (!(await repo.resolveRev('HEAD'))) return [];
  const out = await repo.run([
    'log',
    '-z',
    '--topo-order',
    `--format=%H${FIELD}%cI${FIELD}%s${FIELD}%(trailers:only,unfold)${FIELD}%b`,
    `--grep=^${T_KIND}: `,
    '--grep=^This reverts commit ',
    'HEAD',
  ]);
  return out
    .split('\0')
    .filter((r) => r.trim() !== '')
    .map((rec) => {
      const [sha = '', date = '', subject = '', trailers = '', body = ''] = rec.split(FIELD);
      return { sha: sha.trim(), date, subject, trailers: parseTrailers(trailers), body };
    });
}

/** Pending backups: one record per backup commit, with every ref that points at it. */
async function pendingBackups(repo: Repo): Promise<MigrationRecord[]> {
  const out = await repo.run(['for-each-ref', `--format=%(refname)${FIELD}%(objectname)`, REF_NS]);
  const byCommit = new Map<string, string[]>();
  for (const line of out.split('\n')) {
    const [ref, sha] = line.split(FIELD);
    if (!ref || !sha) continue;
    if (!ref.startsWith(`${REF_NS}pending/`) && ref !== PENDING_ARCHIVE_REF) continue;
    byCommit.set(sha, [...(byCommit.get(sha) ?? []), ref]);
  }
  const records: MigrationRecord[] = [];
  for (const [sha, refs] of byCommit) {
    const raw = await repo.run(['log', '-1', `--format=%cI${FIELD}%s${FIELD}%(trailers:only,unfold)`, sha]);
    const [date = '', subject = '', block = ''] = raw.replace(/\n$/u, '').split(FIELD);
    const t = parseTrailers(block);
    records.push({
      kind: 'pending',
      sha,
      date,
      subject,
      components: trailer(t, T_COMPONENT),
      archive: trailer(t, T_ARCHIVE).length > 0,
      refs: refs.sort(),
      ...(trailer(t, T_BASE)[0] ? { base: trailer(t, T_BASE)[0]! } : {}),
    });
  }
  return records.sort((a, b) => b.date.localeCompare(a.date));
}

/**
 * Every migration event reachable from HEAD, newest first: pending (uncommitted) applies, then
 * apply and rollback commits in topological order. Rollbacks are recognised by their trailers and
 * also by git's own "This reverts commit <sha>" line, so a hand-made `git revert` of an apply
 * counts; reverting a rollback that way counts as applying again.
 */
export async function findMigrationsIn(repo: Repo): Promise<MigrationRecord[]> {
  const commits = (await logMigrationCommits(repo)).reverse();
  const bySha = new Map<string, MigrationRecord>();
  const lookup = (ref: string): MigrationRecord | undefined =>
    bySha.get(ref) ?? [...bySha.values()].find((r) => ref.length >= 7 && r.sha.startsWith(ref));
  const history: MigrationRecord[] = [];
  for (const c of commits) {
    const kind = trailer(c.trailers, T_KIND)[0];
    const base = { sha: c.sha, date: c.date, subject: c.subject };
    let record: MigrationRecord | undefined;
    if (kind === 'apply') {
      record = {
        ...base,
        kind: 'apply',
        components: trailer(c.trailers, T_COMPONENT),
        archive: trailer(c.trailers, T_ARCHIVE).length > 0,
      };
    } else if (kind === 'rollback') {
      const reverted = trailer(c.trailers, T_REVERTS)
        .map(lookup)
        .filter((r): r is MigrationRecord => r !== undefined);
      record = {
        ...base,
        kind: 'rollback',
        components: trailer(c.trailers, T_COMPONENT),
        archive: trailer(c.trailers, T_ARCHIVE).length > 0,
        reverts: reverted.map((r) => r.sha),
      };
      for (const r of reverted) if (r.kind === 'apply') r.revertedBy = c.sha;
    } else {
      const m = REVERT_LINE.exec(c.body);
      const target = m ? lookup(m[1]!) : undefined;
      if (!target) continue;
      if (target.kind === 'apply') {
        record = {
          ...base,
          kind: 'rollback',
          components: target.components,
          archive: target.archive,
          reverts: [target.sha],
        };
        target.revertedBy = c.sha;
      } else if (target.kind === 'rollback') {
        record = { ...base, kind: 'apply', components: target.components, archive: target.archive };
      }
    }
    if (record) {
      bySha.set(c.sha, record);
      history.push(record);
    }
  }
  return [...(await pendingBackups(repo)), ...history.reverse()];
}

export async function findMigrations(root: string): Promise<MigrationRecord[]> {
  return findMigrationsIn(await openRepo(root));
}

/** What git's history says of a component: the status command adds host-only and names the rest. */
export type MigrationState = 'migrated' | 'staged' | 'not-migrated';

export interface ComponentStatus {
  name: string;
  state: MigrationState;
  /** Apply commit (migrated) or backup commit (staged). */
  sha?: string;
  /** Its date, ISO 8601. */
  date?: string;
}

export interface StatusReport {
  components: ComponentStatus[];
  /** Whether the root compose files were archived, by the same rules. */
  archive: Omit<ComponentStatus, 'name'>;
}

function stateOf(
  records: readonly MigrationRecord[],
  match: (r: MigrationRecord) => boolean,
): Omit<ComponentStatus, 'name'> {
  const pending = records.find((r) => r.kind === 'pending' && match(r));
  if (pending) return { state: 'staged', sha: pending.sha, date: pending.date };
  const applied = records.find((r) => r.kind === 'apply' && !r.revertedBy && match(r));
  if (applied) return { state: 'migrated', sha: applied.sha, date: applied.date };
  return { state: 'not-migrated' };
}

/**
 * Per component: migrated (an apply commit not rolled back), staged (applied with --no-commit) or
 * not migrated. Whether a component is host-only is the analysis' call, not git's.
 */
export async function status(root: string, components: readonly string[]): Promise<StatusReport> {
  const records = await findMigrations(root);
  return {
    components: components.map((name) => ({ name, ...stateOf(records, (r) => r.components.includes(name)) })),
    archive: stateOf(records, (r) => r.archive),
  };
}

/**
 * Files the migration added, by the apply commits that stand (not rolled back), for verify to check
 * only what was really written. Undefined when a --no-commit apply is pending (its files are only
 * staged), no apply commit is found, or the directory is not a git repository: the caller then
 * reads the disk.
 */
export async function filesAddedByApplies(root: string): Promise<Set<string> | undefined> {
  let repo: Repo;
  let records: MigrationRecord[];
  try {
    repo = await openRepo(root);
    records = await findMigrationsIn(repo);
  } catch {
    return undefined;
  }
  if (records.some((r) => r.kind === 'pending')) return undefined;
  const shas = records.filter((r) => r.kind === 'apply' && !r.revertedBy).map((r) => r.sha);
  // No apply commit (nothing migrated yet, or a history squashed without its trailers): the disk says.
  if (shas.length === 0) return undefined;
  const out = new Set<string>();
  // One git process for every commit: `\x01<sha>` headers, then the added paths, NUL-separated.
  const log = await repo.run([
    'log',
    '--no-walk=unsorted',
    '--format=%x01%H',
    '--name-only',
    '--diff-filter=A',
    '-z',
    ...shas,
  ]);
  for (const token of log.split('\0')) {
    const name = token.replace(/^\n/, '');
    if (name === '' || name.startsWith('\x01')) continue;
    const path = repo.fromTop(name);
    if (path !== undefined) out.add(path);
  }
  return out;
}
