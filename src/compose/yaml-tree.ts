/**
 * The parse tree analysis reads a compose file through: scalars with their resolved values,
 * mappings, sequences and aliases, each with the offset it starts at. It is the part of a YAML
 * Document that conversion to values needs (values, tags, anchors, merge keys, positions), without
 * comments, which are read from the `yaml` Document when asked for (see parse.ts).
 *
 * Two builders give the same tree. `treeFromDocument` walks a `yaml` Document. `fastTree` reads the
 * text with js-yaml, about six times faster on large files, and records each node's extent from
 * js-yaml's open/close events; it gives up (returns undefined) on anything it cannot mirror exactly
 * (a load error, an explicit tag other than `!reset`/`!override`, a complex key, a shape its events
 * do not pin down), and the caller then parses the Document. Plain scalars are resolved with the
 * `yaml` library's own core-schema tags in both, so the two agree on every value; a test compares
 * the two trees on every fixture and corpus compose file.
 */
import jsyaml from 'js-yaml';
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Scalar,
  Schema,
  type Document,
  type Node,
  type Tags,
} from 'yaml';

interface Base {
  /** Offset of the node's first character (after its tag and anchor). */
  start: number;
  tag?: string;
  anchor?: string;
}
export interface YScalar extends Base {
  kind: 'scalar';
  value: unknown;
  /** End offset of the scalar's source. */
  end: number;
  /** Written without quotes or block indicator. */
  plain: boolean;
  /** A plain `<<` in key position: YAML 1.1's merge key. */
  merge?: true;
}
export interface YPair {
  key: YNode;
  value: YNode | null;
}
export interface YMap extends Base {
  kind: 'map';
  items: YPair[];
}
export interface YSeq extends Base {
  kind: 'seq';
  items: YNode[];
}
export interface YAlias {
  kind: 'alias';
  start: number;
  source: string;
  /** The last node before the alias, in document order, that carries its anchor. */
  target: YNode | undefined;
}
export type YNode = YScalar | YMap | YSeq | YAlias;

// ---------------------------------------------------------------------------------------------
// From a `yaml` Document

export function treeFromDocument(doc: Document.Parsed): YNode | null {
  const anchors = new Map<string, YNode>();
  const build = (node: unknown): YNode => {
    if (isAlias(node)) {
      return {
        kind: 'alias',
        start: node.range?.[0] ?? 0,
        source: node.source,
        target: anchors.get(node.source),
      };
    }
    const n = node as Node;
    const start = n.range?.[0] ?? 0;
    if (isMap(n)) {
      const out: YMap = { kind: 'map', start, items: [] };
      props(out, n);
      for (const pair of n.items)
        out.items.push({ key: build(pair.key), value: pair.value == null ? null : build(pair.value) });
      return out;
    }
    if (isSeq(n)) {
      const out: YSeq = { kind: 'seq', start, items: [] };
      props(out, n);
      for (const item of n.items as unknown[]) {
        // `[a: b]`: a flow sequence holding a one-pair mapping.
        if (isPair(item)) {
          const m: YMap = { kind: 'map', start: (item.key as Node | null)?.range?.[0] ?? start, items: [] };
          m.items.push({ key: build(item.key), value: item.value == null ? null : build(item.value) });
          out.items.push(m);
        } else out.items.push(build(item));
      }
      return out;
    }
    if (isScalar(n)) {
      const v = n.value;
      const out: YScalar = {
        kind: 'scalar',
        start,
        end: n.range?.[1] ?? start,
        plain: n.type === 'PLAIN',
        value: typeof v === 'symbol' ? '<<' : v,
      };
      if (typeof v === 'symbol' && v.description === '<<') out.merge = true;
      props(out, n);
      return out;
    }
    return { kind: 'scalar', start, end: start, plain: true, value: null };
  };
  const props = (out: Exclude<YNode, YAlias>, n: Node): void => {
    if (n.tag) out.tag = n.tag;
    if (n.anchor) {
      out.anchor = n.anchor;
      anchors.set(n.anchor, out);
    }
  };
  const root = doc.contents;
  return root === null || root === undefined ? null : build(root);
}

