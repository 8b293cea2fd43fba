/**
 * How a component's tests run, checked against the repository instead of guessed from the manifest
 * alone: the wrapper scripts that exist, the test scripts package.json really has, the unit folder
 * that is there, and a test-runner container whose sources are mounted.
 */
import { posix } from 'node:path';
import type { Component, TestRunner } from '../analysis/types.js';
import type { EffectiveProject, YamlValue } from '../compose/types.js';
import type { RepoSnapshot } from '../repo/snapshot.js';
import { mountOf } from '../compose/short-syntax.js';

/** The placeholder `npm init` writes: a test script that only fails. */
const NPM_PLACEHOLDER = /no test specified/;

/** `cd ../..` from a component directory to the repository root. */
function upToRoot(dir: string): string {
  return dir
    .split('/')
    .filter(Boolean)
    .map(() => '..')
    .join('/');
}

function hasFile(snapshot: RepoSnapshot, path: string): boolean {
  return snapshot.exists(path) && !snapshot.isDir(path);
}

export function checkedRunner(component: Component, snapshot: RepoSnapshot): TestRunner {
  const dir = component.path;
  const runner = { ...component.runner };
  const manifest = posix.basename(runner.manifest);
  if (manifest === 'package.json') {
    const scripts = packageScripts(snapshot, runner.manifest);
    const test = scripts['test'];
    runner.command = test !== undefined && !NPM_PLACEHOLDER.test(test) ? 'npm test' : '';
    runner.unitCommand = scripts['test:unit'] !== undefined ? 'npm run test:unit' : '';
  } else if (runner.command === 'pytest') {
    runner.unitCommand = snapshot.isDir(`${dir}/tests/unit`) ? 'pytest tests/unit' : '';
  } else if (manifest === 'build.gradle' || manifest === 'build.gradle.kts') {
    runner.command = runner.unitCommand = wrapper(snapshot, dir, 'gradlew', (w) =>
      w.here ? './gradlew test' : w.root ? `cd ${upToRoot(dir)} && ./gradlew -p ${dir} test` : 'gradle test',
    );
  } else if (manifest === 'pom.xml') {
    runner.command = runner.unitCommand = wrapper(snapshot, dir, 'mvnw', (w) =>
      w.here
        ? './mvnw -q test'
        : w.root
          ? `cd ${upToRoot(dir)} && ./mvnw -q -f ${dir}/pom.xml test`
          : 'mvn -q test',
    );
  } else if (runner.command === '' && isDotnet(snapshot, dir)) {
    runner.command = 'dotnet test';
    runner.unitCommand = 'dotnet test';
  }
  return runner;
}

function wrapper(
  snapshot: RepoSnapshot,
  dir: string,
  name: string,
  pick: (w: { here: boolean; root: boolean }) => string,
): string {
  return pick({ here: hasFile(snapshot, `${dir}/${name}`), root: hasFile(snapshot, name) });
}

function isDotnet(snapshot: RepoSnapshot, dir: string): boolean {
  const prefix = `${dir}/`;
  return snapshot
    .files()
    .some(
      (f) =>
        f.startsWith(prefix) && !f.slice(prefix.length).includes('/') && /\.(csproj|fsproj|sln)$/.test(f),
    );
}

function packageScripts(snapshot: RepoSnapshot, path: string): Record<string, string> {
  try {
    const json = JSON.parse(snapshot.read(path) ?? '{}') as { scripts?: Record<string, unknown> };
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(json.scripts ?? {})) if (typeof v === 'string') out[k] = v;
    return out;
  } catch {
    return {};
  }
}

/** A test compose file the component already owns (`result/docker-compose.test.yml`). */
export function existingTestFile(component: Component, snapshot: RepoSnapshot): string | undefined {
  for (const name of [
    'docker-compose.test.yaml',
    'docker-compose.test.yml',
    'compose.test.yaml',
    'compose.test.yml',
  ])
    if (hasFile(snapshot, `${component.path}/${name}`)) return name;
  return undefined;
}

/** `sleep infinity`, `tail -f /dev/null` and the like: a container kept up to run commands in. */
function keepsAlive(v: YamlValue | undefined): boolean {
  const text = Array.isArray(v) ? v.map(String).join(' ') : typeof v === 'string' ? v : '';
  return /\bsleep\s+(infinity|inf)\b|\btail\s+-f\s+\/dev\/null\b|\bsleep\s+\d{5,}\b/.test(text);
}

/**
 * The component's own test service that only stays up and mounts the component's sources: the
 * place its tests run. Only one such service counts; none when there are several.
 */
export function testRunnerService(
  component: Component,
  project: EffectiveProject | undefined,
): string | undefined {
  if (!project) return undefined;
  const found: string[] = [];
  for (const name of component.services) {
    const svc = project.services.get(name);
    if (!svc) continue;
    const cfg = svc.config as Record<string, YamlValue>;
    if (!keepsAlive(cfg['command']) && !keepsAlive(cfg['entrypoint'])) continue;
    const volumes = Array.isArray(cfg['volumes']) ? cfg['volumes'] : [];
    const mountsSources = volumes.some((v) => {
      const m = mountOf(v);
      if (m.kind !== 'bind' || m.source === undefined) return false;
      const rel = m.source.replace(/^\.\//, '');
      return rel === component.path || rel.startsWith(component.path + '/');
    });
    if (mountsSources) found.push(name);
  }
  return found.length === 1 ? found[0] : undefined;
}
