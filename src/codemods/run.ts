/**
 * Runs the orchestrator transforms over every JS/TS/Python file that needs them, then the plain-text
 * reference scan, and gathers changes, references and a jscodeshift-style summary.
 */
import type { RepoSnapshot } from '../repo/snapshot.js';
import type { Change, Reference } from '../plan/types.js';
import type {
  ComposeTransformOptions,
  RootFileSpec,
  SiteReport,
  TransformFile,
} from '../../transforms/lib/options.js';
import type { CodemodContext, CodemodRun, CodemodSummary, FileOutcome } from './types.js';
import { referenceKind, scanReferences } from './references.js';
import { candidateFiles } from './candidates.js';
import { CANDIDATE as PY_CANDIDATE } from '../../transforms/lib/py-executor-selector.js';
import { parsePythonAhead } from '../../transforms/lib/python.js';

type Transform = (
  file: TransformFile,
  api: { report: (s: SiteReport) => void },
  options: ComposeTransformOptions,
) => Promise<string | null | undefined>;

interface TransformEntry {
  name: string;
  language: 'js' | 'python';
  /** Cheap text test deciding whether a file is a candidate at all. */
  wants: (source: string, names: string[]) => boolean;
  load: () => Promise<Transform>;
}

const mentions = (source: string, names: string[]) => names.some((n) => source.includes(n));
const decides = (source: string) => /needs_?docker|requires_?docker|use_?docker/i.test(source);
const decidesPy = (source: string) => PY_CANDIDATE.test(source);

// Transform modules (and with them jscodeshift / ast-grep) load only when a candidate file exists.
const TRANSFORMS: TransformEntry[] = [
  {
    name: 'compose-path',
    language: 'js',
    wants: mentions,
    load: async () => (await import('../../transforms/compose-path.js')).default,
  },
  {
    name: 'needs-docker',
    language: 'js',
    wants: decides,
    load: async () => (await import('../../transforms/needs-docker.js')).default,
  },
  {
    name: 'compose-path-py',
    language: 'python',
    wants: mentions,
    load: async () => (await import('../../transforms/compose-path-py.js')).default,
  },
  {
    name: 'needs-docker-py',
    language: 'python',
    wants: decidesPy,
    load: async () => (await import('../../transforms/needs-docker-py.js')).default,
  },
];

/**
 * How many files ahead Python parses start (on libuv's pool). Each parse in flight holds its tree in
 * native memory; two ahead keep one core parsing while the transforms run, and on netra used 5 MB
 * less at its peak than four, in the same time.
 */
const PARSE_AHEAD = 2;

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
    code: { js: DECIDER_ANY, ere: DECIDER_ERE, pcre: DECIDER_ANY.source },
    isCode: (p) => languageOf(p) !== undefined,
  });
  return found.files;
}

// Decider or executor-selector text, for the candidate pass (each transform checks its own pattern).
const DECIDER_ANY = /(needs|requires|use)_?docker|def \w*(executor|runner)\w*\s*\(/i;
const DECIDER_ERE =
  '(needs|requires|use)_?docker|def [A-Za-z0-9_]*(executor|runner)[A-Za-z0-9_]*[[:space:]]*\\(';

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
  const archiveDir = ctx.archiveDir.replace(/\/$/, '');
  const out: UnreadableFile[] = [];
  for (const path of snapshot.files()) {
    if (rootPaths.has(path) || SKIP_DIR.test(path) || path.startsWith(`${archiveDir}/`)) continue;
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
  const names = options.rootFiles.map((r) => r.name);
  const changes: Change[] = [];
  const references: Reference[] = [];
  const outcomes: FileOutcome[] = [];
  const summary: CodemodSummary = { ok: 0, nochange: 0, skip: 0, error: 0 };
  const loaded = new Map<string, Transform>();
  const files = candidates ?? (await codemodCandidates(snapshot, ctx));

  // Python files a transform will parse are parsed a few files ahead, on other threads.
  let aheadUpTo = -1;
  const parseAhead = (upTo: number): void => {
    for (let j = aheadUpTo + 1; j <= Math.min(upTo, files.length - 1); j++) {
      const path = files[j]!;
      if (languageOf(path) !== 'python' || SKIP_DIR.test(path) || (snapshot.size(path) ?? 0) > MAX_BYTES)
        continue;
      const source = safeRead(snapshot, path);
      if (source !== undefined && TRANSFORMS.some((t) => t.language === 'python' && t.wants(source, names)))
        parsePythonAhead(source);
    }
    aheadUpTo = Math.max(aheadUpTo, upTo);
  };

  if (names.length > 0) {
    for (const [i, path] of files.entries()) {
      progress?.('running codemods', i, files.length);
      parseAhead(i + PARSE_AHEAD);
      const language = languageOf(path);
      if (!language || SKIP_DIR.test(path) || (snapshot.size(path) ?? 0) > MAX_BYTES) continue;
      const before = safeRead(snapshot, path);
      if (before === undefined) continue;
      let source = before;
      const applied: string[] = [];
      for (const t of TRANSFORMS) {
        if (t.language !== language || !t.wants(source, names)) continue;
        let fn = loaded.get(t.name);
        if (!fn) {
          fn = await t.load();
          loaded.set(t.name, fn);
        }
        const reports: SiteReport[] = [];
        const outcome: FileOutcome = { file: path, transform: t.name, status: 'nochange', messages: [] };
        try {
          const out = await fn({ path, source }, { report: (s) => reports.push(s) }, options);
          if (out === null) outcome.status = 'skip';
          else if (out !== undefined && out !== source) {
            outcome.status = 'ok';
            source = out;
            applied.push(t.name);
          }
        } catch (e) {
          outcome.status = 'error';
          outcome.why = `${t.name} failed: ${e instanceof Error ? e.message : String(e)}`;
          reports.push({ line: 1, message: outcome.why });
        }
        const lines = source.split('\n');
        for (const r of reports) {
          outcome.messages.push(`${path}:${r.line}: ${r.message}`);
          references.push({
            file: path,
            line: r.line,
            text: (before.split('\n')[r.line - 1] ?? lines[r.line - 1] ?? '').trim(),
            action: 'report',
            note: `${t.name}: ${r.message}`,
          });
        }
        if (outcome.status === 'skip')
          outcome.why =
            reports.length === 0
              ? 'the transform declined the file'
              : `${reports.length} place${reports.length === 1 ? '' : 's'} left to a human, first ${path}:${reports[0]!.line}: ${reports[0]!.message}`;
        summary[outcome.status]++;
        outcomes.push(outcome);
      }
      if (source !== before) {
        const line = firstDifferentLine(before, source);
        changes.push({
          op: 'modify',
          path,
          component: '',
          before,
          content: source,
          reason: `codemod ${applied.join(', ')}`,
        });
        references.push({
          file: path,
          line,
          text: (before.split('\n')[line - 1] ?? '').trim(),
          action: 'rewritten',
          note: `codemod ${applied.join(', ')}`,
        });
      }
    }
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

function safeRead(snapshot: RepoSnapshot, path: string): string | undefined {
  try {
    const text = snapshot.read(path);
    return text === undefined || text.includes('\0') ? undefined : text;
  } catch {
    return undefined;
  }
}

function firstDifferentLine(a: string, b: string): number {
  const x = a.split('\n');
  const y = b.split('\n');
  let i = 0;
  while (i < x.length && x[i] === y[i]) i++;
  return i + 1;
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
