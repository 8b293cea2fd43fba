/**
 * The working tree as data, independent of git: every path outside `.git/` with its type, mode bits
 * and content hash (a symlink by its target). Two snapshots equal means byte for byte and mode for
 * mode the same tree, untracked and ignored files included.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export type TreeSnapshot = Map<string, string>;

export function snapshotTree(root: string): TreeSnapshot {
  const entries: TreeSnapshot = new Map();
  const walk = (rel: string): void => {
    const names = readdirSync(join(root, rel)).sort();
    // git does not track directories, so an empty one left behind is only visible here.
    if (rel !== '' && names.length === 0) entries.set(`${rel}/`, 'empty-dir');
    for (const name of names) {
      if (rel === '' && name === '.git') continue;
      const path = rel === '' ? name : `${rel}/${name}`;
      const abs = join(root, path);
      const st = lstatSync(abs);
      const mode = (st.mode & 0o777).toString(8);
      if (st.isSymbolicLink()) entries.set(path, `link ${readlinkSync(abs)}`);
      else if (st.isDirectory()) walk(path);
      else if (st.isFile())
        entries.set(path, `file ${mode} ${createHash('sha1').update(readFileSync(abs)).digest('hex')}`);
      else entries.set(path, `other ${mode}`);
    }
  };
  walk('');
  return entries;
}

/** Paths that differ between two snapshots: "+path" added, "-path" removed, "~path (what)" changed. */
export function treeDifferences(before: TreeSnapshot, after: TreeSnapshot): string[] {
  const out: string[] = [];
  for (const [path, was] of before) {
    const now = after.get(path);
    if (now === undefined) out.push(`-${path}`);
    else if (now !== was) {
      const [wk, wm, wh] = was.split(' ');
      const [nk, nm, nh] = now.split(' ');
      const what = wk !== nk ? 'type' : wm !== nm && wh === nh ? `mode ${wm} -> ${nm}` : 'content';
      out.push(`~${path} (${what})`);
    }
  }
  for (const path of after.keys()) if (!before.has(path)) out.push(`+${path}`);
  return out;
}
