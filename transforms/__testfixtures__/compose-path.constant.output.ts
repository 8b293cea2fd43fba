import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { existsSync } from 'node:fs';

/** The component's own docker-compose.test.yml; the root file only as a deprecated fallback. */
function composeFileFor(root: string, component: string | undefined): string | null {
  if (component) {
    const composeFile = join(root, component, 'docker-compose.test.yml');
    if (existsSync(composeFile)) return composeFile;
  }
  // Fallback to the old location (during migration)
  for (const oldLocation of [join(root, 'docker-compose.test.yml'), join(root, 'todo', 'docker-compose.test.yml')]) {
    if (existsSync(oldLocation)) {
      console.warn(`Using deprecated ${oldLocation} for ${component}; expected ${component}/docker-compose.test.yml`);
      return oldLocation;
    }
  }
  return null;
}

export function startInfra(repoRoot: string, component: string): void {
  execFileSync('docker', ['compose', '-f', composeFileFor(repoRoot, component), 'up', '-d']);
}
