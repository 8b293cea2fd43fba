/**
 * docker-compose 1.29 (Debian's package, no engine needed) as the independent referee: `config` on a
 * set of files gives the services as Compose itself merges, interpolates and resolves them.
 *
 * 1.29 predates parts of the current Compose Specification. Where a file set uses them, the referee
 * runs on hand-expanded variants written next to the originals (so relative paths resolve the same)
 * and removed right after; every such change is returned as a note for the report, never silent:
 * - top-level `name:` (the project name only): dropped;
 * - `!reset` (remove an inherited value): the key removed from the file and every earlier layer;
 * - `!override` (replace instead of merge): the key removed from every earlier layer, so that the
 *   merge leaves exactly the overriding value;
 * - top-level `include`: the included files passed as earlier `-f` files; their services are the
 *   same, but their relative paths then resolve from the project folder, not their own;
 * - an `env_file` entry naming a file absent from the checkout (typically an untracked `.env`):
 *   dropped, since 1.29 refuses the whole set for it while the current spec can mark it optional.
 * - on rejection, once more with every file read as YAML 1.2 (what current Compose reads: `restart:
 *   no` is the string "no") and written out quoted for 1.29's YAML 1.1 reader (PyYAML reads a bare
 *   `no` as false and refuses it).
 * A variant is the file's data (anchors and merge keys resolved) read with the YAML 1.2 core schema
 * and written for a YAML 1.1 reader (strings such as `no`, `yes`, `22:22` quoted), so that the
 * referee sees the values the current Compose Specification means.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, posix } from 'node:path';
import { isPair, isScalar, parseDocument, stringify, visit } from 'yaml';
import { run } from './steps.js';

export const DOCKER_COMPOSE = '/usr/bin/docker-compose';

export type Services = Record<string, Record<string, unknown>>;

/** The top-level sections a service's resources are declared in, as the referee resolved them. */
export type TopLevel = Partial<
  Record<'volumes' | 'networks' | 'configs' | 'secrets', Record<string, unknown>>
>;

export interface RefereeResult {
  ok: boolean;
  services: Services;
  /** The top-level volumes, networks, configs and secrets (absent when the referee rejected the files). */
  top?: TopLevel;
  /** The referee's own message when it rejects the files. */
  error?: string;
  /** What had to be changed for 1.29 to read the files (see the module comment). */
  notes: string[];
  ms: number;
}

type Data = Record<string, unknown>;

interface Layer {
  /** Path relative to the referee's working directory. */
  file: string;
  data: Data | undefined;
  /** Keys tagged `!reset` / `!override`, as paths from the document root. */
  tagged: { path: string[]; tag: '!reset' | '!override' }[];
  changed: boolean;
}

const isData = (v: unknown): v is Data => v !== null && typeof v === 'object' && !Array.isArray(v);

function deletePath(data: Data | undefined, path: string[]): boolean {
  let node: unknown = data;
  for (const k of path.slice(0, -1)) node = isData(node) ? node[k] : undefined;
  const last = path[path.length - 1];
  if (!isData(node) || last === undefined || !(last in node)) return false;
  delete node[last];
  return true;
}

function readLayer(cwd: string, file: string): Layer {
  const doc = parseDocument(readFileSync(join(cwd, file), 'utf8'), { merge: true, prettyErrors: false });
  const tagged: Layer['tagged'] = [];
  visit(doc, {
    Pair(_, pair, path) {
      const tag = (pair.value as { tag?: string } | null)?.tag;
      if (tag !== '!reset' && tag !== '!override') return;
      const keys = path.filter(isPair).map((p) => String((p.key as { value?: unknown }).value));
      tagged.push({ path: [...keys, String(isScalar(pair.key) ? pair.key.value : pair.key)], tag });
    },
  });
  const js: unknown = doc.errors.length ? undefined : doc.toJS({ maxAliasCount: -1 });
  return { file, data: isData(js) ? js : undefined, tagged, changed: false };
}

/** Included file paths of a top-level `include` (short or long syntax), relative to the including file. */
function includedPaths(include: unknown): string[] {
  const entries = Array.isArray(include) ? include : [include];
  return entries.flatMap((e) =>
    typeof e === 'string'
      ? [e]
      : isData(e)
        ? Array.isArray(e.path)
          ? e.path.map(String)
          : [String(e.path)]
        : [],
  );
}

