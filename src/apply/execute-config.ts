import { lstatSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { MigrateError } from '../errors.js';
import { writeAtomic } from './transaction.js';

/**
 * Writes the merged config (answers saved from prompts) in one rename, so the file is either the old
 * one or the new one, never half of each. Its mode is kept; a symlink is refused rather than followed.
 */
export function saveConfigFile(root: string, path: string, text: string): void {
  const abs = resolve(root, path);
  const rel = relative(root, abs);
  if (rel.startsWith('..') || isAbsolute(rel))
    throw new MigrateError('path-outside-repo', `config file ${path} is outside the repository`, {
      file: path,
    });
  let mode = 0o644;
  try {
    const st = lstatSync(abs);
    if (st.isSymbolicLink())
      throw new MigrateError('io', 'config file is a symlink; answers were not saved', { file: path });
    mode = st.mode & 0o7777;
  } catch (e) {
    if (e instanceof MigrateError) throw e;
  }
  writeAtomic(join(root, rel), text, mode);
}
