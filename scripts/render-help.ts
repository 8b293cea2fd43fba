/**
 * The last step of `npm run build`: runs every help invocation through the built run() (commander)
 * and writes what it printed, with the stamp of what the text depends on, to help.json beside
 * main.js, which the process entry prints without loading commander (src/cli/help-table.ts).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { helpStamp, HELP_TABLE_FILE, type HelpEntry, type HelpTable } from '../src/cli/help-table.js';
import { helpInvocations, run } from '../src/cli/main.js';

const mainFile = new URL('../src/cli/main.js', import.meta.url);
const stamp = helpStamp(mainFile);
if (stamp === undefined) throw new Error(`render-help: cannot stamp ${fileURLToPath(mainFile)}`);

const entries: HelpEntry[] = [];
for (const argv of helpInvocations()) {
  let stdout = '';
  let stderr = '';
  // Streams that are not terminals (no columns): run() renders at its default width.
  const code = await run(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    get stdin(): never {
      throw new Error('render-help: help reads no input');
    },
    env: {},
    cwd: process.cwd(),
  });
  entries.push({ argv, stdout, stderr, code });
}
const table: HelpTable = { stamp, entries };
writeFileSync(new URL(HELP_TABLE_FILE, mainFile), JSON.stringify(table) + '\n');
