import type { ComposeFile } from '../compose/types.js';
import type { MigrateConfig } from '../model.js';
import { MigrateError } from '../errors.js';
import type { RepoSnapshot } from '../repo/snapshot.js';
import { discoverComposeFiles, isComposeFileName } from './discovery.js';
import { fileFacts, type FileFacts } from './file-facts.js';
import { InvocationScanner, type Invocation } from './invocations.js';
import type { Decision, Environment, Finding } from './types.js';

export { isComposeFileName };

const COMPOSE_NAME = /^(?:docker-compose|compose)(?<rest>(?:[.\-_][^/]*)?)\.(?<ext>ya?ml)$/i;

/** Name tokens that place a file in a canonical environment. */
const TOKEN_ENV: Record<string, string> = {
  dev: 'dev',
  development: 'dev',
  local: 'dev',
  test: 'test',
  tests: 'test',
  testing: 'test',
  e2e: 'test',
  integration: 'test',
  prod: 'prod',
  production: 'prod',
  deploy: 'prod',
  // CI is an environment of its own unless the repository runs it on top of its test files.
  ci: 'ci',
};

/** Name tokens that say the file is a whole alternative stack (the same services from published images). */
const ALTERNATIVE_STACK = new Set(['images', 'image', 'registry', 'prebuilt', 'release']);

/** How a compose file takes part in environments. */
export type FileRole =
  | { kind: 'base' }
  | { kind: 'override' }
  | { kind: 'env'; env: string }
  | { kind: 'ignore' }
  /** Defines nothing to run (only extension fields or anchors): in no environment. */
  | { kind: 'inert' }
  | { kind: 'unclassified'; env: string };

export interface ClassifiedFile {
  path: string;
  role: FileRole;
  /** Why it got its role. */
  reason: string;
}

export interface EnvironmentLayout {
  files: ClassifiedFile[];
  environments: Environment[];
  findings: Finding[];
  /** Extension of the compose files (".yaml" or ".yml"), used for generated files. */
  extension: '.yaml' | '.yml';
}

/** Compose files of the repository (root, configured folders, else one conventional folder). */
export function discoverRootComposeFiles(snapshot: RepoSnapshot, config: MigrateConfig): string[] {
  return discoverComposeFiles(snapshot, config).files;
}

/** "deploy/docker-compose.alpine-test.yml" -> ["alpine-test"]; "docker-compose.dev.yml" -> ["dev"]. */
export function tokensOf(path: string): string[] {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const m = COMPOSE_NAME.exec(name);
  const rest = m?.groups?.rest ?? '';
  return rest
    .split('.')
    .map((t) => t.replace(/^[-_]+/, ''))
    .filter((t) => t.length > 0)
    .map((t) => t.toLowerCase());
}

/** Environment names become file names and Make targets: keep them to a safe alphabet. */
export const ENV_NAME = /^[a-z0-9][a-z0-9_-]*$/;

export function classifyFile(path: string, config: MigrateConfig, facts?: FileFacts): ClassifiedFile {
  const configured = config.environments?.[path];
  const from = `config environments["${path}"]`;
  if (configured !== undefined) {
    if (configured === 'base') return { path, role: { kind: 'base' }, reason: from };
    if (configured === 'ignore') return { path, role: { kind: 'ignore' }, reason: from };
    return { path, role: { kind: 'env', env: configured }, reason: `${from} = ${configured}` };
  }
  const tokens = tokensOf(path);
  if (tokens.length === 1 && tokens[0] === 'override') {
    return {
      path,
      role: { kind: 'override' },
      reason: 'compose layers the override file onto the base by default',
    };
  }
  if (facts?.inert) {
    return {
      path,
      role: { kind: 'inert' },
      reason:
        'defines no services, networks or volumes (only extension fields; YAML anchors do not reach other files): nothing to layer',
    };
  }
  if (tokens.length === 0) return { path, role: { kind: 'base' }, reason: 'plain compose file' };
  const token = tokens.join('.');
  const direct = TOKEN_ENV[token];
  if (direct)
    return { path, role: { kind: 'env', env: direct }, reason: `name token "${token}" means ${direct}` };
  const words = token.split(/[-_.]/);
  if (words.some((w) => ALTERNATIVE_STACK.has(w))) {
    return {
      path,
      role: { kind: 'env', env: envNameOf(token) },
      reason: `name token "${token}" names an alternative stack`,
    };
  }
  // A variant such as "alpine-test" or "alpine.test": it names an environment word among other words.
  const known = words.map((w) => TOKEN_ENV[w]).filter((e): e is string => e !== undefined);
  if (known.length > 0 && new Set(known).size === 1) {
    return {
      path,
      role: { kind: 'env', env: envNameOf(token) },
      reason: `variant "${token}" of ${known[0]} is its own environment`,
    };
  }
  return {
    path,
    role: { kind: 'unclassified', env: envNameOf(token) },
    reason: `name token "${token}" names no environment`,
  };
}

