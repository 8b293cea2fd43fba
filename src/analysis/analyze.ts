import type { EffectiveProject, EffectiveService, VarSource, YamlValue } from '../compose/types.js';
import { variablesIn } from '../compose/interpolate.js';
import { isOutsideRepo, mapServicePaths, toRepoPath } from '../compose/paths.js';
import type { MigrateConfig } from '../model.js';
import type { RepoSnapshot } from '../repo/snapshot.js';
import { attributeServices, type ServiceVariants } from './attribution.js';
import { closeOver } from './closure.js';
import { discoverComponents } from './components.js';
import { resolveConflicts, type PlannedFile } from './conflicts.js';
import { findEdges, findStartOrderCycle, unresolvedReferenceFindings, type RawEdge } from './dependencies.js';
import { MigrateError } from '../errors.js';
import { isDockerfileName, MANIFEST_NAMES, runnerFor } from './manifests.js';
import { buildFacts } from './service-facts.js';
import { DockerfileReader } from './dockerfiles.js';
import { variableHostFindings } from './variable-hosts.js';
import { dockerfileOf } from './evidence.js';
import type {
  Analysis,
  Attribution,
  Component,
  ComponentKind,
  Decision,
  DependencyEdge,
  Environment,
  Finding,
} from './types.js';

export interface AnalysisInput {
  snapshot: RepoSnapshot;
  config: MigrateConfig;
  environments: Environment[];
  projects: Map<string, EffectiveProject>;
  vars: VarSource;
  /** Keys the root .env defines. */
  rootEnvKeys: ReadonlySet<string>;
  /** Pull every peer into every component (--with-peers). */
  withPeers?: boolean;
}

