/**
 * What fails the corpus check: a crash or stack trace in any step, a rollback that leaves the tree
 * different from the original commit, a generated compose file the referee rejects while the root
 * environment it comes from is accepted (one rejected like its original is reported, not failed: the
 * migration did not make it worse), and, when asked, a lost (environment, service).
 */
import type { RepoOutcome } from './repo-run.js';
import { STEPS } from './repo-run.js';

export function checkFailures(results: RepoOutcome[], opts: { strictConservation: boolean }): string[] {
  const out: string[] = [];
  for (const r of results) {
    if (r.stopped) out.push(`${r.name}: ${r.stopped}`);
    for (const s of STEPS) {
      const crash = r.steps[s]?.crash;
      if (crash) out.push(`${r.name}: ${s} crashed: ${crash}`);
    }
    if (r.rollback && !r.rollback.equal)
      out.push(
        `${r.name}: rollback left the tree different: ${r.rollback.differences.slice(0, 5).join(', ')}`,
      );
    for (const f of r.files)
      if (!f.referee.ok && !f.rootRejected)
        out.push(`${r.name}: referee rejects ${f.path}: ${f.referee.error ?? ''}`);
    if (opts.strictConservation && r.conservation?.lost.length)
      out.push(
        `${r.name}: ${r.conservation.lost.length} (environment, service) lost: ${r.conservation.lost.join(', ')}`,
      );
  }
  return out;
}
