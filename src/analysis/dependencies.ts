import { referencedService } from '../compose/short-syntax.js';
import type { EffectiveProject, EffectiveService, VarSource } from '../compose/types.js';
import { interpolateOrKeep } from '../compose/interpolate.js';
import type { DependencyEdge, EdgeKind, Finding } from './types.js';
import { commandWords, dependsOnTargets, environmentEntries, stringList, str } from './service-facts.js';

/** Keys whose bare value (no scheme, no port) is read as a hostname: REDIS_HOST=redis. */
export const HOST_KEY = /(HOST|ADDR|SERVER|URL|URI|DSN|ENDPOINT|BROKER|NODES?)$/i;

/** An edge before roles are known. */
export type RawEdge = Omit<DependencyEdge, 'role' | 'peerComponent'>;

/**
 * Every dependency of every service in one environment: depends_on (both syntaxes), links,
 * network_mode service:x, volumes_from, and another service's name used as a host in environment,
 * command or entrypoint values (evaluated with interpolation so ${DB_HOST:-postgres} counts).
 */
export function findEdges(project: EffectiveProject, vars: VarSource): RawEdge[] {
  const names = new Set(project.services.keys());
  const edges: RawEdge[] = [];
  for (const svc of project.services.values()) edges.push(...edgesOf(svc, names, project.env, vars));
  return dedupe(edges);
}

/** A service named by depends_on, links, network_mode or volumes_from, and the text it is written as. */
interface ServiceReference {
  service: string;
  kind: EdgeKind;
  key: string;
  written: string;
}

/** Compose interpolates these values before it reads the service names in them (never mapping keys). */
function serviceReferences(c: EffectiveService['config'], vars: VarSource): ServiceReference[] {
  const out: ServiceReference[] = [];
  const value = (written: string): string => interpolateOrKeep(written, vars);
  for (const t of dependsOnTargets(c, value))
    out.push({ service: t.service, kind: 'depends_on', key: `depends_on.${t.written}`, written: t.written });
  for (const written of stringList(c['links'])) {
    const service = referencedService(value(written));
    if (service !== undefined) out.push({ service, kind: 'links', key: 'links', written });
  }
  const mode = str(c['network_mode']);
  const nm = mode === undefined ? undefined : value(mode);
  if (mode !== undefined && nm?.startsWith('service:'))
    out.push({
      service: nm.slice('service:'.length),
      kind: 'network_mode',
      key: 'network_mode',
      written: mode,
    });
  for (const written of stringList(c['volumes_from'])) {
    const service = referencedService(value(written));
    if (service !== undefined) out.push({ service, kind: 'volumes_from', key: 'volumes_from', written });
  }
  return out;
}

/**
 * A service reference written with a variable that names no service of the environment: a mapping key
 * (compose never interpolates keys, so `depends_on: {"${DB}": ...}` is refused by compose), or a value
 * whose variable has no value here. The dependency cannot be followed; say so instead of dropping it.
 */
export function unresolvedReferenceFindings(project: EffectiveProject, vars: VarSource): Finding[] {
  const out: Finding[] = [];
  for (const svc of project.services.values()) {
    for (const r of serviceReferences(svc.config, vars)) {
      if (!r.written.includes('$') || project.services.has(r.service)) continue;
      const pos = svc.positions.get(r.key) ?? svc.positions.get(r.kind) ?? svc.origin;
      const isKey = r.kind === 'depends_on' && r.service === r.written;
      out.push({
        level: 'warning',
        code: 'unresolved-service-reference',
        message: isKey
          ? `${svc.name} ${r.kind} key ${r.written} (${project.env}): compose interpolates values, never mapping keys, so it names no service (compose refuses the file); the dependency is not followed (write it as a list entry)`
          : `${svc.name} ${r.kind} ${r.written} (${project.env}) names no service (${r.service === '' ? 'its variable has no value' : `it reads "${r.service}"`}); the dependency is not followed`,
        file: pos.file,
        line: pos.line,
        service: svc.name,
        env: project.env,
      });
    }
  }
  return out;
}

