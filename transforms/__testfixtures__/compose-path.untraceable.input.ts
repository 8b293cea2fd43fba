import { join } from 'node:path';

export function composeFile(root: string, component: string): string {
  const name = process.env.COMPOSE_FILE ?? 'docker-compose.test.yml';
  return join(root, name);
}
