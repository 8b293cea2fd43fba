import type { EffectiveService } from '../compose/types.js';
import type { MigrateConfig } from '../model.js';
import type { ComponentDir } from './components.js';
import type { Attribution, Decision, Finding } from './types.js';
import { bindMounts, buildFacts, imageRepository, isInside } from './service-facts.js';

/** Every variant of one service name across environments (a service may exist in dev only). */
export type ServiceVariants = Map<string, EffectiveService[]>;

export interface AttributionResult {
  attributions: Map<string, Attribution>;
  findings: Finding[];
}

type Match = { component: string; reason: string };

/**
 * Decides which component owns each service, strongest evidence first: config, build context or
 * dockerfile inside the component, image repository named like it, service name, bind mounts of its
 * paths. A service none of these claims and that runs a registry image is a backing service;
 * anything else is a decision.
 */
export function attributeServices(
  services: ServiceVariants,
  components: ComponentDir[],
  config: MigrateConfig,
): AttributionResult {
  const attributions = new Map<string, Attribution>();
  const findings: Finding[] = [];
  const names = new Set(components.map((c) => c.name));
  // Longest path first so that a nested component wins over its group.
  const byDepth = [...components].sort((a, b) => b.path.length - a.path.length);

  for (const [service, variants] of [...services].sort(([a], [b]) => a.localeCompare(b))) {
    const configured = config.services?.[service];
    if (configured !== undefined) {
      if (configured === 'backing') {
        attributions.set(service, {
          service,
          component: null,
          role: 'backing',
          evidence: 'config',
          reason: 'config services says backing',
        });
        continue;
      }
      if (names.has(configured)) {
        attributions.set(service, {
          service,
          component: configured,
          role: 'component',
          evidence: 'config',
          reason: `config services maps it to ${configured}`,
        });
        continue;
      }
      findings.push({
        level: 'warning',
        code: 'config-unknown-component',
        message: `config services.${service} names "${configured}", which is not a component; ignored`,
      });
    }

    const evidence: [Attribution['evidence'], Match[]][] = [
      ['build', byBuild(variants, byDepth)],
      ['image', byImage(variants, components)],
      ['name', byName(service, components)],
      ['mount', byMount(variants, byDepth)],
    ];
    let decided = false;
    for (const [kind, matches] of evidence) {
      const distinct = uniqueByComponent(matches);
      if (distinct.length === 0) continue;
      if (distinct.length === 1) {
        const m = distinct[0] as Match;
        attributions.set(service, {
          service,
          component: m.component,
          role: 'component',
          evidence: kind,
          reason: m.reason,
        });
      } else {
        attributions.set(
          service,
          undecided(service, `${kind} evidence points at ${distinct.map((d) => d.component).join(' and ')}`),
        );
        findings.push(
          decisionFinding(service, variants, components, `${distinct.map((m) => m.reason).join('; ')}`),
        );
      }
      decided = true;
      break;
    }
    if (decided) continue;

    const registryImage = variants.every(
      (v) => v.config['build'] === undefined && v.config['image'] !== undefined,
    );
    if (registryImage) {
      const image = String(variants[0]?.config['image'] ?? '');
      attributions.set(service, {
        service,
        component: null,
        role: 'backing',
        evidence: 'registry-image',
        reason: `runs registry image ${image} and no component claims it`,
      });
      continue;
    }
    attributions.set(
      service,
      undecided(service, 'no build context, image, name or mount ties it to a component'),
    );
    findings.push(
      decisionFinding(
        service,
        variants,
        components,
        'it is built from outside every component and no name, image or mount ties it to one',
      ),
    );
  }
  return { attributions, findings };
}

function undecided(service: string, reason: string): Attribution {
  return { service, component: null, role: 'undecided', evidence: 'none', reason };
}

function decisionFinding(
  service: string,
  variants: EffectiveService[],
  components: ComponentDir[],
  why: string,
): Finding {
  const origin = variants[0]?.origin;
  const decision: Decision = {
    id: `attribution:${service}`,
    kind: 'attribution',
    question: `Which component owns service ${service}?`,
    choices: [...components.map((c) => c.name), 'backing'],
    configKey: `services.${service}`,
    configPath: ['services', service],
  };
  return {
    level: 'decision',
    code: 'unattributed-service',
    message: `service ${service}: ${why}; it stays in the root files until answered (config ${decision.configKey}: <component> | backing)`,
    ...(origin ? { file: origin.file, line: origin.line } : {}),
    decision,
  };
}

function uniqueByComponent(matches: Match[]): Match[] {
  const seen = new Map<string, Match>();
  for (const m of matches) if (!seen.has(m.component)) seen.set(m.component, m);
  return [...seen.values()];
}

function byBuild(variants: EffectiveService[], byDepth: ComponentDir[]): Match[] {
  const out: Match[] = [];
  for (const v of variants) {
    const build = buildFacts(v.config);
    if (!build) continue;
    for (const c of byDepth) {
      if (build.context !== null && build.context !== '' && isInside(build.context, c.path)) {
        out.push({ component: c.name, reason: `build context ${build.context} is inside ${c.path}/` });
        break;
      }
      if (build.dockerfile !== null && isInside(build.dockerfile, c.path)) {
        out.push({ component: c.name, reason: `dockerfile ${build.dockerfile} is inside ${c.path}/` });
        break;
      }
      // "Dockerfile.search-api" or "search-api.Dockerfile" beside the context names the component.
      const base = build.dockerfile?.slice(build.dockerfile.lastIndexOf('/') + 1) ?? '';
      if (base === `Dockerfile.${c.name}` || base === `${c.name}.Dockerfile`) {
        out.push({ component: c.name, reason: `dockerfile ${build.dockerfile} is named for ${c.name}` });
        break;
      }
    }
  }
  return out;
}

function byImage(variants: EffectiveService[], components: ComponentDir[]): Match[] {
  const out: Match[] = [];
  for (const v of variants) {
    const repo = imageRepository(v.config);
    if (!repo) continue;
    const last = repo.slice(repo.lastIndexOf('/') + 1);
    for (const c of components) {
      if (last === c.name)
        out.push({
          component: c.name,
          reason: `image ${String(v.config['image'])} is named like the component`,
        });
    }
  }
  return out;
}

function byName(service: string, components: ComponentDir[]): Match[] {
  const matches = components.filter((c) => nameMatches(service, c.name));
  if (matches.length === 0) return [];
  // The longest name is the most specific (api-gateway over api for "api-gateway-test").
  const longest = Math.max(...matches.map((c) => c.name.length));
  return matches
    .filter((c) => c.name.length === longest)
    .map((c) => ({
      component: c.name,
      reason:
        service === c.name
          ? 'service name equals the component name'
          : `service name ${service} is prefixed or suffixed by ${c.name}`,
    }));
}

export function nameMatches(service: string, component: string): boolean {
  if (service === component) return true;
  for (const sep of ['-', '_']) {
    if (service.startsWith(component + sep) || service.endsWith(sep + component)) return true;
  }
  return false;
}

function byMount(variants: EffectiveService[], byDepth: ComponentDir[]): Match[] {
  const out: Match[] = [];
  for (const v of variants) {
    for (const m of bindMounts(v.config)) {
      if (m.repoPath === null || m.repoPath === '') continue;
      const c = byDepth.find((d) => isInside(m.repoPath as string, d.path));
      if (c) out.push({ component: c.name, reason: `mounts ${m.source} from ${c.path}/` });
    }
  }
  return out;
}
