import { migrationsOrNone, originalSnapshot } from '../git/original-snapshot.js';
import { analyzeRepo } from '../analysis/load-repo.js';
import type { RepoContext } from './context.js';

/**
 * Every component name a command can be asked about: those the analysis finds in the original layout,
 * and those migration commits name (a component removed since can still be rolled back). An analysis
 * that fails (the repository is half-edited) leaves the names history knows.
 */
export async function knownComponents(ctx: RepoContext): Promise<string[]> {
  const names = new Set<string>();
  for (const r of await migrationsOrNone(ctx.root, ctx.loaded.config))
    for (const c of r.components) names.add(c);
  try {
    const original = await originalSnapshot(ctx.root, ctx.disk, ctx.loaded.config);
    for (const c of analyzeRepo(original, ctx.loaded.config).analysis.components) names.add(c.name);
  } catch {
    // The names from history are all there is to go on.
  }
  return [...names];
}