/** The set of layers 1.29 can read, and the notes saying what was changed to get there. */
function expand(cwd: string, files: string[]): { layers: Layer[]; notes: string[] } {
  const notes: string[] = [];
  const layers: Layer[] = [];
  for (const file of files) {
    const layer = readLayer(cwd, file);
    const include = layer.data?.include;
    if (include !== undefined && layer.data) {
      const paths = includedPaths(include).map((p) => posix.join(posix.dirname(file), p));
      for (const p of paths) if (existsSync(join(cwd, p))) layers.push(readLayer(cwd, p));
      delete layer.data.include;
      layer.changed = true;
      notes.push(`${file}: include expanded as earlier -f files (${paths.join(', ')})`);
    }
    layers.push(layer);
  }
  const projectDir = posix.dirname(files[0] ?? '.');
  layers.forEach((layer, i) => {
    const data = layer.data;
    if (!data) return;
    if ('name' in data) {
      delete data.name;
      layer.changed = true;
      notes.push(`${layer.file}: top-level name dropped (it names the project only)`);
    }
    for (const t of layer.tagged) {
      for (const earlier of layers.slice(0, i)) if (deletePath(earlier.data, t.path)) earlier.changed = true;
      if (t.tag === '!reset') deletePath(data, t.path);
      layer.changed = true;
    }
    if (layer.tagged.length)
      notes.push(
        `${layer.file}: ${layer.tagged.length} !reset/!override key(s) applied by hand (${layer.tagged
          .slice(0, 3)
          .map((t) => t.path.join('.'))
          .join(', ')}${layer.tagged.length > 3 ? ', ...' : ''})`,
      );
    const services = isData(data.services) ? data.services : {};
    const dropped: string[] = [];
    for (const [name, svc] of Object.entries(services)) {
      if (!isData(svc) || svc.env_file === undefined) continue;
      const entries = Array.isArray(svc.env_file) ? svc.env_file : [svc.env_file];
      const present = entries.filter((e) => {
        const p = typeof e === 'string' ? e : isData(e) ? String(e.path) : '';
        return existsSync(join(cwd, posix.isAbsolute(p) ? p : posix.join(projectDir, p)));
      });
      if (present.length === entries.length) continue;
      if (present.length) svc.env_file = present;
      else delete svc.env_file;
      layer.changed = true;
      dropped.push(name);
    }
    if (dropped.length)
      notes.push(`${layer.file}: env_file entries naming absent files dropped (${dropped.join(', ')})`);
  });
  return { layers, notes };
}

/** Every profile any service names, so that profile-gated services are seen too. */
function profilesOf(layers: Layer[]): string[] {
  const found = new Set<string>();
  for (const l of layers) {
    const services = isData(l.data?.services) ? l.data.services : {};
    for (const svc of Object.values(services))
      if (isData(svc) && Array.isArray(svc.profiles)) for (const p of svc.profiles) found.add(String(p));
  }
  return [...found].sort();
}

/**
 * `docker-compose [--env-file e] -f ... --profile ... config` in `cwd`, with 1.29-readable variants
 * where needed. `files` are relative to `cwd`.
 */
export async function refereeConfig(
  cwd: string,
  files: string[],
  opts: { envFile?: string; env?: Record<string, string> } = {},
): Promise<RefereeResult> {
  for (const f of files)
    if (!existsSync(join(cwd, f)))
      return { ok: false, services: {}, error: `${f} does not exist`, notes: [], ms: 0 };
  const first = await attempt(cwd, files, opts.envFile, false, opts.env);
  if (first.ok) return first;
  const second = await attempt(cwd, files, opts.envFile, true, opts.env);
  if (!second.ok) return first;
  return {
    ...second,
    ms: first.ms + second.ms,
    notes: [
      ...second.notes,
      `${files.join(' + ')}: rejected as written for YAML 1.1 (${first.error ?? '?'}); accepted read as YAML 1.2`,
    ],
  };
}

async function attempt(
  cwd: string,
  files: string[],
  envFile: string | undefined,
  asYaml12: boolean,
  /** Variables of the process compose runs in (what a Makefile exports): they win over the env file. */
  env?: Record<string, string>,
): Promise<RefereeResult> {
  const { layers, notes } = expand(cwd, files);
  if (asYaml12) for (const l of layers) l.changed = true;
  const written: string[] = [];
  try {
    const args: string[] = [];
    for (const layer of layers) {
      if (!layer.changed || !layer.data) {
        args.push('-f', layer.file);
        continue;
      }
      const name = posix.join(
        posix.dirname(layer.file),
        `.referee-${randomBytes(4).toString('hex')}-${basename(layer.file)}`,
      );
      writeFileSync(join(cwd, name), stringify(layer.data, { version: '1.1', aliasDuplicateObjects: false }));
      written.push(name);
      args.push('-f', name);
    }
    const profiles = profilesOf(layers).flatMap((p) => ['--profile', p]);
    const envArgs = envFile !== undefined ? ['--env-file', envFile] : [];
    const r = await run(
      DOCKER_COMPOSE,
      [...envArgs, ...args, ...profiles, 'config'],
      cwd,
      env ? { env } : {},
    );
    if (r.status !== 0)
      return { ok: false, services: {}, error: refereeMessage(r.stderr, written), notes, ms: r.ms };
    const out = parseDocument(r.stdout).toJS({ maxAliasCount: -1 }) as
      ({ services?: Services } & TopLevel) | null;
    const top: TopLevel = {};
    for (const section of ['volumes', 'networks', 'configs', 'secrets'] as const) {
      const v = out?.[section];
      if (v) top[section] = v;
    }
    return { ok: true, services: out?.services ?? {}, top, notes, ms: r.ms };
  } finally {
    for (const w of written) rmSync(join(cwd, w), { force: true });
  }
}

/**
 * The referee's complaint in one line: its warnings about unset variables (it goes on with blanks)
 * dropped, counted at the end; variant file names put back to the originals.
 */
function refereeMessage(stderr: string, written: string[]): string {
  const lines = stderr.split('\n').map((l) => l.trim());
  const unset = lines.filter((l) => /variable is not set\. Defaulting to a blank string/.test(l)).length;
  let msg = lines
    .filter((l) => l !== '' && !/^WARNING: /.test(l) && !/variable is not set\. Defaulting/.test(l))
    .join(' ');
  for (const w of written)
    msg = msg.split(basename(w)).join(basename(w).replace(/^\.referee-[0-9a-f]+-/, ''));
  if (unset) msg += ` (${unset} variable(s) unset)`;
  return msg.length > 400 ? `${msg.slice(0, 397)}...` : msg;
}
