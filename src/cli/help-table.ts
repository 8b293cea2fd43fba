/**
 * Help without commander. Starting Node takes most of `--help`'s time budget, and loading commander
 * (which loads child_process, net and streams) and building the program take a good part of the rest.
 * So `npm run build` runs every help invocation through run() (scripts/render-help.ts) and writes what
 * commander printed to `help.json` beside main.js; the process entry prints an entry of that table
 * for exactly its arguments, only while the table still matches: rendered from this main.js (which
 * holds the whole program definition) with this commander, for streams as wide as it was rendered
 * for. Anything else (no table, a stale one, a wider terminal) goes through commander as before.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OutStream } from './io.js';

/** What one invocation printed, and its exit code. */
export interface HelpEntry {
  argv: string[];
  stdout: string;
  stderr: string;
  code: number;
}

export interface HelpTable {
  /** What the text depends on; see helpStamp. */
  stamp: string;
  entries: HelpEntry[];
}

/** The table's file name, beside main.js. */
export const HELP_TABLE_FILE = 'help.json';

/** The width the build renders at: run()'s width for a stream that is not a terminal. */
export const RENDER_COLUMNS = 80;

/** FNV-1a, 32 bits: a change detector for one file, not a digest (node:crypto costs ms to load). */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/**
 * The version of the commander that main.js loads: the first node_modules/commander above it, the
 * folder Node's require finds first (without NODE_PATH or global folders: a commander found only
 * there gives undefined, and the caller runs commander). Read directly, as resolving it through
 * require takes longer than the rest of the lookup.
 */
function commanderVersion(mainFile: URL): string | undefined {
  for (let dir = dirname(fileURLToPath(mainFile)); ; dir = dirname(dir)) {
    const pkg = join(dir, 'node_modules', 'commander', 'package.json');
    if (basename(dir) !== 'node_modules' && existsSync(pkg)) {
      const version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version?: unknown }).version;
      return typeof version === 'string' ? version : undefined;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * What the help text depends on: the text of main.js (the program definition) and the version of the
 * commander it loads. Undefined when either cannot be read.
 */
export function helpStamp(mainFile: URL): string | undefined {
  try {
    const version = commanderVersion(mainFile);
    if (version === undefined) return undefined;
    const main = readFileSync(mainFile, 'utf8');
    return `commander ${version}; main.js ${main.length} chars, fnv1a ${fnv1a(main)}`;
  } catch {
    return undefined;
  }
}

/** The table beside `mainFile`, or undefined when there is none (a build by tsc alone). */
export function readHelpTable(mainFile: URL): HelpTable | undefined {
  try {
    const table = JSON.parse(readFileSync(new URL(HELP_TABLE_FILE, mainFile), 'utf8')) as HelpTable;
    return typeof table.stamp === 'string' && Array.isArray(table.entries) ? table : undefined;
  } catch {
    return undefined;
  }
}

const sameArgs = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((arg, i) => arg === b[i]);

/**
 * The rendered help for exactly `argv`, when it is what commander would print now: the table beside
 * `mainFile` has these arguments, every stream the entry writes to is as wide as the table was
 * rendered for (run() wraps help to the stream's columns), and the table's stamp is main.js's and
 * commander's today. Otherwise undefined, and the caller runs commander.
 */
export function prerenderedHelp(
  argv: readonly string[],
  io: { stdout: OutStream; stderr: OutStream },
  mainFile: URL,
): HelpEntry | undefined {
  const table = readHelpTable(mainFile);
  const entry = table?.entries.find((e) => sameArgs(e.argv, argv));
  if (!table || !entry) return undefined;
  if (entry.stdout !== '' && (io.stdout.columns ?? RENDER_COLUMNS) !== RENDER_COLUMNS) return undefined;
  if (entry.stderr !== '' && (io.stderr.columns ?? RENDER_COLUMNS) !== RENDER_COLUMNS) return undefined;
  return table.stamp === helpStamp(mainFile) ? entry : undefined;
}
