import { posix } from 'node:path';

/**
 * The folder the root compose files are archived to, as repo-relative paths spell it: config
 * `archiveDir` (default `todo`) without a leading `./` or trailing slashes, so that `./todo/` and
 * `todo` name the same folder wherever paths are compared with it.
 */
export function archiveFolder(archiveDir: string | undefined): string {
  return posix.normalize(archiveDir ?? 'todo').replace(/\/+$/, '');
}
