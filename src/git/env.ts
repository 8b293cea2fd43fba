/**
 * The environment git runs in. simple-git refuses guarded variables (every GIT_* plus EDITOR, PAGER,
 * ...) that are not explicitly allowed, so the ambient environment is filtered here: identity
 * variables the user set on purpose survive, repository-locating ones (GIT_DIR, GIT_WORK_TREE,
 * GIT_INDEX_FILE from a hook, ...) are dropped because the repository is located from the root we
 * are given, never from the caller's environment.
 */

/** Identity variables kept from the ambient environment (CI systems commonly set them). */
export const IDENTITY_VARS = [
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_AUTHOR_DATE',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
  'GIT_COMMITTER_DATE',
] as const;

/** Variables this module itself sets for single commands. */
export const INTERNAL_VARS = ['GIT_INDEX_FILE'] as const;

export const ALLOWED_GIT_ENV: readonly string[] = [...IDENTITY_VARS, ...INTERNAL_VARS];

/** Non-GIT_ names that simple-git also guards. */
const GUARDED_PLAIN = new Set(['editor', 'pager', 'prefix', 'ssh_askpass', 'visual']);

const allowed = new Set(ALLOWED_GIT_ENV.map((k) => k.toLowerCase()));

function isGuarded(key: string): boolean {
  const k = key.toLowerCase().trim();
  return k.startsWith('git') || GUARDED_PLAIN.has(k);
}

/**
 * The environment for one git command: the ambient one minus guarded variables (identity kept),
 * plus `extra`. Read at call time so a caller changing process.env (tests, embedding) is honoured.
 */
export function gitEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (isGuarded(key) && !allowed.has(key.toLowerCase())) continue;
    env[key] = value;
  }
  // Locale-independent messages: errors are matched and shown verbatim.
  env['LC_ALL'] = 'C';
  for (const [key, value] of Object.entries(extra)) env[key] = value;
  return env;
}

export const FALLBACK_NAME = 'compose-migrate';
export const FALLBACK_EMAIL = 'compose-migrate@localhost';
