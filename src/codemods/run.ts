/**
 * Runs the orchestrator transforms over every JS/TS/Python file that needs them, then the plain-text
 * reference scan, and gathers changes, references and a jscodeshift-style summary.
 */
import type { RepoSnapshot } from '../repo/snapshot.js';
import type { Change, Reference } from '../plan/types.js';
import type { ComposeTransformOptions, RootFileSpec } from '../../transforms/lib/options.js';
import type { CodemodContext, CodemodRun, CodemodSummary, FileOutcome } from './types.js';
import { referenceKind, scanReferences } from './references.js';
import { candidateFiles } from './candidates.js';
import { transformFiles, type TransformInput } from './transform-file.js';

const SKIP_DIR = /(^|\/)(node_modules|\.git|dist|build|vendor|\.venv|venv|__pycache__|__testfixtures__)\//;
const MAX_BYTES = 1_000_000;

export function languageOf(path: string): 'js' | 'python' | undefined {
  if (/\.(m?[jt]sx?|c[jt]s)$/.test(path) && !path.endsWith('.d.ts')) return 'js';
  if (path.endsWith('.py')) return 'python';
  return undefined;
}

const ENV_ORDER = ['test', 'dev', 'prod'];

/** Transform options from the planner's context; test lookups first (needs-docker checks that file). */
export function transformOptions(ctx: CodemodContext): ComposeTransformOptions {
  const rootFiles: RootFileSpec[] = [];
  const seen = new Set<string>();
  const sorted = [...ctx.rootComposeFiles].sort((a, b) => rank(a.env) - rank(b.env));
  for (const r of sorted) {
    const componentFile = (ctx.fileNames as Record<string, string | undefined>)[r.env];
    const name = r.path.slice(r.path.lastIndexOf('/') + 1);
    if (!componentFile || seen.has(name)) continue;
    seen.add(name);
    const archived = ctx.archivedPaths[r.path];
    rootFiles.push({ name, componentFile, fallbacks: archived ? [archived] : [] });
  }
  const componentDirs: Record<string, string> = {};
  for (const c of ctx.components) componentDirs[c.name] = c.path;
  return { rootFiles, componentDirs };
}

function rank(env: string): number {
  const i = ENV_ORDER.indexOf(env);
  return i < 0 ? ENV_ORDER.length : i;
}

/** Words of a compose command that names no file: such lines read the root files implicitly. */
export const COMPOSE_COMMAND_WORDS = ['docker compose', 'docker-compose', 'COMPOSE_FILE'];

/** Every root compose file basename, the strings that make a file worth opening. */
export function rootNames(ctx: CodemodContext): string[] {
  return [...new Set(ctx.rootComposeFiles.map((r) => r.path.slice(r.path.lastIndexOf('/') + 1)))];
}

/** The one text pass that picks the files worth opening, for the transforms and the reference scan. */
export function codemodCandidates(snapshot: RepoSnapshot, ctx: CodemodContext): Promise<string[]> {
  return candidatesFor(snapshot, rootNames(ctx));
}

/** The candidate pass for root files of these basenames (what `rootNames` gives). */
export async function candidatesFor(snapshot: RepoSnapshot, names: readonly string[]): Promise<string[]> {
  const found = await candidateFiles(snapshot, {
    fixed: [...names, ...COMPOSE_COMMAND_WORDS],
    code: DECIDER_TEXT,
    isCode: (p) => languageOf(p) !== undefined,
  });
  return found.files;
}

/**
 * Decider or executor-selector text, for the candidate pass (each transform checks its own pattern):
 * one pattern written three ways (a test checks they pick the same files). In the Perl-compatible
 * form the verb before "docker" is a lookbehind: a pattern that starts with the verb makes git's
 * matcher try every n, r and u of the tree (0.2 s on a 94 MB tree; 0.1 s this way).
 */
