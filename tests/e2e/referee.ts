/**
 * The effective services of the original root layering and of a generated component file, as
 * `docker-compose config` (1.29) sees them, brought to one comparable shape with the normalisation of
 * tests/compose/referee.ts; and the masking of the intentional changes a plan lists.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import type { Adjustment } from '../../src/analysis/types.js';
import { loadDotEnv, varSource } from '../../src/compose/interpolate.js';
import { loadProject } from '../../src/compose/load.js';
import type { YamlMap, YamlValue } from '../../src/compose/types.js';
import { loadConfig } from '../../src/config/load.js';
import { analyzeRepo } from '../../src/analysis/load-repo.js';
import { componentComposeFiles, type GeneratedComposeFile } from '../../src/generate/build-plan.js';
import { DiskSnapshot } from '../../src/repo/disk.js';
import { DOCKER_COMPOSE, ours, REFEREE_ENV, theirs } from '../compose/referee.js';

export const hasDockerCompose = existsSync(DOCKER_COMPOSE);

type Services = Record<string, YamlMap>;

function dockerComposeConfig(cwd: string, args: string[]): Promise<Services> {
  return new Promise((resolve, reject) => {
    execFile(
      DOCKER_COMPOSE,
      [...args, 'config'],
      { cwd, env: REFEREE_ENV, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`docker-compose ${args.join(' ')} config in ${cwd} failed:\n${stderr}`));
        else resolve(((parse(stdout) as { services?: Services } | null)?.services ?? {}) as Services);
      },
    );
  });
}

const isMap = (v: YamlValue | undefined): v is YamlMap =>
  v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);

export interface ExpectedFile extends GeneratedComposeFile {
  component: string;
  componentPath: string;
}

export interface RootSide {
  /** Per environment, each service in comparable shape. */
  services: Map<string, Services>;
  profiles: string[];
  files: ExpectedFile[];
  hasDotEnv: boolean;
  components: { name: string; path: string; kind: string }[];
}

/**
 * Read before apply (the root files are archived afterwards): the generated files the plan makes,
 * with the adjustments each carries, and every root service per environment from the referee.
 * docker-compose 1.29 cannot read `!reset`/`!override`, top-level `include` or `name:`; for a
 * repository using them the root side comes from the loader's own merge, which
 * tests/compose/referee.test.ts checks against the referee on hand-expanded variants.
 */
export async function readRootSide(dir: string): Promise<RootSide> {
  const snapshot = new DiskSnapshot(dir);
  const { config } = loadConfig(snapshot);
  const { repo, analysis } = analyzeRepo(snapshot, config);
  const files: ExpectedFile[] = analysis.components.flatMap((c) =>
    componentComposeFiles(c, analysis, repo, config, repo.layout.extension).map((f) => ({
      ...f,
      component: c.name,
      componentPath: c.path,
    })),
  );
  const dotEnvText = snapshot.read('.env');
  const vars = varSource({}, dotEnvText === undefined ? new Map() : loadDotEnv(dotEnvText));
  const profiles = new Set<string>();
  for (const project of repo.projects.values())
    for (const svc of project.services.values())
      if (Array.isArray(svc.config.profiles)) for (const p of svc.config.profiles) profiles.add(String(p));
  const profileArgs = [...profiles].flatMap((p) => ['--profile', p]);
  const services = new Map<string, Services>();
  for (const env of analysis.environments) {
    const texts = env.files.map((f) => snapshot.read(f) ?? '');
    const unreadable = texts.some((t) => /!reset|!override|^include:|^name:/m.test(t));
    let side: Services;
    if (unreadable) {
      const project = loadProject(snapshot, env.files, env.name, { vars });
      side = Object.fromEntries([...project.services].map(([name, s]) => [name, ours(s.config, dir, vars)]));
    } else {
      const raw = await dockerComposeConfig(dir, [...env.files.flatMap((f) => ['-f', f]), ...profileArgs]);
      side = Object.fromEntries(Object.entries(raw).map(([name, s]) => [name, theirs(s, dir)]));
    }
    services.set(env.name, side);
  }
  return {
    services,
    profiles: [...profiles],
    files,
    hasDotEnv: dotEnvText !== undefined,
    components: analysis.components.map((c) => ({ name: c.name, path: c.path, kind: c.kind })),
  };
}

