import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  visit,
  type Alias,
  type Document,
  type Node,
  type Scalar,
  type YAMLMap,
} from 'yaml';
import { composeNumber, rememberRawScalar, spellingSensitive } from './yaml11.js';
import { MigrateError } from '../errors.js';
import { nodePos } from './parse.js';
import type { CommentMap, ComposeFile, KeyComments, SourcePos, YamlMap, YamlValue } from './types.js';

/**
 * Plain values from a parsed compose Document, with what `toJS()` cannot give us:
 * `!reset`/`!override` survive as markers the merge understands, and every key and sequence item
 * can report where it was written.
 */

export type ComposeTag = 'reset' | 'override';

interface TagMark {
  tag: ComposeTag;
  value: YamlValue;
}

/** Markers are empty objects recognised by identity, so YamlValue stays a plain JSON-like union. */
const marks = new WeakMap<object, TagMark>();

export function tagged(tag: ComposeTag, value: YamlValue): YamlMap {
  const marker: YamlMap = {};
  marks.set(marker, { tag, value });
  return marker;
}

export function tagOf(value: YamlValue | undefined): TagMark | undefined {
  return value !== null && typeof value === 'object' ? marks.get(value) : undefined;
}

/** Drop markers that no merge consumed: `!override` keeps its value, `!reset` disappears. */
export function untag(value: YamlValue): YamlValue | undefined {
  const mark = tagOf(value);
  if (mark) return mark.tag === 'reset' ? undefined : untag(mark.value);
  if (Array.isArray(value)) {
    const out: YamlValue[] = [];
    for (const item of value) {
      const v = untag(item);
      if (v !== undefined) out.push(v);
    }
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: YamlMap = {};
    for (const [k, v] of Object.entries(value)) {
      const u = untag(v);
      if (u !== undefined) out[k] = u;
    }
    return out;
  }
  return value;
}

/** Markers replaced by the value they carry (`!reset []` validates as `[]`), for schema validation. */
export function unwrapTags(value: YamlValue): YamlValue {
  const mark = tagOf(value);
  if (mark) return unwrapTags(mark.value);
  if (Array.isArray(value)) return value.map(unwrapTags);
  if (value !== null && typeof value === 'object') {
    const out: YamlMap = {};
    for (const [k, v] of Object.entries(value)) out[k] = unwrapTags(v);
    return out;
  }
  return value;
}

/** Key path segment: '.' joins, a key holding '.' or brackets is wrapped in [ ]. */
export function keySegment(key: string): string {
  return /[.[\]]/.test(key) ? `[${key}]` : key;
}

export function joinPath(prefix: string, key: string): string {
  const seg = keySegment(key);
  return prefix === '' ? seg : `${prefix}.${seg}`;
}

export type PositionSink = (path: string, pos: SourcePos) => void;

/** Hard stop for expansion, beyond the library's alias count check done at parse time. */
const NODE_BUDGET = 2_000_000;

interface Ctx {
  file: ComposeFile;
  budget: number;
  onPos: PositionSink | undefined;
}

function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol' && key.value.description === '<<';
}

function deref(ctx: Ctx, node: unknown): unknown {
  let n = node;
  for (let i = 0; i < 64 && isAlias(n); i++) n = aliasTarget(ctx.file.doc, n);
  return n;
}

/** Every alias of a document with the node it names, found in one walk. */
const aliasTargets = new WeakMap<Document, Map<Alias, Node | undefined>>();

/**
 * The node an alias names: the last node before it, in document order, that carries its anchor,
 * as `Alias.resolve` finds it. That method walks the whole document on every call (a 10 KB file of
 * merged anchors took 60 ms to convert); this walks it once.
 */
function aliasTarget(doc: Document, alias: Alias): Node | undefined {
  let targets = aliasTargets.get(doc);
  if (!targets) {
    const found = new Map<Alias, Node | undefined>();
    const anchors = new Map<string, Node>();
    visit(doc, {
      Node: (_key, node) => {
        if (isAlias(node)) found.set(node, anchors.get(node.source));
        else if (node.anchor) anchors.set(node.anchor, node);
      },
    });
    aliasTargets.set(doc, (targets = found));
  }
  return targets.has(alias) ? targets.get(alias) : alias.resolve(doc);
}

