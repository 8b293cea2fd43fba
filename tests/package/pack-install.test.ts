import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixtureDir, PROJECT_ROOT } from '../helpers/cli.js';

/**
 * The package as a user gets it: packed, installed globally into a temporary prefix (dependencies from
 * the npm registry or its cache), and run from its bin link.
 */
const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  version: string;
  scripts: Record<string, string>;
};
const work = mkdtempSync(join(tmpdir(), 'cm-pack-'));
const npm = (args: string[], cwd = PROJECT_ROOT): string =>
  execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
    },
    timeout: 240_000,
  });

let files: string[] = [];
let tarball = '';
beforeAll(() => {
  ensureBuilt();
  // prepack would rebuild dist/ under the other test files' feet: the build is ensured above instead.
  const packed = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work])) as {
    filename: string;
    files: { path: string }[];
  }[];
  files = packed[0]!.files.map((f) => f.path);
  tarball = join(work, packed[0]!.filename);
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the npm package', () => {
  it('builds before packing, so a clean clone packs the CLI', () => {
    expect(pkg.scripts['prepack']).toMatch(/npm run build/);
  });

  it('ships only what runs: compiled code, templates and the Compose schema', () => {
    expect(files).toContain('dist/src/cli/main.js');
    // The help table npm run build renders (src/cli/help-table.ts).
    expect(files).toContain('dist/src/cli/help.json');
    expect(files).toContain('dist/transforms/compose-path.js');
    expect(files).toContain('templates/Makefile.compose.mk');
    expect(files).toContain('schema/compose.schema.json');
    expect(files).toContain('package.json');
    const stray = files.filter(
      (f) =>
        /\.ts$|\.map$/.test(f) ||
        /(^|\/)(tests|bench|fixtures|__testfixtures__|docs)\//.test(f) ||
        f.startsWith('src/') ||
        f.startsWith('transforms/'),
    );
    expect(stray).toEqual([]);
  });

  it('installs into a prefix and runs --version and plan on a fixture', () => {
    const prefix = join(work, 'prefix');
    npm(['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], work);
    const bin = join(prefix, 'bin', 'compose-migrate');
    const run = (args: string[], cwd = work) =>
      execFileSync(bin, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(run(['--version']).trim()).toBe(pkg.version);
    const repo = join(work, 'lumiere');
    cpSync(fixtureDir('lumiere'), repo, { recursive: true });
    const plan = run(['plan', '-C', repo]);
    expect(plan).toContain('create pourtier/docker-compose.yaml');
    expect(plan).toMatch(/^Totals: 3 components/m);
  }, 240_000);
});
