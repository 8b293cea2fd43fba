import { posix } from 'node:path';
import { MigrateError } from '../errors.js';
import type { RepoSnapshot } from '../repo/snapshot.js';
import { interpolate } from './interpolate.js';
import { isYamlMap } from './short-syntax.js';
import { mergeServices, mergeTopLevel } from './merge.js';
import { nodePos, parseComposeFile } from './parse.js';
import {
  dirOf,
  isOutsideRepo,
  mapIncludePaths,
  mapServicePaths,
  mapTopLevelPaths,
  resolveRelative,
  toRepoPath,
  type PathMapper,
} from './paths.js';
import type {
  CommentMap,
  ComposeFile,
  EffectiveProject,
  EffectiveService,
  SourcePos,
  VarSource,
  YamlMap,
  YamlValue,
} from './types.js';
import {
  collectComments,
  joinPath,
  keySegment,
  mapEntries,
  tagOf,
  tagged,
  toValue,
  topEntries,
  untag,
  type Entry,
} from './value.js';

export interface LoadOptions {
  /** Parsed files by repo-relative path, shared across environments so each file is parsed once. */
  cache?: Map<string, ComposeFile>;
  /** Overrides the project name compose would derive. */
  projectName?: string;
  /** Used only to evaluate an interpolated top-level `name:`. */
  vars?: VarSource;
}

/** A service as one file (with its extends resolved) declares it, before layering. */
interface LayerService {
  /** Config with `!reset`/`!override` markers still in place; paths repo-relative. */
  config: YamlMap;
  /** `!reset` on the whole service: drop it from the layers below. */
  reset: boolean;
  origin: SourcePos;
  sources: string[];
  positions: Map<string, SourcePos>;
  /** Sequence items' positions keyed by "<path>\0<item>", so they survive re-indexing by merges. */
  itemPositions: Map<string, SourcePos>;
  envFiles?: string[];
}

interface Layer {
  name: string | undefined;
  services: Map<string, LayerService>;
  sections: Record<Section, YamlMap>;
  extensions: YamlMap;
  /** Read on first use: only rendering needs comments, and reading them needs the file's Document. */
  comments: () => CommentMap;
}

/** `f`, called at most once. */
function once<T>(f: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = f();
      done = true;
    }
    return value;
  };
}

/** `obj` with a property `key` that `get` computes when read (enumerable, so copies and tests see it). */
function withLazy<T extends object, K extends string, V>(obj: T, key: K, get: () => V): T & Record<K, V> {
  return Object.defineProperty(obj, key, { get, enumerable: true }) as T & Record<K, V>;
}

const SECTIONS = ['networks', 'volumes', 'configs', 'secrets'] as const;
type Section = (typeof SECTIONS)[number];

/** compose-go NormalizeProjectName. */
export function normalizeProjectName(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[_-]+/, '');
}

function itemKey(v: YamlValue): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * Top-level layers already built, by the parsed-file cache they were built from and "<path>\0<baseDir>":
 * analysis loads every root file alone and again in each environment's stack, and a layer is the
 * same each time. Layers are never mutated once built (stacking and merging make new objects, and
 * loadProject copies the configs it returns), so sharing them is safe.
 */
const layerMemo = new WeakMap<Map<string, ComposeFile>, Map<string, Layer>>();

class Loader {
  /** Service entries per file, so resolving N services does not rescan the file N times. */
  private readonly serviceEntries = new Map<string, Map<string, Entry>>();
  private readonly layers: Map<string, Layer>;

  constructor(
    private readonly snapshot: RepoSnapshot,
    private readonly cache: Map<string, ComposeFile>,
  ) {
    let layers = layerMemo.get(cache);
    if (!layers) layerMemo.set(cache, (layers = new Map()));
    this.layers = layers;
  }

