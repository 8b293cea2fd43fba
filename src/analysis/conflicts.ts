import type { EffectiveProject, VarSource } from '../compose/types.js';
import { interpolate, variablesIn } from '../compose/interpolate.js';
import type { MigrateConfig } from '../model.js';
import type { Adjustment, Decision, EnvName, Finding } from './types.js';
import { isYamlMap } from '../compose/short-syntax.js';
import { hostPorts, namedVolumes, str } from './service-facts.js';

/** One generated file as analysis sees it: which services it will hold. */
export interface PlannedFile {
  component: string;
  /** Component directory basename: the compose project name the file will run under. */
  dir: string;
  env: EnvName;
  services: string[];
}

export interface ConflictResult {
  adjustments: Record<string, Adjustment[]>;
  findings: Finding[];
}

/** Files of one group can run at the same time: every non-production file on a developer machine. */
const groupOf = (env: EnvName): string => (env === 'prod' ? 'prod' : 'local');

function evaluate(value: string, vars: VarSource): string {
  try {
    return interpolate(value, vars);
  } catch {
    return value;
  }
}

/**
 * Host ports and container names that would collide between generated files that can run at once,
 * and named volumes whose real Docker name changes with the project name. Decided over every compose
 * component (not just the selected ones) so that migrating one at a time gives the same files as --all.
 */
export function resolveConflicts(
  files: PlannedFile[],
  projects: Map<EnvName, EffectiveProject>,
  config: MigrateConfig,
  vars: VarSource,
): ConflictResult {
  const adjustments: Record<string, Adjustment[]> = {};
  const findings: Finding[] = [];
  const push = (component: string, a: Adjustment) => (adjustments[component] ??= []).push(a);
  const ordered = [...files].sort(
    (a, b) => a.component.localeCompare(b.component) || envRank(a.env) - envRank(b.env),
  );

  resolvePorts(ordered, projects, config, vars, push, findings);
  resolveContainerNames(ordered, projects, config, vars, push, findings);
  pinVolumes(ordered, projects, push, findings);
  return { adjustments, findings };
}

function envRank(env: EnvName): number {
  const i = ['dev', 'test', 'prod'].indexOf(env);
  return i < 0 ? 3 : i;
}

type Push = (component: string, a: Adjustment) => void;

function resolvePorts(
  files: PlannedFile[],
  projects: Map<EnvName, EffectiveProject>,
  config: MigrateConfig,
  vars: VarSource,
  push: Push,
  findings: Finding[],
): void {
  const policy = config.ports ?? 'shift';
  const byGroup = new Map<
    string,
    { file: PlannedFile; service: string; raw: string; port: number; target: string }[]
  >();
  for (const file of files) {
    const project = projects.get(file.env);
    if (!project) continue;
    for (const service of file.services) {
      const svc = project.services.get(service);
      if (!svc) continue;
      for (const p of hostPorts(svc.config)) {
        const published = evaluate(p.published, vars);
        const port = Number(published);
        if (!Number.isInteger(port) || port <= 0) continue;
        const list = byGroup.get(groupOf(file.env)) ?? [];
        list.push({ file, service, raw: p.published, port, target: evaluate(p.target, vars) });
        byGroup.set(groupOf(file.env), list);
      }
    }
  }
  for (const entries of byGroup.values()) {
    const taken = new Set(entries.map((e) => e.port));
    const owner = new Map<number, (typeof entries)[number]>();
    for (const e of entries) {
      const first = owner.get(e.port);
      if (!first) {
        owner.set(e.port, e);
        continue;
      }
      if (first.file === e.file) continue;
      // Only copies of one root service (a backing service now in several components' files) are a
      // collision the migration creates. Two different services, or one service in dev and test,
      // collided in the root files already: changing that port could break whatever targets it.
      if (first.service !== e.service || first.file.env !== e.file.env) {
        findings.push({
          level: 'info',
          code: 'port-shared',
          message: `host port ${e.port} is published by ${e.file.component}/${e.file.env} ${e.service} and ${first.file.component}/${first.file.env} ${first.service}, as in the root files; left as is`,
          component: e.file.component,
        });
        continue;
      }
      const where = `${e.file.component}/${e.file.env} ${e.service} and ${first.file.component}/${first.file.env} ${first.service}`;
      const decision: Decision = {
        id: `port:${e.file.component}:${e.file.env}:${e.service}:${e.port}`,
        kind: 'port',
        question: `Host port ${e.port} is published by ${where}, which can run at the same time. Shift it or keep it?`,
        choices: ['shift', 'keep'],
        default: 'shift',
        answer: policy,
        configKey: 'ports',
        configPath: ['ports'],
        effects: {
          shift: `${e.file.component} publishes the next free port, so both stacks run together; what used ${e.port} for it must change`,
          keep: `both publish ${e.port}: the two stacks cannot run at the same time`,
        },
      };
      if (policy === 'keep') {
        findings.push({
          level: 'decision',
          code: 'port-collision',
          message: `host port ${e.port} is published by ${where}; kept as configured (ports: keep), so they cannot run together`,
          component: e.file.component,
          decision,
        });
        continue;
      }
      let next = e.port + 1;
      while (taken.has(next)) next++;
      taken.add(next);
      // A published port that a set variable decides (${PG_PORT:-5432} with PG_PORT in .env) is
      // replaced whole: shifting only the default would change nothing once the variable is read.
      const setVars = e.raw.includes('$') ? variablesIn(e.raw).filter((v) => vars(v) !== undefined) : [];
      const from = setVars.length ? e.raw : String(e.port);
      push(e.file.component, {
        kind: 'host-port',
        env: e.file.env,
        service: e.service,
        target: e.target,
        from,
        to: String(next),
      });
      findings.push({
        level: 'decision',
        code: 'port-collision',
        message: `host port ${e.port} is published by ${where}; ${e.file.component}'s ${e.file.env} file publishes ${next} instead${setVars.length ? ` of ${e.raw} (${setVars.join(', ')} is set, so the variable no longer decides it)` : ''} (ports: shift | keep)`,
        component: e.file.component,
        decision,
      });
    }
  }
}