function envNameOf(token: string): string {
  const name = token
    .replace(/\./g, '-')
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '-');
  return ENV_NAME.test(name) ? name : `env-${name.replace(/^[^a-z0-9]+/, '')}`;
}

/** Whether a file runs alone or layered onto the base files, and the evidence that says so. */
type Verdict = {
  how: 'layered' | 'alone' | 'mixed' | 'unknown';
  evidence: string[];
  strong: boolean;
  /** The reading comes from commands that run the file. */
  invoked?: boolean;
};

const list = (xs: string[], n = 2): string =>
  xs.length > n ? `${xs.slice(0, n).join(', ')}, ...` : xs.join(', ');

function where(invs: Invocation[]): string {
  const places = [...new Set(invs.map((i) => i.where))];
  return places.length > 2
    ? `${places.slice(0, 2).join(', ')} and ${places.length - 2} more`
    : places.join(', ');
}

interface Inputs {
  config: MigrateConfig;
  bases: string[];
  facts: Map<string, FileFacts>;
  invocations: Invocation[];
  alternative: Set<string>;
}

/** The commands naming a file: those scripts, CI and code run, else (only then) those the docs quote. */
function invocationsOf(path: string, invocations: Invocation[]): Invocation[] {
  const all = invocations.filter((i) => i.files.includes(path));
  const run = all.filter((i) => !i.doc);
  return run.length ? run : all;
}

function verdictOf(path: string, role: FileRole, input: Inputs): Verdict {
  const invs = invocationsOf(path, input.invocations);
  const alone = invs.filter((i) => i.files.length === 1 && !i.partial);
  const together = invs.filter((i) => i.files.length > 1);
  if (alone.length && together.length) {
    return {
      how: 'mixed',
      strong: true,
      invoked: true,
      evidence: [
        `run alone at ${where(alone)}`,
        `run with ${list(together[0]?.files.filter((f) => f !== path) ?? [])} at ${where(together)}`,
      ],
    };
  }
  if (together.length) {
    const sets = new Map<string, Invocation[]>();
    for (const inv of together) {
      const key = inv.files.map((f) => `-f ${f}`).join(' ');
      sets.set(key, [...(sets.get(key) ?? []), inv]);
    }
    const said = [...sets].map(([key, invs]) => `${key} at ${where(invs)}`);
    return { how: 'layered', strong: true, invoked: true, evidence: [`run as ${said.join('; as ')}`] };
  }
  if (alone.length)
    return {
      how: 'alone',
      strong: true,
      invoked: true,
      evidence: [`run alone (-f ${path}) at ${where(alone)}`],
    };
  if (role.kind === 'override') {
    return {
      how: 'layered',
      strong: true,
      evidence: ['compose layers the override file onto the base by default'],
    };
  }
  const f = input.facts.get(path);
  if (!f || f.unreadable)
    return {
      how: 'unknown',
      strong: false,
      evidence: f?.unreadable ? [`cannot be read alone: ${f.unreadable}`] : [],
    };
  if (f.patches.length) {
    return {
      how: 'layered',
      strong: true,
      evidence: [
        `${list(f.patches)} ${f.patches.length === 1 ? 'has' : 'have'} no image or build: ${f.patches.length === 1 ? 'it patches a service' : 'they patch services'} defined in another file`,
      ],
    };
  }
  if (f.missing.length) {
    return { how: 'layered', strong: true, evidence: [`${list(f.missing)}: a service it does not define`] };
  }
  const baseServices = new Set(input.bases.flatMap((b) => input.facts.get(b)?.services ?? []));
  const shared = f.services.filter((s) => baseServices.has(s));
  if (input.bases.length === 0)
    return { how: 'alone', strong: false, evidence: ['no plain compose file to layer onto'] };
  if (shared.length === 0) {
    return {
      how: 'alone',
      strong: false,
      evidence: [
        `every service is complete (image or build) and none is defined in ${list(input.bases)}: a stack of its own`,
      ],
    };
  }
  if (input.alternative.has(path)) {
    return {
      how: 'alone',
      strong: false,
      evidence: ['the name says it is an alternative stack and every service is complete (image or build)'],
    };
  }
  return {
    how: 'unknown',
    strong: false,
    evidence: [
      `every service is complete (image or build) and it redefines ${list(shared)} of ${list(input.bases)}: an override or a stack of its own`,
    ],
  };
}

