import { archiveFolder } from '../config/archive-dir.js';
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
  /**
   * How the commit was recognised when its trailers no longer say it all: `content` for an archive
   * found by what it did (root compose files moved, still moved at HEAD), `squashed` for a commit
   * whose message holds the trailers of several migration commits.
   */
  foundBy?: 'content' | 'squashed';
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

/**
 * compose-migrate's own trailer lines wherever they are in a message: a reworded message may have
 * pushed them out of the last paragraph, and a squash stacks the blocks of several commits.
 */
function ownTrailers(message: string): Map<string, string[]> {
  // Written as compose-migrate writes them (the subject "compose-migrate: ..." is not one).
  const lines = message.split('\n').filter((l) => /^Compose-Migrate(-[A-Za-z]+)?: /u.test(l));
  return parseTrailers(lines.join('\n'));
}

async function logMigrationCommits(repo: Repo): Promise<RawCommit[]> {
  if (!(await repo.resolveRev('HEAD'))) return [];
  const out = await repo.run([
    'log',
    '-z',
    '--topo-order',
    `--format=%H${FIELD}%cI${FIELD}%s${FIELD}%b`,
    `--grep=^${T_KIND}: `,
    '--grep=^This reverts commit ',
    'HEAD',
  ]);
  return out
    .split('\0')
    .filter((r) => r.trim() !== '')
    .map((rec) => {
      const [sha = '', date = '', subject = '', body = ''] = rec.split(FIELD);
      return { sha: sha.trim(), date, subject, trailers: ownTrailers(body), body };
    });
}

