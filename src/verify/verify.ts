import { isDeepStrictEqual } from 'node:util';
import type { Adjustment, EnvName } from '../analysis/types.js';
import { shiftHostPort } from '../generate/ports.js';
import { isYamlMap, mountOf, referencedService } from '../compose/short-syntax.js';
import { posix } from 'node:path';
import { collectTopLevelUse } from '../generate/service-references.js';
import { interpolate, interpolateOrKeep, loadDotEnv, varSource } from '../compose/interpolate.js';
import { loadProject, normalizeProjectName } from '../compose/load.js';
import { cloneValue } from '../compose/clone.js';
import { normalizeService, type NormalizeOptions } from '../compose/normalize.js';
import type {
  ComposeFile,
  EffectiveProject,
  EffectiveService,
  VarSource,
  YamlMap,
  YamlValue,
} from '../compose/types.js';
import { isMigrateError, MigrateError } from '../errors.js';
import type { RepoSnapshot } from '../repo/snapshot.js';

/** One way a migrated service's effective config differs from the original's. */
export interface Difference {
  service: string;
  env: EnvName;
  /** Key path inside the service: "environment.DATABASE_URL", "volumes[1]". */
  path: string;
  original: YamlValue | undefined;
  generated: YamlValue | undefined;
  /**
   * Set when the plan itself reported this change as a loss (a reference to a service the file does
   * not hold, dropped: `dependency-dropped`): a real difference in meaning, but a known one.
   */
  reported?: 'dependency-dropped';
}

export interface VerifyServiceInput {
  service: string;
  env: EnvName;
  /** Effective configs as the loader returns them (paths repo-root-relative on both sides). */
  original: YamlMap;
  generated: YamlMap;
  /** Intentional changes; only those for this service and env are used. */
  adjustments: Adjustment[];
  /** How the original side is brought to canonical form: repo root as projectDir, the variables compose would see. */
  normalize: NormalizeOptions;
  /**
   * The generated side's own: the variables compose sees where the component's Makefile runs it, and
   * the component folder that a path read from a variable resolves against. Defaults to `normalize`.
   */
  generatedNormalize?: NormalizeOptions;
}

/**
 * Every difference between the original and generated config of one service. Adjustments are undone
 * on a copy of the generated side, so an adjustment that touched more than it claims still shows up.
 * A reference the plan dropped (depends_on, links, volumes_from on a service the file does not hold)
 * changes what the file means: it is a difference, marked `reported` because the plan named it.
 */
export function verifyService(input: VerifyServiceInput): Difference[] {
  const { service, env } = input;
  // Canonical form (long syntax, interpolated, absolute paths): only meaning is compared, not spelling.
  const original = normalizeService(cloneValue(input.original), input.normalize);
  const generated = normalizeService(
    cloneValue(input.generated),
    input.generatedNormalize ?? input.normalize,
  );
  // Mounts are keyed by target in Compose: their order is no part of the meaning.
  for (const side of [original, generated])
    if (Array.isArray(side.volumes)) side.volumes = byTarget(side.volumes);
  const dropped: Adjustment[] = [];
  for (const adj of input.adjustments) {
    if (adj.env !== env || !('service' in adj) || adj.service !== service) continue;
    if (adj.kind === 'dependency-dropped') dropped.push(adj);
    else explain(evaluated(adj, input.normalize.vars), original, generated);
  }
  const all: Difference[] = [];
  diff(original, generated, '', (path, o, g) => all.push({ service, env, path, original: o, generated: g }));
  if (dropped.length === 0 || all.length === 0) return all;
  // What is left once the dropped references are taken out of the original is not the plan's doing.
  const rest = cloneValue(original);
  for (const adj of dropped)
    if (adj.kind === 'dependency-dropped') dropReference(rest, adj.dependency, adj.key);
  const unexplained = new Set<string>();
  diff(rest, generated, '', (path) => unexplained.add(path));
  // Paths are compared with their parts: `links` against `links[0]` when the drop changed the length.
  const within = (a: string, b: string): boolean =>
    a === b || a === '' || b.startsWith(`${a}.`) || b.startsWith(`${a}[`);
  const isUnexplained = (path: string): boolean =>
    [...unexplained].some((u) => within(path, u) || within(u, path));
  return all.map((d) => (isUnexplained(d.path) ? d : { ...d, reported: 'dependency-dropped' as const }));
}

