import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pyString as quotePy } from '../../src/quote.js';
import type { SgNode } from '@ast-grep/napi';

type Napi = typeof import('@ast-grep/napi');

let loading: Promise<Napi> | undefined;

/** ast-grep and its Python grammar are loaded on first use only; plain `plan` runs never pay for them. */
export function loadPython(): Promise<Napi> {
  loading ??= (async () => {
    const napi = await import('@ast-grep/napi');
    const python = (await import('@ast-grep/lang-python')).default;
    napi.registerDynamicLanguage({ python });
    return napi;
  })();
  return loading;
}

let last: { source: string; root: SgNode } | undefined;

/**
 * ast-grep's trees live outside the JS heap (about 27 bytes per byte of source) and are freed only
 * when the garbage collector finalizes their small JS handles; V8 does not count that memory, so on a
 * repository with megabytes of Python it would not collect until the end (netra: +60 MB). A young-
 * generation collection after every COLLECT_EVERY bytes parsed frees the trees of finished files
 * (well under a millisecond each). The collector is V8's own, exposed the way jest's leak detector
 * does; without it nothing changes but the memory.
 */
const COLLECT_EVERY = 256 * 1024;
let parsedSince = 0;
type Collect = (options: { type: 'minor'; execution: 'sync' }) => void;
let collector: Collect | null | undefined;

function parsedBytes(n: number): void {
  parsedSince += n;
  if (parsedSince < COLLECT_EVERY) return;
  parsedSince = 0;
  if (collector === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      const gc: unknown = runInNewContext('gc');
      collector = typeof gc === 'function' ? (gc as Collect) : null;
    } catch {
      collector = null;
    }
  }
  collector?.({ type: 'minor', execution: 'sync' });
}

/** Parses started ahead of use, by source text. */
const ahead = new Map<string, Promise<SgNode | undefined>>();

/**
 * Start parsing a file a transform will read soon, on libuv's thread pool: the tree is ready (or
 * nearly) when parsePython asks for it, and the parse ran beside the transforms' own work.
 */
export function parsePythonAhead(source: string): void {
  if (ahead.has(source) || last?.source === source) return;
  parsedBytes(source.length);
  ahead.set(
    source,
    loadPython()
      .then((napi) => napi.parseAsync('python', source))
      .then(
        (r) => r.root(),
        () => undefined,
      ),
  );
}

/** Parses Python; the transforms run one after another on the same text, so the last tree is reused. */
export async function parsePython(source: string): Promise<SgNode> {
  if (last?.source === source) return last.root;
  // A text not parsed ahead (a rewrite's re-parse) is parsed on the pool too: the synchronous
  // `parse` keeps its tree's native memory for good (netra's 3.3 MB of Python parsed three times:
  // +83, +89, +89 MB, full collections included), `parseAsync`'s is freed with the tree.
  if (!ahead.has(source)) parsePythonAhead(source);
  const started = ahead.get(source);
  ahead.delete(source);
  // A parse on the pool that failed is done again here, so that its error is the usual one.
  let root = started ? await started : undefined;
  if (!root) {
    const napi = await loadPython();
    root = napi.parse('python', source).root();
  }
  last = { source, root };
  return root;
}

/** Trees already searched for an ERROR node: two transforms on the same text share the tree. */
const errorChecked = new WeakMap<SgNode, boolean>();

/** An ERROR node: the input is not valid Python. One native search, cheap enough for every input. */
export function hasErrorNode(root: SgNode): boolean {
  let has = errorChecked.get(root);
  if (has === undefined) {
    has = root.find({ rule: { kind: 'ERROR' } }) !== null;
    errorChecked.set(root, has);
  }
  return has;
}

/** A tree with an ERROR node or a missing token is not valid Python: the full check, for rewrites. */
export function hasSyntaxErrors(root: SgNode): boolean {
  return hasErrorNode(root) || hasZeroWidthToken(root);
}

export function ancestors(node: SgNode): SgNode[] {
  return node.ancestors();
}

export function enclosingFunction(node: SgNode): SgNode | undefined {
  return ancestors(node).find((a) => a.kind() === 'function_definition');
}

/** The class whose body directly holds `fn` (possibly through a decorator). */
export function owningClass(fn: SgNode): SgNode | undefined {
  let p = fn.parent();
  if (p?.kind() === 'decorated_definition') p = p.parent();
  if (p?.kind() !== 'block') return undefined;
  const cls = p.parent();
  return cls?.kind() === 'class_definition' ? cls : undefined;
}

export function functionName(fn: SgNode): string {
  return fn.field('name')?.text() ?? '';
}

export function paramNames(fn: SgNode): string[] {
  const params = fn.field('parameters');
  if (!params) return [];
  const names: string[] = [];
  for (const p of params.children()) {
    if (p.kind() === 'identifier') names.push(p.text());
    else if (['typed_parameter', 'default_parameter', 'typed_default_parameter'].includes(String(p.kind()))) {
      const id = p.field('name') ?? p.children().find((c) => c.kind() === 'identifier');
      if (id) names.push(id.text());
    }
  }
  return names;
}

