import type { Command } from 'commander';
import { installSignalHandlers } from '../apply/interrupt.js';
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../version.js';
import type { GlobalOptions } from './context.js';
import { prerenderedHelp } from './help-table.js';
import { processIo, type RunIo } from './io.js';

export { processIo, type RunIo } from './io.js';

// Nothing heavy loads at start-up: commander when run() starts (help the build rendered is printed
// without it), each command's module (and its heavy dependencies) when that command runs.

type Commander = typeof import('commander');
/** Through require: commander is CommonJS, and importing it as ESM costs a few ms more per start. */
const loadCommander = (): Commander => createRequire(import.meta.url)('commander') as Commander;

type CommandFn<A extends unknown[]> = (
  opts: GlobalOptions & Record<string, unknown>,
  ...args: A
) => Promise<number>;
/** Makes a command's action from the loader of its function. */
type ActionOf = <A extends unknown[]>(
  load: () => Promise<CommandFn<A>>,
) => (...args: unknown[]) => Promise<void>;

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/**
 * The whole command line as a library call: `argv` without the node and script names, `io` the
 * streams, environment and directory to run in. Returns the exit code; never exits the process.
 */
export async function run(argv: readonly string[], io: RunIo): Promise<number> {
  const { Command, CommanderError, Option } = loadCommander();
  const program = new Command();
  const json = argv.includes('--json');
  // terraform's convention: with --detailed-exitcode, 2 means "changes pending", so every failure is 1.
  const detailed = argv.includes('--detailed-exitcode');
  let exitCode = 0;
  const errorJson = json ? (await import('./errors.js')).errorJson : undefined;
  program.configureOutput({
    writeOut: (text) => io.stdout.write(text),
    writeErr: (text) => io.stderr.write(text),
    getOutHelpWidth: () => io.stdout.columns ?? 80,
    getErrHelpWidth: () => io.stderr.columns ?? 80,
    outputError: (text, write) =>
      write(errorJson ? errorJson(text.replace(/^error: /, '').trim(), 'usage') : text),
  });
  // Set before the commands are defined: each command copies these from its parent when added.
  program.showHelpAfterError(json ? false : '(run with --help for usage)').exitOverride();
  const action: ActionOf =
    <A extends unknown[]>(load: () => Promise<CommandFn<A>>) =>
    async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      const opts = { ...command.optsWithGlobals(), io } as GlobalOptions & Record<string, unknown>;
      const fn = await load();
      exitCode = await fn(opts, ...(args.slice(0, -2) as A));
    };
  defineCommands(program, Option, action);

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
      )
        return 0;
      return detailed ? 1 : 2;
    }
    const { reportError } = await import('./errors.js');
    const code = reportError(e, { verbose: argv.includes('--verbose'), json, stderr: io.stderr });
    return detailed && code !== 130 ? 1 : code;
  }
}

/**
 * Every argument list that prints help and nothing else: none, `--help`, `-h`, `help`, and each
 * command's `--help`, `-h` and `help <command>`. The build renders these (scripts/render-help.ts).
 */
export function helpInvocations(): string[][] {
  const { Command, Option } = loadCommander();
  const program = new Command();
  defineCommands(program, Option, () => async () => undefined);
  const names = program.commands.map((c) => c.name());
  return [
    [],
    ['--help'],
    ['-h'],
    ['help'],
    ...names.flatMap((n) => [
      [n, '--help'],
      [n, '-h'],
      ['help', n],
    ]),
  ];
}

/**
 * The command line itself: its name, global options and every command with its options, arguments
 * and descriptions (all that `--help` prints). `action` makes each command's action from the loader
 * of its module.
 */
