import { posix } from 'node:path';
import type { EffectiveService } from '../compose/types.js';
import type { ComponentDir } from './components.js';
import { backingImage, type BackingImage } from './backing-images.js';
import type { DockerfileReader } from './dockerfiles.js';
import {
  backingOwnerWords,
  bestNameMatches,
  componentForms,
  sameWords,
  dockerfileNameWords,
  serviceWords,
  stripEnvTokens,
  tokens,
} from './names.js';
import { isYamlMap } from '../compose/short-syntax.js';
import { bindMounts, buildFacts, imageRepository, isInside, str } from './service-facts.js';
import type { AttributionEvidence } from './types.js';

/**
 * The attribution evidence, strongest first. The first row that claims a service decides; a row that
 * points at two components makes it a decision. Config mapping comes before every row (it is the
 * answer to that decision) and is applied by the caller.
 */

/** What one row says about one service. */
export interface Claim {
  role: 'component' | 'backing';
  /** Owning component, or for a backing service the component it belongs to (null: shared). */
  component: string | null;
  /** The text the plan prints. */
  reason: string;
  /** For a backing service of a component, the few words the plan's WHY column shows ("database named for it"). */
  short?: string;
}

export interface EvidenceInput {
  service: string;
  variants: EffectiveService[];
  components: ComponentDir[];
  /** Components, longest path first, so a nested component wins over its group. */
  byDepth: ComponentDir[];
  dockerfiles: DockerfileReader;
}

export interface EvidenceRow {
  evidence: AttributionEvidence;
  /** The rule in a maintainer's words (README, --verbose). */
  rule: string;
  claims(input: EvidenceInput): Claim[];
}

export const EVIDENCE: readonly EvidenceRow[] = [
  {
    evidence: 'backing-image',
    rule: 'its image, or the image its Dockerfile starts FROM, is a database, cache, queue, broker, object store, search engine or vector database: a backing service, of the component it is built in or named for, otherwise shared',
    claims: byBackingImage,
  },
  {
    evidence: 'build',
    rule: 'its build context or Dockerfile is inside the component, or its Dockerfile is named for it (Dockerfile.<name>, <name>.<variant>.Dockerfile)',
    claims: byBuild,
  },
  {
    evidence: 'image',
    rule: 'its image repository is named like the component',
    claims: byImageName,
  },
  {
    evidence: 'name',
    rule: 'its name, without environment words (dev-, test-, alpine-test-), equals, starts or ends with the component name (or the component name with it)',
    claims: byName,
  },
  {
    evidence: 'mount',
    rule: "it bind-mounts the component's files (the mount at its working_dir first)",
    claims: byMount,
  },
  {
    evidence: 'registry-image',
    rule: 'it runs a registry image and nothing above claims it: a shared backing service',
    claims: byRegistryImage,
  },
];

/** The Dockerfile a variant builds from, read from the repository root when the context path lacks it. */
export function dockerfileOf(
  v: EffectiveService,
  dockerfiles: DockerfileReader,
): { path: string; note: string } | undefined {
  const build = buildFacts(v.config);
  if (!build?.dockerfile) return undefined;
  if (dockerfiles.exists(build.dockerfile)) return { path: build.dockerfile, note: '' };
  const raw = v.config['build'];
  const written = isYamlMap(raw) ? str(raw['dockerfile']) : undefined;
  if (written && !written.startsWith('/') && !written.includes('$')) {
    const fromRoot = posix.normalize(written);
    if (!fromRoot.startsWith('..') && dockerfiles.exists(fromRoot))
      return {
        path: fromRoot,
        note: ` (not found under context ${build.context || '.'}; read from the repository root)`,
      };
  }
  return { path: build.dockerfile, note: '' };
}

function byBackingImage(input: EvidenceInput): Claim[] {
  let found: { family: BackingImage; what: string } | undefined;
  for (const v of input.variants) {
    const image = str(v.config['image']);
    if (v.config['build'] !== undefined) {
      const df = dockerfileOf(v, input.dockerfiles);
      const from = df ? input.dockerfiles.baseImage(df.path) : undefined;
      const family = from ? backingImage(from) : undefined;
      if (family && df) {
        found = { family, what: `its Dockerfile ${df.path} starts FROM ${from}` };
        break;
      }
    }
    const family = image ? backingImage(image) : undefined;
    if (family && image) {
      found = { family, what: `image ${image}` };
      break;
    }
  }
  if (!found) return [];
  const is = `${found.what} is a ${found.family.kind} (${found.family.family})`;
  const built = builtInside(input);
  if (built)
    return [
      {
        role: 'backing',
        component: built.component,
        reason: `${is}, built in ${built.path}/: a backing service of ${built.component}`,
        short: `${found.family.kind} built in it`,
      },
    ];
  const owner = backingOwnerWords(
    input.service,
    found.family.names.flatMap((n) => tokens(n)),
  );
  if (owner.length > 0) {
    const named = input.components.filter((c) => componentForms(c.name).some((f) => sameWords(f, owner)));
    if (named.length === 1) {
      const c = named[0] as ComponentDir;
      return [
        {
          role: 'backing',
          component: c.name,
          reason: `${is}, named for ${c.name}: a backing service of ${c.name}`,
          short: `${found.family.kind} named for it`,
        },
      ];
    }
  }
  return [
    {
      role: 'backing',
      component: null,
      reason: `${is}: a backing service, shared by the components that use it`,
    },
  ];
}

