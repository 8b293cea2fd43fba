/**
 * Python: root compose-file lookups (`project_root / "docker-compose.test.yaml"`,
 * `os.path.join(root, "...")`, `f"{root}/..."`, module constants) become a per-component lookup
 * `_get_compose_file_path(...)` that falls back to the root / archived file with a deprecation warning.
 */
import type { SgNode } from '@ast-grep/napi';
import { pyFStringText } from '../src/quote.js';
import {
  isComponentParam,
  stripDotSlash,
  type ComposeTransformOptions,
  type TextEdit,
  type TransformApi,
  type TransformFile,
} from './lib/options.js';
import { finishEdits } from './lib/options.js';
import {
  bodyInsertPoint,
  classMethods,
  enclosingFunction,
  functionName,
  hasImport,
  hasErrorNode,
  hasSyntaxErrors,
  importInsertIndex,
  indentUnit,
  isFString,
  lastTopLevelImportEnd,
  lineIndent,
  owningClass,
  paramNames,
  parsePython,
  plainStringValue,
  preferredQuote,
  pyString,
  returnsValue,
} from './lib/python.js';

export const name = 'compose-path-py';
export const HELPER = '_get_compose_file_path';

type Flavor = 'pathlib' | 'str';

interface Site {
  /** Node replaced by the lookup call. */
  node: SgNode;
  root: string;
  file: string;
  flavor: Flavor;
  /** The module constant the file name came through, if any. */
  constant?: SgNode;
}

interface Problem {
  node: SgNode;
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
  const root = await parsePython(source);
  // An ERROR node is the cheap check; a rewrite is fully checked (missing tokens too) when re-parsed.
  if (hasErrorNode(root)) {
    api.report({ line: 1, message: 'not valid Python; left unchanged' });
    return null;
  }

  const problems: Problem[] = [];
  const sites: Site[] = [];
  const constantUses = new Map<SgNode, number>();
  const variants = variantLists(root, names);
  problems.push(...variantProblems(root, variants, options));
  const inVariantList = new Set([...variants.keys()].map((l) => l.range().start.index));

  // Only strings naming a root file matter; the native search filters them before any JS sees a node.
  const mentionsName = [...names].map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  for (const str of root.findAll({ rule: { kind: 'string', regex: mentionsName } })) {
    const fn = enclosingFunction(str);
    if (fn && functionName(fn) === HELPER) continue;
    if (inVariantList.has(str.parent()?.range().start.index ?? -1)) continue;
    if (isFString(str)) {
      const site = fStringSite(str, names);
      if (site === 'ignore') continue;
      if (site) sites.push(site);
      else
        problems.push({
          node: str,
          message: `f-string ${str.text()} builds a compose path this codemod cannot trace`,
        });
      continue;
    }
    const value = plainStringValue(str);
    if (value === undefined) continue;
    const bare = stripDotSlash(value);
    if (!names.has(bare)) {
      if (!/\s/.test(value) && [...names].some((n) => value.endsWith('/' + n)) && !value.startsWith('/')) {
        problems.push({
          node: str,
          message: `${str.text()} names a root compose file by a relative path this codemod cannot trace`,
        });
      }
      continue;
    }
    const parent = str.parent();
    const assign = parent?.kind() === 'assignment' ? parent : undefined;
    if (
      assign &&
      assign.field('right')?.range().start.index === str.range().start.index &&
      assign.parent()?.parent()?.kind() === 'module'
    ) {
      const left = assign.field('left');
      if (left?.kind() !== 'identifier') {
        problems.push({ node: str, message: `${str.text()} is assigned in a way this codemod cannot trace` });
        continue;
      }
      const stmt = assign.parent()!;
      let uses = 0;
      for (const id of root.findAll({ rule: { kind: 'identifier', regex: `^${left.text()}$` } })) {
        if (id.range().start.index === left.range().start.index) continue;
        uses++;
        const site = usageSite(id, bare, stmt);
        if (site === 'component-level') continue;
        if (site) sites.push(site);
        else
          problems.push({
            node: id,
            message: `${left.text()} (= ${str.text()}) is used in a way this codemod cannot trace`,
          });
      }
      constantUses.set(stmt, uses);
      continue;
    }
    const site = usageSite(str, bare);
    if (site === 'component-level') continue;
    if (site) sites.push(site);
    else
      problems.push({
        node: str,
        message: `${str.text()} names a root compose file in a way this codemod cannot trace`,
      });
  }

