import type { TestRunner } from './types.js';

/** Language manifests that make a directory a component, with the host test runner each implies. */
const MANIFESTS: { file: string; runner: (dir: string) => Omit<TestRunner, 'manifest'> }[] = [
  { file: 'pyproject.toml', runner: () => ({ command: 'pytest', unitCommand: 'pytest tests/unit' }) },
  { file: 'setup.py', runner: () => ({ command: 'pytest', unitCommand: 'pytest tests/unit' }) },
  { file: 'requirements.txt', runner: () => ({ command: 'pytest', unitCommand: 'pytest tests/unit' }) },
  { file: 'Pipfile', runner: () => ({ command: 'pytest', unitCommand: 'pytest tests/unit' }) },
  {
    file: 'package.json',
    runner: () => ({ command: 'npm test', unitCommand: 'npm run test:unit --if-present' }),
  },
  { file: 'go.mod', runner: () => ({ command: 'go test ./...', unitCommand: 'go test -short ./...' }) },
  { file: 'Cargo.toml', runner: () => ({ command: 'cargo test', unitCommand: 'cargo test --lib' }) },
  { file: 'pom.xml', runner: () => ({ command: 'mvn -q test', unitCommand: 'mvn -q test' }) },
  { file: 'build.gradle', runner: () => ({ command: './gradlew test', unitCommand: './gradlew test' }) },
  { file: 'build.gradle.kts', runner: () => ({ command: './gradlew test', unitCommand: './gradlew test' }) },
  {
    file: 'Gemfile',
    runner: () => ({ command: 'bundle exec rake test', unitCommand: 'bundle exec rake test' }),
  },
  { file: 'composer.json', runner: () => ({ command: 'composer test', unitCommand: 'composer test' }) },
  { file: 'mix.exs', runner: () => ({ command: 'mix test', unitCommand: 'mix test' }) },
  { file: 'deno.json', runner: () => ({ command: 'deno test', unitCommand: 'deno test' }) },
];

export const MANIFEST_NAMES: ReadonlySet<string> = new Set(MANIFESTS.map((m) => m.file));

export function isDockerfileName(name: string): boolean {
  return (
    name === 'Dockerfile' ||
    name.startsWith('Dockerfile.') ||
    name.endsWith('.Dockerfile') ||
    name === 'Containerfile'
  );
}

/**
 * The runner the first manifest implies (manifests in MANIFESTS order of precedence). A package.json
 * with a Python manifest beside it is usually tooling, so Python wins when both exist.
 */
export function runnerFor(dir: string, manifests: string[]): TestRunner {
  for (const m of MANIFESTS) {
    if (manifests.includes(m.file)) return { ...m.runner(dir), manifest: `${dir}/${m.file}` };
  }
  // No manifest: nothing says how its tests run; the Makefile says so and config testCommands answers it.
  return { command: '', unitCommand: '', manifest: '' };
}