/** A generated file run where it lives, with the root .env passed as the generated Makefile does. */
export async function readGenerated(dir: string, file: ExpectedFile, root: RootSide): Promise<Services> {
  const cwd = join(dir, file.componentPath);
  const args = [
    ...(root.hasDotEnv ? ['--env-file', relative(cwd, join(dir, '.env'))] : []),
    '-f',
    file.path.slice(file.componentPath.length + 1),
  ];
  const raw = await dockerComposeConfig(cwd, [...args, ...root.profiles.flatMap((p) => ['--profile', p])]);
  return Object.fromEntries(Object.entries(raw).map(([name, s]) => [name, theirs(s, cwd)]));
}

type Port = { target?: YamlValue; published?: YamlValue };
type Mount = { type?: YamlValue; target?: YamlValue };

/**
 * Undo, on copies of both sides, exactly what each adjustment claims to have changed, asserting on
 * the way that the change is really there; what remains must be equal.
 */
export function mask(
  service: string,
  original: YamlMap,
  generated: YamlMap,
  adjustments: Adjustment[],
  fail: (msg: string) => never,
): void {
  for (const a of adjustments) {
    if (!('service' in a) || a.service !== service) continue;
    switch (a.kind) {
      case 'container-name':
        if ((generated.container_name ?? null) !== a.to)
          fail(`${service}: container_name ${String(generated.container_name)}, plan says ${String(a.to)}`);
        delete original.container_name;
        delete generated.container_name;
        break;
      case 'host-port': {
        const find = (cfg: YamlMap): Port | undefined =>
          Array.isArray(cfg.ports)
            ? (cfg.ports as Port[]).find((p) => String(p.target) === a.target)
            : undefined;
        const g = find(generated);
        const o = find(original);
        if (!g || !o) fail(`${service}: no port with target ${a.target} on both sides`);
        // The shifted port, or the original one when a variable set in .env still decides it.
        if (![a.to, String(o.published)].includes(String(g.published)))
          fail(`${service}: published ${String(g.published)}, plan says ${a.to}`);
        g.published = o.published ?? null;
        break;
      }
      case 'profiles-dropped':
        if (generated.profiles !== undefined) fail(`${service}: profiles still set`);
        delete original.profiles;
        break;
      case 'tmpfs-data': {
        const tmpfs =
          typeof generated.tmpfs === 'string' ? [generated.tmpfs] : ((generated.tmpfs ?? []) as YamlValue[]);
        if (!tmpfs.includes(a.target)) fail(`${service}: no tmpfs at ${a.target}`);
        const before =
          typeof original.tmpfs === 'string' ? [original.tmpfs] : ((original.tmpfs ?? []) as YamlValue[]);
        const rest = tmpfs.filter((t) => t !== a.target || before.includes(t));
        if (rest.length) generated.tmpfs = rest;
        else delete generated.tmpfs;
        if (typeof original.tmpfs === 'string') original.tmpfs = [original.tmpfs];
        if (Array.isArray(original.volumes)) {
          original.volumes = (original.volumes as Mount[]).filter(
            (v) => !(String(v.target) === a.target && v.type === 'volume'),
          );
          if (original.volumes.length === 0) delete original.volumes;
        }
        break;
      }
      case 'healthcheck':
        if (original.healthcheck !== undefined || generated.healthcheck === undefined)
          fail(`${service}: healthcheck adjustment not reflected`);
        delete generated.healthcheck;
        break;
      case 'depends-on-healthy': {
        const g = generated.depends_on;
        const o = original.depends_on;
        if (
          !isMap(g) ||
          !isMap(g[a.dependency]) ||
          (g[a.dependency] as YamlMap).condition !== 'service_healthy'
        )
          fail(`${service}: depends_on.${a.dependency} is not service_healthy`);
        const oc = isMap(o) && isMap(o[a.dependency]) ? (o[a.dependency] as YamlMap).condition : undefined;
        (g[a.dependency] as YamlMap).condition = oc ?? 'service_started';
        break;
      }
      case 'dependency-dropped': {
        const v = original[a.key];
        if (a.key === 'depends_on' && isMap(v)) {
          delete v[a.dependency];
          if (Object.keys(v).length === 0) delete original.depends_on;
        } else if (a.key === 'network_mode') {
          if (v === `service:${a.dependency}`) delete original.network_mode;
        } else if (Array.isArray(v)) {
          const rest = v.filter(
            (e) => typeof e !== 'string' || e.replace(/^service:/, '').split(':')[0] !== a.dependency,
          );
          if (rest.length) original[a.key] = rest;
          else delete original[a.key];
        }
        break;
      }
    }
  }
}
