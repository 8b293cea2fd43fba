import { jsString as quoteJs } from '../../src/quote.js';
import type { API, ASTPath, JSCodeshift } from 'jscodeshift';
import { isComponentParam } from './options.js';

let loading: Promise<JSCodeshift> | undefined;

/** jscodeshift is loaded on first use only. */
export function loadJscodeshift(api?: Partial<API>): Promise<JSCodeshift> {
  if (api?.jscodeshift) return Promise.resolve(api.jscodeshift.withParser('tsx'));
  loading ??= import('jscodeshift').then((m) => (m.default as unknown as JSCodeshift).withParser('tsx'));
  return loading;
}

/**
 * A text test for "this file may name a function after a Docker decider", what needs-docker rewrites:
 * a function, method or `const` whose name holds needs/requires/use(_)docker. The name must be
 * followed by `(` or `<` (a declaration, a method, or a call), or by `=` (after an optional type
 * annotation) and a function value (`function`, `async`, a parameter list or an arrow parameter).
 * A superset of what the transform's parse finds; a constant such as `const USE_DOCKER_X =
 * process.env.USE_DOCKER_X === 'true'` or an object key `USE_DOCKER_X: ...` is not a candidate.
 */
const ID_PART = String.raw`[\p{ID_Continue}$\u200C\u200D]`;
export const NAMED_DECIDER = new RegExp(
  String.raw`(?<!${ID_PART})${ID_PART}*(?:needs_?docker|requires_?docker|use_?docker)${ID_PART}*` +
    String.raw`(?:\s*[(<]|\s*(?::[^;]{0,2000}?)?(?<![=!<>])=(?![=>])\s*` +
    String.raw`(?:async\b\s*)?(?:function\b|[(<]|[\p{ID_Start}$_]${ID_PART}*\s*=>))`,
  'iu',
);

/** Positions babel puts on every node. */
export interface Span {
  start: number;
  end: number;
}

// The AST node types are a wide union; position, type and a few fields are all these transforms read.
export interface JsNode extends Span {
  type: string;
  [key: string]: unknown;
}

export function span(node: unknown): Span {
  const n = node as Partial<Span>;
  if (typeof n.start !== 'number' || typeof n.end !== 'number') throw new Error('node without position');
  return { start: n.start, end: n.end };
}

export function asNode(node: unknown): JsNode {
  return node as JsNode;
}

const FUNCTION_TYPES = new Set([
  'FunctionDeclaration',
  'FunctionExpression',
  'ArrowFunctionExpression',
  'ClassMethod',
  'ClassPrivateMethod',
  'ObjectMethod',
]);

export function enclosingFunction(path: ASTPath): ASTPath | undefined {
  for (let p: ASTPath | null = path.parent as ASTPath | null; p; p = p.parent as ASTPath | null) {
    if (FUNCTION_TYPES.has(asNode(p.node).type)) return p;
  }
  return undefined;
}

export function paramName(param: unknown): string | undefined {
  const p = asNode(param);
  if (p.type === 'Identifier') return p['name'] as string;
  if (p.type === 'AssignmentPattern') return paramName(p['left']);
  if (p.type === 'TSParameterProperty') return paramName(p['parameter']);
  return undefined;
}

export function params(fn: ASTPath): string[] {
  return ((asNode(fn.node)['params'] as unknown[]) ?? [])
    .map(paramName)
    .filter((n): n is string => n !== undefined);
}

export function componentParam(fn: ASTPath | undefined): string | undefined {
  return fn ? params(fn).find(isComponentParam) : undefined;
}

export interface JsStyle {
  quote: "'" | '"';
  semi: string;
  unit: string;
  typed: boolean;
  esm: boolean;
}

export function detectStyle(source: string, filePath: string): JsStyle {
  const sq = (source.match(/'/g) ?? []).length;
  const dq = (source.match(/"/g) ?? []).length;
  const withSemi = (source.match(/;\s*$/gm) ?? []).length;
  const lines = source
    .split('\n')
    .filter((l) => /[\w)\]'"`]\s*$/.test(l) && !/^\s*(\/\/|\*|\/\*)/.test(l)).length;
  const m = /\{\s*\n([ \t]+)\S/.exec(source);
  return {
    quote: sq >= dq ? "'" : '"',
    semi: withSemi >= lines / 2 ? ';' : '',
    unit: m?.[1] && m[1].length <= 8 ? m[1] : '  ',
    typed: /\.tsx?$|\.mts$|\.cts$/.test(filePath),
    esm: /^\s*(import|export)\s/m.test(source) || /\.mjs$|\.mts$/.test(filePath),
  };
}

/** A string literal in the file's own quote style (escaping from the one quoting module). */
export function jsString(value: string, quote: "'" | '"'): string {
  return quoteJs(value, quote);
}

export interface ModuleBinding {
  /** Expression to call, e.g. "path.join" or "join". */
  expr: string;
  /** Import to add when the module does not bring it in. */
  importLine?: string;
}

/** How this module reaches `path.join` / `fs.existsSync`, reusing its own imports where it can. */
export function binding(
  source: string,
  module: 'path' | 'fs',
  member: 'join' | 'existsSync',
  style: JsStyle,
): ModuleBinding {
  const mod = `['"](?:node:)?${module}['"]`;
  const ns =
    new RegExp(`import\\s+(?:\\*\\s+as\\s+)?(\\w+)\\s+from\\s+${mod}`).exec(source) ??
    new RegExp(`(?:const|let|var)\\s+(\\w+)\\s*=\\s*require\\(\\s*${mod}\\s*\\)`).exec(source);
  if (ns?.[1]) return { expr: `${ns[1]}.${member}` };
  const named =
    new RegExp(`import\\s*\\{([^}]*)\\}\\s*from\\s+${mod}`).exec(source) ??
    new RegExp(`(?:const|let|var)\\s*\\{([^}]*)\\}\\s*=\\s*require\\(\\s*${mod}\\s*\\)`).exec(source);
  if (named?.[1]) {
    for (const part of named[1].split(',')) {
      const [imported, local] = part.trim().split(/\s+as\s+|\s*:\s*/);
      if (imported === member) return { expr: local ?? imported };
    }
  }
  const q = style.quote;
  return {
    expr: member,
    importLine: style.esm
      ? `import { ${member} } from ${q}node:${module}${q}${style.semi}`
      : `const { ${member} } = require(${q}${module}${q})${style.semi}`,
  };
}

/** End offset of the last top-level import (or require) statement, if any. */
export function lastImportEnd(program: JsNode, source: string): number | undefined {
  let end: number | undefined;
  for (const stmt of (program['body'] as JsNode[]) ?? []) {
    if (stmt.type === 'ImportDeclaration') end = stmt.end;
    else if (stmt.type === 'VariableDeclaration' && /\brequire\(/.test(source.slice(stmt.start, stmt.end)))
      end = stmt.end;
    else if (end !== undefined) break;
  }
  return end;
}
