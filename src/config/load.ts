import { isMap, isScalar, parseDocument } from 'yaml';
import { MigrateError } from '../errors.js';
import { archiveFolder } from './archive-dir.js';
import type { RepoSnapshot } from '../repo/snapshot.js';
import type { LoadedConfig, MigrateConfig } from './types.js';

export const CONFIG_NAMES = [
  'compose-migrate.config.yaml',
  'compose-migrate.config.yml',
  'compose-migrate.config.json',
];

const ENUMS: Record<string, readonly string[]> = {
  containerNames: ['scope', 'keep', 'drop'],
  ports: ['shift', 'keep'],
  envFile: ['makefile', 'ignore'],
};
const STRING_LISTS = ['composeDirs', 'ignoreDirs'];
const STRING_MAPS = ['environments', 'components', 'services', 'fileNames', 'testCommands', 'kinds'];
const KNOWN = new Set([
  ...Object.keys(ENUMS),
  ...STRING_LISTS,
  ...STRING_MAPS,
  'peers',
  'archiveDir',
  'layers',
]);

/** Reads the config (explicit path, else the first default name at the root); absent means {}. */
export function loadConfig(snapshot: RepoSnapshot, explicit?: string): LoadedConfig {
  const path = explicit ?? CONFIG_NAMES.find((n) => snapshot.exists(n));
  if (path === undefined) return { config: {} };
  const text = snapshot.read(path);
  if (text === undefined)
    throw new MigrateError('config-invalid', `config file not found: ${path}`, undefined, 2);
  return { config: parseConfig(path, text), path };
}

export function parseConfig(path: string, text: string): MigrateConfig {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    throw new MigrateError('config-invalid', firstLine(err.message), {
      file: path,
      ...(pos ? { line: pos.line, col: pos.col } : {}),
    });
  }
  const value: unknown = doc.toJS() ?? {};
  const at = (key: string, sub?: string) => {
    const find = (node: unknown, name: string) =>
      isMap(node) ? node.items.find((p) => isScalar(p.key) && p.key.value === name) : undefined;
    let pair = find(doc.contents, key);
    if (sub !== undefined) pair = find(pair?.value, sub) ?? pair;
    const offset = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
    if (offset === undefined) return { file: path };
    const before = text.slice(0, offset);
    return { file: path, line: before.split('\n').length, col: offset - before.lastIndexOf('\n') };
  };
  const bad = (key: string, what: string) => new MigrateError('config-invalid', `${key}: ${what}`, at(key));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MigrateError('config-invalid', 'the config must be a mapping', { file: path, line: 1, col: 1 });
  }
  const obj = value as Record<string, unknown>;
  for (const [key, v] of Object.entries(obj)) {
    if (!KNOWN.has(key)) throw bad(key, `unknown key (known: ${[...KNOWN].sort().join(', ')})`);
    const allowed = ENUMS[key];
    if (allowed && !allowed.includes(String(v))) throw bad(key, `must be one of ${allowed.join(', ')}`);
    if (STRING_LISTS.includes(key) && !(Array.isArray(v) && v.every((x) => typeof x === 'string')))
      throw bad(key, 'must be a list of strings');
    if (STRING_MAPS.includes(key) && !isStringMap(v)) throw bad(key, 'must map names to strings');
    if (key === 'archiveDir' && (typeof v !== 'string' || v.startsWith('/') || v.split('/').includes('..'))) {
      throw bad(key, 'must be a directory inside the repository');
    }
    // The root itself would "archive" each root file onto itself; .git is git's own.
    if (key === 'archiveDir' && ['', '.'].includes(archiveFolder(v as string))) {
      throw bad(key, 'must name a folder below the repository root, not the root itself');
    }
    if (key === 'archiveDir' && archiveFolder(v as string).split('/')[0] === '.git') {
      throw bad(key, 'must not be inside .git');
    }
    if (key === 'layers') {
      if (typeof v !== 'object' || v === null || Array.isArray(v))
        throw bad(
          key,
          'must map environment names to lists of compose files, e.g. layers: { prod: [docker-compose.yml] }',
        );
      for (const [env, files] of Object.entries(v)) {
        if (!/^[a-z0-9][a-z0-9_-]*$/.test(env))
          throw bad(key, `environment name "${env}": lower-case letters, digits, "-" and "_" only`);
        if (!(Array.isArray(files) && files.every((x) => typeof x === 'string' && x.length > 0)))
          throw bad(
            key,
            `${env} must be a list of compose files (one file: that file alone; [] for no ${env})`,
          );
      }
    }
    if (key === 'fileNames')
      checkFileNames(
        v as Record<string, string>,
        (name, what) => new MigrateError('config-invalid', `fileNames.${name}: ${what}`, at(key, name)),
      );
    if (key === 'kinds')
      for (const [name, kind] of Object.entries(v as Record<string, string>))
        if (kind !== 'compose' && kind !== 'host')
          throw new MigrateError('config-invalid', `kinds.${name}: must be compose or host`, at(key, name));
    if (key === 'peers' && !isPeers(v))
      throw bad(key, 'must map component names to true/false or a list of services');
  }
  return obj as MigrateConfig;
}

/** What compose files the tool writes are called by default, to catch a configured name taking one. */
const DEFAULT_FILE_NAMES: Record<string, string[]> = {
  dev: ['docker-compose.yaml', 'docker-compose.yml'],
  test: ['docker-compose.test.yaml', 'docker-compose.test.yml'],
  prod: ['docker-compose.production.yaml', 'docker-compose.production.yml'],
};

/**
 * A generated file name lands in paths, Makefiles, shell commands and orchestrator code: it must be
 * a plain file name in the component directory (no separators, no `..`, no characters a shell,
 * make or a string literal would read), a YAML file, and different for every environment.
 */
function checkFileNames(
  names: Record<string, string>,
  bad: (name: string, what: string) => MigrateError,
): void {
  const seen = new Map<string, string>();
  for (const [env, name] of Object.entries(names)) {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.+@-]*\.ya?ml$/u.test(name) || name.includes('..'))
      throw bad(
        env,
        `${JSON.stringify(name)} must be a plain file name ending in .yaml or .yml (letters, digits, . _ - + @; no directory separators)`,
      );
    const other = seen.get(name);
    if (other !== undefined) throw bad(env, `${JSON.stringify(name)} is also the file name for ${other}`);
    seen.set(name, env);
  }
  for (const [env, name] of Object.entries(names)) {
    for (const [other, defaults] of Object.entries(DEFAULT_FILE_NAMES)) {
      if (other !== env && names[other] === undefined && defaults.includes(name))
        throw bad(
          env,
          `${JSON.stringify(name)} is the default file name for ${other}; name ${other}'s file too`,
        );
    }
  }
}

function isStringMap(v: unknown): boolean {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.values(v).every((x) => typeof x === 'string')
  );
}

function isPeers(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  return Object.values(v).every(
    (x) => typeof x === 'boolean' || (Array.isArray(x) && x.every((s) => typeof s === 'string')),
  );
}

/** The yaml library's pretty message, without the position it repeats and the source excerpt. */
function firstLine(s: string): string {
  return (s.split('\n')[0] ?? s).replace(/ at line \d+, column \d+:?$/, '');
}
