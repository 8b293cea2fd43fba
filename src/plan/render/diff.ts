import { createRequire } from 'node:module';
import type { Change } from '../types.js';

type DiffLibrary = typeof import('diff');
let library: DiffLibrary | undefined;
/** Loaded on first use (some 20 ms): only shown diffs need it (--diff, --out, apply's review), not plan --json. */
const diffLibrary = (): DiffLibrary => (library ??= createRequire(import.meta.url)('diff') as DiffLibrary);

/** A unified diff of one change, git-style paths (/dev/null for created files). */
export function unifiedDiff(change: Change): string {
  if (change.op === 'move') return `rename ${change.path} => ${change.to ?? ''}\n`;
  const before = change.op === 'create' ? '' : (change.before ?? '');
  const after = change.op === 'delete' ? '' : (change.content ?? '');
  const from = change.op === 'create' ? '/dev/null' : `a/${change.path}`;
  const to = change.op === 'delete' ? '/dev/null' : `b/${change.path}`;
  const patch = diffLibrary().createTwoFilesPatch(from, to, before, after, '', '', { context: 3 });
  // Drop the "Index:"/"===" preamble the library adds; keep ---/+++ and hunks.
  return patch
    .split('\n')
    .filter((l) => !l.startsWith('Index:') && !/^=+$/.test(l))
    .map((l) => (l.startsWith('--- ') || l.startsWith('+++ ') ? l.replace(/\t$/, '') : l))
    .join('\n');
}
