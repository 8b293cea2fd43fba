import type { ComposeFile, EffectiveProject, VarSource } from '../compose/types.js';
import { loadProject, normalizeProjectName } from '../compose/load.js';
import { loadDotEnv, variablesIn } from '../compose/interpolate.js';
import type { Analysis, EnvName, EnvFileRead, MigrateConfig, PlanEnv } from '../model.js';
import type { RepoSnapshot } from '../repo/snapshot.js';
import { analyze } from './analyze.js';
import { discoverComposeFiles, dotEnvPath, projectDirOf } from './discovery.js';
import { layoutEnvironments } from './environments.js';

/** `step` names the long step; `done` of `total` units are finished. */
export type Progress = (step: string, done: number, total: number) => void;

export interface AnalyzeOptions {
  withPeers?: boolean;
  /** Shell environment for interpolation during analysis (default: none, so plans are reproducible). */
  env?: Record<string, string | undefined>;
  /**
   * Paths git tracks, among the root's env files (`.env`, `.env.example`, ...); undefined when
   * unknown (no git), and then an existing `.env` counts as committed.
   */
  committed?: ReadonlySet<string>;
  progress?: Progress;
  /** Root files already parsed, by path (the plan parses them while a search runs); filled as files are read. */
  cache?: Map<string, ComposeFile>;
}

/** Committed files a repository keeps beside an untracked `.env`, declaring what it must set. */
export const ENV_EXAMPLE_NAMES = ['.env.example', '.env.sample', '.env.template', '.env.dist'];

export interface LoadedRepo {
  rootFiles: string[];
  layout: ReturnType<typeof layoutEnvironments>;
  projects: Map<EnvName, EffectiveProject>;
  vars: VarSource;
  rootEnvKeys: Set<string>;
  /** The variables of that .env (the shell's are not among them). */
  rootEnv: ReadonlyMap<string, string>;
  /** The .env compose reads for these files: the project directory's (the first file's folder). */
  envFile: string;
  /** Which env files were read, and what the plan owes to an untracked one. */
  env: PlanEnv;
  /** Files the projects were read from (root files plus extends/include sources). */
  sources: Set<string>;
}

/** Reads the root compose files once and merges them per environment. */
export function loadRepo(
  snapshot: RepoSnapshot,
  config: MigrateConfig,
  shellEnv: Record<string, string | undefined> = {},
  progress?: Progress,
  committed?: ReadonlySet<string>,
  cache: Map<string, ComposeFile> = new Map(),
): LoadedRepo {
  const discovery = discoverComposeFiles(snapshot, config);
  const rootFiles = discovery.files;
  snapshot.readAhead?.(rootFiles);
  const layout = layoutEnvironments({ snapshot, files: rootFiles, config, cache });
  layout.findings.unshift(...discovery.findings);
  const envFile = dotEnvPath(projectDirOf(layout.environments[0]?.files ?? rootFiles));
  const dotenvText = snapshot.read(envFile);
  const dotenv = dotenvText === undefined ? new Map<string, string>() : loadDotEnv(dotenvText);
  // A committed example (.env.example) declares what the .env holds: its variables count as the
  // root .env's whether or not a local copy exists, and its values stand in for an absent one, so
  // that the plan is the same with and without the untracked file.
  const dir = envFile.slice(0, -'.env'.length);
  const examples = ENV_EXAMPLE_NAMES.map((n) => `${dir}${n}`).filter(
    (p) => snapshot.exists(p) && (committed === undefined || committed.has(p)),
  );
  const exampleFiles = examples.map((p) => ({ path: p, values: loadDotEnv(snapshot.read(p) ?? '') }));
  const example = new Map<string, string>();
  for (const f of exampleFiles) for (const [k, v] of f.values) if (!example.has(k)) example.set(k, v);
  const vars: VarSource = (name) => shellEnv[name] ?? dotenv.get(name) ?? example.get(name);
  const projects = new Map<EnvName, EffectiveProject>();
  const sources = new Set<string>(rootFiles);
  for (const [i, env] of layout.environments.entries()) {
    progress?.(`loading compose files (${env.name})`, i, layout.environments.length);
    // Compose names the project from COMPOSE_PROJECT_NAME (shell, then .env) before `name:` (which
    // may itself be interpolated) and the folder: volume names pinned from it must agree.
    const named = vars('COMPOSE_PROJECT_NAME');
    const project = loadProject(snapshot, env.files, env.name, {
      cache,
      vars,
      ...(named ? { projectName: normalizeProjectName(named) } : {}),
    });
    projects.set(env.name, project);
    for (const svc of project.services.values()) for (const s of svc.sources) sources.add(s);
  }
  for (const f of cache.keys()) sources.add(f);
  for (const p of examples) sources.add(p);
  const env = envReport(
    envFile,
    dotenvText !== undefined ? dotenv : undefined,
    exampleFiles,
    example,
    committed,
    projects,
  );
  const rootEnvKeys = new Set([...dotenv.keys(), ...example.keys()]);
  // The values the plan rebases variable-held paths from: the example's, overlaid by a local .env.
  const rootEnv = new Map([...example, ...dotenv]);
  return { rootFiles, layout, projects, vars, rootEnvKeys, rootEnv, envFile, env, sources };
}

/**
 * What the plan read for the root .env and what it owes to an untracked one: variables the root
 * files use that only the local .env sets, or sets to another value than the committed example.
 */
function envReport(
  envFile: string,
  dotenv: Map<string, string> | undefined,
  examples: { path: string; values: Map<string, string> }[],
  example: Map<string, string>,
  committed: ReadonlySet<string> | undefined,
  projects: Map<EnvName, EffectiveProject>,
): PlanEnv {
  const read: EnvFileRead[] = [];
  const local = dotenv !== undefined && committed !== undefined && !committed.has(envFile);
  if (dotenv !== undefined)
    read.push({ path: envFile, source: local ? 'local' : 'committed', variables: dotenv.size });
  for (const f of examples) read.push({ path: f.path, source: 'example', variables: f.values.size });
  const used = new Set<string>();
  for (const project of projects.values())
    for (const svc of project.services.values()) for (const v of variablesOfValue(svc.config)) used.add(v);
  const localOnly: string[] = [];
  const differs: string[] = [];
  if (local && dotenv) {
    for (const v of [...used].sort()) {
      const value = dotenv.get(v);
      if (value === undefined) continue;
      const declared = example.get(v);
      if (declared === undefined) localOnly.push(v);
      else if (declared !== value) differs.push(v);
    }
  }
  return { file: envFile, read, localOnly, differs };
}

function variablesOfValue(value: unknown): string[] {
  if (typeof value === 'string') return value.includes('$') ? variablesIn(value) : [];
  if (Array.isArray(value)) return value.flatMap(variablesOfValue);
  if (value && typeof value === 'object') return Object.values(value).flatMap(variablesOfValue);
  return [];
}

/** Load and analyse: everything `plan`, `status` and `verify` need to know about the repository. */
export function analyzeRepo(
  snapshot: RepoSnapshot,
  config: MigrateConfig,
  options: AnalyzeOptions = {},
): { repo: LoadedRepo; analysis: Analysis } {
  const repo = loadRepo(snapshot, config, options.env, options.progress, options.committed, options.cache);
  options.progress?.('analysing services', 0, 1);
  const analysis = analyze({
    snapshot,
    config,
    environments: repo.layout.environments,
    projects: repo.projects,
    vars: repo.vars,
    rootEnvKeys: repo.rootEnvKeys,
    withPeers: options.withPeers === true,
  });
  return { repo, analysis };
}
