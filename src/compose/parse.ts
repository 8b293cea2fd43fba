import { createHash } from 'node:crypto';
import {
  LineCounter,
  YAMLError,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  type Node,
  type Tags,
} from 'yaml';
import { MigrateError, type Location } from '../errors.js';
import type { ComposeFile, SourcePos } from './types.js';

/** Refuse anything bigger: a compose file of this size is generated data, and parsing it would dominate a plan. */
export const MAX_COMPOSE_BYTES = 10 * 1024 * 1024;

/**
 * Nodes that aliases may add to a document when expanded before we call it an entity-expansion
 * attack. A bound on the expanded size, as go-yaml (under compose-go) bounds decoded nodes, rather
 * than on the number of alias uses: files of shared anchors use hundreds of aliases and expand to a
 * few thousand nodes, while a "billion laughs" document expands to hundreds of millions.
 */
export const MAX_ALIAS_EXPANSION = 1_000_000;

/** Compose's service name rule. */
export const SERVICE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/**
 * `!reset` and `!override` registered for scalars, maps and sequences. They carry no resolve
 * step: the node keeps its tag, so a document written back re-emits it, and our own value
 * conversion (see value.ts) reads the tag from the node.
 */
export const COMPOSE_TAGS: Tags = (['!reset', '!override'] as const).flatMap((tag) => [
  { tag, resolve: (s: string): string => s },
  { tag, collection: 'map' as const },
  { tag, collection: 'seq' as const },
]);

/** 1-based position of a node in its file (start of the node's source range). */
export function nodePos(file: Pick<ComposeFile, 'path' | 'lines'>, node: Node | null | undefined): SourcePos {
  const offset = node?.range?.[0] ?? 0;
  const { line, col } = file.lines.linePos(offset);
  return { file: file.path, line, col };
}

function utf8Text(path: string, bytes: Uint8Array): string {
  if (bytes.includes(0))
    throw new MigrateError('yaml-binary', 'file contains NUL bytes; not a YAML text file', { file: path });
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new MigrateError('yaml-binary', 'file is not valid UTF-8', { file: path });
  }
}

/** The yaml library appends " at line L, column C:" and a code frame; we keep the first sentence. */
function oneLine(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?\s*$/, '').trim();
}

function fromYamlError(path: string, err: YAMLError): MigrateError {
  const pos = err.linePos?.[0];
  const loc: Location = pos ? { file: path, line: pos.line, col: pos.col } : { file: path };
  const code = err.code === 'DUPLICATE_KEY' ? 'yaml-duplicate-key' : 'yaml-syntax';
  const message = oneLine(err.message);
  // The parser ran out of stack: say what about the file did it, at the place it stopped.
  if (/maximum call stack size exceeded/iu.test(message))
    return new MigrateError(code, 'nesting too deep to read (the parser ran out of stack here)', loc);
  return new MigrateError(code, message, loc);
}

function shapeError(file: ComposeFile, node: Node | null | undefined, message: string): MigrateError {
  const { line, col } = nodePos(file, node);
  return new MigrateError('compose-shape', message, { file: file.path, line, col });
}

function kindOf(node: unknown): string {
  if (node === null || node === undefined) return 'empty';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a sequence';
  if (isAlias(node)) return 'an alias';
  if (isScalar(node)) return node.value === null ? 'null' : `a ${typeof node.value}`;
  return 'unknown';
}

/** Compose accepts `services:` left empty and `!reset` on a whole service in an override layer. */
function isResetNull(node: unknown): boolean {
  return isScalar(node) && node.tag === '!reset';
}

function checkShape(file: ComposeFile): void {
  const root = file.doc.contents;
  // An empty or comment-only file is an empty layer: compose loads it as a document with no keys.
  if (root === null || (isScalar(root) && root.value === null && !root.tag)) return;
  if (!isMap(root)) throw shapeError(file, root, `top-level must be a mapping, found ${kindOf(root)}`);
  for (const pair of root.items) {
    if (!isScalar(pair.key) || pair.key.value !== 'services') continue;
    const services = pair.value;
    if (isScalar(services) && services.value === null) return;
    if (!isMap(services)) {
      throw shapeError(file, services ?? pair.key, `'services' must be a mapping, found ${kindOf(services)}`);
    }
    for (const svc of services.items) {
      const key = svc.key;
      const name = isScalar(key) ? String(key.value) : '';
      if (!isScalar(key) || !SERVICE_NAME.test(name)) {
        const { line, col } = nodePos(file, key as Node);
        throw new MigrateError(
          'compose-service-name',
          `invalid service name ${JSON.stringify(isScalar(key) ? name : kindOf(key))}: must match [a-zA-Z0-9][a-zA-Z0-9_.-]*`,
          { file: file.path, line, col },
        );
      }
      const value = isAlias(svc.value) ? svc.value.resolve(file.doc) : svc.value;
      if (!isMap(value) && !isResetNull(value)) {
        throw shapeError(
          file,
          (svc.value as Node | null) ?? key,
          `service '${name}' must be a mapping, found ${kindOf(value)}`,
        );
      }
    }
  }
}

