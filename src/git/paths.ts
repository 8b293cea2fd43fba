import { lstatSync, realpathSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import { MigrateError } from '../errors.js';

const outside = (path: string, why: string): MigrateError =>
  new MigrateError('path-outside-repo', `refusing to touch ${path}: ${why}`, { file: path }, 3);

function isWithin(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..');
}

/**
 * Check a repo-relative path before anything is written, moved or deleted there, and return its
 * normalised form. Refuses absolute paths, `..` escapes, anything inside `.git`, and paths whose
 * existing parent directories resolve (through symlinks) to somewhere outside the repository:
 * a plan is data, and data must not be able to write outside the repo.
 */
export function checkRepoPath(root: string, path: string): string {
  if (path === '' || path.includes('\0')) throw outside(JSON.stringify(path), 'not a file path');
  if (path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || path.includes('\\'))
    throw outside(path, 'only repo-relative POSIX paths are accepted');
  const norm = posix.normalize(path);
  if (norm === '.' || norm === '..' || norm.startsWith('../') || norm.endsWith('/'))
    throw outside(path, 'it leaves the repository');
  if (norm.split('/').some((seg) => seg.toLowerCase() === '.git'))
    throw outside(path, 'it is inside the git directory');

  const realRoot = realpathSync(root);
  // The deepest parent that exists decides where the write really lands; missing ones are
  // created as plain directories below it.
  let parent = dirname(join(root, norm));
  for (;;) {
    let exists = true;
    try {
      lstatSync(parent);
    } catch {
      exists = false;
    }
    if (exists) break;
    const up = dirname(parent);
    if (up === parent) break;
    parent = up;
  }
  let realParent: string;
  try {
    realParent = realpathSync(parent);
  } catch {
    throw outside(path, 'its parent directory cannot be resolved');
  }
  if (!isWithin(realRoot, realParent))
    throw outside(path, `its parent directory resolves to ${realParent}, outside the repository`);
  const relParent = relative(realRoot, realParent);
  if (relParent.split(sep).some((seg) => seg.toLowerCase() === '.git'))
    throw outside(path, 'its parent directory resolves into the git directory');
  return norm;
}
