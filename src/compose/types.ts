import type { Document, LineCounter } from 'yaml';
import type { SourcePos } from '../model.js';
import type { YNode } from './yaml-tree.js';

/** Plain YAML data after tags are resolved (what `doc.toJS()` gives, with `!reset`/`!override` handled). */
export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };
export type YamlMap = { [key: string]: YamlValue };

export type { SourcePos };

/**
 * One compose file as read from disk, parsed once. Values and positions come from `tree`; the
 * `yaml` Document (comments, and the positions of schema errors) is parsed on first use.
 */
export interface ComposeFile {
  /** Repo-relative POSIX path. */
  path: string;
  text: string;
  /** sha256 hex of the bytes; recorded in saved plans to detect staleness. */
  sha256: string;
  /** The document's root node; null for an empty document. */
  tree: YNode | null;
  readonly doc: Document.Parsed;
  /** Offsets -> 1-based line/col in `text`. */
  lines: LineCounter;
}

/** Comments attached to a key path, collected from every layer that contributed the key. */
export interface KeyComments {
  /** Comment lines that stood before the key (without leading '#'). */
  before?: string;
  /** Trailing comment on the key's line. */
  after?: string;
}

/**
 * Comments by key path, e.g. "services.postgres.ports" or "volumes.pgdata".
 * Keys use '.' between segments; a segment containing '.' is wrapped in [ ] (rare: service names cannot contain '.', but x- keys may).
 */
export type CommentMap = Map<string, KeyComments>;

/**
 * One service after layering, extends and include, for one environment.
 *
 * `config` keeps the user's syntax (short or long ports, list or map environment, ...) and keeps
 * interpolation verbatim (`${PG_PORT:-5432}`). Relative paths in it have been made relative to the
 * repository root (POSIX, with a leading "./" when they were relative: "./pourtier", "./pourtier/src"),
 * because after extends/include a path may have come from a file in another directory.
 * `~`, absolute paths and named volumes are left untouched.
 */
export interface EffectiveService {
  name: string;
  config: YamlMap;
  /** Where the service was first declared. */
  origin: SourcePos;
  /** Files that contributed to it, in merge order (includes extends/include sources). */
  sources: string[];
  /** Positions of individual keys, by key path relative to the service ("build.context", "environment.API_URL", "ports[0]"). */
  positions: Map<string, SourcePos>;
  /**
   * For services brought in by `include`: the env files (repo-relative) whose variables interpolate
   * this service instead of the root .env (the include's `env_file`, else its project directory's .env).
   */
  interpolationEnvFiles?: string[];
}

/** The merged project for one environment. */
export interface EffectiveProject {
  env: string;
  /** The root files layered for it, in order. */
  files: string[];
  /** Project name compose would use (top-level `name:` or the root directory's basename, normalized). */
  projectName: string;
  /** True when projectName is the checkout folder's name (no `name:`): it differs between clones. */
  projectNameFromFolder?: boolean;
  services: Map<string, EffectiveService>;
  networks: YamlMap;
  volumes: YamlMap;
  configs: YamlMap;
  secrets: YamlMap;
  /** Top-level `x-*` extension fields. */
  extensions: YamlMap;
  comments: CommentMap;
}

/** Variables visible to interpolation when analysis needs a value: shell env first, then root .env. */
export type VarSource = (name: string) => string | undefined;