// ---------------------------------------------------------------------------------------------
// From js-yaml

/** Thrown inside js-yaml's listener to stop a load the fast builder cannot mirror. */
class GiveUp extends Error {}

interface Frame {
  open: number;
  children: YNode[];
  /** What js-yaml composed for each child, in step with `children`. */
  results: unknown[];
}

/** Where a node starts, and the properties written before it. */
interface At {
  start: number;
  tag?: string;
  anchor?: string;
  /** No line break between the last property and the node. */
  propsOnNodeLine: boolean;
}

interface Resolver {
  (source: string, atKey: boolean): { value: unknown; merge: boolean };
}

const resolvers = new WeakMap<Tags, Resolver>();

/** Plain-scalar resolution exactly as the `yaml` composer does it for the core schema. */
function resolverFor(customTags: Tags): Resolver {
  let r = resolvers.get(customTags);
  if (r) return r;
  const schema = new Schema({ merge: true, customTags });
  const tags = schema.tags.filter((t) => !('collection' in t && t.collection));
  // Compose files repeat the same keys and values (image names, `true`, ports) many times over.
  const memo = new Map<string, { value: unknown; merge: boolean }>();
  const uncached: Resolver = (source, atKey) => {
    const tag = tags.find(
      (t) => (t.default === true || (atKey && t.default === 'key')) && t.test?.test(source),
    );
    if (!tag) return { value: source, merge: false };
    const res = tag.resolve(source, () => undefined, { intAsBigInt: false } as never) as unknown;
    if (tag.tag === 'tag:yaml.org,2002:merge') return { value: '<<', merge: true };
    // Some tags resolve to a Scalar node (null does), as the composer accepts.
    return { value: res instanceof Scalar ? (res.value as unknown) : res, merge: false };
  };
  r = (source, atKey) => {
    // Only a key can be a merge key: keys and values of the same spelling are told apart.
    const id = atKey ? `k${source}` : `v${source}`;
    let out = memo.get(id);
    if (!out) memo.set(id, (out = uncached(source, atKey)));
    return out;
  };
  resolvers.set(customTags, r);
  return r;
}

const WS = new Set([' ', '\t', '\r', '\n']);

/** Where an anchor, alias or tag name that starts at `i` ends: at white space or a flow indicator. */
function nameEnd(text: string, i: number): number {
  let j = i;
  while (j < text.length && !WS.has(text[j]!) && !',[]{}'.includes(text[j]!)) j++;
  return j;
}

/** The explicit tags `customTags` defines (`!reset`, `!override`), each allowed on any node kind. */
const schemas = new WeakMap<Tags, { names: string[]; schema: jsyaml.Schema }>();
function jsyamlSchemaFor(customTags: Tags): { names: string[]; schema: jsyaml.Schema } {
  let out = schemas.get(customTags);
  if (!out) {
    const names = [
      ...new Set(customTags.flatMap((t) => (typeof t === 'object' && 'tag' in t ? [t.tag] : []))),
    ];
    const schema = jsyaml.FAILSAFE_SCHEMA.extend(
      names.flatMap((tag) =>
        (['scalar', 'sequence', 'mapping'] as const).map(
          (kind) => new jsyaml.Type(tag, { kind, construct: (data: unknown) => data }),
        ),
      ),
    );
    schemas.set(customTags, (out = { names, schema }));
  }
  return out;
}

/**
 * The tree of `text`, or undefined when the fast reader declines. The explicit tags `customTags`
 * defines are read; any other explicit tag declines.
 */