function defineCommands(program: Command, Option: Commander['Option'], action: ActionOf): void {
  program
    .name('compose-migrate')
    .description(
      "Move a monorepo's root Docker Compose files into per-component compose files, reversibly through git.",
    )
    .version(VERSION, '--version')
    .option('-C, --cwd <dir>', 'repository root (default: current directory)')
    .option('--config <file>', 'config file (default: compose-migrate.config.{json,yaml} at the root)')
    .option('--no-color', 'no colour (also NO_COLOR)')
    .option('--verbose', 'explain every decision and show internal errors in full');

  program
    .command('plan')
    .description('show what apply would do: components, dependencies, findings, file changes; writes nothing')
    .option('--component <name>', 'only these components (repeatable)', collect)
    .option('--json', 'print the plan as JSON (schemaVersion 1)')
    .option('--out <file>', 'save the plan (with a hash of every input) for apply --plan')
    .option('--graph', 'print a Mermaid flowchart of components and dependencies')
    .option('--diff', 'include unified diffs of every change')
    .option('--with-peers', 'pull peer services into the components that depend on them')
    .option('--strict', 'exit 1 when a service of the root layout is carried into no generated file')
    .addOption(
      new Option('--archive', 'plan the archive now, even of an environment no generated file replaces'),
    )
    .addOption(new Option('--no-archive', 'plan no archive of the root compose files'))
    .option(
      '--detailed-exitcode',
      'exit 0 when there is nothing to do, 2 when changes are pending, 1 on error',
    )
    .action(action(async () => (await import('./commands/plan.js')).planCommand));

  program
    .command('show')
    .description('print a plan saved with plan --out')
    .argument('<file>', 'the saved plan')
    .option('--json', 'print it as JSON')
    .option('--diff', 'include the saved unified diffs')
    .action(action(async () => (await import('./commands/show.js')).showCommand));

  program
    .command('apply')
    .description('write the migration for some or all components, one commit per component')
    .option('--component <name>', 'component to migrate (repeatable)', collect)
    .option('--all', 'migrate every component')
    .option('--plan <file>', 'apply a plan saved with plan --out (refused when stale)')
    .option('--yes', 'do not ask; take the defaults')
    .option('--dry-run', 'print the full diff and write nothing')
    .option('--no-commit', 'stage the change without committing (rollback still works)')
    .addOption(new Option('--archive', 'archive the root compose files to todo/ now'))
    .addOption(new Option('--no-archive', 'never archive the root compose files in this apply'))
    .option('--skip-codemods', 'do not rewrite orchestrator code')
    .option('--with-peers', 'pull peer services into the components that depend on them')
    .option(
      '--strict',
      'refuse (exit 1, nothing written) when a service of the root layout is carried into no generated file',
    )
    .option(
      '--no-verify',
      "pass --no-verify to git commit: skip the repository's pre-commit and commit-msg hooks",
    )
    .option('--resume', 'finish an apply that was interrupted (killed, Ctrl-C)')
    .option('--abort', 'undo an apply that was interrupted, back to exactly where it started')
    .action(action(async () => (await import('./commands/apply.js')).applyCommand));

  program
    .command('rollback')
    .description('undo migrations newest first (all, or one component), as new commits')
    .option('--component <name>', 'only this component')
    .option('--yes', 'do not ask')
    .option('--dry-run', 'show what would be reverted')
    .option('--force', 'revert even files edited since the migration')
    .option(
      '--no-verify',
      "pass --no-verify to git commit: skip the repository's pre-commit and commit-msg hooks",
    )
    .option('--resume', 'finish a rollback that was interrupted')
    .option('--abort', 'undo a rollback that was interrupted, back to exactly where it started')
    .action(action(async () => (await import('./commands/rollback.js')).rollbackCommand));

  program
    .command('status')
    .description('each component: migrated / pending / host-only')
    .option('--json', 'print JSON')
    .action(action(async () => (await import('./commands/status.js')).statusCommand));

  program
    .command('verify')
    .description(
      "prove each migrated service's effective config equals the original's, except intentional changes",
    )
    .option('--component <name>', 'only this component')
    .option('--json', 'print JSON')
    .option('--strict', 'exit 1 also on the losses the plan reported (a dropped dependency)')
    .action(action(async () => (await import('./commands/verify.js')).verifyCommand));
}

/**
 * The process entry (bin.js): signal handlers first, so that from here on no signal ends the process
 * without a word; then the command, whose exit code becomes the process's. Help the build rendered
 * for exactly these arguments is printed as it is, without loading commander (see help-table.ts).
 */
export function main(): void {
  installSignalHandlers();
  let io: RunIo;
  try {
    io = processIo();
  } catch (e) {
    // The shell's directory was removed under it (the archive moved the last file out of a compose
    // folder, and a checkout or clean removed the folder): there is nowhere to resolve paths from.
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    process.stderr.write(
      `compose-migrate: the current directory no longer exists (removed after this shell entered it, as a compose folder emptied by the archive can be); cd to the repository and run again\n`,
    );
    process.exitCode = 2;
    return;
  }
  const argv = process.argv.slice(2);
  const help = prerenderedHelp(argv, io, new URL(import.meta.url));
  if (help) {
    if (help.stdout !== '') io.stdout.write(help.stdout);
    if (help.stderr !== '') io.stderr.write(help.stderr);
    process.exitCode = help.code;
    return;
  }
  run(argv, io).then(
    (code) => exitOnceWritten(code),
    () => exitOnceWritten(1),
  );
}

/**
 * End the process as soon as its output is written. Left to end on its own, Node first closes its
 * handles, the signal handlers among them, and then tears down the heap (native parse trees
 * included), which takes a while: a Ctrl-C in that window ended a finished command by the signal,
 * with no exit code. Each stream calls back once what was written before has been flushed.
 */
function exitOnceWritten(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = (): void => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

/** `node dist/src/cli/main.js ...` still runs the command, as bin.js does. */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isEntryPoint()) main();
