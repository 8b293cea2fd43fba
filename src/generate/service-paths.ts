import { mapServicePaths, mapTopLevelPaths, rebasePath, type PathMapper } from '../compose/paths.js';
import { isYamlMap } from '../compose/short-syntax.js';
import type { YamlMap } from '../compose/types.js';

/** Repo-root-relative paths (what the loader produces) re-expressed from the component dir. */
function fromRootTo(dir: string): PathMapper {
  // A context-relative path (the dockerfile) moves with its context, which still names the same place.
  return (p, _id, base) => (base === 'context' ? p : rebasePath(p, '', dir));
}

/** A copy of a service config with every host path rebased from the repo root to `dir`. */
export function rebaseServicePaths(config: YamlMap, dir: string): YamlMap {
  const build = config.build;
  // A missing context means "the file's directory": the root before, so it must be spelled out now.
  const withContext =
    isYamlMap(build) && build.context === undefined
      ? { ...config, build: { ...build, context: '.' } }
      : config;
  return mapServicePaths(withContext, fromRootTo(dir));
}

/** Top-level configs/secrets point at files; a local-driver bind volume at a device path. */
export function rebaseTopLevel(
  kind: 'configs' | 'secrets' | 'volumes' | 'networks',
  section: YamlMap,
  dir: string,
): YamlMap {
  return kind === 'networks' ? section : mapTopLevelPaths(kind, section, fromRootTo(dir));
}
