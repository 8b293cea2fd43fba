import type { EffectiveService } from '../compose/types.js';
import type { MigrateConfig } from '../model.js';
import type { ComponentDir } from './components.js';
import type { Attribution, Decision, Finding } from './types.js';
import type { DockerfileReader } from './dockerfiles.js';
import { EVIDENCE, type Claim } from './evidence.js';
import { buildFacts } from './service-facts.js';

/** Every variant of one service name across environments (a service may exist in dev only). */
export type ServiceVariants = Map<string, EffectiveService[]>;

export interface AttributionResult {
  attributions: Map<string, Attribution>;
  findings: Finding[];
}

/**
 * Decides which component owns each service: config mapping first, then the rows of the evidence
 * table (evidence.ts) in order; the first row that claims the service decides, and a row pointing at
 * two components is a decision. Nothing claiming it is a decision too.
 */
export function attributeServices(
  services: ServiceVariants,
  components: ComponentDir[],
  config: MigrateConfig,
  dockerfiles: DockerfileReader,
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
          reason: `config services.${service} says backing`,
        });
        continue;
      }
      const backingOf = configured.startsWith('backing:') ? configured.slice('backing:'.length) : undefined;
      if (backingOf !== undefined && names.has(backingOf)) {
        attributions.set(service, {
          service,
          component: null,
          role: 'backing',
          backingOf,
          backingNote: 'config',
          evidence: 'config',
          reason: `config services.${service} says backing:${backingOf}: a backing service of ${backingOf}`,
        });
        continue;
      }
      if (names.has(configured)) {
        attributions.set(service, {
          service,
          component: configured,
          role: 'component',
          evidence: 'config',
          reason: `config services.${service} maps it to ${configured}`,
        });
        continue;
      }
      findings.push({
        level: 'warning',
        code: 'config-unknown-component',
        message: `config services.${service} names "${configured}", which is not a component; ignored`,
      });
    }

    const input = { service, variants, components, byDepth, dockerfiles };
    let decided = false;
    for (const row of EVIDENCE) {
      const claims = uniqueByComponent(row.claims(input));
      if (claims.length === 0) continue;
      decided = true;
      if (claims.length === 1) {
        const c = claims[0] as Claim;
        attributions.set(
          service,
          c.role === 'backing'
            ? {
                service,
                component: null,
                role: 'backing',
                ...(c.component ? { backingOf: c.component, backingNote: c.short ?? 'its own' } : {}),
                evidence: row.evidence,
                reason: c.reason,
              }
            : {
                service,
                component: c.component,
                role: 'component',
                evidence: row.evidence,
                reason: c.reason,
              },
        );
        break;
      }
      const pointed = claims.map((d) => d.component ?? 'shared').join(' and ');
      attributions.set(service, undecided(service, `${row.evidence} evidence points at ${pointed}`));
      findings.push(decisionFinding(service, variants, components, claims.map((m) => m.reason).join('; ')));
      break;
    }
    if (decided) continue;

    attributions.set(
      service,
      undecided(service, 'no build context, image, name or mount ties it to a component'),
    );
    findings.push(decisionFinding(service, variants, components, unclaimedWhy(variants)));
  }
  return { attributions, findings };
}

/** Why nothing claimed a service, in the terms of its build. */
function unclaimedWhy(variants: EffectiveService[]): string {
  for (const v of variants) {
    const build = buildFacts(v.config);
    if (build && (build.context === '' || build.context === null))
      return `it builds from the repository root (context ${build.context === '' ? '.' : 'not a local path'}, dockerfile ${build.dockerfile ?? '?'}) and no Dockerfile name, service name, image or mount ties it to a component`;
  }
  return 'it is built from outside every component and no name, image or mount ties it to one';
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

function uniqueByComponent(claims: Claim[]): Claim[] {
  const seen = new Map<string, Claim>();
  for (const c of claims) {
    const key = `${c.role}:${c.component ?? ''}`;
    if (!seen.has(key)) seen.set(key, c);
  }
  return [...seen.values()];
}
