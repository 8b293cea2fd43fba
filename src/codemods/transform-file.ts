/**
 * The orchestrator transforms over a list of files: file text and options in, plain data out (the
 * changes, references and per-transform outcomes of each file); nothing here reads the repository.
 */
import type { Change, Reference } from '../plan/types.js';
import type { ComposeTransformOptions, SiteReport, TransformFile } from '../../transforms/lib/options.js';
import type { FileOutcome } from './types.js';
import { isCandidate as decidesPy } from '../../transforms/lib/py-executor-selector.js';
import { parsePythonAhead } from '../../transforms/lib/python.js';

type Transform = (
  file: TransformFile,
  api: { report: (s: SiteReport) => void },
  options: ComposeTransformOptions,
) => Promise<string | null | undefined>;

export type Language = 'js' | 'python';

interface TransformEntry {
  name: string;
  language: Language;
  /** Cheap text test deciding whether a file is a candidate at all. */
  wants: (source: string, names: string[]) => boolean;
  load: () => Promise<Transform>;
}

const mentions = (source: string, names: string[]) => names.some((n) => source.includes(n));
const decides = (source: string) => /needs_?docker|requires_?docker|use_?docker/i.test(source);

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
 * How many code files ahead Python parses start (on libuv's pool). Each parse in flight holds its
 * tree in native memory: on netra one ahead peaks 10 MB below two (146 / 155 / 165 MB for none /
 * one / two).
 */
const PARSE_AHEAD = 1;

/** A file the transforms look at: its path, language and text (read by the caller). */
export interface TransformInput {
  path: string;
  language: Language;
  source: string;
}

/** What the transforms made of one file, in the order the plan lists them. */
export interface FileTransforms {
  change?: Change;
  references: Reference[];
  outcomes: FileOutcome[];
}

const loaded = new Map<string, Promise<Transform>>();

function transformNamed(t: TransformEntry): Promise<Transform> {
  let fn = loaded.get(t.name);
  if (!fn) {
    fn = t.load();
    loaded.set(t.name, fn);
  }
  return fn;
}

/**
 * Runs every transform that wants each file, one file after another, Python files parsed ahead on
 * other threads; `done` hears of each file as it is finished. A transform that throws is that file's
 * error outcome; a transform module that cannot be loaded rejects the whole run.
 */
export async function transformFiles(
  files: readonly TransformInput[],
  options: ComposeTransformOptions,
  done: (index: number, result: FileTransforms) => void,
): Promise<void> {
  const names = options.rootFiles.map((r) => r.name);
  let aheadUpTo = -1;
  const parseAhead = (upTo: number): void => {
    for (let j = aheadUpTo + 1; j <= Math.min(upTo, files.length - 1); j++) {
      const f = files[j]!;
      if (f.language !== 'python') continue;
      if (TRANSFORMS.some((t) => t.language === 'python' && t.wants(f.source, names)))
        parsePythonAhead(f.source);
    }
    aheadUpTo = Math.max(aheadUpTo, upTo);
  };
  for (const [i, file] of files.entries()) {
    parseAhead(i + PARSE_AHEAD);
    done(i, await transformFile(file, options, names));
  }
}

async function transformFile(
  file: TransformInput,
  options: ComposeTransformOptions,
  names: string[],
): Promise<FileTransforms> {
  const { path, language, source: before } = file;
  const references: Reference[] = [];
  const outcomes: FileOutcome[] = [];
  let source = before;
  const applied: string[] = [];
  for (const t of TRANSFORMS) {
    if (t.language !== language || !t.wants(source, names)) continue;
    const fn = await transformNamed(t);
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
    outcomes.push(outcome);
  }
  if (source === before) return { references, outcomes };
  const line = firstDifferentLine(before, source);
  references.push({
    file: path,
    line,
    text: (before.split('\n')[line - 1] ?? '').trim(),
    action: 'rewritten',
    note: `codemod ${applied.join(', ')}`,
  });
  const change: Change = {
    op: 'modify',
    path,
    component: '',
    before,
    content: source,
    reason: `codemod ${applied.join(', ')}`,
  };
  return { change, references, outcomes };
}

function firstDifferentLine(a: string, b: string): number {
  const x = a.split('\n');
  const y = b.split('\n');
  let i = 0;
  while (i < x.length && x[i] === y[i]) i++;
  return i + 1;
}