  if (sites.length === 0 && problems.length === 0) return undefined;

  const edits: TextEdit[] = [];
  const quote = preferredQuote(source);
  const unit = indentUnit(source);
  const files = new Set(sites.map((s) => s.file));
  const flavors = new Set(sites.map((s) => s.flavor));
  if (files.size > 1)
    problems.push({
      node: sites[1]!.node,
      message: `one module looks up several root compose files (${[...files].join(', ')}); split it by hand`,
    });
  if (flavors.size > 1)
    problems.push({
      node: sites[0]!.node,
      message: 'one module mixes pathlib and string compose paths; rewrite by hand',
    });

  const spec = options.rootFiles.find((r) => files.has(r.name));
  let helperKind: 'method' | 'function' | undefined;
  let helperClass: SgNode | undefined;
  let helperRoot = 'project_root';
  const removedConstants = new Map<SgNode, number>();

  for (const site of sites) {
    const fn = enclosingFunction(site.node);
    const cls = fn ? owningClass(fn) : undefined;
    const component = fn ? paramNames(fn).find(isComponentParam) : undefined;
    const rootIsSelf = /^self\.\w+$/.test(site.root);
    const rootIsName = /^\w+$/.test(site.root);
    const setKind = (kind: 'method' | 'function', klass: SgNode | undefined, rootRef: string): boolean => {
      if (
        helperKind &&
        (helperKind !== kind || helperClass?.range().start.index !== klass?.range().start.index)
      ) {
        problems.push({
          node: site.node,
          message: 'compose paths built in more than one scope; rewrite by hand',
        });
        return false;
      }
      if (helperKind && kind === 'method' && helperRoot !== rootRef) {
        problems.push({
          node: site.node,
          message: `compose paths built from different roots (${helperRoot}, ${rootRef})`,
        });
        return false;
      }
      helperKind = kind;
      helperClass = klass;
      if (kind === 'method') helperRoot = rootRef;
      return true;
    };
    if (site.constant) removedConstants.set(site.constant, (removedConstants.get(site.constant) ?? 0) + 1);

    if (fn && component && (rootIsSelf || rootIsName)) {
      if (rootIsSelf && cls) {
        if (!setKind('method', cls, site.root)) continue;
        edits.push(replace(site.node, `self.${HELPER}(${component})`));
      } else if (rootIsName) {
        if (!setKind('function', undefined, '')) continue;
        edits.push(replace(site.node, `${HELPER}(${site.root}, ${component})`));
      } else {
        problems.push({ node: site.node, message: `root ${site.root} cannot be traced` });
      }
      continue;
    }
    if (fn && cls && functionName(fn) === '__init__') {
      const stored = storedAttribute(site.node);
      const rootRef = rootIsSelf ? site.root : rootIsName ? selfAttrFor(fn, site.root) : undefined;
      if (stored && rootRef) {
        if (!setKind('method', cls, rootRef)) continue;
        const ok = rewriteStoredAttribute(cls, stored, site, source, unit, edits, problems);
        if (ok) edits.push(replace(site.node, 'None'));
        continue;
      }
    }
    problems.push({
      node: site.node,
      message: `${site.node.text()} builds a root compose path where no component is in scope; rewrite by hand`,
    });
  }

  for (const [stmt, uses] of constantUses) {
    if (uses > 0 && removedConstants.get(stmt) === uses) edits.push(deleteStatement(stmt, source));
  }

  if (problems.length > 0) {
    for (const p of problems) api.report({ line: p.node.range().start.line + 1, message: p.message });
    return null;
  }
  if (!spec || !helperKind) return undefined;