function byTarget(volumes: YamlValue[]): YamlValue[] {
  const target = (v: YamlValue): string => (isYamlMap(v) ? String(v.target ?? '') : '');
  return [...volumes].sort((a, b) => target(a).localeCompare(target(b)));
}

/** Adjustments record values as written (`${PG_PORT:-5432}`); the comparison is over interpolated ones. */
function evaluated(adj: Adjustment, vars: VarSource): Adjustment {
  const value = (v: string): string => {
    try {
      return v.includes('$') ? interpolate(v, vars) : v;
    } catch {
      return v;
    }
  };
  if (adj.kind === 'host-port') return { ...adj, from: value(adj.from) };
  if (adj.kind === 'container-name') return { ...adj, from: value(adj.from) };
  return adj;
}

function explain(adj: Adjustment, original: YamlMap, generated: YamlMap): void {
  switch (adj.kind) {
    case 'container-name':
      if (original.container_name === adj.from) {
        delete original.container_name;
        if (adj.to === null ? generated.container_name === undefined : generated.container_name === adj.to)
          delete generated.container_name;
      }
      return;
    case 'host-port':
      shiftHostPort(generated, adj.target, adj.to, adj.from);
      return;
    case 'profiles-dropped':
      if (isDeepStrictEqual(original.profiles, adj.profiles) && generated.profiles === undefined)
        delete original.profiles;
      return;
    case 'healthcheck':
      if (original.healthcheck === undefined) delete generated.healthcheck;
      return;
    case 'tmpfs-data': {
      if (Array.isArray(original.volumes)) {
        original.volumes = original.volumes.filter((v) => {
          const m = mountOf(v);
          return !(m.target === adj.target && (m.kind === 'volume' || m.kind === 'anonymous'));
        });
        if (original.volumes.length === 0) delete original.volumes;
      }
      const tmpfs = typeof generated.tmpfs === 'string' ? [generated.tmpfs] : generated.tmpfs;
      if (Array.isArray(tmpfs)) {
        const rest = tmpfs.filter((t) => t !== adj.target);
        const before = typeof original.tmpfs === 'string' ? [original.tmpfs] : original.tmpfs;
        if (rest.length === 0 && before === undefined) delete generated.tmpfs;
        else generated.tmpfs = rest;
        if (typeof original.tmpfs === 'string') original.tmpfs = [original.tmpfs];
      }
      return;
    }
    case 'depends-on-healthy': {
      const o = original.depends_on;
      const g = generated.depends_on;
      if (isYamlMap(o) && isYamlMap(g) && isYamlMap(g[adj.dependency]) && isYamlMap(o[adj.dependency])) {
        (g[adj.dependency] as YamlMap).condition =
          (o[adj.dependency] as YamlMap).condition ?? 'service_started';
      }
      return;
    }
    case 'dependency-dropped':
      // A loss, not an explanation: verifyService reports it.
      return;
    case 'volume-name':
      // Checked on real Docker names at project level, not per service.
      return;
  }
}

function dropReference(
  config: YamlMap,
  dep: string,
  key: 'depends_on' | 'links' | 'volumes_from' | 'network_mode',
): void {
  const v = config[key];
  if (key === 'depends_on' && isYamlMap(v)) {
    delete v[dep];
    if (Object.keys(v).length === 0) delete config.depends_on;
  } else if (key === 'network_mode') {
    if (v === `service:${dep}`) delete config.network_mode;
  } else if (Array.isArray(v)) {
    const rest = v.filter((e) => typeof e !== 'string' || referencedService(e) !== dep);
    if (rest.length) config[key] = rest;
    else delete config[key];
  }
}

function diff(
  o: YamlValue | undefined,
  g: YamlValue | undefined,
  path: string,
  report: (p: string, o: YamlValue | undefined, g: YamlValue | undefined) => void,
): void {
  if (isDeepStrictEqual(o, g)) return;
  if (isYamlMap(o ?? null) && isYamlMap(g ?? null)) {
    const om = o as YamlMap;
    const gm = g as YamlMap;
    for (const k of new Set([...Object.keys(om), ...Object.keys(gm)]))
      diff(om[k], gm[k], path === '' ? k : `${path}.${k}`, report);
    return;
  }
  if (Array.isArray(o) && Array.isArray(g) && o.length === g.length) {
    o.forEach((x, i) => diff(x, g[i], `${path}[${i}]`, report));
    return;
  }
  report(path, o, g);
}