  file(path: string, from?: { file: string; what: 'include' | 'extends' }): ComposeFile {
    const cached = this.cache.get(path);
    if (cached) return cached;
    if (isOutsideRepo(path) || posix.isAbsolute(path) || this.snapshot.symlinkTarget(path) === null) {
      throw new MigrateError('path-outside-repo', `compose file ${path} is outside the repository`, {
        file: from?.file ?? path,
      });
    }
    const bytes = this.snapshot.readBytes(path);
    if (bytes === undefined) {
      const code = from ? (from.what === 'include' ? 'compose-include' : 'compose-extends') : 'io';
      throw new MigrateError(code, `compose file ${path} not found`, { file: from?.file ?? path });
    }
    const parsed = parseComposeFile(path, bytes);
    this.cache.set(path, parsed);
    return parsed;
  }

  private servicesOf(file: ComposeFile): Map<string, Entry> {
    let entries = this.serviceEntries.get(file.path);
    if (!entries) {
      const services = topEntries(file).get('services');
      entries = services ? mapEntries(file, services.valueNode) : new Map<string, Entry>();
      this.serviceEntries.set(file.path, entries);
    }
    return entries;
  }

  /** Every relative path in a value declared in a file whose paths resolve against `baseDir`. */
  private rebase(baseDir: string): PathMapper {
    // A context-relative path (the dockerfile) moves with its context, which is resolved itself.
    return (p, _id, base) => (base === 'context' ? p : resolveRelative(p, baseDir));
  }

  /**
   * One service of one file with its `extends` chain resolved. `chain` lists "file#service" keys
   * being resolved, for cycle detection.
   */
  service(file: ComposeFile, name: string, baseDir: string, chain: string[]): LayerService {
    const key = `${file.path}#${name}`;
    if (chain.includes(key)) {
      throw new MigrateError('compose-cycle', `extends cycle: ${[...chain, key].join(' -> ')}`, {
        file: file.path,
      });
    }
    const entry = this.servicesOf(file).get(name);
    if (!entry) {
      const last = chain[chain.length - 1];
      throw new MigrateError('compose-extends', `service '${name}' not found in ${file.path}`, {
        file: last ? (last.split('#')[0] ?? file.path) : file.path,
      });
    }
    const positions = new Map<string, SourcePos>();
    const raw = toValue(file, entry.valueNode, (p, pos) => positions.set(p, pos));
    const origin = nodePos(file, entry.keyNode);
    const mark = tagOf(raw);
    if (mark?.tag === 'reset') {
      return { config: {}, reset: true, origin, sources: [file.path], positions, itemPositions: new Map() };
    }
    const value = mark ? mark.value : raw;
    let config = rewriteTagged(isYamlMap(value) ? value : {}, this.rebase(baseDir));
    let sources = [file.path];
    const ext = config.extends;
    if (ext !== undefined) {
      delete config.extends;
      const target =
        typeof ext === 'string'
          ? ext
          : isYamlMap(ext) && typeof ext.service === 'string'
            ? ext.service
            : undefined;
      const extPos = positions.get('extends') ?? origin;
      if (target === undefined) {
        throw new MigrateError('compose-extends', `service '${name}': extends needs a service name`, extPos);
      }
      let baseFile = file;
      let baseBase = baseDir;
      if (isYamlMap(ext) && typeof ext.file === 'string') {
        const path = toRepoPath(ext.file);
        baseFile = this.file(path, { file: file.path, what: 'extends' });
        baseBase = dirOf(path);
      }
      const base = this.service(baseFile, target, baseBase, [...chain, key]);
      config = mergeServices(base.config, config);
      sources = [...base.sources, ...sources];
      for (const [p, pos] of base.positions) if (!positions.has(p)) positions.set(p, pos);
    }
    const layer: LayerService = {
      config,
      reset: false,
      origin,
      sources,
      positions,
      itemPositions: new Map(),
    };
    indexItems(layer);
    return layer;
  }

  /** One file as a layer: its includes, its services (extends resolved), its top-level sections. */
  layer(path: string, baseDir: string, includeChain: string[]): Layer {
    if (includeChain.length > 0) return this.build(path, baseDir, includeChain);
    const key = `${path}\0${baseDir}`;
    let layer = this.layers.get(key);
    if (!layer) this.layers.set(key, (layer = this.build(path, baseDir, includeChain)));
    return layer;
  }

