import { posix } from 'node:path';
import type { EnvName } from '../analysis/types.js';

const DEFAULT_STEMS: Record<string, string> = {
  dev: 'docker-compose',
  test: 'docker-compose.test',
  prod: 'docker-compose.production',
};

/**
 * The extension the root files use: ".yml" only when every root file of the environment (or, failing
 * that, of the repo) is ".yml"; ".yaml" otherwise, as the Compose Specification prefers.
 */
export function composeExtension(rootFiles: readonly string[]): '.yaml' | '.yml' {
  const exts = rootFiles.map((f) => posix.extname(f).toLowerCase());
  return exts.length > 0 && exts.every((e) => e === '.yml') ? '.yml' : '.yaml';
}

/**
 * File name of a component's compose file for `env`, inside the component dir:
 * docker-compose.yaml (dev), docker-compose.test.yaml, docker-compose.production.yaml,
 * docker-compose.<env>.yaml for variants; a configured name wins.
 */
export function composeFileName(
  env: EnvName,
  rootFiles: readonly string[],
  configured?: Partial<Record<EnvName, string>>,
): string {
  const named = configured?.[env];
  if (named !== undefined) return named;
  return `${DEFAULT_STEMS[env] ?? `docker-compose.${env}`}${composeExtension(rootFiles)}`;
}