/** Methods defined directly in a class body. */
export function classMethods(cls: SgNode): SgNode[] {
  const body = cls.field('body');
  if (!body) return [];
  const out: SgNode[] = [];
  for (const c of body.children()) {
    if (c.kind() === 'function_definition') out.push(c);
    else if (c.kind() === 'decorated_definition') {
      const d = c.field('definition');
      if (d?.kind() === 'function_definition') out.push(d);
    }
  }
  return out;
}

export interface InsertPoint {
  index: number;
  /** Text to put before the inserted statement(s). */
  lead: string;
  /** Text to put after them. */
  trail: string;
  indent: string;
}

/** Where new statements go at the top of a function body: after the docstring, else before the first statement. */
export function bodyInsertPoint(fn: SgNode, source: string): InsertPoint | undefined {
  const body = fn.field('body');
  const first = body?.children()[0];
  if (!body || !first) return undefined;
  const indent = lineIndent(source, first.range().start.index);
  if (isDocstring(first)) {
    return { index: first.range().end.index, lead: '\n' + indent, trail: '', indent };
  }
  // A body on the def line itself (`def f(): return 1`) has no indentation to copy.
  if (lineIndent(source, fn.range().start.index).length >= indent.length) return undefined;
  return { index: first.range().start.index, lead: '', trail: '\n' + indent, indent };
}

export function isDocstring(stmt: SgNode): boolean {
  return stmt.kind() === 'expression_statement' && stmt.children()[0]?.kind() === 'string';
}

export function lineIndent(source: string, index: number): string {
  const start = source.lastIndexOf('\n', index - 1) + 1;
  return /^[ \t]*/.exec(source.slice(start))?.[0] ?? '';
}

/** Indentation step used by the file (4 spaces unless the file says otherwise). */
export function indentUnit(source: string): string {
  const m = /:\s*\n([ \t]+)\S/.exec(source);
  if (!m?.[1]) return '    ';
  const first = m[1];
  // The first indented block in a file starts at column 0, so its indentation is one unit.
  const prevLineStart = source.lastIndexOf('\n', (m.index ?? 0) - 1) + 1;
  const prevIndent = /^[ \t]*/.exec(source.slice(prevLineStart))?.[0] ?? '';
  return first.slice(prevIndent.length) || '    ';
}

/** Value of a plain (non-f, non-bytes) string literal, or undefined. */
export function plainStringValue(node: SgNode): string | undefined {
  if (node.kind() !== 'string') return undefined;
  const kids = node.children();
  const start = kids[0]?.text() ?? '';
  if (/[fFbB]/.test(start)) return undefined;
  if (kids.some((k) => k.kind() === 'interpolation')) return undefined;
  return kids
    .filter((k) => k.kind() === 'string_content')
    .map((k) => k.text())
    .join('');
}

export function isFString(node: SgNode): boolean {
  return node.kind() === 'string' && /[fF]/.test(node.children()[0]?.text() ?? '');
}

export function preferredQuote(source: string): '"' | "'" {
  const dq = (source.match(/(^|[^\\])"/g) ?? []).length;
  const sq = (source.match(/(^|[^\\])'/g) ?? []).length;
  return sq > dq ? "'" : '"';
}

/** A string literal in the file's own quote style (escaping from the one quoting module). */
export function pyString(value: string, quote: '"' | "'"): string {
  return quotePy(value, quote);
}

/** Where a new `import x` line goes: before the first import, else after the module docstring. */
export function importInsertIndex(root: SgNode): number {
  const kids = root.children();
  const firstImport = kids.find((k) =>
    ['import_statement', 'import_from_statement'].includes(String(k.kind())),
  );
  if (firstImport) return firstImport.range().start.index;
  const first = kids[0];
  if (first && isDocstring(first)) return first.range().end.index + 1;
  return 0;
}

export function hasImport(source: string, module: string): boolean {
  return new RegExp(
    `^import[ \\t]+([\\w.]+[ \\t]*,[ \\t]*)*${module.replace('.', '\\.')}(\\.[\\w.]+)?\\b`,
    'm',
  ).test(source);
}

export function lastTopLevelImportEnd(root: SgNode): number | undefined {
  let end: number | undefined;
  for (const k of root.children()) {
    if (['import_statement', 'import_from_statement', 'future_import_statement'].includes(String(k.kind())))
      end = k.range().end.index;
  }
  return end;
}

/** Does the function body return a value (not counting nested functions and lambdas)? */
export function returnsValue(fn: SgNode): boolean {
  return fn
    .findAll({ rule: { kind: 'return_statement' } })
    .some(
      (r) => r.children().length > 1 && enclosingFunction(r)?.range().start.index === fn.range().start.index,
    );
}

/**
 * tree-sitter marks a token it had to invent (a missing `)`) as a zero-width leaf. The search for
 * empty nodes runs natively; walking the tree from JS crosses into native code once per node.
 */
function hasZeroWidthToken(root: SgNode): boolean {
  return root
    .findAll({ rule: { regex: '^$' } })
    .some((n) => n.isLeaf() && n.kind() !== 'module' && n.kind() !== 'string_content');
}
