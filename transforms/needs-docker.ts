/**
 * JS/TS: where the runner decides by test category whether a component needs Docker, add the two
 * rules of the migration first: e2e always needs Docker; a component without its own test compose
 * file runs on the host.
 */
import type { ASTPath } from 'jscodeshift';
import {
  finishEdits,
  isComponentParam,
  lineAt,
  type ComposeTransformOptions,
  type TextEdit,
  type TransformApi,
  type TransformFile,
} from './lib/options.js';
import {
  asNode,
  binding,
  detectStyle,
  jsString,
  lastImportEnd,
  loadJscodeshift,
  NAMED_DECIDER,
  params,
  type JsNode,
} from './lib/js.js';

export const name = 'needs-docker';
export const parser = 'tsx';

const DECIDER = /needs_?docker|requires_?docker|use_?docker|should_?use_?docker/i;
const CATEGORY = /^(category|testCategory|test_category|kind|testType|suite)$/;

export default async function transform(
  file: TransformFile,
  api: TransformApi,
  options: ComposeTransformOptions,
): Promise<string | null | undefined> {
  const source = file.source;
  if (!NAMED_DECIDER.test(source)) return undefined;
  const componentFile = options.rootFiles[0]?.componentFile;
  if (!componentFile) return undefined;
  const j = await loadJscodeshift(api as never);
  let tree;
  try {
    tree = j(source);
  } catch {
    return undefined;
  }
  const style = detectStyle(source, file.path);
  const q = (s: string) => jsString(s, style.quote);
  const edits: TextEdit[] = [];
  const deciders: ASTPath[] = [];
  tree.find(j.Function).forEach((p) => {
    const n = asNode(p.node);
    const key = asNode(
      n['id'] ??
        n['key'] ??
        (asNode(p.parent?.node).type === 'VariableDeclarator' ? asNode(p.parent?.node)['id'] : undefined) ??
        {},
    );
    if (typeof key['name'] === 'string' && DECIDER.test(key['name'])) deciders.push(p as unknown as ASTPath);
  });
  let problem = false;
  const join = binding(source, 'path', 'join', style);
  const exists = binding(source, 'fs', 'existsSync', style);
  for (const p of deciders) {
    const n = asNode(p.node);
    const line = lineAt(source, n.start);
    const names = params(p);
    const component = names.find(isComponentParam);
    const category = names.find((x) => CATEGORY.test(x));
    const root = names.find((x) => /root|repo|workspace|baseDir/i.test(x));
    if (!component || !category || !root) {
      api.report({
        line,
        message:
          'decides on Docker without a (root, component, category) in scope; add the component check by hand',
      });
      problem = true;
      continue;
    }
    const body = asNode(n['body']);
    if (body.type !== 'BlockStatement') {
      api.report({ line, message: 'expression-bodied decider; add the component check by hand' });
      problem = true;
      continue;
    }
    const bodyText = source.slice(body.start, body.end);
    if (/===?\s*['"]e2e['"]/.test(bodyText) && bodyText.includes(componentFile)) continue;
    const first = (body['body'] as JsNode[])[0];
    if (!first) continue;
    const indent = source.slice(source.lastIndexOf('\n', first.start - 1) + 1, first.start);
    if (/\S/.test(indent)) {
      problem = true;
      api.report({ line, message: 'cannot place the component check; add it by hand' });
      continue;
    }
    const dirs = Object.entries(options.componentDirs).filter(([a, b]) => a !== b);
    const dir =
      dirs.length === 0
        ? component
        : `(${'{ '}${dirs.map(([a, b]) => `${/^[A-Za-z_$][\w$]*$/.test(a) ? a : jsString(a, style.quote)}: ${jsString(b, style.quote)}`).join(', ')}${' }'}${style.typed ? ' as Record<string, string>' : ''})[${component}] ?? ${component}`;
    const s = style.semi;
    const lines = [
      `// E2E tests always need Docker`,
      `if (${category} === ${q('e2e')}) return true${s}`,
      `// Without its own ${componentFile} the component runs on the host`,
      `if (!${exists.expr}(${join.expr}(${root}, ${dir}, ${q(componentFile)}))) return false${s}`,
    ];
    edits.push({ start: first.start, end: first.start, text: lines.join('\n' + indent) + '\n' + indent });
  }
  if (problem) return null;
  if (edits.length === 0) return undefined;
  const imports = [join.importLine, exists.importLine].filter((l): l is string => l !== undefined);
  if (imports.length > 0) {
    const end = lastImportEnd(asNode(tree.find(j.Program).get().node), source);
    edits.push(
      end === undefined
        ? { start: 0, end: 0, text: imports.join('\n') + '\n\n' }
        : { start: end, end, text: '\n' + imports.join('\n') },
    );
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
  return out;
}
