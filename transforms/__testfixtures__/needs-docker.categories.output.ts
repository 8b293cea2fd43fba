import { join } from 'node:path';
import { existsSync } from 'node:fs';

export type Category = 'unit' | 'integration' | 'e2e';

const DOCKER_CATEGORIES: readonly Category[] = ['integration', 'e2e'];

/** Whether a component's tests of this category run against compose infrastructure. */
export function needsDocker(root: string, component: string, category: Category): boolean {
  // E2E tests always need Docker
  if (category === 'e2e') return true;
  // Without its own docker-compose.test.yml the component runs on the host
  if (!existsSync(join(root, component, 'docker-compose.test.yml'))) return false;
  return DOCKER_CATEGORIES.includes(category);
}