/** Invocation order of `files` when one command passes them all; otherwise undefined. */
function invokedOrder(files: string[], invocations: Invocation[]): string[] | undefined {
  const inv = invocations
    .filter((i) => files.every((f) => i.files.includes(f)))
    .sort((a, b) => a.files.length - b.files.length)[0];
  if (!inv) return undefined;
  return inv.files.filter((f) => files.includes(f));
}

function canonicalWord(env: string): string {
  return env === 'dev' ? 'development' : env === 'prod' ? 'production' : env === 'test' ? 'testing' : env;
}

function ownWord(path: string, env: string): boolean {
  const t = tokensOf(path).join('.');
  return t === env || t === canonicalWord(env);
}

const ENV_ORDER = ['dev', 'test', 'prod'];
function compareEnvNames(a: string, b: string): number {
  const ia = ENV_ORDER.indexOf(a);
  const ib = ENV_ORDER.indexOf(b);
  return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
}

function majorityExtension(files: string[]): '.yaml' | '.yml' {
  const yml = files.filter((f) => f.endsWith('.yml')).length;
  return yml > files.length - yml ? '.yml' : '.yaml';
}

/** Check config `layers` against the files found: every file named must be one of them. */
function checkLayersConfig(config: MigrateConfig, files: string[]): void {
  for (const [env, layered] of Object.entries(config.layers ?? {})) {
    if (!ENV_NAME.test(env)) {
      throw new MigrateError(
        'config-invalid',
        `layers.${env}: an environment name is lower-case letters, digits, "-" and "_"`,
        undefined,
        2,
      );
    }
    for (const f of layered) {
      if (!files.includes(f)) {
        throw new MigrateError(
          'config-invalid',
          `layers.${env}: ${f} is not one of the compose files found (${files.join(', ') || 'none'})`,
          undefined,
          2,
        );
      }
    }
    if (new Set(layered).size !== layered.length) {
      throw new MigrateError('config-invalid', `layers.${env}: a file is listed twice`, undefined, 2);
    }
  }
}

export interface LayoutInput {
  snapshot: RepoSnapshot;
  files: string[];
  config: MigrateConfig;
  /** Parsed compose files, shared with the loader so each file is parsed once. */
  cache?: Map<string, ComposeFile>;
  /** Invocations already scanned (tests); scanned from the snapshot otherwise. */
  invocations?: Invocation[];
}

/**
 * Groups the compose files into environments, each with the files compose would be given (in order)
 * and the evidence for it. Name tokens say which environment a file belongs to; how the repository
 * runs the files (`-f a -f b` together, `-f x` alone, `COMPOSE_FILE`), the override name and what a
 * file's services hold say whether it is layered onto the plain file or runs alone. Where that evidence
 * is absent or contradicts itself, the plan asks (config `layers.<env>`); config `layers` always wins.
 */
