import type { YamlValue } from '../compose/types.js';

function profilesOf(v: YamlValue | undefined): string[] {
  return Array.isArray(v) ? v.filter((p): p is string => typeof p === 'string') : [];
}

/** Which services carry each profile; computed once per environment, not once per generated file. */
export function profileMembers(
  rootServices: ReadonlyMap<string, { profiles?: YamlValue }>,
): Map<string, Set<string>> {
  const members = new Map<string, Set<string>>();
  for (const [name, cfg] of rootServices) {
    for (const p of profilesOf(cfg.profiles)) {
      let set = members.get(p);
      if (!set) members.set(p, (set = new Set()));
      set.add(name);
    }
  }
  return members;
}

/**
 * Profiles that are implicitly active whenever the component's file runs, so keeping them would
 * leave `docker compose up` starting nothing:
 * - a profile every service of the root environment carries selects the environment
 *   (["integration", "e2e"] on every service of the root test file);
 * - a profile that covers all the component's own services in this environment and nothing
 *   outside the generated file selects the component.
 * Any other profile (say "debug" on one optional tool) still separates optional services from the
 * rest of the file, and stays.
 */
export function implicitProfiles(
  rootServices: ReadonlyMap<string, { profiles?: YamlValue }>,
  fileServices: ReadonlySet<string>,
  ownServices: ReadonlySet<string>,
  members: ReadonlyMap<string, ReadonlySet<string>> = profileMembers(rootServices),
): Set<string> {
  const implicit = new Set<string>();
  for (const [profile, set] of members) {
    const selectsEnv = set.size === rootServices.size;
    const selectsComponent =
      ownServices.size > 0 &&
      [...ownServices].every((s) => set.has(s)) &&
      [...set].every((s) => fileServices.has(s));
    if (selectsEnv || selectsComponent) implicit.add(profile);
  }
  return implicit;
}

/**
 * The profiles to drop from one service: all of them when any is implicit (compose starts a
 * service when any of its profiles is active, so it is now always started), none otherwise.
 */
export function profilesToDrop(profiles: YamlValue | undefined, implicit: ReadonlySet<string>): string[] {
  const list = profilesOf(profiles);
  return list.some((p) => implicit.has(p)) ? list : [];
}