export const DECIDER_TEXT = {
  js: /(needs|requires|use)_?docker|def \w*(executor|runner)\w*\s*\(/i,
  ere: '(needs|requires|use)_?docker|def [A-Za-z0-9_]*(executor|runner)[A-Za-z0-9_]*[[:space:]]*\\(',
  pcre: ['(?<=needs|requires|use|needs_|requires_|use_)docker', 'def \\w*(executor|runner)\\w*\\s*\\('],
} as const;

/** A file the codemods or the reference scan would look at but cannot read, and why. */
export interface UnreadableFile {
  file: string;
  why: string;
}

/**
 * Files of the kinds the transforms and the reference scan look at (code, Makefiles, scripts,
 * package.json, CI, docs) that cannot be read: a reference to a root compose file in one would be
 * left behind unseen, so each is reported instead of skipped.
 */
export function unreadableFiles(snapshot: RepoSnapshot, ctx: CodemodContext): UnreadableFile[] {
  if (!snapshot.unreadable) return [];
  const rootPaths = new Set(ctx.rootComposeFiles.map((r) => r.path));
  const out: UnreadableFile[] = [];
  for (const path of snapshot.files()) {
    if (rootPaths.has(path) || SKIP_DIR.test(path) || path.startsWith(`${ctx.archiveDir}/`)) continue;
    const kind = referenceKind(path);
    if (languageOf(path) === undefined && (kind === 'other' || kind === 'compose')) continue;
    const why = snapshot.unreadable(path);
    if (why !== undefined) out.push({ file: path, why });
  }
  return out;
}

export async function runCodemods(
  snapshot: RepoSnapshot,
  ctx: CodemodContext,
  progress?: (step: string, done: number, total: number) => void,
  candidates?: readonly string[],
  unreadable: readonly UnreadableFile[] = unreadableFiles(snapshot, ctx),
): Promise<CodemodRun> {
  const options = transformOptions(ctx);
  const changes: Change[] = [];
  const references: Reference[] = [];
  const outcomes: FileOutcome[] = [];
  const summary: CodemodSummary = { ok: 0, nochange: 0, skip: 0, error: 0 };
  const files = candidates ?? (await codemodCandidates(snapshot, ctx));

  if (options.rootFiles.length > 0) {
    const inputs = transformInputs(snapshot, files);
    let count = 0;
    await transformFiles(inputs, options, (_, r) => {
      progress?.('running codemods', count++, inputs.length);
      references.push(...r.references);
      if (r.change) changes.push(r.change);
      for (const o of r.outcomes) {
        summary[o.status]++;
        outcomes.push(o);
      }
    });
  }

  for (const u of unreadable) {
    outcomes.push({
      file: u.file,
      transform: 'read',
      status: 'error',
      why: `cannot be read: ${u.why}`,
      messages: [],
    });
    summary.error++;
  }

  const scanned = scanReferences(snapshot, ctx, files);
  changes.push(...scanned.changes);
  references.push(...scanned.references);
  return { changes, references, summary, outcomes };
}

/**
 * The candidates the transforms look at (code, outside skipped folders, not too large, readable
 * text). Each input reads its text from the snapshot when its turn comes (the snapshot keeps the
 * bytes; the decoded text is not held between uses).
 */
function transformInputs(snapshot: RepoSnapshot, files: readonly string[]): TransformInput[] {
  const out: TransformInput[] = [];
  for (const path of files) {
    const language = languageOf(path);
    if (!language || SKIP_DIR.test(path) || (snapshot.size(path) ?? 0) > MAX_BYTES) continue;
    if (safeRead(snapshot, path) === undefined) continue;
    // The snapshot keeps the bytes it read: reading again gives the text just checked.
    out.push({
      path,
      language,
      get source() {
        return snapshot.read(path) ?? '';
      },
    });
  }
  return out;
}

function safeRead(snapshot: RepoSnapshot, path: string): string | undefined {
  try {
    const text = snapshot.read(path);
    return text === undefined || text.includes('\0') ? undefined : text;
  } catch {
    return undefined;
  }
}

const TAG: Record<FileOutcome['status'], string> = {
  ok: 'OKK ',
  nochange: 'NOC ',
  skip: 'SKIP',
  error: 'ERR ',
};

/** One line per file and transform, jscodeshift's tags, and the summary line. */
export function formatOutcomes(outcomes: readonly FileOutcome[], summary: CodemodSummary): string[] {
  const out = outcomes.map((o) => `${TAG[o.status]} ${o.file} (${o.transform})${o.why ? `: ${o.why}` : ''}`);
  out.push(summaryLine(summary));
  return out;
}

export function summaryLine(s: CodemodSummary): string {
  return `Results: ${s.ok} ok, ${s.nochange} nochange, ${s.skip} skip, ${s.error} error`;
}

/** The per-file outcomes and summary line, followed by every reference rewritten or left to a human. */
export function formatSummary(run: CodemodRun): string {
  const out = formatOutcomes(run.outcomes, run.summary);
  const rewritten = run.references.filter((r) => r.action === 'rewritten');
  const left = run.references.filter((r) => r.action === 'report');
  if (rewritten.length > 0) {
    out.push('', `Rewritten (${rewritten.length}):`);
    for (const r of rewritten) out.push(`  ${r.file}:${r.line}: ${r.note ?? r.text}`);
  }
  if (left.length > 0) {
    out.push('', `Left to a human (${left.length}):`);
    for (const r of left) out.push(`  ${r.file}:${r.line}: ${r.note ?? ''}${r.text ? ` — ${r.text}` : ''}`);
  }
  return out.join('\n');
}
