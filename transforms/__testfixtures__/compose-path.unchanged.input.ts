import { join } from 'node:path';

/** Host runner: docker-compose.test.yml plays no part here. */
export function testDir(root: string, component: string): string {
  return join(root, 'packages', component, 'test');
}