export function layoutEnvironments(input: LayoutInput): EnvironmentLayout {
  const { snapshot, files, config } = input;
  const cache = input.cache ?? new Map<string, ComposeFile>();
  checkLayersConfig(config, files);
  const findings: Finding[] = [];
  const facts = new Map(files.map((f) => [f, fileFacts(snapshot, f, cache)]));
  const invocations = input.invocations ?? new InvocationScanner(files).scan(snapshot);
  const classified = files.map((f) => classifyFile(f, config, facts.get(f)));
  const configured = config.layers ?? {};
  const inConfiguredLayers = new Set(Object.values(configured).flat());

  for (const c of classified) {
    if (c.role.kind === 'inert') {
      findings.push({
        level: 'info',
        code: 'inert-file',
        message: `${c.path}: ${c.reason}; in no environment`,
        file: c.path,
      });
    }
  }

  const bases = classified.filter((c) => c.role.kind === 'base').map((c) => c.path);
  const alternative = new Set(
    classified.filter((c) => /alternative stack/.test(c.reason)).map((c) => c.path),
  );
  const inputs: Inputs = { config, bases, facts, invocations, alternative };

  // Environment of every non-base file; a file only ever run on top of another environment's file
  // belongs to that environment (a CI overlay of the test files).
  const envOf = new Map<string, string>();
  const why = new Map<string, string[]>();
  for (const c of classified) {
    // A file that config places in `layers` belongs to the environments named there and no other.
    if (inConfiguredLayers.has(c.path)) continue;
    if (c.role.kind === 'env' || c.role.kind === 'unclassified') envOf.set(c.path, c.role.env);
    else if (c.role.kind === 'override') envOf.set(c.path, 'dev');
  }
  for (const c of classified) {
    const own = envOf.get(c.path);
    if (own === undefined || config.environments?.[c.path] !== undefined) continue;
    const invs = invocationsOf(c.path, invocations);
    if (invs.length === 0) continue;
    const hosts = invs.map((i) => {
      const others = i.files.filter((f) => f !== c.path && envOf.has(f) && envOf.get(f) !== own);
      return others.length ? envOf.get(others[0] ?? '') : undefined;
    });
    const host = hosts[0];
    if (host !== undefined && hosts.every((h) => h === host)) {
      envOf.set(c.path, host);
      why.set(c.path, [`only ever run on top of the ${host} files (${where(invs)}): a ${host} overlay`]);
    }
  }

  for (const c of classified) {
    if (c.role.kind !== 'unclassified' || inConfiguredLayers.has(c.path)) continue;
    const env = envOf.get(c.path) ?? c.role.env;
    const v = verdictOf(c.path, c.role, inputs);
    const asBase = v.how === 'layered' && env === c.role.env;
    const decision: Decision = {
      id: `environment:${c.path}`,
      kind: 'environment',
      question: `Which environment is ${c.path}?`,
      choices: [...new Set(['base', 'dev', 'test', 'prod', env, 'ignore'])],
      configKey: `environments["${c.path}"]`,
      configPath: ['environments', c.path],
    };
    // Only commands that run the file make a reading safe enough for --yes to take.
    if (v.invoked && v.how !== 'mixed') decision.default = asBase ? 'base' : env;
    if (asBase) envOf.delete(c.path);
    findings.push({
      level: 'decision',
      code: 'unclassified-file',
      message: `${c.path}: the name says no environment; planned as ${asBase ? 'a base layer under every environment' : `environment "${env}"`} until answered${v.evidence.length ? ` (${v.evidence.join('; ')})` : ''} (config ${decision.configKey}: ${decision.choices.join(' | ')})`,
      file: c.path,
      decision,
    });
  }
  const allBases = [
    ...bases,
    ...classified.filter((c) => c.role.kind === 'unclassified' && !envOf.has(c.path)).map((c) => c.path),
  ];
  inputs.bases = allBases;

  const byEnv = new Map<string, string[]>();
  for (const [path, env] of envOf) byEnv.set(env, [...(byEnv.get(env) ?? []), path]);

  const environments: Environment[] = [];
  for (const [env, own] of byEnv) {
    if (configured[env] !== undefined) continue;
    const sorted = own.slice().sort((a, b) => {
      const rank = (p: string) => (envOf.get(p) !== tokenEnv(p) ? 2 : ownWord(p, env) ? 0 : 1);
      return rank(a) - rank(b) || a.localeCompare(b);
    });
    const order = (sorted.length > 1 ? invokedOrder(sorted, invocations) : undefined) ?? sorted;
    const verdicts = order.map((p) => {
      const v = verdictOf(p, classified.find((c) => c.path === p)?.role ?? { kind: 'base' }, inputs);
      return { path: p, ...v, evidence: [...(why.get(p) ?? []), ...v.evidence] };
    });
    const evidence = verdicts.flatMap((v) => v.evidence.map((e) => `${v.path}: ${e}`));
    const layered = verdicts.filter((v) => v.how === 'layered');
    const alone = verdicts.filter((v) => v.how === 'alone');
    const mixed = verdicts.some((v) => v.how === 'mixed') || (layered.length > 0 && alone.length > 0);
    const withBases = invokedOrder([...allBases, ...order], invocations) ?? [...allBases, ...order];
    if (allBases.length === 0 || (!mixed && layered.length === 0 && alone.length > 0)) {
      environments.push({ name: env, files: order, evidence: allBases.length === 0 ? evidence : evidence });
      continue;
    }
    if (!mixed && layered.length > 0) {
      environments.push({ name: env, files: withBases, evidence });
      continue;
    }
    // Absent or contradicting evidence: ask, and plan with the likelier reading until answered.
    const layeredChoice = withBases.join(' + ');
    const aloneChoice = order.join(' + ');
    const guessAlone = order.some((p) => alternative.has(p));
    const decision: Decision = {
      id: `layers:${env}`,
      kind: 'layers',
      question: `Is ${env} ${layeredChoice} (layered) or ${aloneChoice} alone?`,
      choices: [layeredChoice, aloneChoice],
      configKey: `layers.${env}`,
      configPath: ['layers', env],
    };
    const planned = guessAlone ? aloneChoice : layeredChoice;
    findings.push({
      level: 'decision',
      code: 'layering',
      message: `${env}: ${mixed ? 'the evidence disagrees' : 'nothing says'} whether ${aloneChoice} ${order.length > 1 ? 'are' : 'is'} layered onto ${list(allBases)} or run${order.length > 1 ? '' : 's'} alone${evidence.length ? ` (${evidence.join('; ')})` : ''}; planned as ${planned} until answered (config ${decision.configKey}: [${withBases.join(', ')}] | [${order.join(', ')}])`,
      file: order[0] ?? '',
      decision,
    });
    environments.push({
      name: env,
      files: guessAlone ? order : withBases,
      evidence: [
        ...evidence,
        `undecided: planned ${guessAlone ? 'alone' : 'layered'} until config layers.${env} answers`,
      ],
    });
  }

  for (const [env, layered] of Object.entries(configured)) {
    if (layered.length === 0) continue;
    environments.push({ name: env, files: [...layered], evidence: [`config layers.${env}`] });
  }

  addBaseAlone(environments, allBases, invocations, configured, findings);
  environments.sort((a, b) => compareEnvNames(a.name, b.name));
  for (const e of environments) {
    if (e.files.length > 1) {
      findings.push({
        level: 'info',
        code: 'layered-environment',
        message: `${e.name} layers ${e.files.join(' + ')} in that order`,
      });
    }
  }
  return { files: classified, environments, findings, extension: majorityExtension(files) };
}

