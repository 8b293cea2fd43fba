/**
 * Conservation: every (environment, service) of the root layout ends up in some component's
 * generated file for that environment, or the plan says it does not and why (`not-carried`). A
 * migration that drops a service without saying so cannot be trusted with a real repository.
 */
import type { Analysis, Attribution, Component, EnvName, Finding } from '../analysis/types.js';
import type { EffectiveProject } from '../compose/types.js';

/**
 * The services of a component's generated file for one environment: its own services defined
 * there, the backing services they need and the peers pulled in; undefined when the component gets
 * no file for that environment (a host component, or no services there).
 */
export function fileServices(
  component: Component,
  env: EnvName,
  project: EffectiveProject,
): string[] | undefined {
  if (component.kind !== 'compose') return undefined;
  const backing = component.backing[env];
  if (backing === undefined) return undefined;
  const own = component.services.filter((s) => project.services.has(s));
  return [...own, ...backing, ...(component.pulledPeers[env] ?? [])];
}

/** Why a service that no generated file holds is left behind, in the words the plan prints. */
function reasonFor(
  service: string,
  attribution: Attribution | undefined,
  components: Component[],
  skipped: ReadonlyMap<string, string[]>,
): string {
  const owner = attribution?.component ? components.find((c) => c.name === attribution.component) : undefined;
  const blockedBy = owner ? skipped.get(owner.name) : undefined;
  if (owner && blockedBy)
    return `${owner.name} is skipped because ${blockedBy.join(', ')} already exist${blockedBy.length === 1 ? 's' : ''}`;
  if (owner?.kind === 'host')
    return `it belongs to ${owner.name}, which runs on the host (config kinds.${owner.name}: compose gives ${owner.name} files holding its services)`;
  if (owner) return `${owner.name} gets no file for that environment`;
  if (attribution?.role === 'backing')
    return `it is a backing service no compose component needs in that environment (config services.${service}: backing:<component> puts it in that component's files)`;
  return `no component owns it (config services.${service}: <component> | backing)`;
}

/**
 * One `not-carried` warning per (environment, service) of the root layout that no generated file
 * of that environment holds, pointing at where the service is declared.
 */
export function notCarriedFindings(
  analysis: Analysis,
  projects: Map<EnvName, EffectiveProject>,
  /** Components skipped because their file would overwrite another file, with those paths. */
  skipped: ReadonlyMap<string, string[]> = new Map(),
): Finding[] {
  const findings: Finding[] = [];
  const byService = new Map(analysis.attributions.map((a) => [a.service, a]));
  for (const env of analysis.environments) {
    const project = projects.get(env.name);
    if (!project) continue;
    const carried = new Set<string>();
    for (const c of analysis.components)
      if (!skipped.has(c.name)) for (const s of fileServices(c, env.name, project) ?? []) carried.add(s);
    for (const [name, svc] of [...project.services].sort(([a], [b]) => a.localeCompare(b))) {
      if (carried.has(name)) continue;
      const attribution = byService.get(name);
      const reason = reasonFor(name, attribution, analysis.components, skipped);
      findings.push({
        level: 'warning',
        code: 'not-carried',
        message: `${name} (${env.name}) is in no generated file: ${reason}`,
        file: svc.origin.file,
        line: svc.origin.line,
        ...(attribution?.component ? { component: attribution.component } : {}),
        service: name,
        env: env.name,
        reason,
      });
    }
  }
  return findings;
}

/** The error stays one readable line on a repository of hundreds of services: the plan lists them all. */
const MAX_NAMED = 20;
function capped(names: string[]): string {
  return names.length <= MAX_NAMED
    ? names.join(', ')
    : `${names.slice(0, MAX_NAMED).join(', ')} and ${names.length - MAX_NAMED} more`;
}

/**
 * The error `--strict` stops with, on one line: every (environment, service) left behind, by name,
 * then every key a carried service loses ("account (dev) depends_on.config").
 */
export function strictMessage(findings: Finding[]): string | undefined {
  const left = findings.filter((f) => f.code === 'not-carried');
  if (left.length === 0) return undefined;
  const services = left.filter((f) => f.key === undefined);
  const keys = left.filter((f) => f.key !== undefined);
  const parts: string[] = [];
  if (services.length)
    parts.push(
      `${services.length} service${services.length === 1 ? ' is' : 's are'} not carried into any generated file: ${capped(services.map((f) => `${f.service ?? '?'} (${f.env ?? '?'})`))}`,
    );
  if (keys.length) {
    const named = [...new Set(keys.map((f) => `${f.service ?? '?'} (${f.env ?? '?'}) ${f.key ?? ''}`))];
    parts.push(
      `${named.length} key${named.length === 1 ? ' is' : 's are'} dropped from carried services: ${capped(named)}`,
    );
  }
  return `--strict: ${parts.join('; ')} (see "Not carried" in the plan)`;
}
