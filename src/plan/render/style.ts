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
