import { archiveFolder } from '../config/archive-dir.js';
import { posix } from 'node:path';
import type { RepoSnapshot } from '../repo/snapshot.js';
import type { Change } from '../plan/types.js';

/**
 * "docker-compose.test.yaml" -> ["docker-compose.test", ".yaml"]; the counter goes before the
 * extension so the archived file keeps opening as YAML.
 */
function splitExt(base: string): [string, string] {
  const m = /^(.+?)(\.ya?ml)$/i.exec(base);
  if (m) return [m[1] as string, m[2] as string];
  const dot = base.lastIndexOf('.');
  return dot > 0 ? [base.slice(0, dot), base.slice(dot)] : [base, ''];
}

/**
 * Moves of the root compose files into the archive directory, keeping base names. Nothing already
 * there is overwritten: a taken name becomes "docker-compose.test.1.yaml", ".2", ...
 */
export function planArchive(snapshot: RepoSnapshot, rootFiles: string[], archiveDir: string): Change[] {
  const dir = archiveFolder(archiveDir);
  const taken = new Set<string>();
  const changes: Change[] = [];
  for (const file of rootFiles) {
    const base = posix.basename(file);
    const [stem, ext] = splitExt(base);
    let to = posix.join(dir, base);
    for (let i = 1; snapshot.exists(to) || taken.has(to); i++) to = posix.join(dir, `${stem}.${i}${ext}`);
    taken.add(to);
    changes.push({
      op: 'move',
      path: file,
      to,
      component: '',
      reason: `archive root compose file to ${dir}/`,
    });
  }
  return changes;
}
