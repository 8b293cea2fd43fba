import { archiveFolder } from '../config/archive-dir.js';
import { referencedService } from '../compose/short-syntax.js';
import { createHash } from 'node:crypto';
import { analyzeRepo, type LoadedRepo, type Progress } from '../analysis/load-repo.js';
import { discoverComposeFiles } from '../analysis/discovery.js';
import type { Adjustment, Analysis, Component, EnvName, Finding } from '../analysis/types.js';
import type { PlanAdjustment } from '../model.js';
import type { LoadedConfig, MigrateConfig } from '../config/types.js';
import { CONFIG_NAMES } from '../config/load.js';
import { checkComponentNames } from '../plan/component-names.js';
import type { RepoSnapshot } from '../repo/snapshot.js';
import type { ComposeFile } from '../compose/types.js';
import { parseComposeFile } from '../compose/parse.js';
import { renderComponentCompose } from './compose-writer.js';
import { isGeneratedMakefile, renderMakefile } from './makefile.js';
import { checkedRunner, existingTestFile, testRunnerService } from './test-commands.js';
import { planArchive } from './archive.js';
import type { CodemodContext } from '../codemods/types.js';
import { fileServices, notCarriedFindings } from '../plan/conservation.js';
import type { Change, Plan, PlanInput, Reference } from '../plan/types.js';
import { VERSION } from '../version.js';
import { variablePaths, type VariablePath, type VariablePathFile } from './variable-paths.js';
import { collectTopLevelUse } from './service-references.js';
import { dirOf } from '../compose/paths.js';
import type { EffectiveService } from '../compose/types.js';

export interface PlanOptions {
  /** Components to migrate; empty means every component. */
  components?: string[];
  withPeers?: boolean;
  /** true: archive now; false: never; undefined: when every compose component is migrated. */
  archive?: boolean;
  skipCodemods?: boolean;
  /** Shell environment for interpolation during analysis (default: none, so plans are reproducible). */
  env?: Record<string, string | undefined>;
  /** Paths git tracks among the root's env files; undefined when unknown (an existing .env then counts as committed). */
  committed?: ReadonlySet<string>;
  /** Told how far long steps are (loading, rendering, codemods); the CLI draws it on a terminal. */
  progress?: Progress;
}

export interface PlanContext {
  snapshot: RepoSnapshot;
  loaded: LoadedConfig;
}

/** Names for each environment's generated file. */
export function fileNameFor(env: EnvName, ext: string, config: MigrateConfig): string {
  const configured = config.fileNames?.[env];
  if (configured) return configured;
  if (env === 'dev') return `docker-compose${ext}`;
  if (env === 'test') return `docker-compose.test${ext}`;
  if (env === 'prod') return `docker-compose.production${ext}`;
  return `docker-compose.${env}${ext}`;
}

/**
 * The one code path behind `plan` and `apply`: analysis, then the full content of every file apply
 * would write. Pure over the snapshot.
 */
