/**
 * The commit-message contract that lets compose-migrate find its own commits again. Trailers are
 * written in git's own format (last paragraph, `Key: value`), so `git log
 * --format=%(trailers:key=Compose-Migrate-Component,valueonly)` reads them too.
 */

export const T_KIND = 'Compose-Migrate';
export const T_COMPONENT = 'Compose-Migrate-Component';
export const T_ARCHIVE = 'Compose-Migrate-Archive';
export const T_REVERTS = 'Compose-Migrate-Reverts';
export const T_BASE = 'Compose-Migrate-Base';

export type TrailerKind = 'apply' | 'rollback' | 'backup' | 'staged';

/** What a migration commit is about: some components, and/or the archive of the root files. */
export interface MigrationScope {
  components: string[];
  archive: boolean;
}

export function scopeLabel(scope: MigrationScope): string {
  const parts = [...scope.components];
  if (scope.archive) parts.push('root compose files archive');
  return parts.join(', ') || '(nothing)';
}

/** Default subject of an apply commit. */
export function applySubject(scope: MigrationScope): string {
  if (scope.components.length === 0 && scope.archive) return 'compose-migrate: archive root compose files';
  const subject = `compose-migrate: migrate ${scope.components.join(', ')}`;
  return scope.archive ? `${subject} and archive root compose files` : subject;
}

/** Build a full message: subject, optional body, then the trailer block. */
export function formatMessage(
  subject: string,
  body: string | undefined,
  trailers: ReadonlyArray<readonly [string, string]>,
): string {
  const clean = (s: string): string => s.replace(/\s+$/u, '');
  const parts = [clean(subject.replace(/\n/g, ' '))];
  if (body && body.trim() !== '') parts.push(clean(body));
  if (trailers.length) parts.push(trailers.map(([k, v]) => `${k}: ${v.replace(/\n/g, ' ')}`).join('\n'));
  return `${parts.join('\n\n')}\n`;
}

export function scopeTrailers(kind: TrailerKind, scope: MigrationScope): Array<[string, string]> {
  const t: Array<[string, string]> = [[T_KIND, kind]];
  for (const c of scope.components) t.push([T_COMPONENT, c]);
  if (scope.archive) t.push([T_ARCHIVE, 'yes']);
  return t;
}

/** Parse `%(trailers:only,unfold)` output ("Key: value" lines) into key → values (keys lower-cased). */
export function parseTrailers(block: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const line of block.split('\n')) {
    const m = /^([A-Za-z0-9-]+):\s*(.*)$/u.exec(line);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    const list = map.get(key) ?? [];
    list.push(m[2]!.trim());
    map.set(key, list);
  }
  return map;
}

export const trailer = (map: Map<string, string[]>, key: string): string[] =>
  map.get(key.toLowerCase()) ?? [];
