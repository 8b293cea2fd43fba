import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MigrateError } from '../../errors.js';
import { renderPlanJsonText } from '../../plan/render/text.js';
import { readSavedPlan } from '../../plan/saved.js';
import { makeIo, type GlobalOptions } from '../context.js';

interface ShowFlags extends GlobalOptions {
  json?: boolean;
  diff?: boolean;
}

/** Reads a plan file given on the command line; a missing or unreadable one is a usage error. */
export function readPlanFile(cwd: string, file: string): string {
  try {
    return readFileSync(resolve(cwd, file), 'utf8');
  } catch {
    throw new MigrateError('usage', `cannot read saved plan ${file}`, undefined, 2);
  }
}

/** `show plan.json`: the saved plan as `plan` printed it (`--diff` adds the saved diffs), or its JSON. */
export async function showCommand(opts: ShowFlags, file: string): Promise<number> {
  const io = makeIo(opts);
  const saved = readSavedPlan(file, readPlanFile(opts.io.cwd, file));
  if (opts.json) {
    io.out(JSON.stringify(saved, null, 2) + '\n');
    return 0;
  }
  const { components, withPeers } = saved.options;
  io.out(
    `Saved plan ${file} (${saved.tool.name} ${saved.tool.version}): ${components.length ? components.join(', ') : 'all components'}${withPeers ? ', with peers' : ''}\n\n`,
  );
  io.out(renderPlanJsonText(saved, { style: io.style, diffs: opts.diff === true, verbose: io.verbose }));
  return 0;
}
