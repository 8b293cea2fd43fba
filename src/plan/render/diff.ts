import { createTwoFilesPatch } from 'diff';
import type { Change } from '../types.js';
import type { Style } from './style.js';

/** A unified diff of one change, git-style paths (/dev/null for created files). */
export function unifiedDiff(change: Change): string {
  if (change.op === 'move') return `rename ${change.path} => ${change.to ?? ''}\n`;
  const before = change.op === 'create' ? '' : (change.before ?? '');
  const after = change.op === 'delete' ? '' : (change.content ?? '');
  const from = change.op === 'create' ? '/dev/null' : `a/${change.path}`;
  const to = change.op === 'delete' ? '/dev/null' : `b/${change.path}`;
  const patch = createTwoFilesPatch(from, to, before, after, '', '', { context: 3 });
  // Drop the "Index:"/"===" preamble the library adds; keep ---/+++ and hunks.
  return patch
    .split('\n')
    .filter((l) => !l.startsWith('Index:') && !/^=+$/.test(l))
    .map((l) => (l.startsWith('--- ') || l.startsWith('+++ ') ? l.replace(/\t$/, '') : l))
    .join('\n');
}

export function colorDiff(text: string, s: Style): string {
  return text
    .split('\n')
    .map((l) =>
      l.startsWith('+++') || l.startsWith('---')
        ? s.bold(l)
        : l.startsWith('+')
          ? s.green(l)
          : l.startsWith('-')
            ? s.red(l)
            : l.startsWith('@@')
              ? s.cyan(l)
              : l,
    )
    .join('\n');
}