/**
 * Refuse a document whose aliases would expand it past MAX_ALIAS_EXPANSION nodes. One walk in document
 * order: every node's expanded size is computed once (an alias costs the size of its anchor), so the
 * check is linear in the source and never expands anything. The error points at the alias whose
 * expansion crosses the bound.
 */
function checkAliasExpansion(file: ComposeFile): void {
  // Only an alias adds to the expansion, and every alias is written with a '*'.
  if (!file.text.includes('*')) return;
  const anchors = new Map<string, number>();
  let added = 0;
  let crossing: Node | undefined;
  const size = (node: unknown): number => {
    if (isAlias(node)) {
      // An alias to an anchor not yet closed (its own ancestor) is refused by the parser; count it as one.
      const n = anchors.get(node.source) ?? 1;
      added += n;
      if (added > MAX_ALIAS_EXPANSION && !crossing) crossing = node;
      return n;
    }
    let n = 1;
    if (isMap(node) || isSeq(node)) {
      for (const item of node.items as unknown[]) {
        n += isPair(item) ? size(item.key) + size(item.value) : size(item);
        if (crossing) return n;
      }
    }
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (anchor) anchors.set(anchor, n);
    return n;
  };
  size(file.doc.contents);
  if (crossing) {
    const { line, col } = nodePos(file, crossing);
    throw new MigrateError(
      'yaml-alias-bomb',
      `aliases expand the document beyond ${MAX_ALIAS_EXPANSION.toLocaleString('en')} nodes (entity expansion); refusing to load`,
      { file: file.path, line, col },
    );
  }
}

/** Does any mapping in the tree hold two equal scalar keys (what the library's uniqueKeys refuses)? */
function hasDuplicateKey(node: unknown): boolean {
  if (isMap(node)) {
    const seen = new Set<unknown>();
    for (const pair of node.items) {
      if (isScalar(pair.key)) {
        if (seen.has(pair.key.value)) return true;
        seen.add(pair.key.value);
      }
      if (hasDuplicateKey(pair.key) || hasDuplicateKey(pair.value)) return true;
    }
  } else if (isSeq(node)) {
    for (const item of node.items as unknown[]) {
      if (isPair(item) ? hasDuplicateKey(item.key) || hasDuplicateKey(item.value) : hasDuplicateKey(item))
        return true;
    }
  }
  return false;
}

/**
 * Parse one compose file. The Document is kept (comments, tags, anchors) because writers re-emit it;
 * values for analysis come from value.ts. Throws MigrateError with a 1-based location.
 */
export function parseComposeFile(path: string, bytes: Uint8Array | string): ComposeFile {
  const raw = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  if (raw.byteLength > MAX_COMPOSE_BYTES) {
    throw new MigrateError(
      'yaml-too-large',
      `file is ${raw.byteLength} bytes; compose files over ${MAX_COMPOSE_BYTES} bytes are refused`,
      { file: path },
    );
  }
  const text = typeof bytes === 'string' ? bytes : utf8Text(path, raw);
  if (typeof bytes === 'string' && text.includes('\0')) {
    throw new MigrateError('yaml-binary', 'file contains NUL bytes; not a YAML text file', { file: path });
  }
  let lines = new LineCounter();
  const parse = (uniqueKeys: boolean) =>
    parseDocument(text, {
      customTags: COMPOSE_TAGS,
      merge: true,
      uniqueKeys,
      prettyErrors: true,
      lineCounter: lines,
      keepSourceTokens: false,
    });
  // The library's duplicate-key check compares each key with every earlier one (quadratic in a
  // mapping's size: a 1,000-service file spends a fifth of its parse there). Parse without it and
  // check in one pass; a document with an error or a duplicate is parsed again with the library's
  // check, so that the error reported, and its position, are the library's own.
  let doc = parse(false);
  if (doc.errors.length > 0 || hasDuplicateKey(doc.contents)) {
    lines = new LineCounter();
    doc = parse(true);
  }
  const err = doc.errors[0];
  if (err) throw fromYamlError(path, err);
  const sha256 = createHash('sha256').update(raw).digest('hex');
  const file: ComposeFile = { path, text, sha256, doc, lines };
  checkAliasExpansion(file);
  checkShape(file);
  return file;
}
