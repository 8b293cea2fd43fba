import { posix } from 'node:path';
import type { EnvName, SourcePos } from '../model.js';
import { variablesIn } from '../compose/interpolate.js';
import { mapServicePaths, mapTopLevelPaths, rebasePath } from '../compose/paths.js';
import { isHostPath, isYamlMap, parseVolumeSpec } from '../compose/short-syntax.js';
import type { EffectiveService, YamlMap, YamlValue } from '../compose/types.js';
import { makeExportValue, UnquotableError } from '../quote.js';

/**
 * Host paths held in variables (`volumes: ["${CFG}:/etc/app.yml"]`). The loader leaves a path that
 * starts with a variable as written, and compose resolves its value against the folder it runs in:
 * copied into a component's file, a relative value would now resolve under the component folder.
 * Where the root `.env` sets the variable to a relative path, the component's Makefile exports the
 * value rebased for the component folder (`export CFG ?= ../conf/app.yml`; the shell's own value
 * still wins, and wins over `--env-file` in compose); everything else is reported, never copied
 * silently.
 */
export interface VariablePath {
  env: EnvName;
  service: string;
  /** The key holding the path, as findings name it: "volumes[1]", "build.context", "env_file[0]". */
  key: string;
  /** The variable the path starts with. */
  variable: string;
  /** The path as written. */
  written: string;
  /** Where it is written. */
  pos: SourcePos;
  /** The variable's value in the root .env, when it has one. */
  value?: string;
  /** The value the component's Makefile exports, when the path is rebased that way. */
  rebased?: string;
  /** Why the path cannot be carried, when it cannot. */
  reason?: string;
}

const LEADING = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)((?::?[-?+]).*)?\}|([A-Za-z_][A-Za-z0-9_]*))(.*)$/s;

/** Every host path of a service that starts with a variable, with the key it is written under. */
function variableLedPaths(config: YamlMap): { key: string; path: string }[] {
  const out: { key: string; path: string }[] = [];
  const counts = new Map<string, number>();
  mapServicePaths(config, (path, id) => {
    // Volumes are walked below with their index; a context-relative dockerfile is not a host path.
    if (id === 'volumes.short' || id === 'volumes.long' || id === 'build.dockerfile') return path;
    const key = id === 'build.context' ? 'build.context' : id.replace(/\.(path|file)$/, '');
    const listed = Array.isArray(config[key.split('.')[0] ?? '']);
    const n = counts.get(key) ?? 0;
    counts.set(key, n + 1);
    if (path.startsWith('$') && !path.startsWith('$$'))
      out.push({ key: listed ? `${key}[${n}]` : key, path });
    return path;
  });
  const volumes: YamlValue[] = Array.isArray(config.volumes) ? config.volumes : [];
  volumes.forEach((v, i) => {
    const source =
      typeof v === 'string'
        ? parseVolumeSpec(v).source
        : isYamlMap(v) && v.type === 'bind' && typeof v.source === 'string'
          ? v.source
          : undefined;
    if (source !== undefined && source.startsWith('$') && !source.startsWith('$$'))
      out.push({ key: `volumes[${i}]`, path: source });
  });
  return out;
}

/** Every variable a service reads anywhere, with how many of those reads are the paths found above. */
function variableReads(v: YamlValue, into: Map<string, number>): void {
  if (typeof v === 'string') for (const name of variablesIn(v)) into.set(name, (into.get(name) ?? 0) + 1);
  else if (Array.isArray(v)) for (const x of v) variableReads(x, into);
  else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) variableReads(x, into);
}

/**
 * The variable-held paths of the services a component's file copies, each rebased (with the value
 * its Makefile must export) or with the reason it cannot be. `rootDir` is the folder the root files
 * ran in, `componentDir` the component's; `rootEnv` the root `.env`.
 */
export interface VariablePathFile {
  env: EnvName;
  /** The services the file copies, as the root layering merged them. */
  services: EffectiveService[];
  /** The top-level `configs`, `secrets` and `volumes` entries the file keeps (raw definitions). */
  topLevel?: { section: 'configs' | 'secrets' | 'volumes'; name: string; def: YamlValue; usedBy: string }[];
  /**
   * Texts of the root files, to find the line of a top-level entry (the loader keeps no position for
   * them); asked for only when such an entry holds a variable-led path.
   */
  rootTexts?: () => { file: string; text: string }[];
}

/** Where a top-level entry's path is written: the first root file line holding it. */
function lineOf(texts: { file: string; text: string }[], written: string, fallback: SourcePos): SourcePos {
  for (const { file, text } of texts) {
    const i = text.split('\n').findIndex((l) => l.includes(written));
    if (i >= 0) return { file, line: i + 1, col: 1 };
  }
  return fallback;
}