  private build(path: string, baseDir: string, includeChain: string[]): Layer {
    if (includeChain.includes(path)) {
      throw new MigrateError('compose-cycle', `include cycle: ${[...includeChain, path].join(' -> ')}`, {
        file: includeChain[includeChain.length - 1] ?? path,
      });
    }
    const file = this.file(
      path,
      includeChain.length
        ? { file: includeChain[includeChain.length - 1] ?? path, what: 'include' }
        : undefined,
    );
    const top = topEntries(file);
    const out: Layer = {
      name: undefined,
      services: new Map(),
      sections: { networks: {}, volumes: {}, configs: {}, secrets: {} },
      extensions: {},
      comments: once(() => collectComments(file)),
    };
    const mapper = this.rebase(baseDir);

    const include = top.get('include');
    if (include) {
      const value = mapIncludePaths(toValue(file, include.valueNode), mapper);
      for (const inc of Array.isArray(value) ? value : [value]) {
        this.addInclude(out, file, inc, [...includeChain, path]);
      }
    }

    const nameEntry = top.get('name');
    if (nameEntry) {
      const v = toValue(file, nameEntry.valueNode);
      if (typeof v === 'string') out.name = v;
    }

    if (top.has('services')) {
      for (const name of this.servicesOf(file).keys()) {
        const svc = this.service(file, name, baseDir, []);
        if (out.services.has(name)) {
          throw new MigrateError(
            'compose-include',
            `service '${name}' is defined both in ${path} and in a file it includes`,
            svc.origin,
          );
        }
        out.services.set(name, svc);
      }
    }

    for (const section of SECTIONS) {
      const entry = top.get(section);
      if (!entry) continue;
      let v = toValue(file, entry.valueNode);
      if (!isYamlMap(v)) continue;
      if (section === 'configs' || section === 'secrets' || section === 'volumes')
        v = mapTopLevelPaths(section, v, mapper);
      out.sections[section] = mergeTopLevel(out.sections[section], v);
    }
    for (const [k, entry] of top) {
      if (k.startsWith('x-')) out.extensions[k] = toValue(file, entry.valueNode);
    }
    return out;
  }

  private addInclude(out: Layer, file: ComposeFile, inc: YamlValue, chain: string[]): void {
    let paths: string[] = [];
    let projectDir: string | undefined;
    let envFiles: string[] | undefined;
    if (typeof inc === 'string') paths = [inc];
    else if (isYamlMap(inc)) {
      const p = inc.path;
      paths =
        typeof p === 'string'
          ? [p]
          : Array.isArray(p)
            ? p.filter((x): x is string => typeof x === 'string')
            : [];
      if (typeof inc.project_directory === 'string') projectDir = toRepoPath(inc.project_directory);
      const ef = inc.env_file;
      if (typeof ef === 'string') envFiles = [toRepoPath(ef)];
      else if (Array.isArray(ef))
        envFiles = ef.filter((x): x is string => typeof x === 'string').map(toRepoPath);
    }
    if (paths.length === 0) {
      throw new MigrateError('compose-include', 'include entry without a path', { file: file.path });
    }
    const files = paths.map(toRepoPath);
    const subDir = projectDir ?? dirOf(files[0] ?? '');
    const sub = this.layered(files, subDir, chain);
    envFiles ??= [subDir === '' ? '.env' : `${subDir}/.env`];
    for (const [name, svc] of sub.services) {
      svc.envFiles ??= envFiles;
      if (out.services.has(name)) {
        throw new MigrateError(
          'compose-include',
          `service '${name}' is included twice (${files.join(', ')})`,
          svc.origin,
        );
      }
      out.services.set(name, svc);
    }
    for (const section of SECTIONS)
      out.sections[section] = mergeTopLevel(out.sections[section], sub.sections[section]);
    out.extensions = mergeTopLevel(out.extensions, sub.extensions);
    const own = out.comments;
    out.comments = once(() => {
      const merged = new Map(own());
      for (const [k, c] of sub.comments()) if (!merged.has(k)) merged.set(k, c);
      return merged;
    });
  }

