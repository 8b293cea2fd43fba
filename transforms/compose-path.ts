/**
 * JS/TS: expressions that build a ROOT compose path (`path.join(root, 'docker-compose.test.yml')`,
 * `path.resolve(...)`, `${root}/docker-compose.test.yml`, module constants) become
 * `composeFileFor(root, component)` (or `this.composeFileFor(component)` in the class that held the
 * path): the component's own file, else the root / archived file with a deprecation warning, else null.
 */
import type { ASTPath } from 'jscodeshift';
import { jsTemplateText } from '../src/quote.js';
import {
  finishEdits,
  isComponentParam,
  lineAt,
  stripDotSlash,
  type ComposeTransformOptions,
  type RootFileSpec,
  type TextEdit,
  type TransformApi,
  type TransformFile,
} from './lib/options.js';
import {
  asNode,
  binding,
  componentParam,
  detectStyle,
  enclosingFunction,
  jsString,
  lastImportEnd,
  loadJscodeshift,
  params,
  span,
  type JsNode,
  type JsStyle,
} from './lib/js.js';

export const name = 'compose-path';
export const parser = 'tsx';
export const HELPER = 'composeFileFor';

interface Site {
  node: JsNode;
  path: ASTPath;
  root: string;
  file: string;
  constant?: JsNode;
}

interface Problem {
  node: JsNode;
  message: string;
}