function keyString(ctx: Ctx, key: unknown): string {
  const k = deref(ctx, key);
  if (isScalar(k)) return k.value === null ? '' : String(k.value);
  const { line, col } = nodePos(ctx.file, k as Node);
  throw new MigrateError('compose-shape', 'mapping keys must be scalars', { file: ctx.file.path, line, col });
}

export interface Entry {
  keyNode: Node;
  valueNode: unknown;
}

/** A mapping's entries with YAML 1.1 merge keys applied: explicit keys win, earlier merge sources win. */
function entries(ctx: Ctx, map: YAMLMap, depth = 0): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const pair of map.items) {
    if (!isPair(pair)) continue;
    if (isMergeKey(pair.key)) {
      if (depth > 64) continue;
      const src = deref(ctx, pair.value);
      const sources = isSeq(src) ? src.items.map((it) => deref(ctx, it)) : [src];
      for (const s of sources) {
        if (!isMap(s)) {
          const { line, col } = nodePos(ctx.file, (s as Node | null) ?? (pair.key as Node));
          throw new MigrateError('yaml-syntax', 'merge key << needs a mapping or a list of mappings', {
            file: ctx.file.path,
            line,
            col,
          });
        }
        for (const [k, e] of entries(ctx, s, depth + 1)) if (!out.has(k)) out.set(k, e);
      }
      continue;
    }
    const k = keyString(ctx, pair.key);
    out.set(k, { keyNode: pair.key as Node, valueNode: pair.value });
  }
  return out;
}

function convert(ctx: Ctx, node: unknown, path: string): YamlValue {
  if (--ctx.budget < 0) {
    throw new MigrateError('yaml-alias-bomb', 'document expands to too many nodes', { file: ctx.file.path });
  }
  const n = deref(ctx, node);
  if (n === null || n === undefined) return null;
  const tag = (n as { tag?: string }).tag;
  const inner = convertPlain(ctx, n, path);
  if (tag === '!reset') return tagged('reset', inner);
  if (tag === '!override') return tagged('override', inner);
  return inner;
}

