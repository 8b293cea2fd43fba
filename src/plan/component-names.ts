import { MigrateError } from '../errors.js';

/**
 * Edit distance with adjacent transpositions (optimal string alignment), so that "pourtire" is one
 * step from "pourtier". Small enough to keep here rather than add a dependency for it.
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i] as number[];
      const up = d[i - 1] as number[];
      let best = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, ((d[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = best;
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/**
 * The known names that are most likely what was meant: the nearest ones within a third of the name's
 * length (a prefix counts as near: "pass" for "passeur"); several only when equally near.
 */
export function similarNames(name: string, known: Iterable<string>): string[] {
  const limit = Math.max(1, Math.floor(name.length / 3));
  const lower = name.toLowerCase();
  const scored = [...known].flatMap((k) => {
    const other = k.toLowerCase();
    const d = editDistance(lower, other);
    if (d <= limit) return [{ k, score: d }];
    if (other.startsWith(lower) || lower.startsWith(other)) return [{ k, score: limit + 0.5 }];
    return [];
  });
  const best = Math.min(...scored.map((s) => s.score));
  return scored
    .filter((s) => s.score === best)
    .map((s) => s.k)
    .sort();
}

/**
 * The one check every command runs on `--component` names: an unknown name is a usage error (exit 2)
 * that suggests the nearest known names, or lists them all when nothing is close.
 */
export function checkComponentNames(names: readonly string[], known: Iterable<string>): void {
  const set = new Set(known);
  for (const name of names) {
    if (set.has(name)) continue;
    const similar = similarNames(name, set);
    const hint = similar.length
      ? `did you mean ${similar.slice(0, 3).join(' or ')}?`
      : `components: ${[...set].sort().join(', ') || 'none'}`;
    throw new MigrateError('usage', `unknown component "${name}"; ${hint}`, undefined, 2);
  }
}
