import { posix } from 'node:path';
import type { YamlMap, YamlValue } from '../compose/types.js';
import {
  isYamlMap,
  keyValueEntries,
  listOrMapKeys,
  mountOf,
  parseShortPort,
} from '../compose/short-syntax.js';

/**
 * Small readers over a service's merged config. The config keeps the user's syntax, so every reader
 * accepts each syntax compose accepts (string or mapping build, list or map environment, ...).
 * Paths in the config are repo-root-relative ("./pourtier/src") by the loader's contract.
 */

const str = (v: YamlValue | undefined): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;

/** A repo-relative path ("" for the root), or null for absolute, home, URL or variable paths. */
export function repoRelative(written: string): string | null {
  // "$$" is compose's escape for a literal "$"; a lone "$" starts a variable, whose value analysis does not guess.
  const p = written.replace(/\$\$/g, '\0');
  if (p.includes('$')) return null;
  return repoRelativePlain(p.replace(/\0/g, '$'));
}

function repoRelativePlain(p: string): string | null {
  if (p.startsWith('/') || p.startsWith('~') || /^[a-z][a-z0-9+.-]*:\/\//i.test(p)) return null;
  if (p.startsWith('git@') || p.includes('.git#')) return null;
  const n = posix.normalize(p);
  return n === '.' ? '' : n.replace(/\/+$/, '');
}

export function isInside(path: string, dir: string): boolean {
  if (path.startsWith('..')) return false;
  // Compared in place: this runs for every service against every component.
  return (
    dir === '' ||
    path === dir ||
    (path.length > dir.length && path.charCodeAt(dir.length) === 0x2f && path.startsWith(dir))
  );
}

export interface BuildFacts {
  /** Repo-relative context dir, or null when it is not a local path. */
  context: string | null;
  /** Repo-relative Dockerfile path (context + dockerfile), or null. */
  dockerfile: string | null;
}

export function buildFacts(config: YamlMap): BuildFacts | undefined {
  const build = config['build'];
  if (build === undefined || build === null) return undefined;
  const rawContext =
    typeof build === 'string' ? build : isYamlMap(build) ? (str(build['context']) ?? '.') : '.';
  const context = repoRelative(rawContext);
  const rawDockerfile = isYamlMap(build) ? str(build['dockerfile']) : undefined;
  let dockerfile: string | null = null;
  if (context !== null) {
    const df = rawDockerfile ?? 'Dockerfile';
    dockerfile = df.startsWith('/') ? null : repoRelative(posix.join(context || '.', df));
  }
  return { context, dockerfile };
}

/** Image repository without registry host, tag or digest: "ghcr.io/lumiere/pourtier:1" -> "lumiere/pourtier". */
export function imageRepository(config: YamlMap): string | undefined {
  const image = str(config['image']);
  if (!image) return undefined;
  let ref = image.split('@')[0] ?? image;
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > lastSlash) ref = ref.slice(0, colon);
  const parts = ref.split('/');
  if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0] ?? '')) parts.shift();
  return parts.join('/');
}

export interface BindMount {
  source: string;
  target: string;
  /** Repo-relative source, or null when outside the repo's relative space. */
  repoPath: string | null;
}

/** Bind mounts in short ("./src:/app/src:ro") and long ({type: bind, source, target}) syntax, by the core's rule. */
export function bindMounts(config: YamlMap): BindMount[] {
  const volumes = config['volumes'];
  if (!Array.isArray(volumes)) return [];
  return volumes.flatMap((v) => {
    const m = mountOf(v);
    if (m.kind !== 'bind') return [];
    const source = m.source ?? '';
    return [{ source, target: m.target ?? '', repoPath: repoRelative(source) }];
  });
}

export interface NamedVolumeUse {
  volume: string;
  target: string;
}

/** Named volumes a service mounts. */
export function namedVolumes(config: YamlMap): NamedVolumeUse[] {
  const volumes = config['volumes'];
  if (!Array.isArray(volumes)) return [];
  return volumes.flatMap((v) => {
    const m = mountOf(v);
    return m.kind === 'volume' && m.source ? [{ volume: m.source, target: m.target ?? '' }] : [];
  });
}

/** environment as [key, value] pairs whichever syntax was used (a bare key has the value ""). */
export function environmentEntries(config: YamlMap): [string, string][] {
  return keyValueEntries(config['environment']).map(([k, v]) => [k, v ?? '']);
}

/** command / entrypoint words (a string is kept as one word; hostname scanning does not need shell splitting). */
export function commandWords(config: YamlMap, key: 'command' | 'entrypoint'): string[] {
  const v = config[key];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.map((x) => str(x) ?? '').filter((x) => x !== '');
  return [];
}

/**
 * depends_on targets in list or map syntax, each with the text it is written as. Compose interpolates
 * values, never keys: a list entry `${DB:-postgres}` names postgres, a mapping key `${DB:-postgres}`
 * names no service (compose refuses it). `value` evaluates a list entry (identity without variables).
 */
export function dependsOnTargets(
  config: YamlMap,
  value: (written: string) => string = (w) => w,
): { service: string; written: string }[] {
  const v = config['depends_on'];
  const keys = listOrMapKeys(v);
  return keys.map((written) => ({ service: Array.isArray(v) ? value(written) : written, written }));
}

export function stringList(v: YamlValue | undefined): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.map((x) => str(x)).filter((x): x is string => x !== undefined);
  return [];
}

export function profilesOf(config: YamlMap): string[] {
  return stringList(config['profiles']);
}

export function hostPorts(config: YamlMap): { published: string; target: string; raw: YamlValue }[] {
  const ports = config['ports'];
  if (!Array.isArray(ports)) return [];
  const out: { published: string; target: string; raw: YamlValue }[] = [];
  for (const p of ports) {
    if (typeof p === 'string' || typeof p === 'number') {
      const port = parseShortPort(String(p));
      if (port.published !== '') out.push({ published: port.published, target: port.target, raw: p });
    } else if (isYamlMap(p) && p['published'] !== undefined && p['published'] !== null) {
      out.push({ published: String(p['published']), target: String(p['target'] ?? ''), raw: p });
    }
  }
  return out;
}

export { str };
