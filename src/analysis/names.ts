/**
 * Name matching for attribution. Service names, image names and Dockerfile names carry the
 * component's name between words that only say which environment or variant they are
 * (`dev-backend`, `alpine-test-postgres`, `auth.alpine.Dockerfile`), and component directories often
 * carry a `-service` / `_service` suffix the services do not (`auth_service` runs `auth`).
 */

/** Words that name an environment or a build variant, never a component. */
const ENV_TOKENS: ReadonlySet<string> = new Set([
  'dev',
  'devel',
  'develop',
  'development',
  'local',
  'test',
  'tests',
  'testing',
  'e2e',
  'it',
  'integration',
  'ci',
  'prod',
  'production',
  'staging',
  'stage',
  'qa',
  'uat',
  'preview',
  'debug',
  'alpine',
  'slim',
  'distroless',
]);

/** Suffix words a component directory carries that its services' names usually drop. */
const COMPONENT_SUFFIXES: ReadonlySet<string> = new Set(['service', 'svc']);

/** Words a backing service adds to its owner's name to say what it is (`api-db`, `billing-cache`). */
const BACKING_ROLE_TOKENS: ReadonlySet<string> = new Set([
  'db',
  'database',
  'cache',
  'store',
  'storage',
  'mq',
  'queue',
  'broker',
  'bus',
  'primary',
  'replica',
]);

export function tokens(name: string): string[] {
  return name
    .toLowerCase()
    .split(/[-_.]+/)
    .filter((t) => t !== '');
}

/** Drops environment / variant words at either end, keeping at least one word. */
export function stripEnvTokens(words: string[]): string[] {
  const isEnv = (w: string) => ENV_TOKENS.has(w);
  let start = 0;
  let end = words.length;
  while (start < end - 1 && isEnv(words[start] as string)) start++;
  while (end - 1 > start && isEnv(words[end - 1] as string)) end--;
  return words.slice(start, end);
}

/**
 * Forms by component name: every service is matched against every component, so each name is
 * split once, not once per service (200 components, 1,000 services: 600,000 splits).
 */
const formsByName = new Map<string, readonly (readonly string[])[]>();

/** The forms a component's name is recognised by: as written, and without a `-service` suffix. */
export function componentForms(component: string): readonly (readonly string[])[] {
  let forms = formsByName.get(component);
  if (!forms) {
    const words = tokens(component);
    forms = [words];
    if (words.length > 1 && COMPONENT_SUFFIXES.has(words[words.length - 1] as string))
      forms = [words, words.slice(0, -1)];
    formsByName.set(component, forms);
  }
  return forms;
}

/** The same words in the same order. */
export const sameWords = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((w, i) => w === b[i]);
/** `inner`'s words at `outer`'s start or end, and fewer of them (compared in place: this runs per service and component). */
const isAffix = (inner: readonly string[], outer: readonly string[]): boolean => {
  if (inner.length === 0 || inner.length >= outer.length) return false;
  const tail = outer.length - inner.length;
  return inner.every((w, i) => w === outer[i]) || inner.every((w, i) => w === outer[tail + i]);
};

/**
 * How strongly a name (service, image or Dockerfile name, already split into words with environment
 * words stripped) names a component: 3 equal, 2 the name starts or ends with the component's words
 * (`pourtier-worker`), 1 the component's name starts or ends with the name's words (`backend` for
 * `netra_backend`), 0 no match.
 */
export function nameScore(words: string[], component: string): 0 | 1 | 2 | 3 {
  let best: 0 | 1 | 2 | 3 = 0;
  for (const form of componentForms(component)) {
    if (sameWords(words, form)) return 3;
    if (isAffix(form, words)) best = 2;
    else if (best < 1 && isAffix(words, form)) best = 1;
  }
  return best;
}

export interface NameMatch {
  component: string;
  score: 1 | 2 | 3;
}

/**
 * The components a name points at: those of the best score; at score 2 the longest component name
 * (`api-gateway` over `api` for `api-gateway-worker`). More than one result is ambiguous.
 */
export function bestNameMatches(words: string[], components: readonly string[]): NameMatch[] {
  let best = 0;
  let found: string[] = [];
  for (const c of components) {
    const s = nameScore(words, c);
    if (s === 0 || s < best) continue;
    if (s > best) {
      best = s;
      found = [];
    }
    found.push(c);
  }
  if (best === 2 && found.length > 1) {
    const words = (c: string): number => componentForms(c)[0]?.length ?? 0;
    const longest = Math.max(...found.map(words));
    found = found.filter((c) => words(c) === longest);
  }
  return found.map((component) => ({ component, score: best as 1 | 2 | 3 }));
}

/** A service's name as words, environment words stripped: `alpine-test-auth` -> [auth]. */
export function serviceWords(service: string): string[] {
  return stripEnvTokens(tokens(service));
}

/**
 * The owner a backing service's name carries once its environment words and the words saying what
 * it is (`db`, `cache`, the image family) are dropped: `account-mongodb` -> [account],
 * `api-db` -> [api], `alpine-test-postgres` -> [].
 */
export function backingOwnerWords(service: string, familyWords: readonly string[]): string[] {
  const drop = new Set([...BACKING_ROLE_TOKENS, ...familyWords]);
  return tokens(service).filter((w) => !drop.has(w) && !ENV_TOKENS.has(w));
}

/**
 * The name a Dockerfile is written for: `Dockerfile.search-api` -> [search, api],
 * `auth.alpine.Dockerfile` -> [auth], `Dockerfile` / `Dockerfile.dev` -> [] (no name).
 */
export function dockerfileNameWords(path: string): string[] {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const parts = base.split('.').filter((p) => p !== '' && p.toLowerCase() !== 'dockerfile');
  if (parts.length === base.split('.').length) return []; // not a Dockerfile name at all
  const words = parts.flatMap((p) => tokens(p));
  const stripped = words.filter((w) => !ENV_TOKENS.has(w));
  return stripped;
}
