import { MigrateError } from '../errors.js';
import type { InStream, OutStream } from './context.js';

/** The terminal a prompt talks to. */
export interface PromptIo {
  stdin: InStream;
  stdout: OutStream;
}

/** Thrown when the person at the terminal pressed Ctrl-C: exit 130, nothing written. */
export class Interrupted extends MigrateError {
  constructor() {
    super('usage', 'interrupted; nothing was written', undefined, 1);
    this.name = 'Interrupted';
  }
}

/** inquirer's context: its input and output streams. */
const terminal = (io: PromptIo) => ({
  input: io.stdin,
  output: io.stdout as unknown as NodeJS.WritableStream,
});

function isExitPrompt(e: unknown): boolean {
  return e instanceof Error && (e.name === 'ExitPromptError' || e.name === 'AbortPromptError');
}

/** Yes/no on the terminal; inquirer loads only here. */
export async function confirm(io: PromptIo, message: string, initial = false): Promise<boolean> {
  const { confirm: ask } = await import('@inquirer/prompts');
  try {
    return await ask({ message, default: initial }, terminal(io));
  } catch (e) {
    if (isExitPrompt(e)) throw new Interrupted();
    throw e;
  }
}

/** One choice among several, the default preselected. */
export async function choose(
  io: PromptIo,
  message: string,
  choices: string[],
  initial?: string,
): Promise<string> {
  const { select } = await import('@inquirer/prompts');
  try {
    return await select(
      {
        message,
        choices: choices.map((c) => ({ name: c, value: c })),
        ...(initial ? { default: initial } : {}),
      },
      terminal(io),
    );
  } catch (e) {
    if (isExitPrompt(e)) throw new Interrupted();
    throw e;
  }
}

export interface KeyChoice<T extends string> {
  key: string;
  value: T;
  /** What the choice does, shown after the question. */
  label: string;
}

/**
 * A question answered by one key press (Enter takes the default): "d" shows the diff without a second
 * key. Ctrl-C is an interrupt, as at every other prompt.
 */
export async function pressKey<T extends string>(
  io: PromptIo,
  message: string,
  choices: KeyChoice<T>[],
  fallback: T,
  style: { bold: (s: string) => string; dim: (s: string) => string; cyan: (s: string) => string },
): Promise<T> {
  const { emitKeypressEvents } = await import('node:readline');
  const { stdin, stdout } = io;
  const keys = choices.map((c) => (c.value === fallback ? c.key.toUpperCase() : c.key)).join('/');
  const labels = choices.map((c) => `${c.key} ${c.label}`).join(', ');
  emitKeypressEvents(stdin);
  const raw = stdin.isTTY === true && !stdin.isRaw;
  // Raw mode and the listener first, then the question: a key pressed as soon as it shows is not lost.
  if (raw) stdin.setRawMode?.(true);
  return new Promise<T>((resolve, reject) => {
    const finish = (done: () => void) => {
      stdin.off('keypress', onKey);
      if (raw) stdin.setRawMode?.(false);
      stdin.pause();
      done();
    };
    const onKey = (text: string | undefined, key: { name?: string; ctrl?: boolean } | undefined) => {
      if (key?.ctrl && (key.name === 'c' || key.name === 'd')) {
        stdout.write('\n');
        finish(() => reject(new Interrupted()));
        return;
      }
      const chosen =
        key?.name === 'return' || key?.name === 'enter'
          ? choices.find((c) => c.value === fallback)
          : choices.find((c) => c.key === (text ?? '').toLowerCase());
      if (!chosen) return;
      stdout.write(`${chosen.label}\n`);
      finish(() => resolve(chosen.value));
    };
    stdin.on('keypress', onKey);
    stdin.resume();
    stdout.write(`${style.cyan('?')} ${style.bold(message)} [${keys}] ${style.dim(`(${labels})`)} `);
  });
}
