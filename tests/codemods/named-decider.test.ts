import { describe, expect, it } from 'vitest';
import needsDocker from '../../transforms/needs-docker.js';
import { NAMED_DECIDER } from '../../transforms/lib/js.js';
import type { SiteReport } from '../../transforms/lib/options.js';

// needs-docker parses a file only when NAMED_DECIDER matches: every shape of decider the parse
// finds must still match, and constants that merely mention Docker must not load the parser.
const options = {
  rootFiles: [{ name: 'docker-compose.test.yml', componentFile: 'docker-compose.test.yml', fallbacks: [] }],
  componentDirs: {},
};

async function outcome(source: string): Promise<string | null | undefined> {
  const reports: SiteReport[] = [];
  return needsDocker({ path: 'x.ts', source }, { report: (s) => reports.push(s) }, options);
}

const body = `{\n  return category !== 'unit';\n}`;
const DECIDERS = [
  `export function needsDocker(root: string, component: string, category: string) ${body}`,
  `function* requires_docker(root, component, category) ${body}`,
  `const useDocker = (root, component, category) => ${body}`,
  `const shouldUseDocker = async (root, component, category) => ${body}`,
  `export const needsDocker: (root: string, component: string, category: string) => boolean = (root, component, category) => ${body}`,
  `const needsDocker: <T = string>(root: T, component: string, category: string) => boolean = <T,>(\n  root: T,\n  component: string,\n  category: string,\n) => ${body}`,
  `let NeedsDocker\n  = function (root, component, category) ${body}`,
  `function needsDockerÜber(root, component, category) ${body}`,
  `class Runner {\n  needsDocker(root, component, category) ${body}\n}`,
  `const o = {\n  async useDocker(root, component, category) ${body}\n};`,
];

const NOT_DECIDERS = [
  `const USE_DOCKER_SERVICES = process.env.USE_DOCKER_SERVICES === 'true';`,
  `module.exports = {\n  env: {\n    USE_DOCKER_SERVICES: process.env.USE_DOCKER_SERVICES || 'false',\n  },\n};`,
  `console.log('  USE_DOCKER_SERVICES:', USE_DOCKER_SERVICES);`,
  `if (process.env.NEEDS_DOCKER == 'yes') run();`,
  `const flag = needsDockerFlag;`,
];

describe('the needs-docker text test', () => {
  it.each(DECIDERS)('matches a decider the transform rewrites: %s', async (source) => {
    expect(NAMED_DECIDER.test(source)).toBe(true);
    const out = await outcome(source);
    expect(typeof out).toBe('string');
    expect(out).toContain("if (category === 'e2e') return true");
  });

  it.each(NOT_DECIDERS)('leaves a mention that names no function: %s', async (source) => {
    expect(NAMED_DECIDER.test(source)).toBe(false);
    expect(await outcome(source)).toBeUndefined();
  });
});
