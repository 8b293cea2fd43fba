import { archiveFolder } from '../config/archive-dir.js';
import { posix } from 'node:path';
import type { MigrateConfig } from '../config/types.js';
import type { RepoSnapshot } from '../repo/snapshot.js';
import { OverlaySnapshot } from '../git/tree-snapshot.js';
import { analyzeRepo } from '../analysis/load-repo.js';
import { componentComposeFiles } from '../generate/build-plan.js';
import { envFileOfLine, makeExportsOf } from '../generate/makefile.js';
import { checkComponentNames } from '../plan/component-names.js';
import { isMigrateError } from '../errors.js';
import { isComposeFileName } from '../analysis/environments.js';
import { parseComposeFile } from '../compose/parse.js';
import type { ComposeFile } from '../compose/types.js';
import { verifyComponent, type Difference } from './verify.js';

export interface FileVerdict {
  component: string;
  env: string;
  file: string;
  services: string[];
  /** Every difference in meaning, those the plan reported (`reported`) included. */
  differences: Difference[];
  /**
   * equal: the same meaning as the original, except the planned adjustments; differs: at least one
   * difference (reported by the plan or not); error: compose would refuse one side (`error` says why).
   */
  verdict: 'equal' | 'differs' | 'error';
  /** Differences the plan did not report. */
  unexplained: number;
  /** Differences the plan reported as losses (a dropped reference to a service not copied). */
  reported: number;
  /** Why the file could not be compared: compose would refuse it or the original (file:line). */
  error?: { code: string; message: string; file?: string; line?: number };
}

/** How a component's Makefile runs compose: its exports and the `--env-file` its compose lines pass. */
export interface MakefileEnv {
  exports: Record<string, string>;
  /** Repo-relative; undefined when its compose lines pass none. */
  envFile: string | undefined;
}

const COMPOSE_LINE = /\bdocker[- ]compose\b/;

/** The lines of a component's Makefile and compose.mk, and the variables they export. */
interface Makefiles {
  lines: string[];
  exports: Record<string, string>;
}

function readMakefiles(disk: RepoSnapshot, componentDir: string): Makefiles {
  const lines = ['Makefile', 'compose.mk']
    .map((f) => disk.read(posix.join(componentDir, f)))
    .filter((t): t is string => t !== undefined)
    .flatMap((t) => t.split('\n'));
  return { lines, exports: makeExportsOf(lines) };
}

/**
 * From the component's Makefile and compose.mk as they are on disk (`readMakefiles`): `export NAME ?= value`
 * lines (also `=`, `:=`), and the `--env-file` of the compose lines that run `file` (else of any
 * compose line, as the generated Makefile passes one env file to every target).
 */
export function makefileEnv(
  disk: RepoSnapshot,
  componentDir: string,
  file: string,
  makefiles: Makefiles,
): MakefileEnv {
  const { lines, exports } = makefiles;
  const base = posix.relative(componentDir, file);
  // A file passed only when it exists (an untracked .env) counts only where it does.
  const envFileOf = (line: string): string | undefined => {
    const e = envFileOfLine(line);
    if (e === undefined) return undefined;
    return e.optional && !disk.exists(posix.normalize(posix.join(componentDir, e.path))) ? undefined : e.path;
  };
  const compose = lines.filter((l) => COMPOSE_LINE.test(l));
  const own = compose.filter((l) => l.includes(`-f '${base}'`) || new RegExp(`-f ${base}(\\s|$)`).test(l));
  const envFile = (own.length ? own : compose).map(envFileOf).find((e) => e !== undefined);
  return {
    exports,
    envFile: envFile === undefined ? undefined : posix.normalize(posix.join(componentDir, envFile)),
  };
}

/**
 * For every generated file the migration wrote, compare each of its services with the same service
 * in the original root layering. The intentional adjustments are recomputed from the original, so an
 * edit made to a generated file after apply shows up as a difference. `written` (from the apply
 * commits) limits the check to files the migration added; without it, files on disk that are not
 * root compose files. A file compose would refuse (`${VAR:?}` unset) is that file's error; the
 * others are still compared.
 */
