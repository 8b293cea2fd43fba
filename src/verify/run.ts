import type { MigrateConfig } from '../config/types.js';
import type { RepoSnapshot } from '../repo/snapshot.js';
import { OverlaySnapshot } from '../git/tree-snapshot.js';
import { analyzeRepo } from '../analysis/load-repo.js';
import { componentComposeFiles } from '../generate/build-plan.js';
import { checkComponentNames } from '../plan/component-names.js';
import { verifyComponent, type Difference } from './verify.js';

export interface FileVerdict {
  component: string;
  env: string;
  file: string;
  services: string[];
  differences: Difference[];
}

/**
 * For every generated file on disk, compare each of its services with the same service in the
 * original root layering. The intentional adjustments are recomputed from the original, so an edit
 * made to a generated file after apply shows up as a difference.
 */
export function verifyRepo(
  original: RepoSnapshot,
  disk: RepoSnapshot,
  config: MigrateConfig,
  only?: string,
  shellEnv: NodeJS.ProcessEnv = {},
): FileVerdict[] {
  const { repo, analysis } = analyzeRepo(original, config);
  if (only !== undefined)
    checkComponentNames(
      [only],
      analysis.components.map((c) => c.name),
    );
  const verdicts: FileVerdict[] = [];
  for (const component of analysis.components) {
    if (only !== undefined && component.name !== only) continue;
    for (const file of componentComposeFiles(component, analysis, repo, config, repo.layout.extension)) {
      if (!disk.exists(file.path)) continue;
      const env = analysis.environments.find((e) => e.name === file.env);
      if (!env) continue;
      const snapshot = new OverlaySnapshot(original, disk, new Set([file.path]));
      const differences = verifyComponent({
        snapshot,
        env: file.env,
        rootFiles: env.files,
        componentFile: file.path,
        original: repo.projects.get(file.env),
        adjustments: file.applied,
        services: file.services,
        // As compose would: the shell's variables over the root .env (a pinned volume may read one).
        shellEnv,
      });
      verdicts.push({
        component: component.name,
        env: file.env,
        file: file.path,
        services: file.services,
        differences,
      });
    }
  }
  return verdicts;
}
