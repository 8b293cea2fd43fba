import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HELP_TABLE_FILE,
  helpStamp,
  prerenderedHelp,
  readHelpTable,
  type HelpEntry,
  type HelpTable,
} from '../../src/cli/help-table.js';
import { helpInvocations, run } from '../../src/cli/main.js';
import { cleanEnv, ensureBuilt, PROJECT_ROOT } from '../helpers/cli.js';
import { runInTerminal, terminalEnv } from '../interactive/pty.js';

/**
 * `--help` and the other help invocations print a table `npm run build` renders through commander
 * (scripts/render-help.ts), without loading commander. These tests hold the table to what commander
 * prints, byte for byte, and check that a table that no longer matches is never printed.
 */
const DIST_MAIN = pathToFileURL(join(PROJECT_ROOT, 'dist/src/cli/main.js'));

/** run() in-process, as commander prints: streams without a terminal unless `columns` is given. */
async function commanderPrints(argv: string[], columns?: number): Promise<Omit<HelpEntry, 'argv'>> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: { write: (t: string) => (stdout += t), ...(columns ? { columns, isTTY: true } : {}) },
    stderr: { write: (t: string) => (stderr += t), ...(columns ? { columns, isTTY: true } : {}) },
    stdin: Readable.from(['']),
    env: cleanEnv(),
    cwd: PROJECT_ROOT,
  });
  return { stdout, stderr, code };
}

const bin = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [join(PROJECT_ROOT, 'dist/src/cli/bin.js'), ...args], {
    cwd: PROJECT_ROOT,
    env: cleanEnv(env),
    encoding: 'utf8',
    timeout: 60_000,
  });

let table: HelpTable;
beforeAll(() => {
  ensureBuilt();
  const read = readHelpTable(DIST_MAIN);
  if (!read) throw new Error(`no ${HELP_TABLE_FILE} beside dist/src/cli/main.js: npm run build writes it`);
  table = read;
});

describe('the help table of the build', () => {
  it('was rendered from the built main.js with the installed commander', () => {
    expect(helpStamp(DIST_MAIN)).toBeDefined();
    expect(table.stamp).toBe(helpStamp(DIST_MAIN));
  });

  it('holds every help invocation of the program, and nothing else', () => {
    expect(table.entries.map((e) => e.argv)).toEqual(helpInvocations());
  });

  it("names every command the top-level help lists, with its --help, -h and 'help <command>'", async () => {
    const top = await commanderPrints(['--help']);
    const listed = top.stdout
      .slice(top.stdout.indexOf('\nCommands:\n'))
      .split('\n')
      .flatMap((line) => /^ {2}([a-z][\w-]*)/.exec(line)?.[1] ?? [])
      .filter((name) => name !== 'help');
    expect(listed.length).toBeGreaterThanOrEqual(6);
    const argvs = table.entries.map((e) => JSON.stringify(e.argv));
    for (const name of listed)
      for (const argv of [
        [name, '--help'],
        [name, '-h'],
        ['help', name],
      ])
        expect(argvs).toContain(JSON.stringify(argv));
    for (const argv of [[], ['--help'], ['-h'], ['help']]) expect(argvs).toContain(JSON.stringify(argv));
  });

  it('is what commander prints for each, byte for byte, with the exit code', async () => {
    for (const { argv, ...printed } of table.entries) {
      expect(printed.stdout + printed.stderr, argv.join(' ')).toMatch(/^Usage: compose-migrate/);
      expect(printed, argv.join(' ')).toEqual(await commanderPrints(argv));
    }
  });

  it('is what the installed binary prints for each, without loading commander', () => {
    for (const { argv, ...printed } of table.entries) {
      const r = bin(argv);
      expect({ stdout: r.stdout, stderr: r.stderr, code: r.status }, argv.join(' ')).toEqual(printed);
    }
    // NODE_DEBUG=module logs every CommonJS module loaded, as commander is.
    expect(bin(['--help'], { NODE_DEBUG: 'module' }).stderr).not.toMatch(/commander/);
    expect(bin(['--version'], { NODE_DEBUG: 'module' }).stderr).toMatch(/commander/);
  });
});

describe('a terminal', () => {
  const inTerminal = async (argv: string[], cols: number): Promise<string> => {
    const s = runInTerminal(argv, { cwd: PROJECT_ROOT, env: terminalEnv({ NO_COLOR: '1' }), cols });
    expect(await s.exited).toBe(0);
    return s.raw().replace(/\r\n/g, '\n');
  };

  it('as wide as the table was rendered for gets the table', async () => {
    const entry = table.entries.find((e) => e.argv.join(' ') === 'plan --help')!;
    expect(await inTerminal(['plan', '--help'], 80)).toBe(entry.stdout);
  });

  it('of another width gets commander, wrapped to that width', async () => {
    const wide = await commanderPrints(['plan', '--help'], 132);
    expect(wide.stdout).not.toBe(table.entries.find((e) => e.argv.join(' ') === 'plan --help')!.stdout);
    expect(await inTerminal(['plan', '--help'], 132)).toBe(wide.stdout);
  });
});

