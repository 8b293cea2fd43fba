/**
 * What a terminal shows after some output: enough of a VT100 to follow what prompts draw (carriage
 * return, line feed, cursor up/down/left/right/column, erase line and erase below). The screen grows
 * downwards without scrolling, so every line ever shown and not erased is counted; lines longer than
 * `cols` wrap as a terminal wraps them.
 */
export function screenLines(raw: string, cols = Infinity): string[] {
  const lines: string[][] = [[]];
  let row = 0;
  let col = 0;
  const line = (): string[] => (lines[row] ??= []);
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch === '\x1b') {
      // eslint-disable-next-line no-control-regex
      const csi = /^\x1b\[([0-9;?]*)([A-Za-z@`])/.exec(raw.slice(i));
      if (csi) {
        i += csi[0].length - 1;
        const n = Number((csi[1] ?? '').replace('?', '').split(';')[0] || '1');
        switch (csi[2]) {
          case 'A':
            row = Math.max(0, row - n);
            break;
          case 'B':
            row += n;
            break;
          case 'C':
            col += n;
            break;
          case 'D':
            col = Math.max(0, col - n);
            break;
          case 'G':
            col = n - 1;
            break;
          case 'K':
            if ((csi[1] ?? '') === '2') lines[row] = [];
            else if ((csi[1] ?? '') === '1') line().fill(' ', 0, col);
            else line().length = Math.min(line().length, col);
            break;
          case 'J':
            line().length = Math.min(line().length, col);
            lines.length = row + 1;
            break;
          default:
          // Colours and modes do not move anything.
        }
        continue;
      }
      // eslint-disable-next-line no-control-regex
      const other = /^\x1b(\][^\x07]*\x07|[()][A-Za-z0-9]|[=>78])/.exec(raw.slice(i));
      if (other) i += other[0].length - 1;
      continue;
    }
    if (ch === '\r') col = 0;
    else if (ch === '\n') {
      row++;
      col = 0;
    } else if (ch >= ' ') {
      if (col >= cols) {
        // Auto-wrap: a long line takes as many rows as the terminal needs for it.
        row++;
        col = 0;
      }
      const l = line();
      while (l.length < col) l.push(' ');
      l[col++] = ch;
    }
  }
  const text = Array.from(lines, (l) => (l ?? []).join('').trimEnd());
  while (text.length && text[text.length - 1] === '') text.pop();
  return text;
}
