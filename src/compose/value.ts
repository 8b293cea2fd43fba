import { isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import { composeNumber, rememberRawScalar, spellingSensitive } from './yaml11.js';
import { MigrateError } from '../errors.js';
import { nodePos } from './parse.js';
import type { YMap, YNode, YScalar } from './yaml-tree.js';
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

function isMergeKey(key: YNode): boolean {
  return key.kind === 'scalar' && key.merge === true;
}

function deref(node: YNode | null): YNode | null {
  let n = node;
  for (let i = 0; i < 64 && n?.kind === 'alias'; i++) n = n.target ?? null;
  return n?.kind === 'alias' ? null : n;
}

function keyString(ctx: Ctx, key: YNode): string {
  const k = deref(key);
  if (k?.kind === 'scalar') return k.value === null ? '' : String(k.value);
  const { line, col } = nodePos(ctx.file, k ?? key);
  throw new MigrateError('compose-shape', 'mapping keys must be scalars', { file: ctx.file.path, line, col });
}

export interface Entry {
  keyNode: YNode;
  valueNode: YNode | null;
}

/** A mapping's entries with YAML 1.1 merge keys applied: explicit keys win, earlier merge sources win. */
function entries(ctx: Ctx, map: YMap, depth = 0): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const pair of map.items) {
    if (isMergeKey(pair.key)) {
      if (depth > 64) continue;
      const src = deref(pair.value);
      const sources = src?.kind === 'seq' ? src.items.map((it) => deref(it)) : [src];
      for (const s of sources) {
        if (s?.kind !== 'map') {
          const { line, col } = nodePos(ctx.file, s ?? pair.key);
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
    out.set(k, { keyNode: pair.key, valueNode: pair.value });
  }
  return out;
}

function convert(ctx: Ctx, node: YNode | null, path: string): YamlValue {
  if (--ctx.budget < 0) {
    throw new MigrateError('yaml-alias-bomb', 'document expands to too many nodes', { file: ctx.file.path });
  }
  const n = deref(node);
  if (n === null || n.kind === 'alias') return null;
  const inner = convertPlain(ctx, n, path);
  if (n.tag === '!reset') return tagged('reset', inner);
  if (n.tag === '!override') return tagged('override', inner);
  return inner;
}

function convertPlain(ctx: Ctx, n: Exclude<YNode, { kind: 'alias' }>, path: string): YamlValue {
  if (n.kind === 'scalar') {
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
  if (n.kind === 'map') {
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
  return n.items.map((item, i) => {
    const p = `${path}[${i}]`;
    const pos = ctx.onPos ? nodePos(ctx.file, deref(item) ?? item) : undefined;
    if (pos) ctx.onPos!(p, pos);
    const value = convert(ctx, item, p);
    if (pos) noteRawScalar(ctx, pos, item, value);
    return value;
  });
}

/** The source text of a one-line plain scalar (no tag), else undefined. */
function plainSource(ctx: Ctx, n: YScalar): string | undefined {
  if (!n.plain || n.tag) return undefined;
  const src = ctx.file.text.slice(n.start, n.end);
  return /[\n\r]/u.test(src) ? undefined : src;
}

/** Remember how a spelling-sensitive plain scalar was written, for writers that re-emit it. */
function noteRawScalar(ctx: Ctx, pos: SourcePos, node: YNode | null, value: YamlValue): void {
  const n = deref(node);
  if (n?.kind !== 'scalar') return;
  const src = plainSource(ctx, n);
  if (src !== undefined && spellingSensitive(src)) rememberRawScalar(pos, src, value);
}

/**
 * Convert one node (or the whole document when `node` is omitted). `onPos` receives every key and
 * sequence item below it, with paths relative to `prefix`.
 */
export function toValue(
  file: ComposeFile,
  node?: YNode | null,
  onPos?: PositionSink,
  prefix = '',
): YamlValue {
  const ctx: Ctx = { file, budget: NODE_BUDGET, onPos };
  return convert(ctx, node === undefined ? file.tree : node, prefix);
}

/** The top-level mapping's entries (merge keys applied), for per-section access without converting everything. */
export function topEntries(file: ComposeFile): Map<string, Entry> {
  const root = file.tree;
  if (root?.kind !== 'map') return new Map();
  return entries({ file, budget: NODE_BUDGET, onPos: undefined }, root);
}

/** Entries of a mapping node (aliases and merge keys resolved); empty for anything else. */
export function mapEntries(file: ComposeFile, node: YNode | null): Map<string, Entry> {
  const ctx: Ctx = { file, budget: NODE_BUDGET, onPos: undefined };
  const n = deref(node);
  return n?.kind === 'map' ? entries(ctx, n) : new Map();
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

function isDocMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol' && key.value.description === '<<';
}

function walkComments(node: unknown, path: string, into: CommentMap): void {
  if (isMap(node)) {
    node.items.forEach((pair, i) => {
      if (!isPair(pair) || !isScalar(pair.key) || isDocMergeKey(pair.key)) return;
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
  // Without a '#' there is no comment; the Document, parsed only for comments, is not needed.
  if (!file.text.includes('#')) return into;
  const head = trimComment(file.doc.commentBefore);
  if (head !== undefined) into.set('', { before: head });
  walkComments(file.doc.contents, '', into);
  return into;
}