  const flavor = [...flavors][0]!;
  const helperExists =
    root.find({ rule: { kind: 'function_definition', has: { field: 'name', regex: `^${HELPER}$` } } }) !==
    null;
  let usesWarnings = false;
  if (!helperExists) {
    if (helperKind === 'method' && helperClass) {
      const reporter = /self\.reporter\s*=/.test(helperClass.text());
      usesWarnings = !reporter;
      edits.push(methodHelper(helperClass, source, unit, helperRoot, spec, flavor, quote, reporter, options));
    } else {
      usesWarnings = true;
      const text = functionHelper(unit, spec, flavor, quote, options).trimEnd();
      const firstDef = root
        .children()
        .find((k) =>
          ['function_definition', 'class_definition', 'decorated_definition'].includes(String(k.kind())),
        );
      const end = lastTopLevelImportEnd(root);
      if (firstDef) {
        const at = firstDef.range().start.index;
        edits.push({ start: at, end: at, text: text + '\n\n\n' });
      } else if (end !== undefined) edits.push({ start: end, end, text: '\n\n\n' + text });
      else edits.push({ start: 0, end: 0, text: text + '\n\n\n' });
    }
  }
  const needed = [...(flavor === 'str' ? ['os'] : []), ...(usesWarnings ? ['warnings'] : [])].filter(
    (m) => !hasImport(source, m),
  );
  if (needed.length > 0) {
    const at = importInsertIndex(root);
    edits.push({ start: at, end: at, text: needed.map((m) => `import ${m}\n`).join('') });
  }

  const out = await finishEdits(
    source,
    edits,
    api,
    async (text) => !hasSyntaxErrors(await parsePython(text)),
  );
  if (out === null) return null;
  return out === source ? undefined : out;
}

const COMPOSE_NAME = /^(docker-)?compose[\w.-]*\.ya?ml$/;

/** List or tuple literals naming two or more compose files, one of them a root file: a choice among them by variant. */
function variantLists(root: SgNode, names: Set<string>): Map<SgNode, SgNode | undefined> {
  const out = new Map<SgNode, SgNode | undefined>();
  for (const list of root.findAll({ rule: { any: [{ kind: 'list' }, { kind: 'tuple' }] } })) {
    const files = list
      .children()
      .map((c) => plainStringValue(c))
      .filter((v): v is string => v !== undefined && COMPOSE_NAME.test(stripDotSlash(v)));
    if (files.length >= 2 && files.some((f) => names.has(stripDotSlash(f))))
      out.set(list, enclosingFunction(list));
  }
  return out;
}

/**
 * One report per function that picks among root files by variant: the root files split per
 * component, so which one applies depends on a component the function does not know.
 */
function variantProblems(
  root: SgNode,
  lists: Map<SgNode, SgNode | undefined>,
  options: ComposeTransformOptions,
): Problem[] {
  const byFn = new Map<number, { fn: SgNode | undefined; lists: SgNode[] }>();
  for (const [list, fn] of lists) {
    const key = fn?.range().start.index ?? -1;
    const entry = byFn.get(key) ?? { fn, lists: [] };
    entry.lists.push(list);
    byFn.set(key, entry);
  }
  const out: Problem[] = [];
  for (const { fn, lists: group } of byFn.values()) {
    const files = new Set<string>();
    for (const l of group)
      for (const c of l.children()) {
        const v = plainStringValue(c);
        if (v !== undefined && COMPOSE_NAME.test(stripDotSlash(v))) files.add(stripDotSlash(v));
      }
    const mapping = [...files]
      .map((f) => {
        const spec = options.rootFiles.find((r) => r.name === f);
        return spec ? `${f} -> <component>/${spec.componentFile}` : `${f} (no component file)`;
      })
      .join(', ');
    const fnName = fn ? functionName(fn) : 'module code';
    const callers = fn
      ? root
          .findAll({ rule: { kind: 'call' } })
          .filter((c) => {
            const f = c.field('function');
            return (f?.kind() === 'attribute' ? f.field('attribute')?.text() : f?.text()) === fnName;
          })
          .map((c) => c.range().start.line + 1)
      : [];
    const callerText =
      callers.length > 0
        ? `; its ${callers.length} caller${callers.length === 1 ? '' : 's'} (line${callers.length === 1 ? '' : 's'} ${callers.slice(0, 12).join(', ')}${callers.length > 12 ? ', ...' : ''}) must pass the component`
        : '';
    const hasComponent = fn ? paramNames(fn).some(isComponentParam) : false;
    out.push({
      node: fn ?? group[0]!,
      message:
        `${fnName} picks among root compose files by variant ` +
        `(line${group.length === 1 ? '' : 's'} ${group.map((l) => l.range().start.line + 1).join(', ')}: ${mapping})` +
        (hasComponent ? '' : ' with no component in scope') +
        `; after the migration each file is per component: look up <component dir>/<file> for the variant, ` +
        `keeping the archived root file as a deprecated fallback` +
        callerText,
    });
  }
  return out;
}