function edgesOf(svc: EffectiveService, names: Set<string>, env: string, vars: VarSource): RawEdge[] {
  const out: RawEdge[] = [];
  const edge = (service: string, kind: EdgeKind, key: string, evidence?: string) => {
    if (service === svc.name || !names.has(service)) return;
    const pos = svc.positions.get(key) ?? svc.positions.get(key.split('.')[0] ?? key) ?? svc.origin;
    out.push({
      from: svc.name,
      service,
      kind,
      env,
      via: `${pos.file}:${pos.line} ${key}`,
      pos,
      ...(evidence !== undefined ? { evidence } : {}),
    });
  };
  const c = svc.config;
  for (const r of serviceReferences(c, vars)) edge(r.service, r.kind, r.key);
  for (const [key, raw] of environmentEntries(c)) {
    for (const host of hostsIn(interpolateOrKeep(raw, vars), HOST_KEY.test(key)))
      edge(host, 'hostname', `environment.${key}`, `${key}=${raw}`);
  }
  for (const key of ['command', 'entrypoint'] as const) {
    for (const word of commandWords(c, key)) {
      for (const host of hostsIn(interpolateOrKeep(word, vars), false)) edge(host, 'hostname', key, word);
    }
  }
  return out;
}

/**
 * Hostnames in a value: "scheme://[user[:pass]@]host[:port]", "host:port", "user@host:port",
 * comma-separated broker lists, and (when the key says it holds a host) the bare value.
 */
export function hostsIn(value: string, bareAllowed: boolean): string[] {
  const hosts = new Set<string>();
  // A scheme starts where a run of scheme characters starts, so each run is scanned once (linear).
  const urlRe = /(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:\/\/(?:[^@/\s]*@)?([^/:?#\s,;]+)/gi;
  for (const m of value.matchAll(urlRe)) hosts.add((m[1] ?? '').toLowerCase());
  const hostPortRe = /(?:^|[\s,;=@(])([a-zA-Z][a-zA-Z0-9_.-]*):(\d{2,5})\b/g;
  for (const m of value.matchAll(hostPortRe)) hosts.add(m[1] ?? '');
  if (bareAllowed) {
    for (const part of value.split(/[,\s]+/)) if (/^[a-zA-Z][a-zA-Z0-9_.-]*$/.test(part)) hosts.add(part);
  }
  hosts.delete('');
  return [...hosts];
}

/** Edges that decide start order: compose refuses a project where these form a cycle. */
const ORDER_KINDS: ReadonlySet<EdgeKind> = new Set(['depends_on', 'links', 'volumes_from', 'network_mode']);

/** The first cycle among start-order edges, as the list of services around it (first repeated last), or undefined. */
export function findStartOrderCycle(edges: readonly RawEdge[]): RawEdge[] | undefined {
  const out = new Map<string, RawEdge[]>();
  for (const e of edges) {
    if (!ORDER_KINDS.has(e.kind)) continue;
    const list = out.get(e.from) ?? [];
    list.push(e);
    out.set(e.from, list);
  }
  const state = new Map<string, 'open' | 'done'>();
  const stack: RawEdge[] = [];
  const visit = (node: string): RawEdge[] | undefined => {
    state.set(node, 'open');
    for (const e of out.get(node) ?? []) {
      const s = state.get(e.service);
      if (s === 'open') {
        const start = stack.findIndex((x) => x.from === e.service);
        return [...stack.slice(start < 0 ? 0 : start), e];
      }
      if (s === undefined) {
        stack.push(e);
        const found = visit(e.service);
        if (found) return found;
        stack.pop();
      }
    }
    state.set(node, 'done');
    return undefined;
  };
  for (const node of [...out.keys()].sort()) {
    if (state.has(node)) continue;
    const found = visit(node);
    if (found) return found;
  }
  return undefined;
}

function dedupe(edges: RawEdge[]): RawEdge[] {
  const seen = new Set<string>();
  return edges.filter((e) => {
    const k = `${e.from}\0${e.service}\0${e.kind}\0${e.via}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
