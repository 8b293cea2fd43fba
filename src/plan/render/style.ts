import pc from 'picocolors';

export type Style = ReturnType<typeof pc.createColors>;

/** Colour only when asked for (a TTY without NO_COLOR / --no-color); the CLI decides. */
export function makeStyle(color: boolean): Style {
  return pc.createColors(color);
}

/** One colour per kind of file change, shared by the plan and the apply summary. */
export function opColour(op: string, s: Style): (text: string) => string {
  return op === 'create' ? s.green : op === 'modify' ? s.yellow : op === 'move' ? s.cyan : s.red;
}

/**
 * A unified diff with its headers, hunks, additions and removals coloured. Here rather than beside
 * the diff maker, so that the text renderer does not load the diff library.
 */
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