/** Pure: from the merged projects of every environment to components, edges, findings and adjustments. */
export function analyze(input: AnalysisInput): Analysis {
  const { snapshot, config, environments, projects, vars } = input;
  const findings: Finding[] = [];

  const variants: ServiceVariants = new Map();
  for (const env of environments) {
    for (const svc of projects.get(env.name)?.services.values() ?? []) {
      const list = variants.get(svc.name) ?? [];
      list.push(svc);
      variants.set(svc.name, list);
    }
  }

  const contexts = new Set<string>();
  for (const list of variants.values()) {
    for (const svc of list) {
      const ctx = buildFacts(svc.config)?.context;
      if (ctx) contexts.add(ctx);
    }
  }
  const dockerfiles = new DockerfileReader(snapshot);
  // The Dockerfiles are most of what is read below (base images, copied folders, components found by one).
  snapshot.readAhead?.(snapshot.files().filter((p) => isDockerfileName(p.slice(p.lastIndexOf('/') + 1))));
  // With the repository root as context, the directories a Dockerfile copies whole are what it builds.
  const copied = new Map<string, string>();
  for (const list of variants.values()) {
    for (const svc of list) {
      if (buildFacts(svc.config)?.context !== '') continue;
      const df = dockerfileOf(svc, dockerfiles);
      if (!df) continue;
      for (const dir of dockerfiles.copiedDirs(df.path)) if (!copied.has(dir)) copied.set(dir, df.path);
    }
  }
  const discovery = discoverComponents(snapshot, config, contexts, dockerfiles, copied);
  findings.push(...discovery.findings);

  const attr = attributeServices(variants, discovery.dirs, config, dockerfiles);
  findings.push(...attr.findings);
  const attributions = attr.attributions;
  findings.push(...oneApplicationFindings(attributions, variants, snapshot));

  // A directory is a component when some service belongs to it (its own, or a backing service built
  // in it or named for it) or the config lists it; the rest (libraries, tooling) get no files.
  const listed = new Set(
    Object.values(config.components ?? {}).map((d) => d.replace(/^\.\//, '').replace(/\/+$/, '')),
  );
  const owners = new Set<string>();
  for (const a of attributions.values()) {
    if (a.component) owners.add(a.component);
    if (a.backingOf) owners.add(a.backingOf);
  }
  const dirs = discovery.dirs.filter((d) => owners.has(d.name) || listed.has(d.path));
  const idle = discovery.dirs.filter((d) => !dirs.includes(d));
  if (idle.length)
    findings.push({
      level: 'info',
      code: 'not-a-component',
      message: `no service is built in, named for or mounted from ${idle.map((d) => `${d.path}/`).join(', ')}: ${idle.length === 1 ? 'it is a library or tool' : 'they are libraries or tools'}, not ${idle.length === 1 ? 'a component' : 'components'}, and get${idle.length === 1 ? 's' : ''} no Makefile (config components.<name>: <dir> makes one a component)`,
    });

  const rawEdges: RawEdge[] = environments.flatMap((env) => {
    const project = projects.get(env.name);
    return project ? findEdges(project, vars) : [];
  });
  for (const env of environments) {
    const project = projects.get(env.name);
    if (project) findings.push(...unresolvedReferenceFindings(project, vars));
    const cycle = findStartOrderCycle(rawEdges.filter((e) => e.env === env.name));
    const first = cycle?.[0];
    if (cycle && first) {
      const chain = [...cycle.map((e) => e.from), first.from].join(' -> ');
      throw new MigrateError(
        'compose-cycle',
        `dependency cycle in ${env.name}: ${chain}; compose cannot start these services`,
        first.pos ? { file: first.pos.file, line: first.pos.line, col: first.pos.col } : undefined,
      );
    }
  }
  const edges = rawEdges.map((e) => withRole(e, attributions));

  // Indexes built once: the per-component work below must stay linear in services and edges.
  const ownBy = new Map<string, string[]>();
  const backingBy = new Map<string, string[]>();
  for (const a of attributions.values()) {
    const owner = a.component ?? a.backingOf;
    if (!owner) continue;
    const index = a.component ? ownBy : backingBy;
    const list = index.get(owner) ?? [];
    list.push(a.service);
    index.set(owner, list);
  }
  const edgeIndex = new Map<DependencyEdge, number>(edges.map((e, i) => [e, i]));
  const edgesFrom = new Map<string, DependencyEdge[]>();
  for (const e of edges) {
    const list = edgesFrom.get(e.from) ?? [];
    list.push(e);
    edgesFrom.set(e.from, list);
  }
  const adjacency = new Map<string, Map<string, DependencyEdge[]>>();
  for (const e of edges) {
    const byFrom = adjacency.get(e.env) ?? new Map<string, DependencyEdge[]>();
    const list = byFrom.get(e.from) ?? [];
    list.push(e);
    byFrom.set(e.from, list);
    adjacency.set(e.env, byFrom);
  }

  // "component\0peer": true when every environment carries that peer whatever peers.<component> says.
  const carriedRegardless = new Map<string, boolean>();
  const components: Component[] = dirs.map((dir) => {
    const own = (ownBy.get(dir.name) ?? []).sort();
    const ownBacking = (backingBy.get(dir.name) ?? []).sort();
    const backingWhy: Record<string, string> = {};
    // Edges keep their global order (environment by environment), as the plan lists them.
    const dependsOn = own
      .flatMap((s) => edgesFrom.get(s) ?? [])
      .sort((a, b) => (edgeIndex.get(a) ?? 0) - (edgeIndex.get(b) ?? 0));
    const backing: Record<string, string[]> = {};
    const pulledPeers: Record<string, string[]> = {};
    for (const env of environments) {
      const project = projects.get(env.name);
      if (!project) continue;
      const ownHere = own.filter((s) => project.services.has(s));
      const ownBackingHere = ownBacking.filter((s) => project.services.has(s));
      if (ownHere.length === 0 && ownBackingHere.length === 0) continue;
      const envAdjacency = adjacency.get(env.name) ?? new Map<string, DependencyEdge[]>();
      const peerCandidates = ownHere
        .flatMap((s) => envAdjacency.get(s) ?? [])
        .filter((e) => isPeerOf(e, dir.name, attributions));
      const chosen = choosePeers(dir.name, peerCandidates, config, input.withPeers === true);
      const closure = closeOver(ownHere, ownBackingHere, chosen, envAdjacency, attributions);
      backing[env.name] = closure.backing;
      pulledPeers[env.name] = closure.peers;
      // Peers that come along whatever is chosen (a network_mode sidecar): no decision to ask about.
      const forced = chosen.length
        ? closeOver(ownHere, ownBackingHere, [], envAdjacency, attributions).peers
        : closure.peers;
      for (const e of peerCandidates) {
        const carried = forced.includes(e.service);
        const key = `${dir.name}\0${e.service}`;
        carriedRegardless.set(key, (carriedRegardless.get(key) ?? true) && carried);
        // Say why such a peer is there, so the plan does not present it as a choice.
        if (carried)
          backingWhy[e.service] ??=
            `${e.from} ${e.kind === 'network_mode' ? 'runs in its network namespace' : `needs it (${e.kind})`}`;
      }
      for (const [s, why] of closure.why) backingWhy[s] ??= why;
    }
    const needsInfra =
      Object.values(backing).some((b) => b.length > 0) ||
      Object.values(pulledPeers).some((p) => p.length > 0);
    const chosenKind = config.kinds?.[dir.name];
    const kind: ComponentKind = chosenKind ?? (needsInfra ? 'compose' : 'host');
    const reasons = [...dir.reasons];
    for (const s of own) reasons.push(`owns ${s}: ${attributions.get(s)?.reason ?? ''}`);
    for (const s of ownBacking)
      reasons.push(`its backing service ${s}: ${attributions.get(s)?.reason ?? ''}`);
    if (chosenKind !== undefined) {
      reasons.push(`config kinds.${dir.name}: ${chosenKind}`);
    } else if (needsInfra) {
      for (const [env, list] of Object.entries(backing))
        if (list.length)
          reasons.push(`${env} needs ${list.map((s) => `${s} (${backingWhy[s] ?? 'backing'})`).join(', ')}`);
    } else {
      reasons.push(
        own.length
          ? 'needs no backing service in any environment: runs on the host'
          : 'declares no service: runs on the host',
      );
    }
    return {
      name: dir.name,
      path: dir.path,
      kind,
      services: own,
      dependsOn,
      backing,
      pulledPeers,
      backingWhy,
      reasons,
      manifests: dir.manifests,
      hasDockerfile: dir.hasDockerfile,
      runner: runnerFor(dir.path, dir.manifests),
    };
  });

  carryOptionalServices(components, projects);

  findings.push(...outsideRepoFindings(variants));
  findings.push(...variableHostFindings(components, variants, attributions, vars));
  findings.push(...peerFindings(components, config, input.withPeers === true, carriedRegardless));
  for (const name of Object.keys(config.kinds ?? {}))
    if (!components.some((c) => c.name === name))
      findings.push({
        level: 'warning',
        code: 'config-unknown-component',
        message: `config kinds.${name} names no component (components: ${components.map((c) => c.name).join(', ') || 'none'}); it changes nothing`,
      });
  findings.push(...unownedFindings(variants, attributions, components));
  for (const c of components) {
    if (!c.runner.command && !config.testCommands?.[c.name]) {
      findings.push({
        level: 'warning',
        code: 'no-test-runner',
        message: `${c.name}: no manifest says how its tests run; its Makefile test target fails with a hint until config testCommands.${c.name} is set`,
        component: c.name,
      });
    }
  }

  const planned: PlannedFile[] = [];
  for (const c of components) {
    if (c.kind !== 'compose') continue;
    for (const env of environments) {
      if (!(env.name in c.backing)) continue;
      planned.push({
        component: c.name,
        dir: projectNameOf(c.path),
        env: env.name,
        services: [
          ...c.services.filter((s) => projects.get(env.name)?.services.has(s)),
          ...(c.backing[env.name] ?? []),
          ...(c.pulledPeers[env.name] ?? []),
        ],
      });
    }
  }
  const conflicts = resolveConflicts(planned, projects, config, vars);
  findings.push(...conflicts.findings);

  const rootEnvVars: Record<string, string[]> = {};
  if (input.rootEnvKeys.size > 0) {
    for (const file of planned) {
      const used = new Set(rootEnvVars[file.component] ?? []);
      const project = projects.get(file.env);
      for (const s of file.services) {
        const svc = project?.services.get(s);
        if (svc) for (const v of variablesOf(svc.config)) if (input.rootEnvKeys.has(v)) used.add(v);
      }
      if (used.size) rootEnvVars[file.component] = [...used].sort();
    }
    const mode = config.envFile ?? 'makefile';
    for (const [component, list] of Object.entries(rootEnvVars)) {
      findings.push({
        level: mode === 'ignore' ? 'warning' : 'info',
        code: 'root-env',
        message:
          `${component} uses ${list.join(', ')} from the root .env, which compose would no longer read from ${component}/; ` +
          (mode === 'makefile'
            ? `its Makefile passes --env-file to the root .env (envFile: makefile | ignore)`
            : 'left as is (envFile: ignore): set them in the shell'),
        component,
      });
    }
  }

  return {
    environments,
    components,
    attributions: [...attributions.values()],
    edges,
    findings,
    adjustments: conflicts.adjustments,
    rootEnvVars,
  };
}

/**
 * An optional service (one with `profiles`, started only when asked) of a component that runs on
 * the host, which reaches services of exactly one compose component and needs nothing that
 * component's file lacks, is a tool of that component's stack (a seeder of its database, a load
 * generator for its API): it goes into that component's files with its profiles, so it still starts
 * only when asked, instead of being left out of every file.
 */
function carryOptionalServices(components: Component[], projects: Map<string, EffectiveProject>): void {
  const byName = new Map(components.map((c) => [c.name, c]));
  for (const host of components) {
    if (host.kind !== 'host') continue;
    for (const service of host.services) {
      for (const [env, project] of projects) {
        const profiles = project.services.get(service)?.config.profiles;
        if (!Array.isArray(profiles) || profiles.length === 0) continue;
        const edges = host.dependsOn.filter((e) => e.from === service && e.env === env && e.role !== 'own');
        const owners = new Set(edges.flatMap((e) => (e.role === 'peer' ? [e.peerComponent ?? ''] : [])));
        const [ownerName] = owners;
        const target = owners.size === 1 && ownerName ? byName.get(ownerName) : undefined;
        if (target?.kind !== 'compose' || target.backing[env] === undefined) continue;
        // Everything it reaches must be in the target's file already: its own or backing services.
        const inFile = new Set([
          ...target.services,
          ...(target.backing[env] ?? []),
          ...(target.pulledPeers[env] ?? []),
        ]);
        if (!edges.every((e) => inFile.has(e.service))) continue;
        (target.pulledPeers[env] ??= []).push(service);
        const reached = [...new Set(edges.map((e) => e.service))].sort().join(', ');
        const why = `optional service of ${host.name}, profiles: ${profiles.join(', ')}; reaches ${reached}`;
        (target.backingWhy ??= {})[service] ??= why;
        if (!target.reasons.some((r) => r.startsWith(`carries ${service} `)))
          target.reasons.push(`carries ${service} (${why})`);
        if (!host.reasons.some((r) => r.includes(`its optional service ${service} `)))
          host.reasons.splice(
            host.reasons.length - 1,
            0,
            `its optional service ${service} goes into ${target.name}'s files, profiles kept: it reaches ${reached}`,
          );
      }
    }
  }
}

/**
 * Several services built from the repository root itself (a root Dockerfile or manifest) and claimed
 * by no component are most likely one application, not a set of components: say so once, beside the
 * attribution decisions that ask where each goes.
 */
function oneApplicationFindings(
  attributions: Map<string, Attribution>,
  variants: ServiceVariants,
  snapshot: RepoSnapshot,
): Finding[] {
  const fromRoot: string[] = [];
  for (const [service, list] of variants) {
    if (attributions.get(service)?.role !== 'undecided') continue;
    if (list.some((v) => buildFacts(v.config)?.context === '')) fromRoot.push(service);
  }
  if (fromRoot.length < 2) return [];
  const rootFiles = snapshot.files().filter((f) => !f.includes('/'));
  const marks = rootFiles.filter((f) => isDockerfileName(f) || MANIFEST_NAMES.has(f));
  return [
    {
      level: 'info',
      code: 'one-application',
      message: `${fromRoot.sort().join(', ')} all build from the repository root${marks.length ? ` (${marks.join(', ')})` : ''}: this is one application rather than a set of components; each is an attribution decision below (config services.<name>: <component> | backing)`,
    },
  ];
}

/** The compose project name a directory gets by default: its basename, lowercased, [a-z0-9_-] only. */
export function projectNameOf(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base.toLowerCase().replace(/[^a-z0-9_-]/g, '');
}

function withRole(e: RawEdge, attributions: Map<string, Attribution>): DependencyEdge {
  const from = attributions.get(e.from);
  const to = attributions.get(e.service);
  if (to?.role === 'backing') return { ...e, role: 'backing' };
  if (to?.component && from?.component && to.component === from.component) return { ...e, role: 'own' };
  if (to?.component) return { ...e, role: 'peer', peerComponent: to.component };
  // An undecided target cannot be pulled in safely; report it like a peer of no known component.
  return { ...e, role: 'peer' };
}

function isPeerOf(e: DependencyEdge, component: string, attributions: Map<string, Attribution>): boolean {
  if (e.role !== 'peer') return false;
  return attributions.get(e.from)?.component === component;
}

function choosePeers(
  component: string,
  candidates: DependencyEdge[],
  config: MigrateConfig,
  withPeers: boolean,
): string[] {
  const configured = config.peers?.[component];
  const all = [...new Set(candidates.filter((e) => e.peerComponent).map((e) => e.service))];
  if (configured === true || (configured === undefined && withPeers)) return all.sort();
  if (Array.isArray(configured)) return all.filter((s) => configured.includes(s)).sort();
  return [];
}

function peerFindings(
  components: Component[],
  config: MigrateConfig,
  withPeers: boolean,
  carriedRegardless: ReadonlyMap<string, boolean>,
): Finding[] {
  const out: Finding[] = [];
  for (const c of components) {
    const seen = new Set<string>();
    for (const e of c.dependsOn) {
      if (e.role !== 'peer') continue;
      const key = `${e.service}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (carriedRegardless.get(`${c.name}\0${e.service}`) === true) {
        const sidecar = c.dependsOn.find((d) => d.service === e.service && d.kind === 'network_mode') ?? e;
        out.push({
          level: 'info',
          code: 'peer-carried',
          message: `${sidecar.from} -> ${e.service} (${sidecar.kind} at ${sidecar.via}): ${e.service}${e.peerComponent ? ` (component ${e.peerComponent})` : ''} is carried into ${c.name}'s files whatever peers.${c.name} says, since ${sidecar.kind === 'network_mode' ? sidecar.from : 'a service it needs'} runs in its network namespace`,
          ...(sidecar.pos ? { file: sidecar.pos.file, line: sidecar.pos.line } : {}),
          component: c.name,
        });
        continue;
      }
      const pulled = Object.values(c.pulledPeers).some((p) => p.includes(e.service));
      const configured = config.peers?.[c.name];
      const answer = pulled ? 'yes' : configured === undefined && !withPeers ? undefined : 'no';
      const decision: Decision = {
        id: `peer:${c.name}:${e.service}`,
        kind: 'peer',
        question: `${c.name} depends on ${e.service}${e.peerComponent ? ` (component ${e.peerComponent})` : ''}. Pull it into ${c.name}'s files?`,
        choices: ['no', 'yes'],
        default: 'no',
        ...(answer ? { answer } : {}),
        configKey: `peers.${c.name}`,
        configPath: ['peers', c.name],
        service: e.service,
        flag: '--with-peers',
        effects: {
          yes: `${c.name}'s files get their own copy of ${e.service} (and what it needs), started with ${c.name}'s stack`,
          no: `${c.name}'s stack has no ${e.service}: ${e.evidence ?? `${e.kind} ${e.service}`} (${e.via}) no longer resolves unless ${e.peerComponent ?? e.service}'s stack shares a network with it`,
        },
      };
      out.push({
        level: 'decision',
        code: 'peer-dependency',
        message: `${e.from} -> ${e.service} (${e.kind} at ${e.via}) is a peer edge to ${e.peerComponent ?? 'a service no component owns'}; ${pulled ? 'pulled into' : 'not pulled into'} ${c.name}'s files (--with-peers or config peers.${c.name})`,
        ...(e.pos ? { file: e.pos.file, line: e.pos.line } : {}),
        component: c.name,
        decision,
      });
    }
  }
  return out;
}