export async function buildPlan(ctx: PlanContext, options: PlanOptions = {}): Promise<Plan> {
  const { snapshot } = ctx;
  const config = ctx.loaded.config;
  const early = await earlyCandidates(snapshot, config);
  const cache = await parseWhileSearching(snapshot, config);
  const { repo, analysis } = analyzeRepo(snapshot, config, { ...options, cache });
  const findings: Finding[] = [...repo.layout.findings, ...analysis.findings];
  const known = new Set(analysis.components.map((c) => c.name));
  checkComponentNames(options.components ?? [], known);
  const selected = options.components?.length
    ? [...new Set(options.components)]
    : analysis.components.map((c) => c.name);

  const changes: Change[] = [];
  const adjustments: PlanAdjustment[] = [];
  /** Per selected component, what its generated files leave out of the services they carry. */
  const dropped: Finding[] = [];
  const ext = repo.layout.extension;
  const migrated = new Set<string>();
  /** Components whose files would overwrite another file: they get no generated file at all. */
  const skipped = new Map<string, string[]>();
  for (const [i, component] of analysis.components.entries()) {
    options.progress?.('rendering component files', i, analysis.components.length);
    const composeFiles = componentComposeFiles(component, analysis, repo, config, ext);
    const files = componentChanges(
      component,
      composeFiles,
      analysis,
      repo,
      config,
      snapshot,
      selected.includes(component.name) ? findings : [],
    );
    const pending = files
      .filter((c) => c.op !== 'modify' || c.before !== c.content)
      .filter((c) => !(c.op === 'create' && snapshot.exists(c.path) && snapshot.read(c.path) === c.content));
    const blocked = files.filter(
      (c) => c.op === 'create' && snapshot.exists(c.path) && snapshot.read(c.path) !== c.content,
    );
    if (blocked.length > 0) {
      skipped.set(
        component.name,
        blocked.map((b) => b.path),
      );
      if (selected.includes(component.name)) {
        findings.push({
          level: 'warning',
          code: 'target-exists',
          message: `${component.name} is skipped: ${blocked.map((b) => b.path).join(', ')} already exist${blocked.length === 1 ? 's' : ''} with other content and is never overwritten; move it away to migrate ${component.name}`,
          component: component.name,
        });
      }
      continue;
    }
    if (selected.includes(component.name)) {
      for (const f of composeFiles) {
        for (const a of f.applied) {
          if (a.kind === 'dependency-dropped')
            dropped.push(droppedReference(component, f, a, analysis, repo));
          else adjustments.push(planAdjustment(component, f, a, repo.projects.get(f.env)?.projectName));
        }
      }
    }
    if (pending.length === 0) {
      migrated.add(component.name);
      continue;
    }
    if (selected.includes(component.name)) {
      changes.push(...pending);
      migrated.add(component.name);
    }
  }

  findings.push(...notCarriedFindings(analysis, repo.projects, skipped), ...dropped);
  const { localOnly, differs } = repo.env;
  if (localOnly.length || differs.length) {
    const example = repo.env.read.find((r) => r.source === 'example')?.path;
    findings.push({
      level: 'info',
      code: 'local-env',
      message:
        `this plan depends on ${repo.envFile}, which git does not track: ` +
        [
          ...(localOnly.length
            ? [`${localOnly.join(', ')} ${localOnly.length === 1 ? 'is' : 'are'} set only there`]
            : []),
          ...(differs.length
            ? [
                `${differs.join(', ')} ${differs.length === 1 ? 'differs' : 'differ'} from ${example ?? 'the example'} (its value is used)`,
              ]
            : []),
        ].join('; ') +
        `; a checkout without it may get another plan (declare them in ${example ?? 'a committed .env.example'} to make it the same)`,
      file: repo.envFile,
    });
  }

  const references: Reference[] = [];
  let codemods: Plan['codemods'];
  const composeComponents = analysis.components.filter((c) => c.kind === 'compose');
  const allMigrated = composeComponents.every((c) => migrated.has(c.name));
  const wouldArchive =
    repo.rootFiles.length > 0 &&
    options.archive !== false &&
    (options.archive === true || (allMigrated && composeComponents.length > 0));
  const archiveDir = archiveFolder(config.archiveDir);
  // An environment no generated file replaces would live on only in the archive (with whatever
  // script starts it pointing there): archiving it takes an explicit --archive.
  const unreplaced = wouldArchive ? unreplacedEnvironments(analysis, repo, migrated, skipped) : [];
  const archiving = wouldArchive && (unreplaced.length === 0 || options.archive === true);
  for (const u of unreplaced) {
    const what = `environment ${u.env} (${u.files.join(' + ')}: ${listed(u.services)})`;
    findings.push(
      archiving
        ? {
            level: 'warning',
            code: 'archive-unreplaced',
            message: `${what} is archived to ${archiveDir}/ although no generated file carries any of its services (--archive); whatever starts it must now use another file`,
            file: u.files[0] as string,
            env: u.env,
          }
        : {
            level: 'warning',
            code: 'archive-refused',
            message: `the root compose files are not archived: no generated file carries any service of ${what}, so archiving would leave it only in ${archiveDir}/; apply refuses until you pass --archive (archive it anyway) or --no-archive (keep the root files)`,
            file: u.files[0] as string,
            env: u.env,
          },
    );
  }
  const archiveMoves = archiving ? planArchive(snapshot, repo.rootFiles, archiveDir) : [];

  const codemodCtx: CodemodContext = {
    components: analysis.components.map((c) => {
      const envs = c.kind === 'compose' ? analysis.environments.filter((e) => e.name in c.backing) : [];
      return {
        name: c.name,
        path: c.path,
        ...(c.kind === 'compose' && 'test' in c.backing
          ? { testComposeFile: `${c.path}/${fileNameFor('test', ext, config)}` }
          : {}),
        composeFiles: Object.fromEntries(
          envs.map((e) => [e.name, `${c.path}/${fileNameFor(e.name, ext, config)}`]),
        ),
        services: Object.fromEntries(
          analysis.environments.map((e) => [
            e.name,
            [
              ...c.services.filter((sv) => repo.projects.get(e.name)?.services.has(sv)),
              ...(c.backing[e.name] ?? []),
              ...(c.pulledPeers[e.name] ?? []),
            ],
          ]),
        ),
      };
    }),
    rootComposeFiles: repo.layout.files.flatMap((f) => {
      // A base layer belongs to no single environment: the scan decides from the other files named with it.
      const env =
        f.role.kind === 'env'
          ? f.role.env
          : f.role.kind === 'override'
            ? 'dev'
            : f.role.kind === 'ignore'
              ? undefined
              : 'base';
      return env === undefined ? [] : [{ path: f.path, env }];
    }),
    archiveDir,
    archivedPaths: Object.fromEntries(archiveMoves.map((m) => [m.path, m.to ?? ''])),
    fileNames: {
      ...Object.fromEntries(analysis.environments.map((e) => [e.name, fileNameFor(e.name, ext, config)])),
      dev: fileNameFor('dev', ext, config),
      test: fileNameFor('test', ext, config),
      prod: fileNameFor('prod', ext, config),
    },
    sharedVolumes: sharedVolumes(analysis.adjustments),
    rootEnv: repo.env.read.length > 0,
    rootEnvFile: repo.envFile,
    rootEnvOptional: !repo.env.read.some((r) => r.source === 'committed' && r.path === repo.envFile),
  };
  if (repo.rootFiles.length > 0) {
    // The orchestrator transforms run unless skipped; the reference scan always does. Command lines
    // are rewritten only when this apply archives the files they name (before that, they still work).
    const { codemodCandidates, rootNames, unreadableFiles } = await import('../codemods/run.js');
    const names = rootNames(codemodCtx);
    const started = await early?.pending;
    const candidates =
      started && sameNames(started.names, names)
        ? started.files
        : await codemodCandidates(snapshot, codemodCtx);
    const unreadable = unreadableFiles(snapshot, codemodCtx);
    for (const u of unreadable)
      findings.push({
        level: 'warning',
        code: 'unreadable-file',
        message: `cannot be read (${u.why}): it was not checked for references to the root compose files; check it by hand`,
        file: u.file,
      });
    if (options.skipCodemods) {
      const { scanReferences } = await import('../codemods/references.js');
      const scanned = scanReferences(snapshot, codemodCtx, candidates);
      changes.push(...scanned.changes.map((c) => ({ ...c, component: '' })));
      references.push(...scanned.references);
    } else {
      const { runCodemods } = await import('../codemods/run.js');
      const run = await runCodemods(snapshot, codemodCtx, options.progress, candidates, unreadable);
      changes.push(...run.changes.map((c) => ({ ...c, component: '' })));
      references.push(...run.references);
      codemods = { summary: run.summary, files: run.outcomes };
    }
  }
  changes.push(...archiveMoves);
  if (repo.rootFiles.length > 0 && !archiving && options.archive !== false) {
    const left = composeComponents.filter((c) => !migrated.has(c.name)).map((c) => c.name);
    if (left.length) {
      findings.push({
        level: 'info',
        code: 'archive-pending',
        message: `root compose files stay in place until ${left.join(', ')} ${left.length === 1 ? 'is' : 'are'} migrated too (or apply --archive)`,
      });
    }
  }

  return {
    schemaVersion: 1,
    tool: { name: 'compose-migrate', version: VERSION },
    selected,
    analysis,
    environments: analysis.environments,
    components: analysis.components,
    changes: mergeSamePath(changes),
    adjustments,
    env: repo.env,
    findings,
    references,
    ...(codemods ? { codemods } : {}),
    inputs: hashInputs(snapshot, repo, ctx.loaded, changes),
  };
}

