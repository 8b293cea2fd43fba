/**
 * Options every orchestrator transform receives. Kept free of planner types so a transform can also
 * run from the jscodeshift CLI with options on the command line.
 */
export interface RootFileSpec {
  /** Basename of a root compose file, as the orchestrator names it ("docker-compose.test.yaml"). */
  name: string;
  /** Basename of the component-level file that replaces it ("docker-compose.test.yaml"). */
  componentFile: string;
  /** Repo-relative places tried after the root file, e.g. its archived copy "todo/docker-compose.test.yaml". */
  fallbacks: string[];
}

export interface ComposeTransformOptions {
  rootFiles: RootFileSpec[];
  /** Component name -> repo-relative directory (the lookup joins the directory, not the name). */
  componentDirs: Record<string, string>;
}

/** A site a transform would not rewrite; the file is then left unchanged. */
export interface SiteReport {
  line: number;
  message: string;
}

/** The api object handed to every transform (a subset of jscodeshift's, plus structured reports). */
export interface TransformApi {
  report: (site: SiteReport) => void;
}

export interface TransformFile {
  path: string;
  source: string;
}

export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** Applies non-overlapping edits; overlapping edits mean a transform bug, so they throw. */
export function applyEdits(source: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    if (e.start < pos) throw new Error(`overlapping edits at offset ${e.start}`);
    out += source.slice(pos, e.start) + e.text;
    pos = e.end;
  }
  return out + source.slice(pos);
}

export function lineAt(source: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index && i < source.length; i++) if (source.charCodeAt(i) === 10) line++;
  return line;
}

/** Column (0-based) of the first non-blank character on the line holding `index`. */
export function indentAt(source: string, index: number): string {
  const lineStart = source.lastIndexOf('\n', index - 1) + 1;
  const m = /^[ \t]*/.exec(source.slice(lineStart));
  return m ? m[0] : '';
}

/** Does the parameter name say it carries a component name? */
export function isComponentParam(name: string): boolean {
  return /^(component|component_?name|componentName|comp)$/i.test(name);
}

export function stripDotSlash(value: string): string {
  return value.startsWith('./') ? value.slice(2) : value;
}

/**
 * Every transform ends the same way: apply its edits, re-parse, and refuse the whole file (null,
 * reported) when the result no longer parses, so nothing is ever half-rewritten.
 */
export async function finishEdits(
  source: string,
  edits: TextEdit[],
  api: TransformApi,
  parses: (text: string) => boolean | Promise<boolean>,
): Promise<string | null> {
  const out = applyEdits(source, edits);
  if (!(await parses(out))) {
    api.report({ line: 1, message: 'rewrite did not re-parse; left unchanged' });
    return null;
  }
  return out;
}