function tokenEnv(path: string): string | undefined {
  const t = tokensOf(path).join('.');
  return TOKEN_ENV[t];
}

/**
 * The plain file run by itself is an environment too: when nothing layers onto it (it is dev, unless a
 * dev file already runs alone), or when the repository runs it alone besides layering others onto it.
 */
function addBaseAlone(
  environments: Environment[],
  bases: string[],
  invocations: Invocation[],
  configured: Record<string, string[]>,
  findings: Finding[],
): void {
  if (bases.length === 0) return;
  const key = bases.join('\0');
  if (environments.some((e) => e.files.join('\0') === key)) return;
  if (Object.values(configured).some((l) => l.join('\0') === key)) return;
  const used = environments.some((e) => bases.some((b) => e.files.includes(b)));
  const alone = invocationsOf(bases[0] ?? '', invocations).filter(
    (i) => i.files.join('\0') === key && !i.partial,
  );
  const taken = new Set(environments.map((e) => e.name));
  const noDev = !taken.has('dev') && configured.dev === undefined;
  if (used && alone.length === 0 && !noDev) return;
  const evidence = alone.length
    ? [
        `${bases.join(' + ')}: run ${bases.length > 1 ? `as ${bases.map((b) => `-f ${b}`).join(' ')}` : 'alone'} at ${where(alone)}`,
      ]
    : used
      ? [`${bases.join(' + ')}: what \`docker compose up\` runs, and no file names dev`]
      : [`${bases.join(' + ')}: nothing layers onto it, so it runs alone`];
  if (noDev) {
    environments.push({ name: 'dev', files: [...bases], evidence });
    return;
  }
  const name =
    ['prod', 'dev', 'default'].find((n) => !taken.has(n) && configured[n] === undefined) ?? 'default';
  const decision: Decision = {
    id: `alone:${key.replace(/\0/g, '+')}`,
    kind: 'layers',
    question: `${bases.join(' + ')} also runs alone: which environment is that?`,
    choices: [...new Set([name, 'prod', 'staging', 'skip'])],
    configKey: `layers.${name}`,
    configPath: ['layers', name],
  };
  findings.push({
    level: 'decision',
    code: 'layering',
    message: `${bases.join(' + ')} runs alone (${evidence.join('; ')}) while ${used ? 'other files layer onto it' : 'dev is another file'}; planned as environment "${name}" until answered (config layers.<env>: [${bases.join(', ')}], or layers.${name}: [] for none)`,
    file: bases[0] ?? '',
    decision,
  });
  environments.push({
    name,
    files: [...bases],
    evidence: [...evidence, `undecided: planned as ${name} until config layers.${name} answers`],
  });
}