/**
 * The codemods' text search (`git grep` processes) started before the analysis, with the basenames
 * of the compose files discovery finds, so that it runs while the analysis parses (the processes
 * are spawned before this returns). Used when the root files the codemods get (those the analysis
 * does not ignore) have the same names.
 */
async function earlyCandidates(
  snapshot: RepoSnapshot,
  config: MigrateConfig,
): Promise<{ pending: Promise<{ names: string[]; files: string[] } | undefined> } | undefined> {
  let names: string[];
  try {
    names = [
      ...new Set(discoverComposeFiles(snapshot, config).files.map((f) => f.slice(f.lastIndexOf('/') + 1))),
    ];
  } catch {
    return undefined;
  }
  if (names.length === 0) return undefined;
  const { candidatesFor } = await import('../codemods/run.js');
  // Wrapped: an async function's returned promise would be awaited along with it.
  // A failure is never left unhandled (the analysis may throw first): it means "search again".
  return {
    pending: candidatesFor(snapshot, names).then(
      (files) => ({ names, files }),
      () => undefined,
    ),
  };
}

/**
 * On a work tree large enough for the invocation scan to ask git which files name a root compose file,
 * that search is started first and the root files are parsed while it runs (the scan comes right after
 * the parse and would otherwise wait for git with nothing else to do). A file that cannot be read or
 * parsed is left to the loader, which reports it as before.
 */
