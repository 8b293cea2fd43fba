import type { EffectiveService, VarSource } from '../compose/types.js';
import { interpolateOrKeep } from '../compose/interpolate.js';
import { backingImage } from './backing-images.js';
import { HOST_KEY, hostsIn } from './dependencies.js';
import { tokens } from './names.js';
import { environmentEntries, str } from './service-facts.js';
import type { Attribution, Component, Finding } from './types.js';

/**
 * A component service that finds its database through a variable the repository does not set
 * (`MONGODB_URI=${MONGODB_URI}`) has no edge to it, so nothing carries that database into the
 * component's files. Say so, and name the backing service the variable is named for (MONGODB_URI ->
 * the mongo service) with the config key that carries it, rather than guessing: the same variable
 * often points at a managed service in production.
 */
export function variableHostFindings(
  components: Component[],
  variants: Map<string, EffectiveService[]>,
  attributions: Map<string, Attribution>,
  vars: VarSource,
): Finding[] {
  const backingByFamily = new Map<string, string[]>();
  for (const [service, list] of variants) {
    if (attributions.get(service)?.role !== 'backing') continue;
    const image = list.map((v) => str(v.config['image'])).find((i) => i !== undefined);
    const family = image ? backingImage(image) : undefined;
    if (!family) continue;
    for (const name of family.names)
      backingByFamily.set(name, [...(backingByFamily.get(name) ?? []), service]);
  }
  const out: Finding[] = [];
  for (const c of components) {
    const carried = new Set(Object.values(c.backing).flat());
    const unset: { key: string; candidates: string[] }[] = [];
    const seen = new Set<string>();
    for (const s of c.services) {
      for (const v of variants.get(s) ?? []) {
        for (const [key, raw] of environmentEntries(v.config)) {
          if (seen.has(key) || !HOST_KEY.test(key) || !raw.includes('$')) continue;
          if (hostsIn(interpolateOrKeep(raw, vars, ''), true).length > 0) continue;
          seen.add(key);
          const named = [...new Set(tokens(key).flatMap((w) => backingByFamily.get(w) ?? []))];
          // Already carried (by config or another edge): nothing left to say about this variable.
          if (named.length > 0 && named.every((b) => carried.has(b))) continue;
          unset.push({ key, candidates: named.filter((b) => !carried.has(b)).sort() });
        }
      }
    }
    if (unset.length === 0) continue;
    const candidates = [...new Set(unset.flatMap((u) => u.candidates))];
    out.push({
      level: 'info',
      code: 'variable-dependency',
      component: c.name,
      message:
        `${c.name} reads ${unset.map((u) => u.key).join(', ')} from variables the repository does not set, so the services they reach are unknown and none is carried into its files` +
        (candidates.length
          ? `; named like ${candidates.join(', ')}: config services.<name>: backing:${c.name} carries one into ${c.name}'s files`
          : ''),
    });
  }
  return out;
}
