import { splitOutside } from '../compose/short-syntax.js';
import type { YamlMap, YamlValue } from '../compose/types.js';

export function isMap(v: YamlValue | undefined): v is YamlMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A short-syntax volume "source:target[:mode]" or "target". */
export interface ShortVolume {
  source?: string;
  target: string;
  mode?: string;
}

export function parseShortVolume(s: string): ShortVolume {
  const parts = splitOutside(s, ':');
  if (parts.length === 1) return { target: parts[0] as string };
  const [source, target, ...rest] = parts as [string, string, ...string[]];
  return rest.length ? { source, target, mode: rest.join(':') } : { source, target };
}

export function formatShortVolume(v: ShortVolume): string {
  return [v.source, v.target, v.mode].filter((x): x is string => x !== undefined).join(':');
}

/** Short-syntax sources that are host paths rather than named volumes. */
export function isPathSource(source: string): boolean {
  return source.startsWith('.') || source.startsWith('/') || source.startsWith('~') || source.startsWith('$');
}

/** A mount's container target and what it mounts, whichever syntax it uses. */
export interface MountInfo {
  target: string | undefined;
  kind: 'bind' | 'volume' | 'anonymous' | 'tmpfs' | 'other';
  /** Named volume, when kind is "volume". */
  volume?: string;
}

export function mountInfo(entry: YamlValue): MountInfo {
  if (typeof entry === 'string') {
    const v = parseShortVolume(entry);
    if (v.source === undefined || v.source === '') return { target: v.target, kind: 'anonymous' };
    if (isPathSource(v.source)) return { target: v.target, kind: 'bind' };
    return { target: v.target, kind: 'volume', volume: v.source };
  }
  if (isMap(entry)) {
    const target = typeof entry.target === 'string' ? entry.target : undefined;
    const type = entry.type;
    const source = typeof entry.source === 'string' ? entry.source : undefined;
    if (type === 'bind') return { target, kind: 'bind' };
    if (type === 'tmpfs') return { target, kind: 'tmpfs' };
    if (type === 'volume' || type === undefined) {
      return source ? { target, kind: 'volume', volume: source } : { target, kind: 'anonymous' };
    }
    return { target, kind: 'other' };
  }
  return { target: undefined, kind: 'other' };
}

/** Names listed by a list-or-map key such as depends_on / networks. */
export function listOrMapKeys(v: YamlValue | undefined): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  if (isMap(v)) return Object.keys(v);
  return [];
}

/** Names referenced by configs/secrets entries ("name" or { source: name }). */
export function sourceNames(v: YamlValue | undefined): string[] {
  if (!Array.isArray(v)) return [];
  const out: string[] = [];
  for (const e of v) {
    if (typeof e === 'string') out.push(e);
    else if (isMap(e) && typeof e.source === 'string') out.push(e.source);
  }
  return out;
}