/** The one kind a commit's trailers name; a squash of applies and rollbacks together names none. */
function kindOf(trailers: Map<string, string[]>): { kind?: string; squashed: boolean } {
  const kinds = trailer(trailers, T_KIND).filter((k) => /^(apply|rollback|backup|staged)$/u.test(k));
  const distinct = new Set(kinds);
  return { ...(distinct.size === 1 ? { kind: kinds[0]! } : {}), squashed: kinds.length > 1 };
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
export async function findMigrationsIn(
  repo: Repo,
  opts: { archiveDir?: string } = {},
): Promise<MigrationRecord[]> {
  // The pending backups are listed while the history is read (verify waits on both); a failure of
  // either is thrown where it was before.
  const backups = pendingBackups(repo);
  backups.catch(() => undefined);
  const commits = (await logMigrationCommits(repo)).reverse();
  const bySha = new Map<string, MigrationRecord>();
  const lookup = (ref: string): MigrationRecord | undefined =>
    bySha.get(ref) ?? [...bySha.values()].find((r) => ref.length >= 7 && r.sha.startsWith(ref));
  const history: MigrationRecord[] = [];
  for (const c of commits) {
    const { kind, squashed } = kindOf(c.trailers);
    const base = {
      sha: c.sha,
      date: c.date,
      subject: c.subject,
      ...(squashed ? { foundBy: 'squashed' as const } : {}),
    };
    const components = [...new Set(trailer(c.trailers, T_COMPONENT))];
    let record: MigrationRecord | undefined;
    if (kind === 'apply') {
      record = { ...base, kind: 'apply', components, archive: trailer(c.trailers, T_ARCHIVE).length > 0 };
    } else if (kind === 'rollback') {
      const archive = trailer(c.trailers, T_ARCHIVE).length > 0;
      let reverted = trailer(c.trailers, T_REVERTS)
        .map(lookup)
        .filter((r): r is MigrationRecord => r !== undefined);
      // Rebased since: the commits it names have new ids. It undid the newest apply of its scope.
      if (reverted.length === 0) {
        const same = [...history]
          .reverse()
          .find(
            (r) =>
              r.kind === 'apply' &&
              !r.revertedBy &&
              r.archive === archive &&
              r.components.join('\0') === components.join('\0'),
          );
        if (same) reverted = [same];
      }
      record = { ...base, kind: 'rollback', components, archive, reverts: reverted.map((r) => r.sha) };
      for (const r of reverted) if (r.kind === 'apply') r.revertedBy = c.sha;
    } else if (kind === undefined && trailer(c.trailers, T_KIND).length === 0) {
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
  if (!history.some((r) => r.kind === 'apply' && r.archive && !r.revertedBy)) {
    const found = await archiveByContent(repo, archiveFolder(opts.archiveDir));
    if (found && !history.some((r) => r.sha === found.sha)) history.push(found);
  }
  return [...(await backups), ...history.reverse()];
}

const COMPOSE_NAME = /(^|\/)(docker-)?compose([.-][\w.-]+)?\.ya?ml$/u;

/**
 * The archive commit when no trailer names it any more (its message was reworded, or the migration
 * squashed under a new message): the newest commit on the first-parent line that moved compose files
 * into another folder, all of them still there at HEAD and none back at its old place. Its trailers,
 * if any survive anywhere in the message, give its components.
 */
async function archiveByContent(repo: Repo, archiveDir: string): Promise<MigrationRecord | undefined> {
  const into = `${repo.prefix}${archiveDir}/`;
  const out = await repo.run([
    'log',
    '--first-parent',
    '-M',
    '--diff-filter=R',
    '--name-status',
    '-z',
    `--format=%x00${FIELD}%H${FIELD}%cI${FIELD}%s${FIELD}%B${FIELD}`,
    'HEAD',
  ]);
  for (const chunk of out.split(`\0${FIELD}`).slice(1)) {
    const [sha = '', date = '', subject = '', message = '', rest = ''] = chunk.split(FIELD);
    const fields = rest.split('\0').filter((f) => f !== '' && f !== '\n');
    const moves: Array<[string, string]> = [];
    for (let i = 0; i + 2 < fields.length + 1; i += 3) {
      const status = fields[i]?.trim() ?? '';
      const from = fields[i + 1];
      const to = fields[i + 2];
      if (!status.startsWith('R') || from === undefined || to === undefined) break;
      // Into the archive folder, under the same name: what the archive does, not any move of a compose file.
      const name = from.slice(from.lastIndexOf('/') + 1);
      if (COMPOSE_NAME.test(from) && to === `${into}${name}`) moves.push([from, to]);
    }
    if (moves.length === 0) continue;
    const at = await repo.run(['ls-tree', '--full-tree', '--name-only', 'HEAD', '--', ...moves.flat()]);
    const present = new Set(at.split('\n').filter((l) => l !== ''));
    if (!moves.every(([from, to]) => present.has(to) && !present.has(from))) return undefined;
    const t = ownTrailers(message);
    return {
      kind: 'apply',
      sha: sha.trim(),
      date,
      subject,
      components: [...new Set(trailer(t, T_COMPONENT))],
      archive: true,
      foundBy: 'content',
    };
  }
  return undefined;
}

export async function findMigrations(
  root: string,
  opts: { archiveDir?: string } = {},
): Promise<MigrationRecord[]> {
  return findMigrationsIn(await openRepo(root), opts);
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
 * Files the migration added, by the apply commits among `records` (the history as the caller read it)
 * that stand (not rolled back), for verify to check
 * only what was really written. Undefined when a --no-commit apply is pending (its files are only
 * staged), no apply commit is found, or the directory is not a git repository: the caller then
 * reads the disk.
 */
export async function filesAddedByApplies(
  root: string,
  records: readonly MigrationRecord[],
): Promise<Set<string> | undefined> {
  if (records.some((r) => r.kind === 'pending')) return undefined;
  const shas = records.filter((r) => r.kind === 'apply' && !r.revertedBy).map((r) => r.sha);
  // No apply commit (nothing migrated yet, or a history squashed without its trailers): the disk says.
  if (shas.length === 0) return undefined;
  let repo: Repo;
  try {
    repo = await openRepo(root);
  } catch {
    return undefined;
  }
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
