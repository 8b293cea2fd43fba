export type Category = 'unit' | 'integration' | 'e2e';

const DOCKER_CATEGORIES: readonly Category[] = ['integration', 'e2e'];

/** Whether a component's tests of this category run against compose infrastructure. */
export function needsDocker(root: string, component: string, category: Category): boolean {
  return DOCKER_CATEGORIES.includes(category);
}