/** The component a service's build context or Dockerfile lies in, if any. */
function builtInside(input: EvidenceInput): { component: string; path: string } | undefined {
  for (const v of input.variants) {
    const build = buildFacts(v.config);
    if (!build) continue;
    const df = dockerfileOf(v, input.dockerfiles);
    for (const c of input.byDepth) {
      if (build.context && isInside(build.context, c.path)) return { component: c.name, path: c.path };
      if (df && isInside(df.path, c.path)) return { component: c.name, path: c.path };
    }
  }
  return undefined;
}

function byBuild(input: EvidenceInput): Claim[] {
  const out: Claim[] = [];
  for (const v of input.variants) {
    const build = buildFacts(v.config);
    if (!build) continue;
    const df = dockerfileOf(v, input.dockerfiles);
    const inside = input.byDepth.find(
      (c) =>
        (build.context !== null && build.context !== '' && isInside(build.context, c.path)) ||
        (df !== undefined && isInside(df.path, c.path)),
    );
    if (inside) {
      const viaContext =
        build.context !== null && build.context !== '' && isInside(build.context, inside.path);
      out.push({
        role: 'component',
        component: inside.name,
        reason: viaContext
          ? `build context ${build.context} is inside ${inside.path}/`
          : `dockerfile ${df?.path}${df?.note ?? ''} is inside ${inside.path}/ (context ${build.context || '.'})`,
      });
      continue;
    }
    // A Dockerfile outside every component may be named for one: Dockerfile.search-api, auth.alpine.Dockerfile.
    const words = df ? dockerfileNameWords(df.path) : [];
    if (words.length === 0) continue;
    for (const m of bestNameMatches(
      words,
      input.components.map((c) => c.name),
    ))
      out.push({
        role: 'component',
        component: m.component,
        reason: `dockerfile ${df?.path} is named for ${m.component}`,
      });
  }
  return out;
}

function byImageName(input: EvidenceInput): Claim[] {
  const out: Claim[] = [];
  for (const v of input.variants) {
    const repo = imageRepository(v.config);
    if (!repo || repo.includes('$')) continue;
    const words = stripEnvTokens(tokens(repo.slice(repo.lastIndexOf('/') + 1)));
    for (const m of bestNameMatches(
      words,
      input.components.map((c) => c.name),
    )) {
      // Only an image that carries the whole component name counts (`acme/pourtier:dev`).
      if (m.score < 2) continue;
      out.push({
        role: 'component',
        component: m.component,
        reason: `image ${String(v.config['image'])} is named like ${m.component}`,
      });
    }
  }
  return out;
}

function byName(input: EvidenceInput): Claim[] {
  const words = serviceWords(input.service);
  return bestNameMatches(
    words,
    input.components.map((c) => c.name),
  ).map((m) => ({
    role: 'component' as const,
    component: m.component,
    reason:
      m.score === 3
        ? words.join('-') === input.service
          ? `service name equals ${m.component}`
          : `service name ${input.service}, without its environment words, names ${m.component}`
        : m.score === 2
          ? `service name ${input.service} starts or ends with ${m.component}`
          : `component name ${m.component} starts or ends with the service name ${words.join('-')}`,
  }));
}

function byMount(input: EvidenceInput): Claim[] {
  const atWorkdir: Claim[] = [];
  const other: Claim[] = [];
  for (const v of input.variants) {
    const workdir = str(v.config['working_dir']);
    for (const m of bindMounts(v.config)) {
      if (m.repoPath === null || m.repoPath === '') continue;
      const c = input.byDepth.find((d) => isInside(m.repoPath as string, d.path));
      if (!c) continue;
      const target = m.target.replace(/\/+$/, '');
      if (workdir && target !== '' && (workdir === target || workdir.startsWith(`${target}/`)))
        atWorkdir.push({
          role: 'component',
          component: c.name,
          reason: `mounts ${m.source} from ${c.path}/ at its working_dir ${workdir}`,
        });
      else other.push({ role: 'component', component: c.name, reason: `mounts ${m.source} from ${c.path}/` });
    }
  }
  return atWorkdir.length ? atWorkdir : other;
}

function byRegistryImage(input: EvidenceInput): Claim[] {
  const registry = input.variants.every(
    (v) => v.config['build'] === undefined && v.config['image'] !== undefined,
  );
  if (!registry) return [];
  const image = String(input.variants[0]?.config['image'] ?? '');
  return [
    {
      role: 'backing',
      component: null,
      reason: `runs registry image ${image} and no component claims it: a shared backing service`,
    },
  ];
}
