import { isCollection, isMap, isPair, isScalar, isSeq, type Document, type Node, type Pair } from 'yaml';
import type { CommentMap } from '../compose/types.js';

/** "services.pourtier.ports[0]" / "x-[a.b].c" -> ["services", "pourtier", "ports", 0] / ["x-a.b", "c"]. */
export function parseKeyPath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  let i = 0;
  let cur = '';
  const flush = (): void => {
    if (cur !== '') out.push(cur);
    cur = '';
  };
  while (i < path.length) {
    const ch = path[i] as string;
    if (ch === '.') {
      flush();
      i++;
    } else if (ch === '[') {
      const end = path.indexOf(']', i);
      if (end < 0) {
        cur += path.slice(i);
        break;
      }
      const inner = path.slice(i + 1, end);
      flush();
      // Bracketed digits are a sequence index; anything else is a key that contains '.'.
      out.push(/^\d+$/.test(inner) ? Number(inner) : inner);
      i = end + 1;
    } else {
      cur += ch;
      i++;
    }
  }
  flush();
  return out;
}

interface Located {
  /** The node whose line the comment belongs before. */
  anchor: Node;
  /** Where a trailing comment reads naturally: a scalar value, else the key. */
  trailing: Node;
}

function locate(doc: Document, path: (string | number)[]): Located | undefined {
  let node: unknown = doc.contents;
  let located: Located | undefined;
  for (const seg of path) {
    if (typeof seg === 'number') {
      if (!isSeq(node)) return undefined;
      const item = node.items[seg];
      if (!item || !(isScalar(item) || isCollection(item))) return undefined;
      located = { anchor: item, trailing: item };
      node = item;
    } else {
      if (!isMap(node)) return undefined;
      const pair = node.items.find((p: Pair) => isScalar(p.key) && String(p.key.value) === seg);
      if (!pair || !isPair(pair) || !isScalar(pair.key)) return undefined;
      const value = pair.value;
      located = { anchor: pair.key, trailing: isScalar(value) ? value : pair.key };
      node = value;
    }
  }
  return located;
}

/**
 * Carry the root files' comments onto the same key paths of the generated document. `accept` may
 * refuse a path whose meaning moved (a list item index after items were removed).
 */
export function applyComments(
  doc: Document,
  comments: CommentMap,
  accept: (path: (string | number)[]) => boolean = () => true,
): void {
  for (const [path, c] of comments) {
    if (path === '') {
      if (c.before) doc.commentBefore = c.before;
      continue;
    }
    const segs = parseKeyPath(path);
    if (!accept(segs)) continue;
    const at = locate(doc, segs);
    if (!at) continue;
    if (c.before) at.anchor.commentBefore = c.before;
    if (c.after) at.trailing.comment = c.after;
  }
}