function replace(node: SgNode, text: string): TextEdit {
  const r = node.range();
  return { start: r.start.index, end: r.end.index, text };
}

function deleteStatement(stmt: SgNode, source: string): TextEdit {
  const r = stmt.range();
  const lineStart = source.lastIndexOf('\n', r.start.index - 1) + 1;
  let end = r.end.index;
  if (source[end] === '\n') end++;
  // Take the blank lines before it too, so the spacing that followed it is what remains.
  let start = lineStart;
  while (start > 0) {
    const prev = source.lastIndexOf('\n', start - 2) + 1;
    if (!/^[ \t]*\n$/.test(source.slice(prev, start))) break;
    start = prev;
  }
  return { start: start === 0 ? lineStart : start, end, text: '' };
}

/** `f"{root}/docker-compose.test.yaml"` is a site; an f-string naming the file amid prose is not. */
function fStringSite(str: SgNode, names: Set<string>): Site | 'ignore' | undefined {
  const parts = str.children().filter((k) => k.kind() === 'interpolation' || k.kind() === 'string_content');
  const literal = parts
    .filter((k) => k.kind() === 'string_content')
    .map((k) => k.text())
    .join('');
  const mentioned = [...names].find((n) => literal.includes(n));
  if (!mentioned) return 'ignore';
  if (/\s/.test(literal)) return 'ignore';
  const [first, second, ...rest] = parts;
  if (rest.length === 0 && first?.kind() === 'interpolation' && second?.kind() === 'string_content') {
    const expr = first.children().find((c) => c.kind() !== '{' && c.kind() !== '}');
    const file = second.text().replace(/^\//, '');
    if (expr && names.has(file) && second.text().startsWith('/') && /^(self\.)?\w+$/.test(expr.text())) {
      return { node: str, root: expr.text(), file, flavor: 'str' };
    }
  }
  return undefined;
}

/**
 * Classifies the expression a file name (literal or constant) sits in.
 * 'component-level' means the path is already under a component directory: not a root lookup.
 */
function usageSite(node: SgNode, file: string, constant?: SgNode): Site | 'component-level' | undefined {
  const parent = node.parent();
  if (!parent) return undefined;
  if (
    parent.kind() === 'binary_operator' &&
    parent.field('operator')?.text() === '/' &&
    parent.field('right')?.range().start.index === node.range().start.index
  ) {
    const left = parent.field('left')!;
    if (left.kind() === 'binary_operator') {
      const inner = left.field('right');
      if (inner?.kind() === 'identifier' && isComponentParam(inner.text())) return 'component-level';
      return undefined;
    }
    if (left.kind() === 'identifier' || left.kind() === 'attribute')
      return { node: parent, root: left.text(), file, flavor: 'pathlib', ...(constant ? { constant } : {}) };
    return undefined;
  }
  if (parent.kind() === 'argument_list') {
    const call = parent.parent();
    const fnName = call?.field('function')?.text() ?? '';
    const args = parent.children().filter((c) => c.isNamed() && c.kind() !== 'comment');
    if (!call || !/^(os\.path\.join|path\.join|join)$/.test(fnName)) return undefined;
    if (args[args.length - 1]?.range().start.index !== node.range().start.index) return undefined;
    if (
      args.length > 2 &&
      args.slice(1, -1).some((a) => a.kind() === 'identifier' && isComponentParam(a.text()))
    )
      return 'component-level';
    const first = args[0];
    if (args.length === 2 && first && (first.kind() === 'identifier' || first.kind() === 'attribute')) {
      return { node: call, root: first.text(), file, flavor: 'str', ...(constant ? { constant } : {}) };
    }
  }
  return undefined;
}

/** `self.attr = <site>`: the attribute that stores the path. */
function storedAttribute(node: SgNode): string | undefined {
  const assign = node.parent();
  if (
    assign?.kind() !== 'assignment' ||
    assign.field('right')?.range().start.index !== node.range().start.index
  )
    return undefined;
  const left = assign.field('left');
  return left && /^self\.\w+$/.test(left.text()) ? left.text() : undefined;
}

/** In `__init__(self, project_root)`, the attribute that keeps `project_root` (`self.project_root`). */
function selfAttrFor(init: SgNode, param: string): string | undefined {
  if (!paramNames(init).includes(param)) return undefined;
  for (const a of init.findAll({ rule: { kind: 'assignment' } })) {
    const l = a.field('left')?.text() ?? '';
    if (a.field('right')?.text() === param && /^self\.\w+$/.test(l)) return l;
  }
  return undefined;
}

/**
 * The class keeps the path in an attribute set in `__init__`, where no component is known. The
 * attribute becomes None there, each method that knows the component sets it from the lookup first,
 * `.exists()` checks become None checks (the lookup returns only existing files), and methods
 * without a component return early while it is unset.
 */
function rewriteStoredAttribute(
  cls: SgNode,
  attr: string,
  site: Site,
  source: string,
  unit: string,
  edits: TextEdit[],
  problems: Problem[],
): boolean {
  const local: TextEdit[] = [];
  const localProblems: Problem[] = [];
  let resolved = 0;
  for (const m of classMethods(cls)) {
    const mName = functionName(m);
    if (mName === '__init__' || mName === HELPER) continue;
    const reads = m.findAll({ rule: { kind: 'attribute', regex: `^${attr.replace('.', '\\.')}$` } });
    if (reads.length === 0) continue;
    const writes = reads.filter(
      (r) =>
        r.parent()?.kind() === 'assignment' &&
        r.parent()?.field('left')?.range().start.index === r.range().start.index,
    );
    if (writes.length > 0) {
      localProblems.push({ node: writes[0]!, message: `${attr} is reassigned in ${mName}; rewrite by hand` });
      continue;
    }
    const at = bodyInsertPoint(m, source);
    if (!at) {
      localProblems.push({ node: m, message: `cannot place the lookup in ${mName}` });
      continue;
    }
    const component = paramNames(m).find(isComponentParam);
    if (component) {
      resolved++;
      local.push({
        start: at.index,
        end: at.index,
        text: `${at.lead}${attr} = self.${HELPER}(${component})${at.trail}`,
      });
    } else if (!returnsValue(m)) {
      local.push({
        start: at.index,
        end: at.index,
        text: `${at.lead}if ${attr} is None:\n${at.indent}${unit}return${at.trail}`,
      });
    } else {
      localProblems.push({
        node: m,
        message: `${mName} reads ${attr} without a component and returns a value; rewrite by hand`,
      });
      continue;
    }
    for (const r of reads) {
      const check = existsCheck(r, site.flavor);
      if (!check) continue;
      const negated = check.parent()?.kind() === 'not_operator' ? check.parent()! : undefined;
      local.push(negated ? replace(negated, `${attr} is None`) : replace(check, `${attr} is not None`));
    }
  }
  if (resolved === 0 && localProblems.length === 0) {
    localProblems.push({
      node: site.node,
      message: `${attr} is never read where a component is known; rewrite by hand`,
    });
  }
  problems.push(...localProblems);
  edits.push(...local);
  return localProblems.length === 0;
}

/** `attr.exists()` / `os.path.exists(attr)` / `os.path.isfile(attr)` around a read, if any. */
function existsCheck(read: SgNode, flavor: Flavor): SgNode | undefined {
  const p = read.parent();
  if (flavor === 'pathlib' && p?.kind() === 'attribute' && /\.(exists|is_file)$/.test(p.text())) {
    const call = p.parent();
    if (call?.kind() === 'call' && call.field('arguments')?.text() === '()') return call;
  }
  if (p?.kind() === 'argument_list') {
    const call = p.parent();
    if (
      call?.kind() === 'call' &&
      /^os\.path\.(exists|isfile)$/.test(call.field('function')?.text() ?? '') &&
      p.children().filter((c) => c.isNamed()).length === 1
    )
      return call;
  }
  return undefined;
}

function pathExpr(flavor: Flavor, rootRef: string, parts: string[]): string {
  return flavor === 'pathlib'
    ? [rootRef, ...parts].join(' / ')
    : `os.path.join(${[rootRef, ...parts].join(', ')})`;
}

function dirExpr(options: ComposeTransformOptions, quote: '"' | "'"): string {
  const entries = Object.entries(options.componentDirs).filter(([n, d]) => n !== d);
  if (entries.length === 0) return 'component';
  return `{${entries.map(([n, d]) => `${pyString(n, quote)}: ${pyString(d, quote)}`).join(', ')}}.get(component, component)`;
}

function helperBody(
  ind: string,
  unit: string,
  rootRef: string,
  spec: ComposeTransformOptions['rootFiles'][number],
  flavor: Flavor,
  quote: '"' | "'",
  warn: (msg: string) => string[],
  options: ComposeTransformOptions,
): string[] {
  const q = (s: string) => pyString(s, quote);
  const exists = (v: string) => (flavor === 'pathlib' ? `${v}.exists()` : `os.path.exists(${v})`);
  const olds = [spec.name, ...spec.fallbacks].map((p) => pathExpr(flavor, rootRef, p.split('/').map(q)));
  const i1 = ind + unit;
  const i2 = i1 + unit;
  const i3 = i2 + unit;
  return [
    `${i1}"""The component's own ${spec.componentFile}; the root file only as a deprecated fallback."""`,
    `${i1}if component:`,
    `${i2}compose_file = ${pathExpr(flavor, rootRef, [dirExpr(options, quote), q(spec.componentFile)])}`,
    `${i2}if ${exists('compose_file')}:`,
    `${i3}return compose_file`,
    `${i1}# Fallback to the old location (during migration)`,
    `${i1}for old_location in (${olds.join(', ')}${olds.length === 1 ? ',' : ''}):`,
    `${i2}if ${exists('old_location')}:`,
    ...warn(i3),
    `${i3}return old_location`,
    `${i1}return None`,
  ];
}

function warningText(spec: ComposeTransformOptions['rootFiles'][number], quote: '"' | "'"): string {
  return `f${quote}Using deprecated {old_location} for {component}; expected {component}/${pyFStringText(spec.componentFile, quote)}${quote}`;
}

function methodHelper(
  cls: SgNode,
  source: string,
  unit: string,
  rootRef: string,
  spec: ComposeTransformOptions['rootFiles'][number],
  flavor: Flavor,
  quote: '"' | "'",
  reporter: boolean,
  options: ComposeTransformOptions,
): TextEdit {
  const methods = classMethods(cls);
  const init = methods.find((m) => functionName(m) === '__init__');
  const anchor = init ?? methods[0];
  const ind = anchor ? lineIndent(source, anchor.range().start.index) : unit;
  const typed =
    flavor === 'pathlib' &&
    /^from typing import[^\n]*\bOptional\b/m.test(source) &&
    /^from pathlib import[^\n]*\bPath\b/m.test(source);
  const sig = typed
    ? `def ${HELPER}(self, component: Optional[str]) -> Optional[Path]:`
    : `def ${HELPER}(self, component):`;
  const clsName = cls.field('name')?.text() ?? '';
  const warn = (i: string): string[] =>
    reporter
      ? [
          `${i}self.reporter.warning(`,
          `${i}${unit}${warningText(spec, quote)},`,
          `${i}${unit}context=${pyString(clsName, quote)},`,
          `${i})`,
        ]
      : [`${i}warnings.warn(${warningText(spec, quote)}, DeprecationWarning, stacklevel=2)`];
  const text = [`${ind}${sig}`, ...helperBody(ind, unit, rootRef, spec, flavor, quote, warn, options)].join(
    '\n',
  );
  if (init) {
    const end = init.range().end.index;
    return { start: end, end, text: '\n\n' + text };
  }
  const start = anchor
    ? source.lastIndexOf('\n', anchor.range().start.index - 1) + 1
    : cls.field('body')!.range().start.index;
  return { start, end: start, text: text + '\n\n' };
}

function functionHelper(
  unit: string,
  spec: ComposeTransformOptions['rootFiles'][number],
  flavor: Flavor,
  quote: '"' | "'",
  options: ComposeTransformOptions,
): string {
  const warn = (i: string): string[] => [
    `${i}warnings.warn(${warningText(spec, quote)}, DeprecationWarning, stacklevel=2)`,
  ];
  return (
    [
      `def ${HELPER}(project_root, component):`,
      ...helperBody('', unit, 'project_root', spec, flavor, quote, warn, options),
    ].join('\n') + '\n'
  );
}