async function parseWhileSearching(
  snapshot: RepoSnapshot,
  config: MigrateConfig,
): Promise<Map<string, ComposeFile>> {
  const cache = new Map<string, ComposeFile>();
  if (!snapshot.searchAhead) return cache;
  let files: string[];
  try {
    files = discoverComposeFiles(snapshot, config).files;
  } catch {
    return cache;
  }
  if (files.length === 0) return cache;
  const search = snapshot.searchAhead([...new Set(files.map((f) => f.slice(f.lastIndexOf('/') + 1)))]);
  for (const path of files) {
    try {
      if (snapshot.symlinkTarget(path) === null) continue;
      const bytes = snapshot.readBytes(path);
      if (bytes !== undefined) cache.set(path, parseComposeFile(path, bytes));
    } catch {
      /* the loader reads it again and reports the failure in its place */
    }
  }
  await search;
  return cache;
}

const sameNames = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && [...a].sort().join('\0') === [...b].sort().join('\0');

export interface GeneratedComposeFile {
  env: EnvName;
  /** Repo-relative path of the generated file. */
  path: string;
  text: string;
  /** Every intentional difference from the original services, for verify. */
  applied: Adjustment[];
  /** Services the file holds. */
  services: string[];
}

/** The compose files a compose component gets, one per environment it has services in. */
export function componentComposeFiles(
  component: Component,
  analysis: Analysis,
  repo: LoadedRepo,
  config: MigrateConfig,
  ext: string,
): GeneratedComposeFile[] {
  if (component.kind !== 'compose') return [];
  const adjustments = analysis.adjustments[component.name] ?? [];
  const out: GeneratedComposeFile[] = [];
  for (const env of analysis.environments) {
    const project = repo.projects.get(env.name);
    const services = project ? fileServices(component, env.name, project) : undefined;
    if (!project || services === undefined) continue;
    // Rendered on first use: `plan` without diffs lists the file without needing its text.
    let rendered: ReturnType<typeof renderComponentCompose> | undefined;
    const render = () =>
      (rendered ??= renderComponentCompose({
        component,
        env: env.name,
        project,
        services,
        adjustments: adjustments.filter((a) => a.env === env.name),
        isTest: env.name === 'test' || env.name.endsWith('-test'),
        vars: repo.vars,
      }));
    out.push({
      env: env.name,
      path: `${component.path}/${fileNameFor(env.name, ext, config)}`,
      get text() {
        return render().text;
      },
      get applied() {
        return render().applied;
      },
      services,
    });
  }
  return out;
}

