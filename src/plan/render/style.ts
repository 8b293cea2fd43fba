import pc from 'picocolors';

export type Style = ReturnType<typeof pc.createColors>;

/** Colour only when asked for (a TTY without NO_COLOR / --no-color); the CLI decides. */
export function makeStyle(color: boolean): Style {
  return pc.createColors(color);
}
