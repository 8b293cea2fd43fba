import type { RepoSnapshot } from '../repo/snapshot.js';
import type { MigrateConfig } from '../model.js';
import type { Decision, Environment, Finding } from './types.js';

const COMPOSE_NAME = /^(?:docker-compose|compose)(?<rest>(?:[.\-_][^/]*)?)\.(?<ext>ya?ml)$/i;

/** compose-migrate's own config file matches the compose*.y(a)ml pattern; it is never a compose file. */
const CONFIG_FILE = /^compose-migrate\.config\.ya?ml$/i;

/** Name tokens that place a file in a canonical environment. */
const TOKEN_ENV: Record<string, string> = {
  dev: 'dev',
  development: 'dev',
  local: 'dev',
  test: 'test',
  testing: 'test',
  ci: 'test',
  e2e: 'test',
  integration: 'test',
  prod: 'prod',
  production: 'prod',
};

/** How a root compose file takes part in environments. */
export type FileRole =
  | { kind: 'base' }
  | { kind: 'override' }
  | { kind: 'env'; env: string }
  | { kind: 'ignore' }
  | { kind: 'unclassified' };

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
  /** Extension of the root files (".yaml" or ".yml"), used for generated files. */
  extension: '.yaml' | '.yml';
}

export function isComposeFileName(name: string): boolean {
  return COMPOSE_NAME.test(name);
}

/** Root compose files: `docker-compose*.y(a)ml` / `compose*.y(a)ml` at the root and in configured dirs. */
export function discoverRootComposeFiles(snapshot: RepoSnapshot, config: MigrateConfig): string[] {
  const dirs = new Set(['', ...(config.composeDirs ?? []).map((d) => d.replace(/^\.\/|\/+$/g, ''))]);
  return snapshot
    .files()
    .filter((f) => {
      const slash = f.lastIndexOf('/');
      const dir = slash < 0 ? '' : f.slice(0, slash);
      const name = f.slice(slash + 1);
      return dirs.has(dir) && isComposeFileName(name) && !CONFIG_FILE.test(name);
    })
    .sort(compareComposeFiles);
}

/** Base files first, then by name, so layering order is stable and matches how teams pass -f. */
function compareComposeFiles(a: string, b: string): number {
  const rank = (p: string) => (tokensOf(p).length === 0 ? 0 : 1);
  return rank(a) - rank(b) || a.localeCompare(b);
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

export function classifyFile(path: string, config: MigrateConfig): ClassifiedFile {
  const configured = config.environments?.[path];
  if (configured !== undefined) {
    if (configured === 'base')
      return { path, role: { kind: 'base' }, reason: `config environments["${path}"]` };
    if (configured === 'ignore')
      return { path, role: { kind: 'ignore' }, reason: `config environments["${path}"]` };
    return {
      path,
      role: { kind: 'env', env: configured },
      reason: `config environments["${path}"] = ${configured}`,
    };
  }
  const tokens = tokensOf(path);
  if (tokens.length === 0)
    return { path, role: { kind: 'base' }, reason: 'plain base file, layered under every environment' };
  if (tokens.length === 1 && tokens[0] === 'override') {
    return {
      path,
      role: { kind: 'override' },
      reason: 'compose layers the override file onto dev by default',
    };
  }
  const token = tokens.join('.');
  const direct = TOKEN_ENV[token];
  if (direct) {
    return {
      path,
      role: { kind: 'env', env: direct },
      reason: `name token "${token}" means ${direct}`,
    };
  }
  // A variant such as "alpine-test" or "alpine.test": it names an environment word among other words.
  const words = token.split(/[-_.]/);
  const known = words.map((w) => TOKEN_ENV[w]).filter((e): e is string => e !== undefined);
  if (known.length > 0 && new Set(known).size === 1) {
    return {
      path,
      role: { kind: 'env', env: token.replace(/\./g, '-') },
      reason: `variant "${token}" of ${known[0]} is its own environment`,
    };
  }
  return { path, role: { kind: 'unclassified' }, reason: `name token "${token}" names no environment` };
}

function canonicalWord(env: string): string {
  return env === 'dev' ? 'development' : env === 'prod' ? 'production' : 'testing';
}

/**
 * Groups root files into environments. The base file is a layer under every environment; the override
 * file layers onto dev; within an environment, the file whose token is the environment's own word
 * (test) comes before its siblings (ci, e2e) so that CI overrides apply last, as teams pass them.
 */
export function layoutEnvironments(files: string[], config: MigrateConfig): EnvironmentLayout {
  const findings: Finding[] = [];
  const classified = files.map((f) => classifyFile(f, config));
  for (const c of classified) {
    if (c.role.kind !== 'unclassified') continue;
    const decision: Decision = {
      id: `environment:${c.path}`,
      kind: 'environment',
      question: `Which environment is ${c.path}?`,
      choices: ['base', 'dev', 'test', 'prod', 'ignore'],
      configKey: `environments["${c.path}"]`,
      configPath: ['environments', c.path],
    };
    findings.push({
      level: 'decision',
      code: 'unclassified-file',
      message: `${c.path}: the name says no environment; planned as a base layer under every environment until answered (config ${decision.configKey}: base | dev | test | prod | ignore)`,
      file: c.path,
      decision,
    });
  }
  const bases = classified.filter((c) => c.role.kind === 'base' || c.role.kind === 'unclassified');
  const overrides = classified.filter((c) => c.role.kind === 'override');
  const byEnv = new Map<string, ClassifiedFile[]>();
  for (const c of classified) {
    if (c.role.kind !== 'env') continue;
    const list = byEnv.get(c.role.env) ?? [];
    list.push(c);
    byEnv.set(c.role.env, list);
  }
  if (!byEnv.has('dev') && (bases.length > 0 || overrides.length > 0)) byEnv.set('dev', []);
  const envNames = [...byEnv.keys()].sort(compareEnvNames);
  const environments: Environment[] = envNames.map((name) => {
    const own = (byEnv.get(name) ?? []).slice().sort((a, b) => {
      const ca = a.role.kind === 'env' && ownWord(a.path, name) ? 0 : 1;
      const cb = b.role.kind === 'env' && ownWord(b.path, name) ? 0 : 1;
      return ca - cb || a.path.localeCompare(b.path);
    });
    const layered = [...bases, ...own, ...(name === 'dev' ? overrides : [])].map((c) => c.path);
    if (own.length > 1) {
      findings.push({
        level: 'info',
        code: 'layered-environment',
        message: `${name} layers ${layered.join(' + ')} in that order`,
      });
    }
    return { name, files: layered };
  });
  const extension = majorityExtension(files);
  return { files: classified, environments, findings, extension };
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
