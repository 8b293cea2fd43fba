import { createHash } from 'node:crypto';
import {
  LineCounter,
  YAMLError,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  visit,
  type Node,
  type Tags,
} from 'yaml';
import { MigrateError, type Location } from '../errors.js';
import type { ComposeFile, SourcePos } from './types.js';

/** Refuse anything bigger: a compose file of this size is generated data, and parsing it would dominate a plan. */
export const MAX_COMPOSE_BYTES = 10 * 1024 * 1024;

/** Aliases expanded per document before we call it an entity-expansion attack. */
export const MAX_ALIAS_COUNT = 100;

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
  return new MigrateError(code, oneLine(err.message), loc);
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
 * The library's own alias-expansion check runs in toJS; calling it once is the reliable way to reject
 * a "billion laughs" document. Only documents that contain an alias need it.
 */
function checkAliasBomb(file: ComposeFile): void {
  let firstAlias: Node | undefined;
  visit(file.doc, {
    Alias(_, node) {
      firstAlias = node;
      return visit.BREAK;
    },
  });
  if (!firstAlias) return;
  try {
    file.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (e instanceof ReferenceError || (e instanceof Error && /alias/i.test(e.message))) {
      const { line, col } = nodePos(file, firstAlias);
      throw new MigrateError(
        'yaml-alias-bomb',
        `aliases expand beyond ${MAX_ALIAS_COUNT} nodes (entity expansion); refusing to load`,
        { file: file.path, line, col },
      );
    }
    throw e;
  }
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
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    customTags: COMPOSE_TAGS,
    merge: true,
    uniqueKeys: true,
    prettyErrors: true,
    lineCounter: lines,
    keepSourceTokens: false,
  });
  const err = doc.errors[0];
  if (err) throw fromYamlError(path, err);
  const sha256 = createHash('sha256').update(raw).digest('hex');
  const file: ComposeFile = { path, text, sha256, doc, lines };
  checkAliasBomb(file);
  checkShape(file);
  return file;
}