function resolveContainerNames(
  files: PlannedFile[],
  projects: Map<EnvName, EffectiveProject>,
  config: MigrateConfig,
  vars: VarSource,
  push: Push,
  findings: Finding[],
): void {
  const policy = config.containerNames ?? 'scope';
  const uses = new Map<string, { file: PlannedFile; service: string; raw: string }[]>();
  for (const file of files) {
    const project = projects.get(file.env);
    for (const service of file.services) {
      const raw = str(project?.services.get(service)?.config['container_name']);
      if (raw === undefined) continue;
      const key = `${groupOf(file.env)}\0${evaluate(raw, vars)}`;
      const list = uses.get(key) ?? [];
      list.push({ file, service, raw });
      uses.set(key, list);
    }
  }
  for (const [key, list] of uses) {
    if (new Set(list.map((u) => u.file)).size < 2) continue;
    const name = key.split('\0')[1] ?? '';
    const decision: Decision = {
      id: `container-name:${name}`,
      kind: 'container-name',
      question: `container_name ${name} would repeat in ${list.length} generated files. Scope, keep or drop it?`,
      choices: ['scope', 'keep', 'drop'],
      default: 'scope',
      answer: policy,
      configKey: 'containerNames',
      configPath: ['containerNames'],
      effects: {
        scope: `named <component>-<service>-<env>; scripts using ${name} must change`,
        keep: `only one stack using ${name} can run at a time`,
        drop: `compose names them <project>-<service>-<n>; scripts using ${name} must change`,
      },
      concerns: [...new Set(list.map((u) => u.file.component))].sort(),
    };
    const files = list.map((u) => `${u.file.component}/${u.file.env}`).join(', ');
    if (policy === 'keep') {
      findings.push({
        level: 'decision',
        code: 'container-name-repeat',
        message: `container_name ${name} repeats in ${files}; kept as configured, so only one can run at a time`,
        decision,
      });
      continue;
    }
    for (const u of list) {
      const to = policy === 'drop' ? null : `${u.file.component}-${u.service}-${u.file.env}`;
      push(u.file.component, {
        kind: 'container-name',
        env: u.file.env,
        service: u.service,
        from: u.raw,
        to,
      });
    }
    findings.push({
      level: 'decision',
      code: 'container-name-repeat',
      message: `container_name ${name} would repeat in ${files}; ${policy === 'drop' ? 'dropped' : 'scoped as <component>-<service>-<env>'} (containerNames: scope | keep | drop)`,
      decision,
    });
  }
}

/**
 * The variable a pinned volume name reads its project part from when the root files have no `name:`:
 * the old name came from the checkout folder, which differs between clones, so each developer can
 * point the pin at their own folder's data without editing a committed file.
 */
export const ROOT_PROJECT_VAR = 'ROOT_COMPOSE_PROJECT';

function pinVolumes(
  files: PlannedFile[],
  projects: Map<EnvName, EffectiveProject>,
  push: Push,
  findings: Finding[],
): void {
  const pinnedBy = new Map<
    string,
    { who: Set<string>; fromFolder: boolean; volume: string; project: string }
  >();
  for (const file of files) {
    const project = projects.get(file.env);
    if (!project) continue;
    const seen = new Set<string>();
    for (const service of file.services) {
      for (const use of namedVolumes(project.services.get(service)?.config ?? {})) {
        if (seen.has(use.volume)) continue;
        seen.add(use.volume);
        const decl = project.volumes[use.volume];
        if (isYamlMap(decl) && (decl['name'] !== undefined || decl['external'] === true)) continue;
        if (!(use.volume in project.volumes)) continue;
        if (file.dir === project.projectName) continue;
        const fromFolder = project.projectNameFromFolder === true;
        // With an explicit `name:` the old Docker name is the same in every clone; without one it is
        // the folder's, so the pin keeps the folder's name as a default each clone can override.
        const real = fromFolder
          ? `\${${ROOT_PROJECT_VAR}:-${project.projectName}}_${use.volume}`
          : `${project.projectName}_${use.volume}`;
        push(file.component, { kind: 'volume-name', env: file.env, volume: use.volume, name: real });
        const entry = pinnedBy.get(real) ?? {
          who: new Set<string>(),
          fromFolder,
          volume: use.volume,
          project: project.projectName,
        };
        entry.who.add(file.component);
        pinnedBy.set(real, entry);
      }
    }
  }
  for (const [real, { who, fromFolder, volume, project }] of pinnedBy) {
    findings.push({
      level: 'info',
      code: 'volume-pinned',
      message: fromFolder
        ? `volume ${volume} keeps its Docker name in ${[...who].join(', ')} as name: ${real}: the root files have no name:, so the old name came from the checkout folder (${project}). A developer whose checkout folder has another name sets ${ROOT_PROJECT_VAR}=<that folder's name> once (shell profile or the root .env) to keep their data`
        : `volume ${real} keeps its Docker name (name: ${real}) in ${[...who].join(', ')} so existing data stays reachable after the project name changes`,
    });
    if (who.size > 1) {
      findings.push({
        level: 'warning',
        code: 'volume-shared',
        message: `volume ${real} is now used by ${[...who].join(' and ')}: two containers must not run on it at once; stop one stack before starting the other, or copy the data to a new volume`,
      });
    }
  }
}