export interface VerifyComponentInput {
  snapshot: RepoSnapshot;
  env: EnvName;
  /** Root files layered for this environment, as the original setup used them. */
  rootFiles: string[];
  /** The generated file for this environment, repo-relative ("pourtier/docker-compose.test.yaml"). */
  componentFile: string;
  /** That file already parsed from the snapshot's text, when the caller parsed it ahead. */
  parsed?: ComposeFile;
  adjustments: Adjustment[];
  /** Services to check; defaults to every service of the generated file. */
  services?: string[];
  /** The original layering, when the caller has already merged it (it is the same for every component). */
  original?: EffectiveProject;
  /** Shell environment seen by compose on both sides: it wins over every env file. */
  shellEnv?: Record<string, string | undefined>;
  /**
   * How the component's Makefile runs compose: the variables it exports (`export NAME ?= value`,
   * beneath the shell's) and the `--env-file` it passes (repo-relative). Without an env file compose
   * reads the `.env` of the component folder. Defaults to the root `.env`, as the generated
   * Makefile passes it.
   */
  componentEnv?: { exports: Record<string, string>; envFile: string | undefined };
  /**
   * Where the env files are read: the work tree, as compose reads them (a root `.env` is often
   * untracked, so the tree before the archive commit does not hold it). Defaults to `snapshot`.
   */
  envFiles?: RepoSnapshot;
}

/** Variables of a `.env`-style file of the snapshot; none when it does not exist. */
function envFileVars(snapshot: RepoSnapshot, path: string): Map<string, string> {
  const text = snapshot.read(path);
  return text === undefined ? new Map() : loadDotEnv(text);
}

/**
 * Load the original layering and the generated file the way compose would (both yield
 * repo-root-relative paths, so the same place compares equal whichever directory names it) and
 * compare every migrated service. A service missing from either side is itself a difference. Each
 * side is interpolated with the variables compose would see there: the root side with the shell over
 * the root `.env`; the generated side with the shell over the Makefile's exports over its
 * `--env-file`. A path that starts with a variable resolves against the folder compose runs in, so a
 * relative value that is not rebased for the component folder shows up as a difference.
 */
export function verifyComponent(input: VerifyComponentInput): Difference[] {
  const original = input.original ?? loadProject(input.snapshot, input.rootFiles, input.env);
  // Compose names the project after the directory holding the file it runs.
  const componentDir = posix.dirname(input.componentFile);
  const dir = posix.basename(componentDir);
  const generated = loadProject(input.snapshot, [input.componentFile], input.env, {
    projectName: normalizeProjectName(dir === '.' ? posix.basename(input.snapshot.root) : dir),
    ...(input.parsed ? { cache: new Map([[input.componentFile, input.parsed]]) } : {}),
  });
  const shell = input.shellEnv ?? {};
  const rootDir = posix.dirname(input.rootFiles[0] ?? '.');
  const envFiles = input.envFiles ?? input.snapshot;
  const rootVars = varSource(shell, envFileVars(envFiles, posix.join(rootDir, '.env')));
  const componentEnv = input.componentEnv;
  const componentVars = componentEnv
    ? varSource(
        shell,
        componentEnv.exports,
        envFileVars(envFiles, componentEnv.envFile ?? posix.join(componentDir, '.env')),
      )
    : rootVars;
  const root = input.snapshot.root;
  return compareProjects(
    original,
    generated,
    input.env,
    input.adjustments,
    { projectDir: root, vars: rootVars, variableDir: posix.join(root, rootDir) },
    input.services,
    { projectDir: root, vars: componentVars, variableDir: posix.join(root, componentDir) },
  );
}

/**
 * The first string of a service that its variables cannot interpolate (`${VAR:?}` unset, a malformed
 * reference), as an error at that key's line in the file that wrote it.
 */