function unownedFindings(
  variants: ServiceVariants,
  attributions: Map<string, Attribution>,
  components: Component[],
): Finding[] {
  const used = new Set<string>();
  for (const c of components) {
    for (const list of [...Object.values(c.backing), ...Object.values(c.pulledPeers)])
      for (const s of list) used.add(s);
  }
  const out: Finding[] = [];
  for (const [service, list] of variants) {
    const a = attributions.get(service);
    if (a?.role !== 'backing' || used.has(service)) continue;
    const origin: EffectiveService | undefined = list[0];
    out.push({
      level: 'warning',
      code: 'unused-backing-service',
      message: `backing service ${service} is needed by no component; it stays only in the root files (and in todo/ after the archive)`,
      ...(origin ? { file: origin.origin.file, line: origin.origin.line } : {}),
    });
  }
  return out;
}

/**
 * Relative paths that climb out of the repository still work after the move (they are rebased like
 * any other), but whoever clones the repository elsewhere will not have them.
 */
function outsideRepoFindings(variants: ServiceVariants): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const [service, list] of variants) {
    for (const svc of list) {
      mapServicePaths(svc.config, (path, kind, base) => {
        const key = `${service}\0${path}`;
        // A context-relative path (the dockerfile) moves with its context, which is checked itself.
        if (base === 'project' && isOutsideRepo(toRepoPath(path)) && !seen.has(key)) {
          seen.add(key);
          const pos = svc.positions.get(kind) ?? svc.positions.get(kind.split('.')[0] ?? kind) ?? svc.origin;
          out.push({
            level: 'warning',
            code: 'path-outside-repo',
            message: `service ${service}: ${kind} ${path} points outside the repository; it is rebased so it still points there, but it will not exist in other checkouts`,
            file: pos.file,
            line: pos.line,
          });
        }
        return path;
      });
    }
  }
  return out;
}

function variablesOf(value: YamlValue): string[] {
  if (typeof value === 'string') return value.includes('$') ? variablesIn(value) : [];
  if (Array.isArray(value)) return value.flatMap(variablesOf);
  if (value && typeof value === 'object') return Object.values(value).flatMap(variablesOf);
  return [];
}
