import type { YamlMap, YamlValue } from '../compose/types.js';
import { isYamlMap, splitOutside } from '../compose/short-syntax.js';

/** `${VAR:-5432}` / `${VAR-5432}`: the only interpolated form whose default we may shift. */
const DEFAULTED_VAR = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(:?-)([^}]*)\}$/;

/**
 * The published part after a shift from `from` to `to`, or undefined when this published value is
 * not the one the shift is about. A variable's default is shifted, never the variable itself: a
 * user who sets PG_PORT keeps control of it.
 */
export function shiftPublished(published: string, from: string, to: string): string | undefined {
  if (published === from) return to;
  const m = DEFAULTED_VAR.exec(published);
  if (m && m[3] === from) return `\${${m[1]}${m[2]}${to}}`;
  return undefined;
}

function sameTarget(containerPart: string, target: string): boolean {
  if (containerPart === target) return true;
  // "5432" matches "5432/tcp"; an adjustment naming a protocol must match it exactly.
  if (!target.includes('/')) return containerPart.split('/')[0] === target;
  return !containerPart.includes('/') && target === `${containerPart}/tcp`;
}

/**
 * Shift the published host port of the mapping to `target`, keeping the user's syntax (short or
 * long form, IP prefix, protocol, quoting of numbers). Returns whether anything changed.
 */
export function shiftHostPort(config: YamlMap, target: string, from: string, to: string): boolean {
  if (!Array.isArray(config.ports)) return false;
  let changed = false;
  config.ports = config.ports.map((p): YamlValue => {
    if (typeof p === 'string') {
      const parts = splitOutside(p, ':');
      if (parts.length < 2) return p;
      const container = parts[parts.length - 1] as string;
      const published = parts[parts.length - 2] as string;
      if (!sameTarget(container, target)) return p;
      const shifted = shiftPublished(published, from, to);
      if (shifted === undefined) return p;
      changed = true;
      return [...parts.slice(0, -2), shifted, container].join(':');
    }
    if (isYamlMap(p) && p.published !== undefined && sameTarget(String(p.target), target)) {
      const shifted = shiftPublished(String(p.published), from, to);
      if (shifted === undefined) return p;
      changed = true;
      const asNumber = typeof p.published === 'number' && /^\d+$/.test(shifted);
      return { ...p, published: asNumber ? Number(shifted) : shifted };
    }
    return p;
  });
  return changed;
}