export function verifyRepo(
  original: RepoSnapshot,
  disk: RepoSnapshot,
  config: MigrateConfig,
  only?: string,
  shellEnv: NodeJS.ProcessEnv = {},
  written?: ReadonlySet<string>,
  parsed: ReadonlyMap<string, ComposeFile> = new Map(),
): FileVerdict[] {
  const { repo, analysis } = analyzeRepo(original, config);
  if (only !== undefined)
    checkComponentNames(
      [only],
      analysis.components.map((c) => c.name),
    );
  const rootFiles = new Set(repo.rootFiles);
  const verdicts: FileVerdict[] = [];
  for (const component of analysis.components) {
    if (only !== undefined && component.name !== only) continue;
    // Read once for the component's files (one per environment).
    let makefiles: Makefiles | undefined;
    for (const file of componentComposeFiles(component, analysis, repo, config, repo.layout.extension)) {
      if (!disk.exists(file.path)) continue;
      // A root compose file where a component's file would go (that component was skipped) was never written.
      if (rootFiles.has(file.path) || (written !== undefined && !written.has(file.path))) continue;
      const env = analysis.environments.find((e) => e.name === file.env);
      if (!env) continue;
      const snapshot = new OverlaySnapshot(original, disk, new Set([file.path]));
      const verdict: FileVerdict = {
        component: component.name,
        env: file.env,
        file: file.path,
        services: file.services,
        differences: [],
        verdict: 'equal',
        unexplained: 0,
        reported: 0,
      };
      try {
        verdict.differences = verifyComponent({
          snapshot,
          env: file.env,
          rootFiles: env.files,
          componentFile: file.path,
          parsed: parsed.get(file.path),
          original: repo.projects.get(file.env),
          adjustments: file.applied,
          services: file.services,
          // As compose would: the shell's variables over the Makefile's exports over its env file.
          shellEnv,
          componentEnv: makefileEnv(
            disk,
            component.path,
            file.path,
            (makefiles ??= readMakefiles(disk, component.path)),
          ),
          envFiles: disk,
        });
      } catch (e) {
        if (!isMigrateError(e)) throw e;
        verdict.verdict = 'error';
        verdict.error = {
          code: e.code,
          message: e.message,
          ...(e.location ? { file: e.location.file } : {}),
          ...(e.location?.line !== undefined ? { line: e.location.line } : {}),
        };
      }
      verdict.reported = verdict.differences.filter((d) => d.reported !== undefined).length;
      verdict.unexplained = verdict.differences.length - verdict.reported;
      if (verdict.verdict !== 'error' && verdict.differences.length > 0) verdict.verdict = 'differs';
      verdicts.push(verdict);
    }
  }
  return verdicts;
}

/** Parse-ahead work between two yields, so that git's answers are taken up promptly. */
const SLICE_MS = 4;

/**
 * The compose files below the root on disk (the generated ones among them; not the archived root
 * files), parsed while the caller waits for git (until `done` settles), a few at a time with a yield
 * between: verify reads the history and the original tree from git first, and would otherwise wait
 * with nothing to do. What is not parsed by then is parsed when it is loaded. A file that cannot be
 * read or parsed is left out; loading it again reports why.
 */
export async function parseComposeFilesAhead(
  disk: RepoSnapshot,
  config: Pick<MigrateConfig, 'fileNames' | 'archiveDir'>,
  done: Promise<unknown>,
): Promise<Map<string, ComposeFile>> {
  let waiting = true;
  const stop = (): void => {
    waiting = false;
  };
  done.then(stop, stop);
  const configured = new Set(Object.values(config.fileNames ?? {}));
  // The archived root files are the largest compose files of all and never a generated one.
  const archived = `${archiveFolder(config.archiveDir)}/`;
  const paths = disk.files().filter((p) => {
    if (p.startsWith(archived)) return false;
    const slash = p.lastIndexOf('/');
    const name = p.slice(slash + 1);
    return slash > 0 && (isComposeFileName(name) || configured.has(name));
  });
  const out = new Map<string, ComposeFile>();
  let since = performance.now();
  for (const path of paths) {
    if (!waiting) break;
    try {
      const bytes = disk.symlinkTarget(path) === undefined ? disk.readBytes(path) : undefined;
      if (bytes !== undefined) out.set(path, parseComposeFile(path, bytes));
    } catch {
      /* reported when the file is loaded */
    }
    if (performance.now() - since > SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      since = performance.now();
    }
  }
  return out;
}