function convertPlain(ctx: Ctx, n: unknown, path: string): YamlValue {
  if (isScalar(n)) {
    const v = n.value;
    const src = plainSource(ctx, n);
    const compose = src === undefined ? undefined : composeNumber(src);
    if (compose !== undefined) return compose;
    if (v === null || v === undefined) return null;
    if (typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    return String(v);
  }
  if (isMap(n)) {
    const out: YamlMap = {};
    for (const [k, e] of entries(ctx, n)) {
      const p = joinPath(path, k);
      const pos = ctx.onPos ? nodePos(ctx.file, e.keyNode) : undefined;
      if (pos) ctx.onPos!(p, pos);
      out[k] = convert(ctx, e.valueNode, p);
      if (pos) noteRawScalar(ctx, pos, e.valueNode, out[k]!);
    }
    return out;
  }
  if (isSeq(n)) {
    return n.items.map((item, i) => {
      const p = `${path}[${i}]`;
      const pos = ctx.onPos ? nodePos(ctx.file, deref(ctx, item) as Node) : undefined;
      if (pos) ctx.onPos!(p, pos);
      const value = convert(ctx, item, p);
      if (pos) noteRawScalar(ctx, pos, item, value);
      return value;
    });
  }
  return null;
}

/** The source text of a one-line plain scalar (no tag), else undefined. */
function plainSource(ctx: Ctx, n: Scalar): string | undefined {
  if (n.type !== 'PLAIN' || !n.range || n.tag) return undefined;
  const src = ctx.file.text.slice(n.range[0], n.range[1]);
  return /[\n\r]/u.test(src) ? undefined : src;
}

/** Remember how a spelling-sensitive plain scalar was written, for writers that re-emit it. */
function noteRawScalar(ctx: Ctx, pos: SourcePos, node: unknown, value: YamlValue): void {
  const n = deref(ctx, node);
  if (!isScalar(n)) return;
  const src = plainSource(ctx, n);
  if (src !== undefined && spellingSensitive(src)) rememberRawScalar(pos, src, value);
}

/**
 * Convert one node (or the whole document when `node` is omitted). `onPos` receives every key and
 * sequence item below it, with paths relative to `prefix`.
 */
export function toValue(file: ComposeFile, node?: unknown, onPos?: PositionSink, prefix = ''): YamlValue {
  const ctx: Ctx = { file, budget: NODE_BUDGET, onPos };
  return convert(ctx, node === undefined ? file.doc.contents : node, prefix);
}

/** The top-level mapping's entries (merge keys applied), for per-section access without converting everything. */
export function topEntries(file: ComposeFile): Map<string, Entry> {
  const root = file.doc.contents;
  if (!isMap(root)) return new Map();
  return entries({ file, budget: NODE_BUDGET, onPos: undefined }, root);
}

/** Entries of a mapping node (aliases and merge keys resolved); empty for anything else. */
export function mapEntries(file: ComposeFile, node: unknown): Map<string, Entry> {
  const ctx: Ctx = { file, budget: NODE_BUDGET, onPos: undefined };
  const n = deref(ctx, node);
  return isMap(n) ? entries(ctx, n) : new Map();
}

function trimComment(c: string | null | undefined): string | undefined {
  if (c === null || c === undefined) return undefined;
  const t = c.replace(/^\n+|\n+$/g, '');
  return t === '' ? undefined : t;
}

function addComment(map: CommentMap, path: string, c: KeyComments): void {
  if (c.before === undefined && c.after === undefined) return;
  map.set(path, c);
}

/** Trailing comment of `key: value # c` sits on the value scalar, or on the key when the value is a block. */
function trailing(keyNode: unknown, valueNode: unknown): string | undefined {
  if (isScalar(valueNode)) return trimComment(valueNode.comment);
  if (isScalar(keyNode)) return trimComment(keyNode.comment);
  return undefined;
}

function walkComments(node: unknown, path: string, into: CommentMap): void {
  if (isMap(node)) {
    node.items.forEach((pair, i) => {
      if (!isPair(pair) || !isScalar(pair.key) || isMergeKey(pair.key)) return;
      const p = joinPath(path, pair.key.value === null ? '' : String(pair.key.value));
      // A comment above the first key is stored on the mapping itself.
      const parts = [
        i === 0 ? trimComment(node.commentBefore) : undefined,
        trimComment(pair.key.commentBefore),
      ];
      const before = parts.filter((x): x is string => x !== undefined).join('\n') || undefined;
      const entry: KeyComments = {};
      if (before !== undefined) entry.before = before;
      const after = trailing(pair.key, pair.value);
      if (after !== undefined) entry.after = after;
      addComment(into, p, entry);
      walkComments(pair.value, p, into);
    });
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const p = `${path}[${i}]`;
      const entry: KeyComments = {};
      const before = [
        i === 0 ? trimComment(node.commentBefore) : undefined,
        trimComment((item as Node).commentBefore),
      ]
        .filter((x): x is string => x !== undefined)
        .join('\n');
      if (before !== '') entry.before = before;
      const after = isScalar(item) ? trimComment(item.comment) : undefined;
      if (after !== undefined) entry.after = after;
      addComment(into, p, entry);
      walkComments(item, p, into);
    });
  }
}

/**
 * Comments by key path for a whole file ("services.postgres.ports", "services.pourtier.ports[0]").
 * The document's leading comment is stored under "".
 */
export function collectComments(file: ComposeFile, into: CommentMap = new Map()): CommentMap {
  const head = trimComment(file.doc.commentBefore);
  if (head !== undefined) into.set('', { before: head });
  walkComments(file.doc.contents, '', into);
  return into;
}