export default async function transform(
  file: TransformFile,
  api: TransformApi,
  options: ComposeTransformOptions,
): Promise<string | null | undefined> {
  const source = file.source;
  const names = new Set(options.rootFiles.map((r) => r.name));
  if (![...names].some((n) => source.includes(n))) return undefined;
  const j = await loadJscodeshift(api as never);
  let tree;
  try {
    tree = j(source);
  } catch {
    api.report({ line: 1, message: 'does not parse as TypeScript/JavaScript; left unchanged' });
    return null;
  }
  const lineOf = (n: JsNode) => lineAt(source, n.start);
  const text = (n: unknown) => source.slice(span(n).start, span(n).end);
  const inHelper = (p: ASTPath) => {
    const fn = enclosingFunction(p);
    const key = fn ? (asNode(fn.node)['id'] ?? asNode(fn.node)['key']) : undefined;
    return key !== undefined && key !== null && asNode(key)['name'] === HELPER;
  };

  const sites: Site[] = [];
  const problems: Problem[] = [];
  const constantUses = new Map<JsNode, number>();

  tree.find(j.StringLiteral).forEach((p) => {
    const node = asNode(p.node);
    const value = node['value'] as string;
    const parent = asNode(p.parent?.node);
    if (parent.type === 'ImportDeclaration' || inHelper(p)) return;
    const bare = stripDotSlash(value);
    if (!names.has(bare)) {
      if (!/\s/.test(value) && !value.startsWith('/') && [...names].some((n) => value.endsWith('/' + n))) {
        problems.push({
          node,
          message: `${text(node)} names a root compose file by a relative path this codemod cannot trace`,
        });
      }
      return;
    }
    if (parent.type === 'VariableDeclarator' && p.parent?.parent?.parent?.node.type === 'Program') {
      const id = asNode(parent['id']);
      if (id.type !== 'Identifier') {
        problems.push({ node, message: `${text(node)} is bound in a way this codemod cannot trace` });
        return;
      }
      const decl = asNode(p.parent.parent.node);
      let uses = 0;
      tree.find(j.Identifier, { name: id['name'] as string }).forEach((u) => {
        if (u.node === parent['id']) return;
        const up = asNode(u.parent?.node);
        if (
          (up.type === 'MemberExpression' || up.type === 'OptionalMemberExpression') &&
          up['property'] === u.node &&
          !up['computed']
        )
          return;
        if (
          (up.type === 'ObjectProperty' || up.type === 'ClassProperty') &&
          up['key'] === u.node &&
          !up['shorthand']
        )
          return;
        uses++;
        const site = usageSite(u, bare, text, decl);
        if (site === 'component-level') return;
        if (site) sites.push(site);
        else
          problems.push({
            node: asNode(u.node),
            message: `${id['name'] as string} (= ${text(node)}) is used in a way this codemod cannot trace`,
          });
      });
      constantUses.set(decl, uses);
      return;
    }
    const site = usageSite(p, bare, text);
    if (site === 'component-level') return;
    if (site) sites.push(site);
    else
      problems.push({
        node,
        message: `${text(node)} names a root compose file in a way this codemod cannot trace`,
      });
  });

  tree.find(j.TemplateLiteral).forEach((p) => {
    if (inHelper(p)) return;
    const node = asNode(p.node);
    const quasis = (node['quasis'] as JsNode[]).map((q) => (q['value'] as { cooked: string }).cooked);
    const literal = quasis.join('');
    if (![...names].some((n) => literal.includes(n)) || /\s/.test(literal)) return;
    const exprs = node['expressions'] as JsNode[];
    const tail = quasis[1]?.replace(/^\//, '') ?? '';
    if (
      exprs.length === 1 &&
      quasis[0] === '' &&
      quasis[1]?.startsWith('/') &&
      names.has(tail) &&
      isRootExpr(exprs[0]!)
    ) {
      sites.push({ node, path: p, root: text(exprs[0]), file: tail });
    } else {
      problems.push({
        node,
        message: `template ${text(node)} builds a compose path this codemod cannot trace`,
      });
    }
  });

  if (sites.length === 0 && problems.length === 0) return undefined;

  const style = detectStyle(source, file.path);
  const edits: TextEdit[] = [];
  const files = new Set(sites.map((s) => s.file));
  if (files.size > 1)
    problems.push({
      node: sites[1]!.node,
      message: `one module looks up several root compose files (${[...files].join(', ')}); split it by hand`,
    });
  const spec = options.rootFiles.find((r) => files.has(r.name));
  let helperKind: 'method' | 'function' | undefined;
  let helperClass: ASTPath | undefined;
  let helperRoot = '';
  const rewrittenConstantUses = new Map<JsNode, number>();

  for (const site of sites) {
    const fn = enclosingFunction(site.path);
    const cls = fn ? owningClass(fn) : undefined;
    const component = componentParam(fn);
    const rootIsThis = /^this\.\w+$/.test(site.root);
    const setKind = (kind: 'method' | 'function', klass: ASTPath | undefined, rootRef: string): boolean => {
      if (
        helperKind &&
        (helperKind !== kind ||
          helperClass?.node !== klass?.node ||
          (kind === 'method' && helperRoot !== rootRef))
      ) {
        problems.push({
          node: site.node,
          message: 'compose paths built in more than one scope or from different roots; rewrite by hand',
        });
        return false;
      }
      helperKind = kind;
      helperClass = klass;
      helperRoot = rootRef;
      return true;
    };
    if (site.constant)
      rewrittenConstantUses.set(site.constant, (rewrittenConstantUses.get(site.constant) ?? 0) + 1);
    if (fn && component) {
      if (rootIsThis && cls) {
        if (setKind('method', cls, site.root))
          edits.push({ ...span(site.node), text: `this.${HELPER}(${component})` });
      } else if (!rootIsThis) {
        if (setKind('function', undefined, ''))
          edits.push({ ...span(site.node), text: `${HELPER}(${site.root}, ${component})` });
      } else problems.push({ node: site.node, message: `${site.root} outside a class cannot be traced` });
      continue;
    }
    if (fn && cls && asNode(fn.node)['kind'] === 'constructor') {
      const attr = storedAttribute(site.path, text);
      const rootRef = rootIsThis ? site.root : constructorRootAttr(fn, site.root, text);
      if (attr && rootRef) {
        if (!setKind('method', cls, rootRef)) continue;
        if (rewriteStoredAttribute(j, cls, attr, source, style, edits, problems, text))
          edits.push({ ...span(site.node), text: 'null' });
        continue;
      }
    }
    problems.push({
      node: site.node,
      message: `${text(site.node)} builds a root compose path where no component is in scope; rewrite by hand`,
    });
  }

  for (const [decl, uses] of constantUses) {
    if (uses > 0 && rewrittenConstantUses.get(decl) === uses) edits.push(deleteStatement(decl, source));
  }

  if (problems.length > 0) {
    for (const p of problems) api.report({ line: lineOf(p.node), message: p.message });
    return null;
  }
  if (!spec || !helperKind) return undefined;

  const hasHelper = new RegExp(
    `\\bfunction\\s+${HELPER}\\s*\\(|^\\s*(?:(?:private|protected|public|static|async)\\s+)*${HELPER}\\s*\\([^)]*\\)\\s*(?::[^{\\n]*)?\\{`,
    'm',
  ).test(source);
  const pathJoin = binding(source, 'path', 'join', style);
  const exists = binding(source, 'fs', 'existsSync', style);
  if (!hasHelper) {
    const imports = [pathJoin.importLine, exists.importLine].filter((l): l is string => l !== undefined);
    if (imports.length > 0) {
      const program = asNode(tree.find(j.Program).get().node);
      const end = lastImportEnd(program, source);
      edits.push(
        end === undefined
          ? { start: 0, end: 0, text: imports.join('\n') + '\n' }
          : { start: end, end, text: '\n' + imports.join('\n') },
      );
    }
    if (helperKind === 'method' && helperClass) {
      edits.push(
        methodHelper(helperClass, source, style, helperRoot, spec, pathJoin.expr, exists.expr, options),
      );
    } else {
      const program = asNode(tree.find(j.Program).get().node);
      const end = lastImportEnd(program, source);
      const fnText = functionHelper(style, spec, pathJoin.expr, exists.expr, options);
      edits.push(
        end === undefined
          ? { start: 0, end: 0, text: fnText + '\n\n' }
          : { start: end, end, text: '\n\n' + fnText },
      );
    }
  }

  const out = await finishEdits(source, edits, api, (text) => {
    try {
      j(text);
      return true;
    } catch {
      return false;
    }
  });
  if (out === null) return null;
  return out === source ? undefined : out;
}

function isRootExpr(n: JsNode): boolean {
  if (n.type === 'Identifier') return true;
  return (
    n.type === 'MemberExpression' &&
    asNode(n['object']).type === 'ThisExpression' &&
    asNode(n['property']).type === 'Identifier' &&
    !n['computed']
  );
}

/** Classifies the expression a file name (literal or constant) sits in. */
function usageSite(
  p: ASTPath,
  file: string,
  text: (n: unknown) => string,
  constant?: JsNode,
): Site | 'component-level' | undefined {
  const call = asNode(p.parent?.node);
  if (call.type !== 'CallExpression') return undefined;
  const callee = text(call['callee']);
  if (!/^(\w+\.)?(join|resolve)$/.test(callee)) return undefined;
  const args = call['arguments'] as JsNode[];
  if (args[args.length - 1] !== p.node) return undefined;
  if (
    args.length > 2 &&
    args.slice(1, -1).some((a) => a.type === 'Identifier' && isComponentParam(a['name'] as string))
  )
    return 'component-level';
  if (args.length === 2 && isRootExpr(args[0]!)) {
    return {
      node: call,
      path: p.parent as ASTPath,
      root: text(args[0]),
      file,
      ...(constant ? { constant } : {}),
    };
  }
  return undefined;
}

function owningClass(fn: ASTPath): ASTPath | undefined {
  const body = fn.parent as ASTPath | null;
  const cls = body?.parent as ASTPath | null;
  return cls && /^Class(Declaration|Expression)$/.test(asNode(cls.node).type) ? cls : undefined;
}

/** `this.attr = <site>`: the attribute that stores the path. */
function storedAttribute(site: ASTPath, text: (n: unknown) => string): string | undefined {
  // A literal's site is its call; the assignment sits above that.
  let p: ASTPath | null = site;
  while (
    p &&
    asNode(p.node).type !== 'AssignmentExpression' &&
    asNode(p.node).type !== 'CallExpression' &&
    asNode(p.node).type !== 'TemplateLiteral'
  )
    p = p.parent as ASTPath | null;
  const assign = asNode(p?.parent?.node);
  if (assign.type !== 'AssignmentExpression' || assign['right'] !== p?.node) return undefined;
  const left = text(assign['left']);
  return /^this\.\w+$/.test(left) ? left : undefined;
}

/** `constructor(root)` + `this.root = root`, or `constructor(private root: string)`: the attribute that keeps the root. */
function constructorRootAttr(ctor: ASTPath, param: string, text: (n: unknown) => string): string | undefined {
  if (!params(ctor).includes(param)) return undefined;
  for (const p of asNode(ctor.node)['params'] as JsNode[]) {
    if (p.type === 'TSParameterProperty' && text(p['parameter']).split(/[:=\s]/)[0] === param)
      return `this.${param}`;
  }
  const body = text(ctor.node);
  const m = new RegExp(`this\\.(\\w+)\\s*=\\s*${param}\\s*[;\\n]`).exec(body);
  return m ? `this.${m[1]}` : undefined;
}

function deleteStatement(decl: JsNode, source: string): TextEdit {
  const lineStart = source.lastIndexOf('\n', decl.start - 1) + 1;
  return { start: lineStart, end: blankRunEnd(source, lineStart, decl.end), text: '' };
}

/**
 * The class keeps the path in a field set in the constructor, where no component is known. The field
 * becomes null there, methods that know the component set it from the lookup first, existence checks
 * become null checks (the lookup returns only existing files), and methods without a component
 * return early while it is unset.
 */
function rewriteStoredAttribute(
  j: Awaited<ReturnType<typeof import('./lib/js.js').loadJscodeshift>>,
  cls: ASTPath,
  attr: string,
  source: string,
  style: JsStyle,
  edits: TextEdit[],
  problems: Problem[],
  text: (n: unknown) => string,
): boolean {
  const field = attr.slice('this.'.length);
  const local: TextEdit[] = [];
  const localProblems: Problem[] = [];
  let resolved = 0;
  const members = (asNode(asNode(cls.node)['body'])['body'] as JsNode[]) ?? [];
  for (const m of members) {
    if ((m.type === 'ClassProperty' || m.type === 'ClassPrivateProperty') && text(m['key']) === field) {
      const decl = text(m);
      const typed = decl
        .replace(/\breadonly\s+/, '')
        .replace(/:\s*string\b(?!\s*\|\s*null)/, ': string | null');
      if (typed !== decl) local.push({ ...span(m), text: typed });
      continue;
    }
    if (m.type !== 'ClassMethod' || m['kind'] === 'constructor') continue;
    const mName = text(m['key']);
    if (mName === HELPER) continue;
    const reads = j(m as never)
      .find(j.MemberExpression)
      .filter((r) => text(r.node) === attr)
      .paths();
    if (reads.length === 0) continue;
    if (
      reads.some(
        (r) =>
          asNode(r.parent?.node).type === 'AssignmentExpression' && asNode(r.parent?.node)['left'] === r.node,
      )
    ) {
      localProblems.push({ node: m, message: `${attr} is reassigned in ${mName}; rewrite by hand` });
      continue;
    }
    const body = asNode(m['body']);
    const first = (body['body'] as JsNode[])[0];
    if (!first) continue;
    const lineStart = source.lastIndexOf('\n', first.start - 1) + 1;
    const indent = source.slice(lineStart, first.start);
    if (/\S/.test(indent)) {
      localProblems.push({ node: m, message: `cannot place the lookup in ${mName}` });
      continue;
    }
    const component = (m['params'] as JsNode[])
      .map((p) => (p.type === 'AssignmentPattern' ? asNode(p['left']) : p))
      .map((p) => (p['name'] as string) ?? '')
      .find(isComponentParam);
    const returnsValue =
      j(m as never)
        .find(j.ReturnStatement)
        .filter((r) => r.node.argument !== null && r.node.argument !== undefined && enclosingIs(r, m))
        .size() > 0;
    if (component) {
      resolved++;
      local.push({
        start: first.start,
        end: first.start,
        text: `${attr} = this.${HELPER}(${component})${style.semi}\n${indent}`,
      });
    } else if (!returnsValue) {
      local.push({
        start: first.start,
        end: first.start,
        text: `if (${attr} === null) return${style.semi}\n${indent}`,
      });
    } else {
      localProblems.push({
        node: m,
        message: `${mName} reads ${attr} without a component and returns a value; rewrite by hand`,
      });
      continue;
    }
    for (const r of reads) {
      const call = asNode(r.parent?.node);
      if (
        call.type !== 'CallExpression' ||
        !/^(\w+\.)?existsSync$/.test(text(call['callee'])) ||
        (call['arguments'] as JsNode[]).length !== 1
      )
        continue;
      const up = asNode(r.parent?.parent?.node);
      if (up.type === 'UnaryExpression' && up['operator'] === '!')
        local.push({ ...span(up), text: `${attr} === null` });
      else local.push({ ...span(call), text: `${attr} !== null` });
    }
  }
  if (resolved === 0 && localProblems.length === 0) {
    localProblems.push({
      node: asNode(cls.node),
      message: `${attr} is never read where a component is known; rewrite by hand`,
    });
  }
  problems.push(...localProblems);
  edits.push(...local);
  return localProblems.length === 0;
}

function enclosingIs(p: ASTPath, fn: JsNode): boolean {
  const own = enclosingFunction(p);
  return own?.node === fn || asNode(own?.node).start === fn.start;
}

function dirExpr(options: ComposeTransformOptions, q: "'" | '"'): string {
  const entries = Object.entries(options.componentDirs).filter(([n, d]) => n !== d);
  if (entries.length === 0) return 'component';
  const map = `{ ${entries.map(([n, d]) => `${/^[A-Za-z_$][\w$]*$/.test(n) ? n : jsString(n, q)}: ${jsString(d, q)}`).join(', ')} }`;
  return `(${map} as Record<string, string>)[component] ?? component`;
}

function helperLines(
  style: JsStyle,
  rootRef: string,
  spec: RootFileSpec,
  join: string,
  exists: string,
  options: ComposeTransformOptions,
): string[] {
  const q = (s: string) => jsString(s, style.quote);
  const u = style.unit;
  const s = style.semi;
  const olds = [spec.name, ...spec.fallbacks].map(
    (p) => `${join}(${[rootRef, ...p.split('/').map(q)].join(', ')})`,
  );
  let dir = dirExpr(options, style.quote);
  if (!style.typed) dir = dir.replace(' as Record<string, string>', '');
  return [
    `${u}if (component) {`,
    `${u}${u}const composeFile = ${join}(${rootRef}, ${dir}, ${q(spec.componentFile)})${s}`,
    `${u}${u}if (${exists}(composeFile)) return composeFile${s}`,
    `${u}}`,
    `${u}// Fallback to the old location (during migration)`,
    `${u}for (const oldLocation of [${olds.join(', ')}]) {`,
    `${u}${u}if (${exists}(oldLocation)) {`,
    `${u}${u}${u}console.warn(\`Using deprecated \${oldLocation} for \${component}; expected \${component}/${jsTemplateText(spec.componentFile)}\`)${s}`,
    `${u}${u}${u}return oldLocation${s}`,
    `${u}${u}}`,
    `${u}}`,
    `${u}return null${s}`,
  ];
}

function functionHelper(
  style: JsStyle,
  spec: RootFileSpec,
  join: string,
  exists: string,
  options: ComposeTransformOptions,
): string {
  const sig = style.typed
    ? `function ${HELPER}(root: string, component: string | undefined): string | null {`
    : `function ${HELPER}(root, component) {`;
  return [
    `/** The component's own ${spec.componentFile}; the root file only as a deprecated fallback. */`,
    sig,
    ...helperLines(style, 'root', spec, join, exists, options),
    '}',
  ].join('\n');
}

function methodHelper(
  cls: ASTPath,
  source: string,
  style: JsStyle,
  rootRef: string,
  spec: RootFileSpec,
  join: string,
  exists: string,
  options: ComposeTransformOptions,
): TextEdit {
  const members = (asNode(asNode(cls.node)['body'])['body'] as JsNode[]) ?? [];
  const ctor = members.find((m) => m['kind'] === 'constructor');
  const anchor = ctor ?? members[0];
  const indent = anchor
    ? source.slice(source.lastIndexOf('\n', anchor.start - 1) + 1, anchor.start)
    : style.unit;
  const sig = style.typed
    ? `private ${HELPER}(component?: string): string | null {`
    : `${HELPER}(component) {`;
  const lines = [
    `/** The component's own ${spec.componentFile}; the root file only as a deprecated fallback. */`,
    sig,
    ...helperLines(style, rootRef, spec, join, exists, options),
    '}',
  ];
  const body = lines.map((l, i) => (i === 0 ? l : indent + l)).join('\n');
  if (ctor) return { start: ctor.end, end: ctor.end, text: `\n\n${indent}${body}` };
  const at = anchor ? anchor.start : asNode(asNode(cls.node)['body']).start + 1;
  return { start: at, end: at, text: `${body}\n\n${indent}` };
}

/** End of a deleted statement, taking the blank lines after it when a blank line also precedes it. */
function blankRunEnd(source: string, lineStart: number, end: number): number {
  if (source[end] === '\n') end++;
  const precededByBlank = lineStart === 0 || /\n[ \t]*\n$/.test(source.slice(0, lineStart));
  if (precededByBlank) while (/^[ \t]*\n/.test(source.slice(end))) end = source.indexOf('\n', end) + 1;
  return end;
}