describe('a table that no longer matches is never printed', () => {
  let work = '';
  let mainFile: URL;
  const wrote = (t: Partial<HelpTable>): void =>
    writeFileSync(join(work, 'cli', HELP_TABLE_FILE), JSON.stringify({ ...table, ...t }));
  const commander = (version: string): void => {
    mkdirSync(join(work, 'node_modules', 'commander'), { recursive: true });
    writeFileSync(join(work, 'node_modules', 'commander', 'package.json'), JSON.stringify({ version }));
  };
  const noTerminal = { stdout: { write: () => true }, stderr: { write: () => true } };

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'cm-help-'));
    mkdirSync(join(work, 'cli'));
    writeFileSync(join(work, 'cli', 'main.js'), readFileSync(DIST_MAIN, 'utf8'));
    mainFile = pathToFileURL(join(work, 'cli', 'main.js'));
    commander('14.0.3');
    wrote({ stamp: helpStamp(mainFile)! });
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('a matching one is printed for exactly its arguments', () => {
    expect(prerenderedHelp(['plan', '--help'], noTerminal, mainFile)?.stdout).toMatch(
      /^Usage: compose-migrate plan/,
    );
    expect(prerenderedHelp([], noTerminal, mainFile)?.stderr).toMatch(/^Usage: compose-migrate \[options\]/);
    for (const argv of [
      ['-C', '.', '--help'],
      ['plan', '--help', '--json'],
      ['plan'],
      ['--version'],
      ['help', 'nope'],
    ])
      expect(prerenderedHelp(argv, noTerminal, mainFile), argv.join(' ')).toBeUndefined();
  });

  it('not when the stream it writes to is a terminal of another width', () => {
    const io = (columns: number) => ({
      stdout: { write: () => true, columns },
      stderr: { write: () => true },
    });
    expect(prerenderedHelp(['--help'], io(80), mainFile)).toBeDefined();
    expect(prerenderedHelp(['--help'], io(100), mainFile)).toBeUndefined();
    // The bare command prints its help to stderr: stdout's width does not matter, stderr's does.
    expect(prerenderedHelp([], io(100), mainFile)).toBeDefined();
    const narrowErr = { stdout: { write: () => true }, stderr: { write: () => true, columns: 60 } };
    expect(prerenderedHelp([], narrowErr, mainFile)).toBeUndefined();
  });

  it('not after main.js changed, or with another commander, or without one', () => {
    const original = readFileSync(join(work, 'cli', 'main.js'), 'utf8');
    writeFileSync(join(work, 'cli', 'main.js'), original.replace("'only this component'", "'only that one'"));
    expect(prerenderedHelp(['--help'], noTerminal, mainFile)).toBeUndefined();
    writeFileSync(join(work, 'cli', 'main.js'), original);
    expect(prerenderedHelp(['--help'], noTerminal, mainFile)).toBeDefined();

    commander('14.1.0');
    expect(prerenderedHelp(['--help'], noTerminal, mainFile)).toBeUndefined();
    rmSync(join(work, 'node_modules'), { recursive: true });
    expect(prerenderedHelp(['--help'], noTerminal, mainFile)).toBeUndefined();
    commander('14.0.3');
    expect(prerenderedHelp(['--help'], noTerminal, mainFile)).toBeDefined();
  });

  it('not when the table is missing or malformed', () => {
    writeFileSync(join(work, 'cli', HELP_TABLE_FILE), '{"stamp": 1}');
    expect(prerenderedHelp(['--help'], noTerminal, mainFile)).toBeUndefined();
    rmSync(join(work, 'cli', HELP_TABLE_FILE));
    expect(prerenderedHelp(['--help'], noTerminal, mainFile)).toBeUndefined();
    wrote({ stamp: helpStamp(mainFile)! });
  });
});

describe('the binary with a stale table', () => {
  let work = '';
  beforeAll(() => {
    // A copy of the package (its dist/src, package.json, and the project's node_modules) to edit.
    work = mkdtempSync(join(tmpdir(), 'cm-help-bin-'));
    cpSync(join(PROJECT_ROOT, 'dist', 'src'), join(work, 'dist', 'src'), { recursive: true });
    cpSync(join(PROJECT_ROOT, 'package.json'), join(work, 'package.json'));
    symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(work, 'node_modules'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const copy = (args: string[]) =>
    spawnSync(process.execPath, [join(work, 'dist/src/cli/bin.js'), ...args], {
      cwd: work,
      env: cleanEnv(),
      encoding: 'utf8',
    });
  const withTable = (edit: (t: HelpTable) => HelpTable): void =>
    writeFileSync(join(work, 'dist/src/cli', HELP_TABLE_FILE), JSON.stringify(edit(structuredClone(table))));
  const marked = (t: HelpTable): HelpTable => ({
    ...t,
    entries: t.entries.map((e) => ({ ...e, stdout: e.stdout.replace('Usage:', 'MARKED Usage:') })),
  });

  it('prints the table while its stamp matches (the marked text shows it was used)', () => {
    withTable(marked);
    expect(copy(['--help']).stdout).toMatch(/^MARKED Usage: compose-migrate/);
  });

  it("prints commander's help once the stamp no longer matches", async () => {
    withTable((t) => ({ ...marked(t), stamp: t.stamp.replace(/fnv1a \w+/, 'fnv1a 00000000') }));
    const r = copy(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe((await commanderPrints(['--help'])).stdout);
  });

  it("prints commander's help without a table (a build by tsc alone)", async () => {
    rmSync(join(work, 'dist/src/cli', HELP_TABLE_FILE));
    const r = copy(['plan', '-h']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe((await commanderPrints(['plan', '-h'])).stdout);
  });
});
