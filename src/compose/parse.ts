import { createHash } from 'node:crypto';
import { LineCounter, YAMLError, parseDocument, type Document, type Node, type Tags } from 'yaml';
import { MigrateError, type Location } from '../errors.js';
import type { ComposeFile, SourcePos } from './types.js';
import { fastTree, treeFromDocument, type YNode } from './yaml-tree.js';

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

/** 1-based position of a node in its file (where the node's source starts). */
export function nodePos(
  file: Pick<ComposeFile, 'path' | 'lines'>,
  node: YNode | null | undefined,
): SourcePos {
  const { line, col } = file.lines.linePos(node?.start ?? 0);
  return { file: file.path, line, col };
}

/** 1-based position of a node of the file's `yaml` Document. */
export function docNodePos(
  file: Pick<ComposeFile, 'path' | 'lines'>,
  node: Node | null | undefined,
): SourcePos {
  const { line, col } = file.lines.linePos(node?.range?.[0] ?? 0);
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

function shapeError(file: ComposeFile, node: YNode | null | undefined, message: string): MigrateError {
  const { line, col } = nodePos(file, node);
  return new MigrateError('compose-shape', message, { file: file.path, line, col });
}

function kindOf(node: YNode | null | undefined): string {
  if (node === null || node === undefined) return 'empty';
  if (node.kind === 'map') return 'a mapping';
  if (node.kind === 'seq') return 'a sequence';
  if (node.kind === 'alias') return 'an alias';
  return node.value === null ? 'null' : `a ${typeof node.value}`;
}

function target(node: YNode | null): YNode | null {
  return node?.kind === 'alias' ? (node.target ?? null) : node;
}

function checkShape(file: ComposeFile): void {
  const root = file.tree;
  // An empty or comment-only file is an empty layer: compose loads it as a document with no keys.
  if (root === null || (root.kind === 'scalar' && root.value === null && !root.tag)) return;
  if (root.kind !== 'map') throw shapeError(file, root, `top-level must be a mapping, found ${kindOf(root)}`);
  for (const pair of root.items) {
    if (pair.key.kind !== 'scalar' || pair.key.value !== 'services') continue;
    const services = pair.value;
    if (services?.kind === 'scalar' && services.value === null) return;
    if (services?.kind !== 'map') {
      throw shapeError(file, services ?? pair.key, `'services' must be a mapping, found ${kindOf(services)}`);
    }
    for (const svc of services.items) {
      const key = svc.key;
      const name = key.kind === 'scalar' ? String(key.value) : '';
      if (key.kind !== 'scalar' || !SERVICE_NAME.test(name)) {
        const { line, col } = nodePos(file, key);
        throw new MigrateError(
          'compose-service-name',
          `invalid service name ${JSON.stringify(key.kind === 'scalar' ? name : kindOf(key))}: must match [a-zA-Z0-9][a-zA-Z0-9_.-]*`,
          { file: file.path, line, col },
        );
      }
      const value = target(svc.value);
      // Compose accepts `!reset` on a whole service in an override layer.
      const resetNull = value?.kind === 'scalar' && value.tag === '!reset';
      if (value?.kind !== 'map' && !resetNull) {
        throw shapeError(
          file,
          svc.value ?? key,
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
  const sizes = new Map<YNode, number>();
  let added = 0;
  let crossing: YNode | undefined;
  const size = (node: YNode | null): number => {
    if (node === null) return 1;
    if (node.kind === 'alias') {
      // An alias to an anchor not yet closed (its own ancestor) is refused by the parser; count it as one.
      const n = (node.target && sizes.get(node.target)) ?? 1;
      added += n;
      if (added > MAX_ALIAS_EXPANSION && !crossing) crossing = node;
      return n;
    }
    let n = 1;
    if (node.kind === 'map') {
      for (const pair of node.items) {
        n += size(pair.key) + size(pair.value);
        if (crossing) return n;
      }
    } else if (node.kind === 'seq') {
      for (const item of node.items) {
        n += size(item);
        if (crossing) return n;
      }
    }
    if (node.anchor) sizes.set(node, n);
    return n;
  };
  size(file.tree);
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
function hasDuplicateKey(node: YNode | null): boolean {
  if (node?.kind === 'map') {
    const seen = new Set<unknown>();
    for (const pair of node.items) {
      // Merge keys may repeat (each is its own key to the library).
      if (pair.key.kind === 'scalar' && !pair.key.merge) {
        if (seen.has(pair.key.value)) return true;
        seen.add(pair.key.value);
      }
      if (hasDuplicateKey(pair.value)) return true;
    }
  } else if (node?.kind === 'seq') {
    for (const item of node.items) if (hasDuplicateKey(item)) return true;
  }
  return false;
}

function documentOf(text: string, lines: LineCounter | undefined, uniqueKeys: boolean): Document.Parsed {
  return parseDocument(text, {
    customTags: COMPOSE_TAGS,
    merge: true,
    uniqueKeys,
    prettyErrors: true,
    ...(lines ? { lineCounter: lines } : {}),
    keepSourceTokens: false,
  });
}

/** Line starts of a text, as the `yaml` lexer records them. */
function lineCounterOf(text: string): LineCounter {
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
  return lines;
}

class ParsedFile implements ComposeFile {
  private parsedDoc: Document.Parsed | undefined;

  constructor(
    readonly path: string,
    readonly text: string,
    readonly sha256: string,
    readonly tree: YNode | null,
    readonly lines: LineCounter,
    doc?: Document.Parsed,
  ) {
    this.parsedDoc = doc;
  }

  /** Parsed on first use: only comments and the positions of schema errors need it. */
  get doc(): Document.Parsed {
    return (this.parsedDoc ??= documentOf(this.text, undefined, false));
  }
}

/**
 * Parse one compose file. Values and positions come from the file's tree (yaml-tree.ts): the fast
 * reader's when it accepts the text, else the one built from the `yaml` Document, whose errors are
 * the ones reported. Throws MigrateError with a 1-based location.
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
  const sha256 = createHash('sha256').update(raw).digest('hex');
  const fast = fastTree(text, COMPOSE_TAGS);
  let file: ComposeFile;
  if (fast && !hasDuplicateKey(fast.root)) {
    file = new ParsedFile(path, text, sha256, fast.root, lineCounterOf(text));
  } else {
    let lines = new LineCounter();
    // The library's duplicate-key check compares each key with every earlier one (quadratic in a
    // mapping's size: a 1,000-service file spends a fifth of its parse there). Parse without it and
    // check in one pass; a document with an error or a duplicate is parsed again with the library's
    // check, so that the error reported, and its position, are the library's own.
    let doc = documentOf(text, lines, false);
    let tree = doc.errors.length > 0 ? undefined : treeFromDocument(doc);
    if (tree === undefined || hasDuplicateKey(tree)) {
      lines = new LineCounter();
      doc = documentOf(text, lines, true);
      const err = doc.errors[0];
      if (err) throw fromYamlError(path, err);
      tree = treeFromDocument(doc);
    }
    file = new ParsedFile(path, text, sha256, tree, lines, doc);
  }
  checkAliasExpansion(file);
  checkShape(file);
  return file;
}
