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
import { scanReferences } from './references.js';
import { CANDIDATE as PY_CANDIDATE } from '../../transforms/lib/py-executor-selector.js';

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

export async function runCodemods(
  snapshot: RepoSnapshot,
  ctx: CodemodContext,
  progress?: (step: string, done: number, total: number) => void,
): Promise<CodemodRun> {
  const options = transformOptions(ctx);
  const names = options.rootFiles.map((r) => r.name);
  const changes: Change[] = [];
  const references: Reference[] = [];
  const outcomes: FileOutcome[] = [];
  const summary: CodemodSummary = { ok: 0, unmodified: 0, skipped: 0, error: 0 };
  const loaded = new Map<string, Transform>();

  if (names.length > 0) {
    const files = snapshot.files();
    for (const [i, path] of files.entries()) {
      progress?.('running codemods', i, files.length);
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
        const outcome: FileOutcome = { file: path, transform: t.name, status: 'unmodified', messages: [] };
        try {
          const out = await fn({ path, source }, { report: (s) => reports.push(s) }, options);
          if (out === null) outcome.status = 'skipped';
          else if (out !== undefined && out !== source) {
            outcome.status = 'ok';
            source = out;
            applied.push(t.name);
          }
        } catch (e) {
          outcome.status = 'error';
          reports.push({
            line: 1,
            message: `${t.name} failed: ${e instanceof Error ? e.message : String(e)}`,
          });
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

  const scanned = scanReferences(snapshot, ctx);
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

/** A run summary in jscodeshift's shape, followed by every place left to a human. */
export function formatSummary(run: CodemodRun): string {
  const s = run.summary;
  const out = [
    'Results:',
    `${s.error} errors`,
    `${s.unmodified} unmodified`,
    `${s.skipped} skipped`,
    `${s.ok} ok`,
  ];
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
