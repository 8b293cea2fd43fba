/**
 * Python: a method that picks a test executor by category alone (`def executor_for(self, category)`
 * returning a host executor for some categories and a Docker one for the rest) cannot choose per
 * component. This rewrite gives it an optional component parameter (callers that pass nothing keep
 * the category-only choice), sends a component without its own test compose file to the host
 * executor, adds the `_component_needs_docker(component_name, category)` check when the class has
 * none, and passes the component from every caller in the class that has one in scope.
 */
import type { SgNode } from '@ast-grep/napi';
import { isComponentParam, type TextEdit } from './options.js';
import {
  bodyInsertPoint,
  classMethods,
  enclosingFunction,
  functionName,
  lineIndent,
  owningClass,
  paramNames,
  pyString,
} from './python.js';

export const CATEGORY_PARAM = /^(category|test_category|kind|test_type|suite)$/;
/** A function named like this that returns executors by category is a selector. */
const SELECTOR_NAME = /executor|runner/i;
/** An executor that brings up containers. */
const DOCKERISH = /docker|container|compose/i;
export const DECIDER = /needs_docker|requires_docker|use_docker/;
export const CHECK_NAME = '_component_needs_docker';
const DECIDER_TEXT = /needs_docker|requires_docker|use_docker/i;
const SELECTOR_DEF = /def \w*(executor|runner)\w*\s*\(/i;
/**
 * A `def` whose parameter list holds a word CATEGORY_PARAM accepts: a file without one has no
 * function that takes a category parameter. The list may span lines and hold calls and brackets
 * (defaults, annotations) up to three parentheses deep.
 */
const CATEGORY_DEF = new RegExp(
  `\\bdef\\s+\\w+\\s*\\((?:[^()]|\\((?:[^()]|\\((?:[^()]|\\([^()]*\\))*\\))*\\))*?\\b(?:${CATEGORY_PARAM.source.replace(/^\^\(|\)\$$/g, '')})\\b`,
);

/**
 * Cheap text test for a file the transform may change, so that no other file is parsed: a Docker
 * decider, or a function picking an executor or runner where some function takes a category (a
 * selector chooses by its category parameter; without one there is nothing to rewrite).
 */
export function isCandidate(source: string): boolean {
  return DECIDER_TEXT.test(source) || (SELECTOR_DEF.test(source) && CATEGORY_DEF.test(source));
}

export interface SelectorContext {
  source: string;
  unit: string;
  quote: '"' | "'";
  componentFile: string;
  /** `{name: dir}.get(c, c)` or the bare variable, for a component variable. */
  componentDir: (variable: string) => string;
  /** The project root expression for a method of `cls`, if the class keeps one. */
  rootOf: (fn: SgNode) => string | undefined;
  /** Is `expr` built with pathlib in this file (else os.path)? */
  usesPathlib: (rootRef: string) => boolean;
}

export interface SelectorProblem {
  line: number;
  message: string;
}

export interface SelectorResult {
  edits: TextEdit[];
  problems: SelectorProblem[];
  /** Problems that leave the rewrite valid (a caller that keeps the old behaviour). */
  notes: SelectorProblem[];
  needsOs: boolean;
}

interface Return {
  node: SgNode;
  text: string;
  docker: boolean;
}

const line = (n: SgNode) => n.range().start.line + 1;

export function rewriteExecutorSelectors(root: SgNode, ctx: SelectorContext): SelectorResult {
  const result: SelectorResult = { edits: [], problems: [], notes: [], needsOs: false };
  for (const fn of root.findAll({ rule: { kind: 'function_definition' } })) {
    const params = paramNames(fn);
    const category = params.find((p) => CATEGORY_PARAM.test(p));
    if (!category || params.some(isComponentParam)) continue;
    const fnName = functionName(fn);
    if (DECIDER.test(fnName) || fnName === CHECK_NAME) continue;
    const cls = owningClass(fn);
    const returns = returnsOf(fn, cls);
    if (!returns.some((r) => r.docker) && SELECTOR_NAME.test(fnName)) unitIsHost(fn, returns, category);
    const docker = returns.filter((r) => r.docker);
    const hosts = [...new Set(returns.filter((r) => !r.docker).map((r) => r.text))];
    // Without a Docker executor among its results the function is not choosing where tests run.
    if (docker.length === 0) continue;
    // Unless its name says so, a selector returns executor objects, not (say) command lists.
    if (!SELECTOR_NAME.test(fnName) && !returns.every((r) => stableReference(fn, r.text))) continue;
    const where = `${fnName} (line ${line(fn)})`;
    const manual = `give it a component parameter and return the host executor when the component has no ${ctx.componentFile}`;
    if (!cls) {
      result.problems.push({
        line: line(fn),
        message: `${where} picks a Docker or host executor by category only and is not a method; ${manual}`,
      });
      continue;
    }
    if (hosts.length !== 1 || !stableReference(fn, hosts[0]!)) {
      result.problems.push({
        line: line(fn),
        message: `${where} picks an executor by category only, but which of its results runs on the host is unclear; ${manual}`,
      });
      continue;
    }
    const rootRef = ctx.rootOf(fn);
    const existing = classMethods(cls).find((m) => DECIDER.test(functionName(m)));
    if (!existing && !rootRef) {
      result.problems.push({
        line: line(fn),
        message: `${where}: the class keeps no project root to find <component>/${ctx.componentFile}; ${manual}`,
      });
      continue;
    }
    const at = bodyInsertPoint(fn, ctx.source);
    const paramAt = paramInsertion(fn);
    if (!at || !paramAt) {
      result.problems.push({ line: line(fn), message: `${where}: no safe place for the check; ${manual}` });
      continue;
    }
    const check = existing ? functionName(existing) : CHECK_NAME;
    if (existing && !checkTakesComponentAndCategory(existing)) {
      result.problems.push({
        line: line(existing),
        message: `${functionName(existing)} does not take a component and a test category; add them, then call it from ${fnName}`,
      });
      continue;
    }
    const param = freshName(fn, ['component', 'component_name', 'target_component']);
    const typed =
      /:/.test(fn.field('parameters')?.text() ?? '') && /\bOptional\b/.test(importsText(ctx.source));
    const unit = ctx.unit;
    const edits: TextEdit[] = [];
    edits.push({
      start: paramAt.index,
      end: paramAt.index,
      text: paramAt.before + (typed ? `${param}: Optional[str] = None` : `${param}=None`) + paramAt.after,
    });
    edits.push({
      start: at.index,
      end: at.index,
      text:
        at.lead +
        [
          `# Per component: one without its own ${ctx.componentFile} runs on the host`,
          `if ${param} is not None and not self.${check}(${param}, ${category}):`,
          `${unit}return ${hosts[0]}`,
        ].join('\n' + at.indent) +
        at.trail,
    });
    if (!existing) {
      const m = checkMethod(fn, ctx, rootRef!, category, typed);
      result.needsOs ||= m.needsOs;
      edits.push(m.edit);
    }
    const callers = threadCallers(root, cls, fnName, param);
    result.edits.push(...edits, ...callers.edits);
    result.notes.push(...callers.notes);
  }
  return result;
}

/** Direct `return <value>` statements of `fn`, each classified as a Docker executor or not. */
function returnsOf(fn: SgNode, cls: SgNode | undefined): Return[] {
  const out: Return[] = [];
  const initText = cls
    ? (classMethods(cls)
        .find((m) => functionName(m) === '__init__')
        ?.text() ?? '')
    : '';
  for (const r of fn.findAll({ rule: { kind: 'return_statement' } })) {
    if (enclosingFunction(r)?.range().start.index !== fn.range().start.index) continue;
    const value = r.children()[1];
    if (!value) continue;
    const text = value.text();
    let docker = DOCKERISH.test(text);
    const attr = /^self\.(\w+)$/.exec(text);
    if (!docker && attr) {
      const assigned = new RegExp(`self\\.${attr[1]}\\s*(?::[^=\\n]+)?=\\s*([\\w.]+)`).exec(initText);
      docker = !!assigned && DOCKERISH.test(assigned[1]!);
    }
    out.push({ node: value, text, docker });
  }
  return out;
}

/**
 * Names say nothing about Docker (`self.stack_executor`): a selector returning two executors, one of
 * them under `if category == "unit"`, runs unit tests on the host and the rest on the other one.
 */
function unitIsHost(fn: SgNode, returns: Return[], category: string): void {
  const distinct = new Set(returns.map((r) => r.text));
  if (distinct.size !== 2 || !returns.every((r) => stableReference(fn, r.text))) return;
  const unit = returns.find((r) =>
    r.node.ancestors().some((a) => {
      if (a.kind() !== 'if_statement' || a.range().start.index < fn.range().start.index) return false;
      const cond = a.field('condition')?.text() ?? '';
      const body = a.field('consequence')?.range();
      const at = r.node.range().start.index;
      // The return must sit in the branch the unit test selects, not in its else.
      return (
        !!body &&
        at >= body.start.index &&
        at <= body.end.index &&
        new RegExp(`\\b${category}\\b`).test(cond) &&
        /["']unit["']/.test(cond)
      );
    }),
  );
  if (!unit) return;
  for (const r of returns) r.docker = r.text !== unit.text;
}

/** `self.attr`, or a name the function neither takes nor assigns: safe to return from the top. */
function stableReference(fn: SgNode, text: string): boolean {
  if (/^self\.\w+$/.test(text)) return true;
  if (!/^\w+$/.test(text) || paramNames(fn).includes(text)) return false;
  return !fn.findAll({ rule: { kind: 'assignment' } }).some((a) => a.field('left')?.text() === text);
}

function checkTakesComponentAndCategory(fn: SgNode): boolean {
  const params = paramNames(fn);
  return params.some(isComponentParam) && params.some((p) => CATEGORY_PARAM.test(p));
}

/** After the last parameter (or before `**kwargs`), so existing positional calls keep their meaning. */
function paramInsertion(fn: SgNode): { index: number; before: string; after: string } | undefined {
  const params = fn.field('parameters');
  if (!params) return undefined;
  const named = params.children().filter((c) => c.isNamed() && c.kind() !== 'comment');
  const splat = named.find((c) => c.kind() === 'dictionary_splat_pattern');
  if (splat) return { index: splat.range().start.index, before: '', after: ', ' };
  const last = named[named.length - 1];
  if (!last) return undefined;
  return { index: last.range().end.index, before: ', ', after: '' };
}

function freshName(fn: SgNode, candidates: string[]): string {
  const used = new Set(fn.findAll({ rule: { kind: 'identifier' } }).map((i) => i.text()));
  return candidates.find((c) => !used.has(c)) ?? candidates[candidates.length - 1]!;
}

function importsText(source: string): string {
  return source
    .split('\n')
    .filter((l) => /^(from|import)\s/.test(l))
    .join('\n');
}

function checkMethod(
  selector: SgNode,
  ctx: SelectorContext,
  rootRef: string,
  category: string,
  typed: boolean,
): { edit: TextEdit; needsOs: boolean } {
  const q = (s: string) => pyString(s, ctx.quote);
  const ind = lineIndent(ctx.source, selector.range().start.index);
  const i1 = ind + ctx.unit;
  const pathlib = ctx.usesPathlib(rootRef);
  const dir = ctx.componentDir('component_name');
  const exists = pathlib
    ? `(${rootRef} / ${dir} / ${q(ctx.componentFile)}).exists()`
    : `os.path.exists(os.path.join(${rootRef}, ${dir}, ${q(ctx.componentFile)}))`;
  const sig = typed
    ? `def ${CHECK_NAME}(self, component_name: str, ${category}: str) -> bool:`
    : `def ${CHECK_NAME}(self, component_name, ${category}):`;
  const text = [
    `${ind}${sig}`,
    `${i1}"""Docker for e2e tests, and for a component that has its own ${ctx.componentFile}."""`,
    `${i1}# E2E tests always need Docker`,
    `${i1}if ${category} == ${q('e2e')}:`,
    `${i1}${ctx.unit}return True`,
    `${i1}# Without its own ${ctx.componentFile} the component runs on the host`,
    `${i1}return ${exists}`,
  ].join('\n');
  const end = selector.range().end.index;
  return { edit: { start: end, end, text: '\n\n' + text }, needsOs: !pathlib };
}

/**
 * `self.<selector>(...)` calls in the class get `<param>=<component>` when their method has a
 * component in scope (a parameter, a loop variable or an earlier assignment); the others are noted.
 */
function threadCallers(
  root: SgNode,
  cls: SgNode,
  selector: string,
  param: string,
): { edits: TextEdit[]; notes: SelectorProblem[] } {
  const edits: TextEdit[] = [];
  const notes: SelectorProblem[] = [];
  for (const call of root.findAll({ rule: { kind: 'call' } })) {
    const callee = call.field('function');
    if (callee?.kind() !== 'attribute' || callee.field('attribute')?.text() !== selector) continue;
    const args = call.field('arguments');
    if (!args || args.kind() !== 'argument_list') continue;
    if (args.children().some((a) => a.kind() === 'keyword_argument' && a.field('name')?.text() === param))
      continue;
    const fn = enclosingFunction(call);
    const inClass = fn && owningClass(fn)?.range().start.index === cls.range().start.index;
    const component =
      inClass && callee.field('object')?.text() === 'self' ? componentInScope(fn, call) : undefined;
    if (!component) {
      notes.push({
        line: line(call),
        message: `${call.text()} has no component in scope and keeps the category-only choice; pass ${param}=<component> there`,
      });
      continue;
    }
    const named = args.children().filter((c) => c.isNamed() && c.kind() !== 'comment');
    const last = named[named.length - 1];
    const text = `${param}=${component}`;
    if (last) edits.push({ start: last.range().end.index, end: last.range().end.index, text: `, ${text}` });
    else {
      const open = args.range().start.index + 1;
      edits.push({ start: open, end: open, text });
    }
  }
  return { edits, notes };
}

function componentInScope(fn: SgNode, call: SgNode): string | undefined {
  const fromParams = paramNames(fn).find(isComponentParam);
  if (fromParams) return fromParams;
  const before = call.range().start.index;
  for (const kind of ['for_statement', 'assignment']) {
    for (const n of fn.findAll({ rule: { kind } })) {
      if (
        n.range().start.index > before ||
        enclosingFunction(n)?.range().start.index !== fn.range().start.index
      )
        continue;
      const left = n.field('left');
      if (left?.kind() === 'identifier' && isComponentParam(left.text())) {
        // A for-loop variable is only in scope inside the loop body.
        if (kind === 'for_statement' && n.range().end.index < before) continue;
        return left.text();
      }
    }
  }
  return undefined;
}
