import { posix } from 'node:path';

/**
 * Paths the writer must leave alone: home-relative, absolute, and interpolation-led ones (their real
 * location depends on a variable, so any rewrite would be a guess).
 */
export function isLocalRelativePath(p: string): boolean {
  if (p === '' || p.startsWith('~') || p.startsWith('/') || p.startsWith('$')) return false;
  if (/^[A-Za-z]:[\\/]/.test(p)) return false;
  // URLs and remote build contexts (git@host:repo, https://, docker-image://, service:name).
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(p) || p.startsWith('git@')) return false;
  return true;
}

/**
 * Rebase a repo-root-relative path ("./pourtier/src", ".", "pourtier") so it means the same place
 * when read from `toDir` (repo-relative POSIX dir, "" for the root). The result keeps compose's
 * conventional "./" prefix for paths inside `toDir`. Non-local paths come back unchanged.
 */
export function rebaseFromRoot(p: string, toDir: string): string {
  if (!isLocalRelativePath(p)) return p;
  const trailingSlash = p.length > 1 && p.endsWith('/');
  const target = posix.normalize(p);
  // Both sides resolve against the same base, so paths that climb out of the repo stay correct.
  const rel = posix.relative(toDir === '' ? '.' : toDir, target);
  let out: string;
  if (rel === '') out = '.';
  else if (rel === '..' || rel.startsWith('../')) out = rel;
  else out = `./${rel}`;
  return trailingSlash && out !== '.' ? `${out}/` : out;
}
