import type { Decision, Finding } from '../analysis/types.js';
import type { ConfigPath, MigrateConfig } from './types.js';

/** One key set in the config: `['environments', 'docker-compose.staging.yml']` = `'prod'`. */
export interface ConfigEdit {
  path: ConfigPath;
  value: string | string[];
}

/** What answers the decisions besides config: flags given on the command line. */
export interface AnswerFlags {
  withPeers?: boolean;
}

/**
 * Is this decision settled by something the user wrote down (config or flag)? A decision the plan only
 * answered with its default is open: someone has to take that default knowingly (a prompt or --yes).
 */
export function isSettled(decision: Decision, config: MigrateConfig, flags: AnswerFlags = {}): boolean {
  switch (decision.kind) {
    case 'environment':
    case 'layers':
    case 'attribution':
      // The analysis raises these only when the config says nothing about the file or service.
      return false;
    case 'peer':
      return config.peers?.[decision.configPath[1] ?? ''] !== undefined || flags.withPeers === true;
    case 'port':
      return config.ports !== undefined;
    case 'container-name':
      return config.containerNames !== undefined;
  }
}

/** Decisions nobody has settled, in plan order; one per id. */
export function openDecisions(
  findings: Finding[],
  config: MigrateConfig,
  flags: AnswerFlags = {},
): Decision[] {
  const seen = new Set<string>();
  const out: Decision[] = [];
  for (const f of findings) {
    const d = f.decision;
    if (!d || seen.has(d.id) || isSettled(d, config, flags)) continue;
    seen.add(d.id);
    out.push(d);
  }
  return out;
}

/**
 * Decisions that matter for migrating `selected`: those about one of them, and the repo-wide ones
 * (environments, attribution) that change every component's files, or the components they concern
 * (a container name repeated in two components' files).
 */
export function relevantFindings(findings: Finding[], selected: readonly string[]): Finding[] {
  return findings.filter(
    (f) =>
      f.decision &&
      (f.component === undefined
        ? (f.decision.concerns ?? selected).some((c) => selected.includes(c))
        : selected.includes(f.component)),
  );
}

/**
 * Decisions whose config key is one setting for the whole repository (ports, containerNames) are
 * asked once: answering one collision answers them all.
 */
export function questionKey(decision: Decision): string {
  return decision.kind === 'port' || decision.kind === 'container-name' ? decision.configKey : decision.id;
}

/** A decision answered by someone (prompt), with the answer chosen among its choices. */
export interface Answer {
  decision: Decision;
  answer: string;
}

/**
 * The config edits that record these answers. Peer answers for one component become one list (the
 * services pulled in; an empty list says "none", so the question is not asked again).
 */
export function answersToEdits(answers: Answer[]): ConfigEdit[] {
  const edits: ConfigEdit[] = [];
  const peers = new Map<string, { path: ConfigPath; services: string[] }>();
  const set = (edit: ConfigEdit) => {
    const at = edits.findIndex((e) => e.path.join('\0') === edit.path.join('\0'));
    if (at >= 0) edits.splice(at, 1);
    edits.push(edit);
  };
  for (const { decision, answer } of answers) {
    if (!decision.choices.includes(answer)) throw new Error(`"${answer}" is not a choice for ${decision.id}`);
    if (decision.kind === 'peer') {
      // One list per component: the key is ["peers", component], the answer adds the decision's service.
      const key = decision.configPath.join('\0');
      const list = peers.get(key) ?? { path: decision.configPath, services: [] };
      if (answer === 'yes' && decision.service !== undefined) list.services.push(decision.service);
      peers.set(key, list);
    } else if (decision.kind === 'layers') set(layersEdit(decision, answer));
    else set({ path: decision.configPath, value: answer });
  }
  for (const { path, services } of peers.values()) set({ path, value: [...new Set(services)].sort() });
  return edits;
}

/**
 * A `layers:<env>` decision is answered with one of its choices, the files joined by " + "; an
 * `alone:<files>` decision with the environment those files run alone as (`skip`: none, written as an
 * empty list under the proposed name).
 */
function layersEdit(decision: Decision, answer: string): ConfigEdit {
  const subject = decision.id.slice(decision.id.indexOf(':') + 1);
  if (decision.id.startsWith('layers:')) return { path: decision.configPath, value: answer.split(' + ') };
  if (answer === 'skip') return { path: decision.configPath, value: [] };
  return { path: ['layers', answer], value: subject.split('+') };
}

/** The config with the edits applied; the input is not changed. */
export function applyEdits(config: MigrateConfig, edits: ConfigEdit[]): MigrateConfig {
  const out = structuredClone(config) as Record<string, unknown>;
  for (const { path, value } of edits) {
    let node = out;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[path[path.length - 1] as string] = Array.isArray(value) ? [...value] : value;
  }
  return out as MigrateConfig;
}

/** How a person answers this without a prompt: the flag when there is one, and the config key. */
export function howToAnswer(decision: Decision): string {
  const choices =
    decision.choices.length > 8
      ? `${decision.choices.slice(0, 8).join(' | ')} | ...`
      : decision.choices.join(' | ');
  const subject = decision.id.slice(decision.id.indexOf(':') + 1);
  const config =
    decision.kind === 'peer'
      ? `${decision.configKey}: [services] | true | false`
      : decision.kind === 'layers' && decision.id.startsWith('layers:')
        ? `${decision.configKey}: ${decision.choices.map((c) => `[${c.split(' + ').join(', ')}]`).join(' | ')}`
        : decision.kind === 'layers'
          ? `layers.<env>: [${subject.split('+').join(', ')}] (env: ${choices.replace(/ \| skip$/, '')}), or ${decision.configKey}: [] for none`
          : `${decision.configKey}: ${choices}`;
  return decision.flag ? `${decision.flag} or config ${config}` : `config ${config}`;
}
