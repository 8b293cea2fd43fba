/**
 * One build for the whole test run: the few tests that run the real binary (exit codes, a terminal,
 * signals) spawn dist/, everything else imports the TypeScript sources. Skipped when dist/ is newer
 * than every source file, and the help table rendered again when it is not that build's.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { helpStamp, readHelpTable } from '../src/cli/help-table.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'dist/src/cli/bin.js');
const MAIN = join(ROOT, 'dist/src/cli/main.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const abs = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(abs));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(abs).mtimeMs);
  }
  return newest;
}

/** The help table beside the built main.js was rendered from it (a build by tsc alone leaves it stale). */
function helpTableFresh(): boolean {
  const mainFile = pathToFileURL(MAIN);
  const stamp = helpStamp(mainFile);
  return stamp !== undefined && readHelpTable(mainFile)?.stamp === stamp;
}

export default function setup(): void {
  const sources = Math.max(
    newestSource(join(ROOT, 'src')),
    newestSource(join(ROOT, 'transforms')),
    newestSource(join(ROOT, 'scripts')),
  );
  if (!existsSync(BIN) || statSync(BIN).mtimeMs < sources)
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
  // The rest of `npm run build`: the help table, rendered from the compiled program.
  if (!helpTableFresh())
    execFileSync(process.execPath, [join(ROOT, 'dist/scripts/render-help.js')], {
      cwd: ROOT,
      stdio: 'inherit',
    });
}
