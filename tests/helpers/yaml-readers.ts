/** The two YAML readers side by side (see src/compose/yaml-tree.ts), for the tests that compare them. */
import { parseDocument } from 'yaml';
import { COMPOSE_TAGS, parseComposeFile } from '../../src/compose/parse.js';
import { fastTree, treeFromDocument, type YNode } from '../../src/compose/yaml-tree.js';

/** A tree as comparable data: offsets, values, properties; an alias by its target's offset. */
function canon(node: YNode | null, text: string): unknown {
  if (node === null) return null;
  switch (node.kind) {
    case 'alias':
      return { alias: node.source, at: node.start, target: node.target?.start ?? null };
    case 'scalar': {
      const src = text.slice(node.start, node.end);
      return {
        at: node.start,
        value: typeof node.value === 'number' && Number.isNaN(node.value) ? 'NaN' : node.value,
        plain: node.plain,
        // The end only matters for a one-line plain scalar (its spelling is kept).
        ...(node.plain && !node.tag && !/[\n\r]/u.test(src) ? { src } : {}),
        ...(node.merge ? { merge: true } : {}),
        ...(node.tag ? { tag: node.tag } : {}),
        ...(node.anchor ? { anchor: node.anchor } : {}),
      };
    }
    case 'map':
      return {
        at: node.start,
        ...(node.tag ? { tag: node.tag } : {}),
        ...(node.anchor ? { anchor: node.anchor } : {}),
        map: node.items.map((p) => [canon(p.key, text), canon(p.value, text)]),
      };
    case 'seq':
      return {
        at: node.start,
        ...(node.tag ? { tag: node.tag } : {}),
        ...(node.anchor ? { anchor: node.anchor } : {}),
        seq: node.items.map((i) => canon(i, text)),
      };
  }
}

export interface Outcome {
  declined: boolean;
  mismatch?: string;
}

export function compareReaders(name: string, text: string): Outcome {
  const doc = parseDocument(text, {
    customTags: COMPOSE_TAGS,
    merge: true,
    uniqueKeys: true,
    keepSourceTokens: false,
  });
  const fast = fastTree(text, COMPOSE_TAGS);
  if (!fast) return { declined: true };
  if (doc.errors.length > 0) {
    // Accepted by the fast reader, refused by the library: parseComposeFile must still refuse it.
    try {
      parseComposeFile(name, text);
    } catch {
      return { declined: true };
    }
    return {
      declined: false,
      mismatch: `accepted a text the library refuses: ${doc.errors[0]?.message ?? ''}`,
    };
  }
  const a = JSON.stringify(canon(fast.root, text));
  const b = JSON.stringify(canon(treeFromDocument(doc), text));
  if (a === b) return { declined: false };
  let i = 0;
  while (a[i] === b[i]) i++;
  return {
    declined: false,
    mismatch: `fast ${a.slice(Math.max(0, i - 80), i + 80)}\n doc ${b.slice(Math.max(0, i - 80), i + 80)}`,
  };
}
