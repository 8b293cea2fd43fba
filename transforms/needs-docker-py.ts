/**
 * Python: where the orchestrator decides by test category whether a component needs Docker
 * (`_component_needs_docker(component, category)`), add the two rules of the migration first:
 * e2e always needs Docker; a component without its own test compose file runs on the host.
 * Where it picks an executor by category alone, the choice becomes per component (see
 * lib/py-executor-selector.ts).
 */
import type { SgNode } from '@ast-grep/napi';
import {
  finishEdits,
  isComponentParam,
  type ComposeTransformOptions,
  type TextEdit,
  type TransformApi,
  type TransformFile,
} from './lib/options.js';
import {
  bodyInsertPoint,
  hasImport,
  hasErrorNode,
  hasSyntaxErrors,
  importInsertIndex,
  indentUnit,
  owningClass,
  paramNames,
  parsePython,
  preferredQuote,
  pyString,
} from './lib/python.js';
import {
  CATEGORY_PARAM,
  DECIDER,
  isCandidate,
  rewriteExecutorSelectors,
} from './lib/py-executor-selector.js';

export const name = 'needs-docker-py';

const CATEGORY = CATEGORY_PARAM;

export default async function transform(
  file: TransformFile,
  api: TransformApi,
  options: ComposeTransformOptions,
): Promise<string | null | undefined> {
  const source = file.source;
  if (!isCandidate(source)) return undefined;
  const componentFile = options.rootFiles[0]?.componentFile;
  if (!componentFile) return undefined;
  const root = await parsePython(source);
  // An ERROR node is the cheap check; a rewrite is fully checked (missing tokens too) when re-parsed.
  if (hasErrorNode(root)) {
    api.report({ line: 1, message: 'not valid Python; left unchanged' });
    return null;
  }

  const edits: TextEdit[] = [];
  const quote = preferredQuote(source);
  const unit = indentUnit(source);
  const selectors = rewriteExecutorSelectors(root, {
    source,
    unit,
    quote,
    componentFile,
    componentDir: (v) => componentDirExpr(options, v, quote),
    rootOf: (fn) => projectRoot(fn, paramNames(fn)),
    usesPathlib: (rootRef) => usesPathlib(source, rootRef),
  });
  if (selectors.problems.length > 0) {
    for (const p of [...selectors.problems, ...selectors.notes]) api.report(p);
    return null;
  }
  edits.push(...selectors.edits);
  let needsOs = selectors.needsOs;
  for (const fn of root.findAll({ rule: { kind: 'function_definition' } })) {
    const fnName = fn.field('name')?.text() ?? '';
    if (!DECIDER.test(fnName)) continue;
    const params = paramNames(fn);
    const component = params.find(isComponentParam);
    const category = params.find((p) => CATEGORY.test(p));
    const line = fn.range().start.line + 1;
    if (!component || !category) {
      api.report({
        line,
        message: `${fnName} does not take a component and a test category; add the Docker check by hand`,
      });
      return null;
    }
    const body = fn.field('body')?.text() ?? '';
    if (new RegExp(`==\\s*["']e2e["']`).test(body) && body.includes(componentFile)) continue;
    const rootRef = projectRoot(fn, params);
    if (!rootRef) {
      api.report({
        line,
        message: `${fnName}: no project root in scope to find ${component}/${componentFile}; add the check by hand`,
      });
      return null;
    }
    const at = bodyInsertPoint(fn, source);
    if (!at) {
      api.report({ line, message: `${fnName}: cannot place the check; add it by hand` });
      return null;
    }
    const q = (s: string) => pyString(s, quote);
    const pathlib = usesPathlib(source, rootRef);
    const dir = componentDirExpr(options, component, quote);
    const exists = pathlib
      ? `(${rootRef} / ${dir} / ${q(componentFile)}).exists()`
      : `os.path.exists(os.path.join(${rootRef}, ${dir}, ${q(componentFile)}))`;
    needsOs ||= !pathlib;
    const i = at.indent;
    const lines = [
      `# E2E tests always need Docker`,
      `if ${category} == ${q('e2e')}:`,
      `${unit}return True`,
      `# Without its own ${componentFile} the component runs on the host`,
      `if not ${exists}:`,
      `${unit}return False`,
    ];
    edits.push({ start: at.index, end: at.index, text: at.lead + lines.join('\n' + i) + at.trail });
  }
  for (const n of selectors.notes) api.report(n);
  if (edits.length === 0) return undefined;
  if (needsOs && !hasImport(source, 'os')) {
    const at = importInsertIndex(root);
    edits.push({ start: at, end: at, text: 'import os\n' });
  }
  const out = await finishEdits(
    source,
    edits,
    api,
    async (text) => !hasSyntaxErrors(await parsePython(text)),
  );
  if (out === null) return null;
  return out;
}

function componentDirExpr(options: ComposeTransformOptions, component: string, quote: '"' | "'"): string {
  const entries = Object.entries(options.componentDirs).filter(([n, d]) => n !== d);
  if (entries.length === 0) return component;
  return `{${entries.map(([n, d]) => `${pyString(n, quote)}: ${pyString(d, quote)}`).join(', ')}}.get(${component}, ${component})`;
}

/** Is the root joined with `/` or typed as a Path somewhere in the file? */
function usesPathlib(source: string, rootRef: string): boolean {
  const bare = rootRef.replace(/^self\./, '');
  return (
    new RegExp(`${rootRef.replace('.', '\\.')}\\s*/`).test(source) ||
    new RegExp(`\\b${bare}\\s*:\\s*(Optional\\[)?Path\\b`).test(source) ||
    new RegExp(`${rootRef.replace('.', '\\.')}\\s*=\\s*[^\\n]*\\bPath[.(]`).test(source)
  );
}

/** `self.project_root` (or similar) for a method, a `*root*` parameter for a function. */
function projectRoot(fn: SgNode, params: string[]): string | undefined {
  const param = params.find((p) => /root|repo|base_dir|workspace/.test(p));
  if (param) return param;
  const cls = owningClass(fn);
  if (!cls) return undefined;
  const m = /self\.(project_root|repo_root|root_dir|root|workspace|base_dir)\s*=/.exec(cls.text());
  return m ? `self.${m[1]}` : undefined;
}