function interpolationError(svc: EffectiveService, vars: VarSource): MigrateError | undefined {
  let found: MigrateError | undefined;
  const walk = (v: YamlValue, path: string): void => {
    if (found) return;
    if (typeof v === 'string') {
      try {
        interpolate(v, vars);
      } catch (e) {
        if (!isMigrateError(e)) throw e;
        const at = svc.positions.get(path) ?? svc.origin;
        found = new MigrateError('compose-interpolation', `services.${svc.name}.${path}: ${e.message}`, {
          file: at.file,
          line: at.line,
        });
      }
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (v !== null && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) walk(x, path === '' ? k : `${path}.${k}`);
  };
  walk(svc.config, '');
  return found;
}

export function compareProjects(
  original: EffectiveProject,
  generated: EffectiveProject,
  env: EnvName,
  adjustments: Adjustment[],
  normalize: NormalizeOptions,
  services?: string[],
  generatedNormalize: NormalizeOptions = normalize,
): Difference[] {
  const names = services ?? [...generated.services.keys()];
  const out: Difference[] = [];
  for (const service of names) {
    const o = original.services.get(service);
    const g = generated.services.get(service);
    if (!o || !g) {
      out.push({ service, env, path: '', original: o?.config, generated: g?.config });
      continue;
    }
    try {
      out.push(
        ...verifyService({
          service,
          env,
          original: o.config,
          generated: g.config,
          adjustments,
          normalize,
          generatedNormalize,
        }),
      );
    } catch (e) {
      if (!isMigrateError(e) || e.code !== 'compose-interpolation') throw e;
      // Compose would refuse this side: the error is that file's, at the key that holds the variable.
      throw interpolationError(g, generatedNormalize.vars) ?? interpolationError(o, normalize.vars) ?? e;
    }
  }
  const used = collectTopLevelUse(
    names.map((n) => generated.services.get(n)?.config).filter((c): c is YamlMap => c !== undefined),
    generatedNormalize.vars,
  );
  for (const volume of [...used.volumes].sort()) {
    const o = realVolumeName(original, volume, normalize.vars);
    const g = realVolumeName(generated, volume, generatedNormalize.vars);
    // The Docker volume behind the name is what holds data; a new real name looks like data loss.
    if (o !== g) out.push({ service: '', env, path: `volumes.${volume}.name`, original: o, generated: g });
  }
  // What the services use is declared at the top level: a driver, its options, `external`, a
  // secret's file. The generated file must declare each as the root layering did.
  for (const section of TOP_LEVEL_SECTIONS) {
    for (const name of [...used[section]].sort()) {
      const o = declaration(original, section, name, normalize.vars);
      // Undeclared at the root (the implicit default network): nothing to carry.
      if (o === undefined) continue;
      const g = declaration(generated, section, name, generatedNormalize.vars);
      diff(o, g, `${section}.${name}`, (path, ov, gv) =>
        out.push({ service: '', env, path, original: ov, generated: gv }),
      );
    }
  }
  return out;
}

const TOP_LEVEL_SECTIONS = ['volumes', 'networks', 'configs', 'secrets'] as const;

/**
 * A top-level declaration as compose would read it (interpolated, a null declaration as an empty
 * one). A volume's `name` is left out: its Docker-level name is compared on its own above, where
 * the planned name pin is accounted for.
 */
function declaration(
  project: EffectiveProject,
  section: (typeof TOP_LEVEL_SECTIONS)[number],
  name: string,
  vars?: VarSource,
): YamlValue | undefined {
  if (!(name in project[section])) return undefined;
  const def = project[section][name] ?? null;
  if (!isYamlMap(def)) return {};
  const out = interpolated(cloneValue(def), vars) as YamlMap;
  if (section === 'volumes') delete out.name;
  return out;
}

function interpolated(v: YamlValue, vars?: VarSource): YamlValue {
  if (typeof v === 'string') return vars && v.includes('$') ? interpolateOrKeep(v, vars) : v;
  if (Array.isArray(v)) return v.map((x) => interpolated(x, vars));
  if (isYamlMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, interpolated(x, vars)]));
  return v;
}

/** The Docker-level name of a named volume: its `name:`, else `<project>_<key>`; undefined when undeclared. */
function realVolumeName(project: EffectiveProject, volume: string, vars?: VarSource): string | undefined {
  if (!(volume in project.volumes)) return undefined;
  const def = project.volumes[volume] ?? null;
  // A pinned name may read the old project name from a variable: compared as compose would resolve it.
  if (isYamlMap(def) && typeof def.name === 'string')
    return vars ? interpolateOrKeep(def.name, vars) : def.name;
  if (isYamlMap(def) && (def.external === true || isYamlMap(def.external))) return volume;
  return `${project.projectName}_${volume}`;
}