export function fastTree(text: string, customTags: Tags): { root: YNode | null } | undefined {
  // Directives, a second document and complex keys are rare in compose files; the Document handles them.
  if (/^(?:%|\s*\?\s)/mu.test(text)) return undefined;
  // js-yaml drops a leading byte order mark, which would shift every offset by one.
  if (text.startsWith('\uFEFF')) return undefined;
  // A carriage return not ending a line: the two readers disagree on what it separates.
  if (/\r(?!\n)/u.test(text)) return undefined;
  // js-yaml reads a '#' right after a closing bracket or quote as a comment; YAML (and the library)
  // requires white space before a comment, so the Document reports the error.
  if (/[\]}"']#/u.test(text)) return undefined;
  // A tab where indentation goes: the library refuses some that js-yaml lets through.
  if (/^ *\t/mu.test(text)) return undefined;
  const resolve = resolverFor(customTags);
  const { names: tagNames, schema } = jsyamlSchemaFor(customTags);
  const anchors = new Map<string, YNode>();
  const stack: Frame[] = [{ open: 0, children: [], results: [] }];
  /** Nodes with no content at all (`key:`); the composer resolves '' for them (null in the core schema). */
  const empties = new Set<YNode>();

  /** Skip separation space, comments and node properties from `pos`; the properties found. */
  const skipToNode = (pos: number, sameLine = false): At => {
    let i = pos;
    let tag: string | undefined;
    let anchor: string | undefined;
    let propsLine = true;
    for (;;) {
      const c = text[i];
      if (c === undefined) break;
      if (sameLine && (c === '\n' || c === '\r' || c === '#')) break;
      if (WS.has(c)) {
        if (c === '\n' && (tag !== undefined || anchor !== undefined)) propsLine = false;
        i++;
        continue;
      }
      if (c === '#' && (i === 0 || WS.has(text[i - 1] ?? ''))) {
        while (i < text.length && text[i] !== '\n') i++;
        continue;
      }
      if (c === '!' || c === '&') {
        const j = nameEnd(text, i + 1);
        const word = text.slice(i + 1, j);
        if (c === '!') tag = `!${word}`;
        else anchor = word;
        propsLine = true;
        i = j;
        continue;
      }
      break;
    }
    const out: At = { start: i, propsOnNodeLine: propsLine };
    if (tag !== undefined) out.tag = tag;
    if (anchor !== undefined) out.anchor = anchor;
    return out;
  };

  const close = (frame: Frame, state: { position: number; kind: string | null; result: unknown }): YNode => {
    let at = skipToNode(frame.open);
    const { children } = frame;
    if (at.tag !== undefined && !tagNames.includes(at.tag)) throw new GiveUp();
    let node: YNode;
    if (children.length === 1 && frame.results[0] === state.result) {
      // One node, two events: a plain scalar in block context is read as a would-be mapping key
      // first, and a node on the line after its key is read as a would-be block collection first.
      node = children[0]!;
      if (node.kind === 'alias' && (at.tag !== undefined || at.anchor !== undefined)) throw new GiveUp();
    } else if (state.kind === 'mapping') {
      if (children.length % 2 !== 0) throw new GiveUp();
      const result = state.result as Record<string, unknown> | null;
      if (result === null || typeof result !== 'object') throw new GiveUp();
      const items: YPair[] = [];
      const keys = new Set<unknown>();
      for (let i = 0; i < children.length; i += 2) {
        const key = children[i]!;
        if (key.kind !== 'scalar') throw new GiveUp();
        keys.add(frame.results[i]);
        items.push({ key, value: children[i + 1]! });
      }
      // Every key event is a key of the mapping js-yaml composed (a repeated key, such as a second
      // `<<`, is composed once; the library's own rule for repeats is applied on the tree).
      if (keys.size !== Object.keys(result).length) throw new GiveUp();
      node = { kind: 'map', start: at.start, items };
      // Properties on the line of a block mapping's first key are that key's, not the mapping's.
      const first = items[0]?.key;
      if (first && first.start === at.start && at.propsOnNodeLine)
        at = { start: at.start, propsOnNodeLine: true };
    } else if (state.kind === 'sequence') {
      const result = state.result as unknown[] | null;
      if (!Array.isArray(result) || result.length !== children.length) throw new GiveUp();
      node = { kind: 'seq', start: at.start, items: children };
    } else if (children.length > 0 && (state.result === null || frame.results.some((r) => r !== null))) {
      // Besides that would-be key (empty when what follows is a block scalar), a scalar has no parts.
      throw new GiveUp();
    } else if (text[at.start] === '*') {
      const source = text.slice(at.start + 1, nameEnd(text, at.start + 1));
      const target = anchors.get(source);
      if (!target) throw new GiveUp();
      return { kind: 'alias', start: at.start, source, target };
    } else if (state.result === null) {
      // An empty node sits where its line ends, after any properties (as the composer places it).
      const here = skipToNode(frame.open, true);
      node = { kind: 'scalar', start: here.start, end: here.start, plain: true, value: '' };
      empties.add(node);
    } else {
      node = scalarNode(at.start, state.position, state.result);
    }
    if (node.kind !== 'alias') {
      if (at.tag !== undefined) node.tag = at.tag;
      if (at.anchor !== undefined) {
        node.anchor = at.anchor;
        anchors.set(at.anchor, node);
      }
    }
    return node;
  };

  const scalarNode = (start: number, end: number, result: unknown): YScalar => {
    const c = text[start];
    const quoted = c === '"' || c === "'";
    const block = c === '|' || c === '>';
    if (typeof result !== 'string') throw new GiveUp();
    let stop = Math.max(start, end);
    // The close position of a plain scalar can include the spaces after it.
    while (stop > start && WS.has(text[stop - 1]!)) stop--;
    // A quoted or plain scalar folded over lines: how far its lines must be indented is where the two
    // readers differ (js-yaml takes some the library refuses); rare in compose files, left to the Document.
    if (!block && text.slice(start, stop).includes('\n')) throw new GiveUp();
    return { kind: 'scalar', start, end: stop, plain: !quoted && !block, value: result };
  };

  try {
    jsyaml.load(text, {
      schema,
      // Repeated keys are let through here and judged on the tree as the library judges them
      // (parse.ts): several `<<` merge keys in one mapping are allowed, other repeats are not.
      json: true,
      listener(
        this: unknown,
        event: 'open' | 'close',
        state: { position: number; kind: string | null; result: unknown },
      ) {
        if (event === 'open') {
          stack.push({ open: state.position, children: [], results: [] });
          return;
        }
        const frame = stack.pop();
        const parent = stack[stack.length - 1];
        if (!frame || !parent) throw new GiveUp();
        parent.children.push(close(frame, state));
        parent.results.push(state.result);
      },
    });
  } catch {
    return undefined;
  }
  const top = stack[0]!;
  if (stack.length !== 1 || top.children.length > 1) return undefined;
  let root = top.children[0] ?? null;
  // A document with no content (only comments) has no root node.
  if (root && empties.has(root) && root.kind === 'scalar' && !root.tag && !root.anchor) root = null;
  if (root) resolveScalars(root, resolve, false);
  return { root };
}

/** Resolve every plain untagged scalar as the `yaml` composer would (keys may be merge keys). */
function resolveScalars(node: YNode, resolve: Resolver, atKey: boolean): void {
  // A tree: an alias node stands in for its target, which is resolved where it is written.
  if (node.kind === 'scalar') {
    // A tagged scalar keeps its text, as the tags' resolve does; a quoted or block one is a string.
    if (node.tag !== undefined || !node.plain) return;
    const { value, merge } = resolve(String(node.value), atKey);
    node.value = value;
    if (merge) node.merge = true;
  } else if (node.kind === 'map') {
    for (const pair of node.items) {
      resolveScalars(pair.key, resolve, true);
      if (pair.value) resolveScalars(pair.value, resolve, false);
    }
  } else if (node.kind === 'seq') {
    for (const item of node.items) resolveScalars(item, resolve, false);
  }
}