  /** Several files layered in order, as one layer (relative paths of all of them resolve against `baseDir`). */
  layered(files: string[], baseDir: string, includeChain: string[]): Layer {
    let acc: Layer | undefined;
    for (const f of files) {
      const next = this.layer(f, baseDir, includeChain);
      acc = acc ? stack(acc, next) : next;
    }
    return (
      acc ?? {
        name: undefined,
        services: new Map(),
        sections: { networks: {}, volumes: {}, configs: {}, secrets: {} },
        extensions: {},
        comments: () => new Map(),
      }
    );
  }
}

/** Rewrite paths in a config whose top-level values may be `!override`/`!reset` markers. */
function rewriteTagged(config: YamlMap, fn: PathMapper): YamlMap {
  const plain: YamlMap = {};
  const marks = new Map<string, 'reset' | 'override'>();
  for (const [k, v] of Object.entries(config)) {
    const m = tagOf(v);
    if (m) {
      marks.set(k, m.tag);
      plain[k] = m.value;
    } else plain[k] = v;
  }
  const mapped = mapServicePaths(plain, fn);
  for (const [k, tag] of marks) mapped[k] = tagged(tag, mapped[k] ?? null);
  return mapped;
}

/** Record sequence items by value (and list-form environment/labels by variable). */
function indexItems(svc: LayerService): void {
  const inner = new Map<string, [string, SourcePos][]>();
  for (const [k, p] of svc.positions) {
    const close = k.indexOf(']');
    if (close < 0 || close === k.length - 1 || k.lastIndexOf('[', close) < k.lastIndexOf('.', close))
      continue;
    const at = k.slice(0, close + 1);
    const list = inner.get(at) ?? [];
    list.push([k.slice(close + 1), p]);
    inner.set(at, list);
  }
  const walk = (v: YamlValue, path: string): void => {
    const m = tagOf(v);
    if (m) return walk(m.value, path);
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        const at = `${path}[${i}]`;
        const pos = svc.positions.get(at);
        if (!pos) return;
        const base = `${path}\0${itemKey(item)}`;
        svc.itemPositions.set(base, pos);
        // Keys inside a top-level item ("secrets[0].mode"), by their path within it, so they follow it.
        for (const [rest, p] of inner.get(at) ?? []) svc.itemPositions.set(`${base}\0${rest}`, p);
        if ((path === 'environment' || path === 'labels') && typeof item === 'string') {
          const name = item.split('=')[0] ?? item;
          svc.positions.set(joinPath(path, name), pos);
        }
        walk(item, `${path}[${i}]`);
      });
    } else if (isYamlMap(v)) {
      for (const [k, x] of Object.entries(v)) walk(x, joinPath(path, k));
    }
  };
  walk(svc.config, '');
}

function mergeLayerService(base: LayerService, over: LayerService): LayerService {
  if (over.reset) return over;
  const positions = new Map(base.positions);
  for (const [k, v] of over.positions) positions.set(k, v);
  const itemPositions = new Map(base.itemPositions);
  for (const [k, v] of over.itemPositions) itemPositions.set(k, v);
  const sources = [...base.sources];
  for (const s of over.sources) if (!sources.includes(s)) sources.push(s);
  const envFiles = over.envFiles ?? base.envFiles;
  return {
    ...(envFiles ? { envFiles } : {}),
    config: mergeServices(base.config, over.config),
    reset: false,
    origin: base.origin,
    sources,
    positions,
    itemPositions,
  };
}

