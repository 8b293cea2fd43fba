import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface MakefileTemplates {
  compose: string;
  host: string;
}

let cached: MakefileTemplates | undefined;

/**
 * The shipped templates/ directory, found by walking up from this module: the same code runs from
 * src/ under the test runner and from dist/src/ once built.
 */
export function loadMakefileTemplates(): MakefileTemplates {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'templates', 'Makefile.compose.mk');
    if (existsSync(candidate)) {
      cached = {
        compose: readFileSync(candidate, 'utf8'),
        host: readFileSync(join(dir, 'templates', 'Makefile.host.mk'), 'utf8'),
      };
      return cached;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('compose-migrate templates/ directory not found next to the package');
    dir = parent;
  }
}

/**
 * `{{NAME}}` placeholders and `{{#flag}}...{{/flag}}` sections (kept when the flag is true).
 * Values are inserted as given: callers escape them for their destination.
 */
export function fillTemplate(
  template: string,
  values: Record<string, string>,
  flags: Record<string, boolean>,
): string {
  const sections = template.replace(
    /\{\{#(\w+)\}\}\n?([\s\S]*?)\{\{\/\1\}\}\n?/g,
    (_, name: string, body: string) => (flags[name] ? body : ''),
  );
  return sections.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`template placeholder ${whole} has no value`);
    return v;
  });
}
