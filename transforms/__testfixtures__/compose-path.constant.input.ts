import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const COMPOSE_FILE = 'docker-compose.test.yml';

export function startInfra(repoRoot: string, component: string): void {
  execFileSync('docker', ['compose', '-f', join(repoRoot, COMPOSE_FILE), 'up', '-d']);
}