function stack(base: Layer, over: Layer): Layer {
  const services = new Map(base.services);
  for (const [name, svc] of over.services) {
    const prev = services.get(name);
    if (svc.reset) services.delete(name);
    else services.set(name, prev && !prev.reset ? mergeLayerService(prev, svc) : svc);
  }
  const sections = { ...base.sections };
  for (const s of SECTIONS) sections[s] = mergeTopLevel(base.sections[s], over.sections[s]);
  const comments = once(() => {
    const merged = new Map(base.comments());
    for (const [k, c] of over.comments()) merged.set(k, c);
    return merged;
  });
  return {
    name: over.name ?? base.name,
    services,
    sections,
    extensions: mergeTopLevel(base.extensions, over.extensions),
    comments,
  };
}

/** Final positions: key paths as merged, sequence items at their final index. */
function finalPositions(svc: LayerService, config: YamlMap): Map<string, SourcePos> {
  const out = new Map<string, SourcePos>();
  for (const [k, v] of svc.positions) if (!k.includes('[')) out.set(k, v);
  // `item` (the enclosing list item's key, and the path within it) finds positions inside items.
  const walk = (v: YamlValue, path: string, item?: { base: string; rest: string }): void => {
    if (item && item.rest !== '') {
      const pos = svc.itemPositions.get(`${item.base}\0${item.rest}`);
      if (pos) out.set(path, pos);
    }
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        const at = `${path}[${i}]`;
        if (item) return walk(x, at, { base: item.base, rest: `${item.rest}[${i}]` });
        const base = `${path}\0${itemKey(x)}`;
        const pos = svc.itemPositions.get(base);
        if (pos) out.set(at, pos);
        walk(x, at, { base, rest: '' });
      });
    } else if (isYamlMap(v)) {
      for (const [k, x] of Object.entries(v))
        walk(x, joinPath(path, k), item && { base: item.base, rest: `${item.rest}.${keySegment(k)}` });
    }
  };
  walk(config, '');
  return out;
}

/**
 * The merged project for one environment: `files` layered in order (all relative paths resolve
 * against the first file's directory, as compose does), `include` and `extends` applied, relative
 * paths rewritten repo-root-relative, interpolation left verbatim.
 */
export function loadProject(
  snapshot: RepoSnapshot,
  files: string[],
  env: string,
  opts: LoadOptions = {},
): EffectiveProject {
  const loader = new Loader(snapshot, opts.cache ?? new Map());
  const projectDir = dirOf(files[0] ?? '');
  const merged = loader.layered(files, projectDir, []);
  const services = new Map<string, EffectiveService>();
  for (const [name, svc] of merged.services) {
    if (svc.reset) continue;
    const config = (untag(svc.config) ?? {}) as YamlMap;
    // Positions are worked out on first use: a file loaded alone, as evidence for the layout, never asks.
    const effective: EffectiveService = withLazy(
      { name, config, origin: svc.origin, sources: svc.sources },
      'positions',
      once(() => finalPositions(svc, config)),
    );
    if (svc.envFiles) effective.interpolationEnvFiles = svc.envFiles;
    services.set(name, effective);
  }
  let projectName = opts.projectName;
  if (projectName === undefined && merged.name !== undefined) {
    let raw = merged.name;
    try {
      if (raw.includes('$') && opts.vars) raw = interpolate(raw, opts.vars);
    } catch {
      // A required variable is unset: compose would refuse; the folder name stands in.
    }
    if (!raw.includes('$')) projectName = normalizeProjectName(raw);
  }
  const fromFolder = projectName === undefined;
  projectName ??= normalizeProjectName(posix.basename(snapshot.root.replace(/\\/g, '/')));
  const clean = (m: YamlMap): YamlMap => (untag(m) ?? {}) as YamlMap;
  const project = {
    env,
    files: [...files],
    projectName,
    ...(fromFolder ? { projectNameFromFolder: true } : {}),
    services,
    networks: clean(merged.sections.networks),
    volumes: clean(merged.sections.volumes),
    configs: clean(merged.sections.configs),
    secrets: clean(merged.sections.secrets),
    extensions: clean(merged.extensions),
  };
  // Comments are read when first asked for (rendering), not while analysis loads every layout.
  return withLazy(project, 'comments', merged.comments);
}
