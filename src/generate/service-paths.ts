import { mapFileEntries, mapServicePaths, rebasePath, type PathMapper } from '../compose/paths.js';
import type { YamlMap, YamlValue } from '../compose/types.js';
import { isMap } from './syntax.js';

/** Repo-root-relative paths (what the loader produces) re-expressed from the component dir. */
function fromRootTo(dir: string): PathMapper {
  // dockerfile is relative to the context, which still names the same directory.
  return (p, id) => (id === 'build.dockerfile' ? p : rebasePath(p, '', dir));
}

/** A copy of a service config with every host path rebased from the repo root to `dir`. */
export function rebaseServicePaths(config: YamlMap, dir: string): YamlMap {
  const build = config.build;
  // A missing context means "the file's directory": the root before, so it must be spelled out now.
  const withContext =
    isMap(build) && build.context === undefined ? { ...config, build: { ...build, context: '.' } } : config;
  return mapServicePaths(withContext, fromRootTo(dir));
}

/** Top-level configs/secrets point at files; a local-driver bind volume at a device path. */
export function rebaseTopLevel(
  kind: 'configs' | 'secrets' | 'volumes' | 'networks',
  section: YamlMap,
  dir: string,
): YamlMap {
  if (kind === 'configs' || kind === 'secrets')
    return mapFileEntries(section, `${kind}.file`, fromRootTo(dir));
  if (kind !== 'volumes') return section;
  const out: YamlMap = {};
  for (const [name, entry] of Object.entries(section)) out[name] = rebaseBindDevice(entry, dir);
  return out;
}

function rebaseBindDevice(entry: YamlValue, dir: string): YamlValue {
  if (!isMap(entry) || !isMap(entry.driver_opts)) return entry;
  const opts = entry.driver_opts;
  const o = typeof opts.o === 'string' ? opts.o.split(',') : [];
  const driver = entry.driver ?? 'local';
  if (
    driver !== 'local' ||
    !o.includes('bind') ||
    typeof opts.device !== 'string' ||
    !opts.device.startsWith('.')
  )
    return entry;
  return { ...entry, driver_opts: { ...opts, device: rebasePath(opts.device, '', dir) } };
}
