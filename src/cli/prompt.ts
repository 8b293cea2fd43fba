import { MigrateError } from '../errors.js';

/** Thrown when the person at the terminal pressed Ctrl-C: exit 130, nothing written. */
export class Interrupted extends MigrateError {
  constructor() {
    super('usage', 'interrupted; nothing was written', undefined, 1);
    this.name = 'Interrupted';
  }
}

function isExitPrompt(e: unknown): boolean {
  return e instanceof Error && (e.name === 'ExitPromptError' || e.name === 'AbortPromptError');
}

/** Yes/no on the terminal; inquirer loads only here. */
export async function confirm(message: string, initial = false): Promise<boolean> {
  const { confirm: ask } = await import('@inquirer/prompts');
  try {
    return await ask({ message, default: initial });
  } catch (e) {
    if (isExitPrompt(e)) throw new Interrupted();
    throw e;
  }
}

/** One choice among several, the default preselected. */
export async function choose(message: string, choices: string[], initial?: string): Promise<string> {
  const { select } = await import('@inquirer/prompts');
  try {
    return await select({
      message,
      choices: choices.map((c) => ({ name: c, value: c })),
      ...(initial ? { default: initial } : {}),
    });
  } catch (e) {
    if (isExitPrompt(e)) throw new Interrupted();
    throw e;
  }
}