export function variablePaths(
  files: VariablePathFile[],
  rootDir: string,
  componentDir: string,
  rootEnv: ReadonlyMap<string, string>,
): VariablePath[] {
  if (posix.normalize(rootDir || '.') === posix.normalize(componentDir || '.')) return [];
  // One Makefile runs every file of the component: its exports reach all of them.
  const reads = new Map<string, number>();
  for (const f of files) {
    for (const svc of f.services) variableReads(svc.config, reads);
    for (const t of f.topLevel ?? []) variableReads(t.def, reads);
  }
  const found: VariablePath[] = [];
  for (const { env, services, topLevel, rootTexts } of files) {
    const candidates: { service: string; key: string; path: string; pos: SourcePos }[] = [];
    for (const svc of services)
      for (const { key, path } of variableLedPaths(svc.config))
        candidates.push({ service: svc.name, key, path, pos: svc.positions.get(key) ?? svc.origin });
    for (const t of topLevel ?? []) {
      if (!isYamlMap(t.def)) continue;
      const user = services.find((s) => s.name === t.usedBy);
      mapTopLevelPaths(t.section, { [t.name]: t.def }, (path, id) => {
        if (path.startsWith('$') && !path.startsWith('$$')) {
          const key = `${t.section}.${t.name}.${id === 'volumes.device' ? 'driver_opts.device' : 'file'}`;
          const texts = rootTexts?.() ?? [];
          const fallback = user?.origin ?? { file: texts[0]?.file ?? '', line: 1, col: 1 };
          candidates.push({ service: t.usedBy, key, path, pos: lineOf(texts, path, fallback) });
        }
        return path;
      });
    }
    for (const { service, key, path, pos } of candidates) {
      const m = LEADING.exec(path);
      const variable = m?.[1] ?? m?.[3] ?? variablesIn(path)[0] ?? '?';
      const base = { env, service, key, variable, written: path, pos };
      const op = m?.[2];
      const rest = m?.[4] ?? '';
      if (!m || (op !== undefined && !op.replace(/^:/, '').startsWith('?'))) {
        // A default or alternative value written in the file: which one applies is decided at run time.
        found.push({
          ...base,
          reason: `its value comes from \${${variable}} or a value written with it, which compose resolves against the folder it runs in`,
        });
        continue;
      }
      if (rest !== '' && !rest.startsWith('/')) {
        found.push({ ...base, reason: `\${${variable}} is only part of the path's first segment` });
        continue;
      }
      const value = rootEnv.get(variable);
      if (value === undefined || value === '') {
        found.push({
          ...base,
          reason: `\${${variable}} is not set in the root .env: its value comes from the shell and resolves against the folder compose runs in`,
        });
        continue;
      }
      // In a short volume a source that is not path-like is a named volume; elsewhere it is a path.
      const isVolume = key.startsWith('volumes[');
      if (
        (isVolume && !isHostPath(value + rest)) ||
        value.startsWith('/') ||
        value.startsWith('~') ||
        /^[a-zA-Z]:[\\/]/.test(value)
      ) {
        // An absolute value means the same place from any folder; a named volume is no path.
        continue;
      }
      if (value.includes('$')) {
        found.push({
          ...base,
          value,
          reason: `the root .env gives \${${variable}} a value that is itself interpolated`,
        });
        continue;
      }
      found.push({ ...base, value, rebased: rebasePath(value, rootDir, componentDir) });
    }
  }
  // A variable is rebased only when every read of it is such a path (a rebased value would change an
  // environment entry or a label that reads it), and every path agrees on the value.
  const pathReads = new Map<string, number>();
  for (const f of found) pathReads.set(f.variable, (pathReads.get(f.variable) ?? 0) + 1);
  return found.map((f) => {
    if (f.rebased === undefined) return f;
    const other = (reads.get(f.variable) ?? 0) - (pathReads.get(f.variable) ?? 0);
    if (other > 0) {
      const { rebased: _r, ...rest } = f;
      return {
        ...rest,
        reason: `\${${f.variable}} is also read outside paths, where a value rebased for ${componentDir}/ would change its meaning`,
      };
    }
    try {
      makeExportValue(f.rebased);
    } catch (e) {
      if (!(e instanceof UnquotableError)) throw e;
      const { rebased: _r, ...rest } = f;
      return { ...rest, reason: `its rebased value cannot be written in a Makefile (${e.why})` };
    }
    return f;
  });
}
