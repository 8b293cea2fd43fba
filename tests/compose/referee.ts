/**
 * docker-compose 1.29 (the Debian package) as the referee for compose semantics: run `config` on the
 * same files, then bring both its output and our normalized model to one comparable shape.
 *
 * Where 1.29 differs from the current Compose Specification (so the comparable shape, or a hand
 * expansion of the fixture, has to bridge it):
 * - no `!reset` / `!override` tags (PyYAML cannot construct them): the referee runs on a variant with
 *   the tagged keys removed, and tests state the expected value of those keys themselves;
 * - no top-level `include` or `name`: the variant pulls included services in with `extends`;
 * - `env_file` is folded into `environment` and dropped: we fold ours the same way here;
 * - empty `environment: {}` appears once env files are folded: dropped;
 * - profiled services are hidden unless their profile is enabled: every profile seen is passed;
 * - short volume syntax stays short with ":rw" added; ports come out long without `protocol`;
 *   depends_on long form carries only `condition` (compose v2 adds `required: true`);
 * - `extends` may not carry `depends_on` from the base (the spec now allows it); fixtures avoid it.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPair, parseDocument, visit } from 'yaml';
import { loadDotEnv } from '../../src/compose/interpolate.js';
import { normalizeService } from '../../src/compose/normalize.js';
import { COMPOSE_TAGS } from '../../src/compose/parse.js';
import type { VarSource, YamlMap, YamlValue } from '../../src/compose/types.js';

export const DOCKER_COMPOSE = '/usr/bin/docker-compose';

/** Skip only when the referee is missing on a developer machine; CI must have it. */
export const skipReferee = !existsSync(DOCKER_COMPOSE) && process.env.CI !== 'true';

/** The environment both sides see: no stray shell variables. */
export const REFEREE_ENV: Record<string, string> = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: homedir(),
};

export function runReferee(dir: string, files: string[], profiles: string[]): YamlMap {
  const args = [...files.flatMap((f) => ['-f', f]), ...profiles.flatMap((p) => ['--profile', p]), 'config'];
  const out = execFileSync(DOCKER_COMPOSE, args, {
    cwd: dir,
    env: REFEREE_ENV,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const doc = parseDocument(out).toJS() as { services?: YamlMap };
  return doc.services ?? {};
}

/** Keys set with !reset / !override in a file, as "service.key". */
export function taggedKeys(text: string): string[] {
  const doc = parseDocument(text, { customTags: COMPOSE_TAGS });
  const found: string[] = [];
  visit(doc, {
    Pair(_, pair, path) {
      const tag = (pair.value as { tag?: string } | null)?.tag;
      if (tag !== '!reset' && tag !== '!override') return;
      const keys = path.filter(isPair).map((p) => String((p.key as { value?: unknown }).value));
      found.push([...keys.slice(1), String((pair.key as { value?: unknown }).value)].join('.'));
    },
  });
  return found;
}

/** The file without its tagged keys, for a referee that cannot read the tags. */
export function stripTagged(text: string): string {
  const doc = parseDocument(text, { customTags: COMPOSE_TAGS });
  visit(doc, {
    Pair(_, pair) {
      const tag = (pair.value as { tag?: string } | null)?.tag;
      if (tag === '!reset' || tag === '!override') return visit.REMOVE;
      return undefined;
    },
  });
  return doc.toString();
}

/** A temporary copy of a fixture with the given files replaced. */
export function variantOf(fixtureDir: string, replace: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cm-referee-'));
  cpSync(fixtureDir, dir, { recursive: true });
  for (const [path, text] of Object.entries(replace)) writeFileSync(join(dir, path), text);
  return dir;
}

const isMap = (v: YamlValue | undefined): v is YamlMap =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function sortBy<T extends YamlValue>(items: T[], key: (v: T) => string): T[] {
  return [...items].sort((a, b) => key(a).localeCompare(key(b)));
}

/**
 * Both sides, already normalized, brought to one shape: env files folded into environment,
 * order-free lists sorted, 1.29's omissions dropped.
 */
export function comparable(normalized: YamlMap): YamlMap {
  const out: YamlMap = { ...normalized };
  if (Array.isArray(out.env_file)) {
    const env: YamlMap = {};
    for (const f of out.env_file) {
      const path = isMap(f) ? String(f.path) : String(f);
      const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
      for (const [k, v] of loadDotEnv(text)) env[k] = v;
    }
    out.environment = { ...env, ...(isMap(out.environment) ? out.environment : {}) };
    delete out.env_file;
  }
  if (isMap(out.environment)) {
    out.environment = Object.fromEntries(
      Object.entries(out.environment).sort(([a], [b]) => a.localeCompare(b)),
    );
    if (Object.keys(out.environment).length === 0) delete out.environment;
  }
  if (Array.isArray(out.ports)) out.ports = sortBy(out.ports, (p) => JSON.stringify(p));
  if (Array.isArray(out.volumes))
    out.volumes = sortBy(out.volumes, (v) => (isMap(v) ? String(v.target) : String(v)));
  if (isMap(out.depends_on)) {
    const deps: YamlMap = {};
    for (const [k, d] of Object.entries(out.depends_on)) {
      const e: YamlMap = isMap(d) ? { ...d } : {};
      if (e.required === true) delete e.required;
      deps[k] = e;
    }
    out.depends_on = deps;
  }
  return out;
}

/** Our side: normalize against the variant's directory so absolute paths line up. */
export function ours(config: YamlMap, projectDir: string, vars: VarSource): YamlMap {
  return comparable(normalizeService(config, { projectDir, vars, home: homedir() }));
}

/** The referee's side: already interpolated and absolute, only reshaped. */
export function theirs(config: YamlMap, projectDir: string): YamlMap {
  return comparable(
    normalizeService(config, { projectDir, vars: () => undefined, home: homedir(), interpolate: false }),
  );
}