/** Every file a component's migration writes: compose files per environment and its Makefile. */
function componentChanges(
  component: Component,
  composeFiles: GeneratedComposeFile[],
  analysis: Analysis,
  repo: LoadedRepo,
  config: MigrateConfig,
  snapshot: RepoSnapshot,
  findings: Finding[],
): Change[] {
  const out: Change[] = [];
  const files: { dev?: string; test?: string; prod?: string } = {};
  const heldPaths = variablePaths(
    composeFiles.map((f) => heldPathInput(f.env, f.services, repo, snapshot)),
    dirOf(repo.envFile),
    component.path,
    repo.rootEnv,
  );
  for (const f of composeFiles) {
    if (f.env === 'dev' || f.env === 'test' || f.env === 'prod')
      files[f.env] = f.path.slice(component.path.length + 1);
    out.push({
      op: 'create',
      path: f.path,
      component: component.name,
      get content() {
        return f.text;
      },
      reason: `${f.env} compose file for ${component.name}`,
    });
  }
  const makefilePath = `${component.path}/Makefile`;
  const existing = snapshot.read(makefilePath);
  // A Makefile an earlier apply generated belongs to the user now (it may have been edited): a
  // re-apply leaves it as it is.
  if (existing !== undefined && isGeneratedMakefile(existing)) {
    // Rebased only where that Makefile already exports the variable.
    const exported = heldPaths.map((p) =>
      p.rebased !== undefined && !new RegExp(`^export ${p.variable} \\?= `, 'm').test(existing)
        ? {
            ...p,
            rebased: undefined,
            reason: `${makefilePath} (left as it is) does not export ${p.variable}`,
          }
        : p,
    );
    findings.push(...heldPathFindings(exported, component.name, makefilePath));
    return out;
  }
  // With a Makefile of the user's own the targets go to compose.mk: one the user wrote is theirs.
  const composeMkPath = `${component.path}/compose.mk`;
  const composeMk = snapshot.read(composeMkPath);
  if (existing !== undefined && composeMk !== undefined && !isGeneratedMakefile(composeMk)) {
    findings.push({
      level: 'warning',
      code: 'makefile-clash',
      message: `${composeMkPath} exists and was not written by compose-migrate: it is left as it is, and ${component.name} gets no generated make targets (move it away and plan again to get them)`,
      file: composeMkPath,
      component: component.name,
    });
    findings.push(...heldPathFindings(heldPaths, component.name, undefined));
    return out;
  }
  const testCommand = config.testCommands?.[component.name];
  const envVars = analysis.rootEnvVars[component.name];
  const envFile =
    envVars?.length && (config.envFile ?? 'makefile') === 'makefile'
      ? relativeToRoot(component.path) + repo.envFile
      : undefined;
  // A .env that is not committed may be absent from a checkout, where compose would refuse the flag.
  const envFileOptional = repo.env.read.find((r) => r.path === repo.envFile)?.source !== 'committed';
  // A test file the component already owns is the one its tests use.
  if (files.test === undefined) {
    const own = existingTestFile(component, snapshot);
    if (own) files.test = own;
  }
  const runnerService =
    files.test !== undefined ? testRunnerService(component, repo.projects.get('test')) : undefined;
  const made = renderMakefile({
    component: { ...component, runner: checkedRunner(component, snapshot) },
    files,
    ...(testCommand ? { testCommand } : {}),
    ...(runnerService ? { testRunnerService: runnerService } : {}),
    ...(envFile ? { envFile, envFileOptional } : {}),
    ...(existing !== undefined ? { existing } : {}),
    exports: heldExports(heldPaths),
  });
  findings.push(
    ...heldPathFindings(heldPaths, component.name, existing === undefined ? makefilePath : composeMkPath),
  );
  if (made.clashes.length) {
    findings.push({
      level: 'warning',
      code: 'makefile-clash',
      message: `${makefilePath} already defines ${made.clashes.join(', ')}; the generated targets are named compose-<target> in ${component.path}/compose.mk so yours keep working`,
      file: makefilePath,
      component: component.name,
    });
  }
  for (const f of made.files) {
    const before = snapshot.read(f.path);
    out.push({
      op: before === undefined ? 'create' : 'modify',
      path: f.path,
      component: component.name,
      content: f.content,
      ...(before !== undefined ? { before } : {}),
      reason: f.path.endsWith('compose.mk')
        ? `generated make targets for ${component.name}`
        : `Makefile for ${component.name}`,
    });
  }
  return out;
}

