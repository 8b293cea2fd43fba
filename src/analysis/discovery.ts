import type { MigrateConfig } from '../model.js';
import { MigrateError } from '../errors.js';
import type { RepoSnapshot } from '../repo/snapshot.js';
import type { Finding } from './types.js';

const COMPOSE_NAME = /^(?:docker-compose|compose)(?:[.\-_][^/]*)?\.ya?ml$/i;

/** compose-migrate's own config file matches the compose*.y(a)ml pattern; it is never a compose file. */
const CONFIG_FILE = /^compose-migrate\.config\.ya?ml$/i;

/**
 * Folders where teams keep a repository's compose files when they are not at the root, searched in
 * this order when the root has none. Their direct subfolders are searched only when none of these
 * holds a compose file itself (`docker/compose/`, `deploy/local/`).
 */
export const CONVENTIONAL_DIRS = ['deploy', 'docker', 'compose', '.docker', 'infra'] as const;

export function isComposeFileName(name: string): boolean {
  return COMPOSE_NAME.test(name) && !CONFIG_FILE.test(name);
}

export interface Discovery {
  /** Compose files that make up the repository's environments, sorted. */
  files: string[];
  /** The folder they were found in when the root held none ("" for the root or configured dirs). */
  folder: string;
  findings: Finding[];
}

/** Plain files (no name token) first, then by name, so layering order is stable and matches how teams pass -f. */
function compareComposeFiles(a: string, b: string): number {
  const plain = (p: string) =>
    /^(docker-compose|compose)\.ya?ml$/i.test(p.slice(p.lastIndexOf('/') + 1)) ? 0 : 1;
  return plain(a) - plain(b) || a.localeCompare(b);
}

const stripSlashes = (d: string): string => d.replace(/^\.\/|\/+$/g, '');

function byDir(snapshot: RepoSnapshot): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of snapshot.files()) {
    const slash = f.lastIndexOf('/');
    const name = f.slice(slash + 1);
    if (!isComposeFileName(name)) continue;
    const dir = slash < 0 ? '' : f.slice(0, slash);
    const list = out.get(dir) ?? [];
    list.push(f);
    out.set(dir, list);
  }
  return out;
}

/**
 * The repository's compose files: the root's, plus configured `composeDirs`; when the root has none and
 * nothing is configured, the one conventional folder that has some. Several candidate folders is an
 * error naming them and the config key, never a guess.
 */
export function discoverComposeFiles(snapshot: RepoSnapshot, config: MigrateConfig): Discovery {
  const dirs = byDir(snapshot);
  const configured = (config.composeDirs ?? []).map(stripSlashes);
  if (configured.length > 0 || dirs.has('')) {
    const files = ['', ...configured].flatMap((d) => dirs.get(d) ?? []);
    return { files: files.sort(compareComposeFiles), folder: '', findings: [] };
  }
  let candidates = CONVENTIONAL_DIRS.filter((d) => dirs.has(d));
  let level = 'conventional folder';
  if (candidates.length === 0) {
    candidates = [...dirs.keys()]
      .filter((d) =>
        CONVENTIONAL_DIRS.some((c) => d.startsWith(`${c}/`) && !d.slice(c.length + 1).includes('/')),
      )
      .sort() as typeof candidates;
    level = 'direct subfolder of a conventional folder';
  }
  if (candidates.length > 1) {
    throw new MigrateError(
      'usage',
      `no compose files at the root, and several folders hold some: ${candidates.join(', ')}; say which with config composeDirs: [${candidates[0]}]`,
      undefined,
      1,
    );
  }
  const folder = candidates[0];
  if (folder === undefined) return { files: [], folder: '', findings: [] };
  const files = (dirs.get(folder) ?? []).slice().sort(compareComposeFiles);
  return {
    files,
    folder,
    findings: [
      {
        level: 'info',
        code: 'compose-folder',
        message: `no compose file at the root; using ${files.length} in ${folder}/ (a ${level}; the only one holding compose files). Paths in them resolve against ${folder}/, and compose reads ${folder}/.env. Config composeDirs: [${folder}] says the same explicitly`,
        file: files[0] ?? folder,
      },
    ],
  };
}

/** The message when nothing is found anywhere, naming where it looked and the config key. */
export function noComposeFilesMessage(root: string): string {
  return `no compose files (docker-compose*.y(a)ml, compose*.y(a)ml) in ${root} or in ${CONVENTIONAL_DIRS.map((d) => `${d}/`).join(', ')}; if they live elsewhere, name the folder in config composeDirs: [path/to/folder]`;
}

/** The project directory compose uses for a set of files: the first file's folder. */
export function projectDirOf(files: readonly string[]): string {
  const first = files[0] ?? '';
  const slash = first.lastIndexOf('/');
  return slash < 0 ? '' : first.slice(0, slash);
}

/** The `.env` compose reads for interpolation: the one in the project directory. */
export function dotEnvPath(projectDir: string): string {
  return projectDir === '' ? '.env' : `${projectDir}/.env`;
}
