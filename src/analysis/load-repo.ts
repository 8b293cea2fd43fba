import type { ComposeFile, EffectiveProject, VarSource } from '../compose/types.js';
import { loadProject, normalizeProjectName } from '../compose/load.js';
import { loadDotEnv } from '../compose/interpolate.js';
import type { Analysis, EnvName, MigrateConfig } from '../model.js';
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
  progress?: Progress;
}

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
  /** Files the projects were read from (root files plus extends/include sources). */
  sources: Set<string>;
}

/** Reads the root compose files once and merges them per environment. */
export function loadRepo(
  snapshot: RepoSnapshot,
  config: MigrateConfig,
  shellEnv: Record<string, string | undefined> = {},
  progress?: Progress,
): LoadedRepo {
  const discovery = discoverComposeFiles(snapshot, config);
  const rootFiles = discovery.files;
  const cache = new Map<string, ComposeFile>();
  const layout = layoutEnvironments({ snapshot, files: rootFiles, config, cache });
  layout.findings.unshift(...discovery.findings);
  const envFile = dotEnvPath(projectDirOf(layout.environments[0]?.files ?? rootFiles));
  const dotenvText = snapshot.read(envFile);
  const dotenv = dotenvText === undefined ? new Map<string, string>() : loadDotEnv(dotenvText);
  const vars: VarSource = (name) => shellEnv[name] ?? dotenv.get(name);
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
  return {
    rootFiles,
    layout,
    projects,
    vars,
    rootEnvKeys: new Set(dotenv.keys()),
    rootEnv: dotenv,
    envFile,
    sources,
  };
}

/** Load and analyse: everything `plan`, `status` and `verify` need to know about the repository. */
export function analyzeRepo(
  snapshot: RepoSnapshot,
  config: MigrateConfig,
  options: AnalyzeOptions = {},
): { repo: LoadedRepo; analysis: Analysis } {
  const repo = loadRepo(snapshot, config, options.env, options.progress);
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
