import type { YamlMap, YamlValue } from '../compose/types.js';
import { isLocalRelativePath, rebaseFromRoot } from './rebase.js';
import { formatShortVolume, isMap, parseShortVolume } from './syntax.js';

/**
 * Path-bearing keys of a service, rebased in place from the repo root to `dir`.
 * Input paths are repo-root-relative (what the loader produces); the output is relative to the
 * component directory where the generated file lives.
 */
export function rebaseServicePaths(config: YamlMap, dir: string): void {
  const rb = (p: string): string => rebaseFromRoot(p, dir);

  if (typeof config.build === 'string') config.build = rb(config.build);
  else if (isMap(config.build)) rebaseBuild(config.build, dir);

  if (Array.isArray(config.volumes)) {
    config.volumes = config.volumes.map((v) => rebaseVolume(v, dir));
  }

  if (typeof config.env_file === 'string') config.env_file = rb(config.env_file);
  else if (Array.isArray(config.env_file)) config.env_file = config.env_file.map((e) => rebasePathEntry(e, 'path', dir));

  if (typeof config.label_file === 'string') config.label_file = rb(config.label_file);
  else if (Array.isArray(config.label_file)) config.label_file = config.label_file.map((e) => rebasePathEntry(e, 'path', dir));

  if (isMap(config.extends) && typeof config.extends.file === 'string') {
    config.extends.file = rb(config.extends.file);
  }

  const develop = config.develop;
  if (isMap(develop) && Array.isArray(develop.watch)) {
    develop.watch = develop.watch.map((w) => rebasePathEntry(w, 'path', dir));
  }
}

function rebaseBuild(build: YamlMap, dir: string): void {
  // A missing context means "the file's directory": the root before, so it must be spelled out now.
  const context = typeof build.context === 'string' ? build.context : '.';
  build.context = rebaseFromRoot(context, dir);
  // dockerfile stays relative to the context, which still names the same directory.
  const extra = build.additional_contexts;
  if (isMap(extra)) {
    for (const [k, v] of Object.entries(extra)) if (typeof v === 'string') extra[k] = rebaseFromRoot(v, dir);
  } else if (Array.isArray(extra)) {
    build.additional_contexts = extra.map((e) => rebaseAssignment(e, dir));
  }
  if (Array.isArray(build.ssh)) build.ssh = build.ssh.map((e) => rebaseAssignment(e, dir));
}

/** "name=path" entries (additional_contexts list form, ssh). */
function rebaseAssignment(e: YamlValue, dir: string): YamlValue {
  if (typeof e !== 'string') return e;
  const eq = e.indexOf('=');
  if (eq < 0) return e;
  return `${e.slice(0, eq + 1)}${rebaseFromRoot(e.slice(eq + 1), dir)}`;
}

function rebasePathEntry(e: YamlValue, key: string, dir: string): YamlValue {
  if (typeof e === 'string') return rebaseFromRoot(e, dir);
  if (isMap(e) && typeof e[key] === 'string') return { ...e, [key]: rebaseFromRoot(e[key], dir) };
  return e;
}

function rebaseVolume(v: YamlValue, dir: string): YamlValue {
  if (typeof v === 'string') {
    const parsed = parseShortVolume(v);
    // Only "./x" and "../x" are relative binds; bare names are named volumes.
    if (parsed.source === undefined || !parsed.source.startsWith('.')) return v;
    return formatShortVolume({ ...parsed, source: rebaseFromRoot(parsed.source, dir) });
  }
  if (isMap(v) && v.type === 'bind' && typeof v.source === 'string') {
    return { ...v, source: rebaseFromRoot(v.source, dir) };
  }
  return v;
}

/** Top-level configs/secrets entries point at files; local-driver bind volumes at a device path. */
export function rebaseTopLevelEntry(kind: 'configs' | 'secrets' | 'volumes' | 'networks', entry: YamlValue, dir: string): YamlValue {
  if (!isMap(entry)) return entry;
  if ((kind === 'configs' || kind === 'secrets') && typeof entry.file === 'string') {
    return { ...entry, file: rebaseFromRoot(entry.file, dir) };
  }
  if (kind === 'volumes' && isMap(entry.driver_opts)) {
    const opts = entry.driver_opts;
    const o = typeof opts.o === 'string' ? opts.o.split(',') : [];
    const driver = entry.driver ?? 'local';
    if (driver === 'local' && o.includes('bind') && typeof opts.device === 'string' && isLocalRelativePath(opts.device) && opts.device.startsWith('.')) {
      return { ...entry, driver_opts: { ...opts, device: rebaseFromRoot(opts.device, dir) } };
    }
  }
  return entry;
}