/** "a, b, c and 4 more". */
function listed(names: string[], max = 6): string {
  return names.length <= max
    ? names.join(', ')
    : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/**
 * Environments of which no generated file of a migrated component (selected now or before) holds
 * a single service: after an archive nothing would replace them.
 */
function unreplacedEnvironments(
  analysis: Analysis,
  repo: LoadedRepo,
  migrated: ReadonlySet<string>,
  skipped: ReadonlyMap<string, string[]>,
): { env: EnvName; files: string[]; services: string[] }[] {
  const out: { env: EnvName; files: string[]; services: string[] }[] = [];
  for (const env of analysis.environments) {
    const project = repo.projects.get(env.name);
    if (!project || project.services.size === 0) continue;
    const carried = analysis.components.some(
      (c) =>
        migrated.has(c.name) &&
        !skipped.has(c.name) &&
        (fileServices(c, env.name, project) ?? []).some((s) => project.services.has(s)),
    );
    if (!carried)
      out.push({ env: env.name, files: env.files, services: [...project.services.keys()].sort() });
  }
  return out;
}

const NONE = '(none)';

/** An adjustment as the plan lists it: the key it changes, with the value before and after. */
function planAdjustment(
  component: Component,
  file: GeneratedComposeFile,
  a: Adjustment,
  rootProject: string | undefined,
): PlanAdjustment {
  const at = { component: component.name, env: file.env, file: file.path, kind: a.kind };
  switch (a.kind) {
    case 'container-name':
      return { ...at, service: a.service, key: 'container_name', before: a.from, after: a.to ?? NONE };
    case 'host-port':
      return {
        ...at,
        service: a.service,
        key: 'ports',
        before: `${a.from}:${a.target}`,
        after: `${a.to}:${a.target}`,
      };
    case 'volume-name':
      // Compose named it from the root project; the generated file's project has another name.
      return {
        ...at,
        key: `volumes.${a.volume}.name`,
        before: rootProject === undefined ? NONE : `(none: Docker named it ${rootProject}_${a.volume})`,
        after: a.name,
      };
    case 'tmpfs-data':
      return {
        ...at,
        service: a.service,
        key: 'tmpfs',
        before: a.replaced ? `volume ${a.replaced}` : NONE,
        after: a.target,
      };
    case 'healthcheck':
      return { ...at, service: a.service, key: 'healthcheck.test', before: NONE, after: a.test ?? 'added' };
    case 'depends-on-healthy':
      return {
        ...at,
        service: a.service,
        key: `depends_on.${a.dependency}.condition`,
        before: 'service_started',
        after: 'service_healthy',
      };
    case 'profiles-dropped':
      return {
        ...at,
        service: a.service,
        key: 'profiles',
        before: `[${a.profiles.join(', ')}]`,
        after: NONE,
      };
    case 'dependency-dropped':
      return {
        ...at,
        service: a.service,
        key: `${a.key}.${a.dependency}`,
        before: a.dependency,
        after: NONE,
      };
  }
}

/**
 * A reference the generated file had to drop because the service it names is not in that file:
 * a `not-carried` finding for that one key, at the line that declares it, with what to do about it.
 */
function droppedReference(
  component: Component,
  file: GeneratedComposeFile,
  a: Extract<Adjustment, { kind: 'dependency-dropped' }>,
  analysis: Analysis,
  repo: LoadedRepo,
): Finding {
  const svc = repo.projects.get(file.env)?.services.get(a.service);
  const key = `${a.key}.${a.dependency}`;
  // The entry itself: `depends_on.db` in the long form, the list item naming it in the short one.
  const list = svc?.config[a.key];
  const index = Array.isArray(list)
    ? list.findIndex(
        (x) => typeof x === 'string' && (x === a.dependency || referencedService(x) === a.dependency),
      )
    : -1;
  const pos =
    svc?.positions.get(key) ??
    (index >= 0 ? svc?.positions.get(`${a.key}[${index}]`) : undefined) ??
    svc?.positions.get(a.key) ??
    svc?.origin;
  const owner = analysis.attributions.find((x) => x.service === a.dependency)?.component ?? null;
  const ownerKind = analysis.components.find((c) => c.name === owner)?.kind;
  const pull = `pull it in with --with-peers or config peers.${component.name}`;
  const reason =
    owner === null
      ? `no component owns it (config services.${a.dependency}: <component> | backing)`
      : ownerKind === 'host'
        ? `it belongs to ${owner}, which runs on the host; start it first, or ${pull}`
        : `it belongs to ${owner}, whose own files run it; start ${owner} first, or ${pull}`;
  return {
    level: 'warning',
    code: 'not-carried',
    message: `${a.service} (${file.env}) loses ${key} in ${file.path}: ${a.dependency} is not in that file: ${reason}`,
    ...(pos ? { file: pos.file, line: pos.line } : {}),
    component: component.name,
    service: a.service,
    env: file.env,
    key,
    reason: `${a.dependency} is not in the file: ${reason.replace(`peers.${component.name}`, 'peers.<component>')}`,
  };
}

/** A generated file's services and the top-level entries it keeps, for the variable-held path check. */
function heldPathInput(
  env: EnvName,
  names: string[],
  repo: LoadedRepo,
  snapshot: RepoSnapshot,
): VariablePathFile {
  const project = repo.projects.get(env);
  const services = names
    .map((s) => project?.services.get(s))
    .filter((s): s is EffectiveService => s !== undefined);
  const topLevel: NonNullable<VariablePathFile['topLevel']> = [];
  const seen = new Set<string>();
  for (const svc of services) {
    const use = collectTopLevelUse([svc.config], repo.vars);
    for (const section of ['configs', 'secrets', 'volumes'] as const) {
      const declared = project?.[section] ?? {};
      for (const name of use[section]) {
        if (!(name in declared) || seen.has(`${section}.${name}`)) continue;
        seen.add(`${section}.${name}`);
        topLevel.push({ section, name, def: declared[name] ?? null, usedBy: svc.name });
      }
    }
  }
  // Read (and decoded) only for a top-level entry with a variable-led path: rare, and the root files
  // are large next to one component's share of them.
  const rootTexts = (): { file: string; text: string }[] =>
    (project?.files ?? []).flatMap((file) => {
      const text = snapshot.read(file);
      return text === undefined ? [] : [{ file, text }];
    });
  return { env, services, topLevel, rootTexts };
}

/** One export per rebased variable. */
function heldExports(paths: VariablePath[]): { name: string; value: string }[] {
  const out = new Map<string, string>();
  for (const p of paths) if (p.rebased !== undefined) out.set(p.variable, p.rebased);
  return [...out].sort(([a], [b]) => a.localeCompare(b)).map(([name, value]) => ({ name, value }));
}

/**
 * What the plan says about each variable-held path: rebased through the Makefile written to
 * `makefile`, or not carried (with the variable, the key and where it is written). Without a
 * Makefile of ours (`makefile` undefined, or one an earlier apply wrote) nothing exports the value.
 */
function heldPathFindings(paths: VariablePath[], component: string, makefile: string | undefined): Finding[] {
  return paths.map((p) => {
    const where = {
      file: p.pos.file,
      line: p.pos.line,
      component,
      service: p.service,
      env: p.env,
      key: p.key,
    };
    if (p.rebased !== undefined && makefile !== undefined)
      return {
        level: 'info' as const,
        code: 'variable-path-rebased',
        message: `${p.service}.${p.key} (${p.env}) reads its path from \${${p.variable}} (root .env: ${p.value ?? ''}): ${makefile} exports ${p.variable} ?= ${p.rebased}, the same place seen from ${component}'s folder`,
        ...where,
        variable: p.variable,
      };
    const reason =
      p.reason ??
      `no Makefile of compose-migrate's runs this component's compose files, so nothing exports the rebased value ${p.rebased ?? ''}`;
    return {
      level: 'warning' as const,
      code: 'not-carried',
      message: `${p.service}.${p.key} (${p.env}): the path ${JSON.stringify(p.written)} is not carried: ${reason}; from ${component}'s folder it would name another place (set ${p.variable} for that folder, or write the path out)`,
      ...where,
      variable: p.variable,
    };
  });
}

function relativeToRoot(dir: string): string {
  return (
    dir
      .split('/')
      .map(() => '..')
      .join('/') + '/'
  );
}

/** Two changes to one path (a codemod and a reference rewrite) become one, the later content winning. */
function mergeSamePath(changes: Change[]): Change[] {
  const out: Change[] = [];
  const byPath = new Map<string, Change>();
  for (const c of changes) {
    const prev = byPath.get(c.path);
    if (prev && prev.op === 'modify' && c.op === 'modify') {
      prev.content = c.content;
      prev.reason = `${prev.reason}; ${c.reason}`;
      continue;
    }
    byPath.set(c.path, c);
    out.push(c);
  }
  return out;
}

const sha256 = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');

/** Hash of every input; absent files hash to "" so that a file appearing later also makes the plan stale. */
function hashInputs(
  snapshot: RepoSnapshot,
  repo: LoadedRepo,
  loaded: LoadedConfig,
  changes: Change[],
): PlanInput[] {
  // Every config name is an input, present or not: a config written after the plan makes it stale.
  const paths = new Set<string>([...repo.sources, repo.envFile, ...CONFIG_NAMES]);
  if (loaded.path) paths.add(loaded.path);
  for (const c of changes) {
    paths.add(c.path);
    if (c.to) paths.add(c.to);
  }
  return [...paths].sort().map((path) => {
    const bytes = snapshot.readBytes(path);
    return { path, sha256: bytes === undefined ? '' : sha256(bytes) };
  });
}

/** Pinned volumes that two or more components' files declare in one environment. */
function sharedVolumes(
  adjustments: Record<string, Adjustment[]>,
): { env: string; name: string; components: string[] }[] {
  const by = new Map<string, { env: string; name: string; components: Set<string> }>();
  for (const [component, list] of Object.entries(adjustments)) {
    for (const a of list) {
      if (a.kind !== 'volume-name') continue;
      const key = `${a.env}\0${a.name}`;
      const entry = by.get(key) ?? { env: a.env, name: a.name, components: new Set<string>() };
      entry.components.add(component);
      by.set(key, entry);
    }
  }
  return [...by.values()]
    .filter((e) => e.components.size > 1)
    .map((e) => ({ env: e.env, name: e.name, components: [...e.components].sort() }));
}
