/**
 * Files other than orchestrator code that name a root compose file: CI workflows, shell scripts,
 * Makefiles, package.json scripts, non-root compose files, docs. Known command lines are rewritten
 * (only when the root file moves in this apply); everything else is reported with file:line.
 */
import type { RepoSnapshot } from '../repo/snapshot.js';
import type { Change, Reference } from '../plan/types.js';
import type { CodemodContext } from './types.js';
import {
  UnquotableError,
  jsonStringContent,
  makeRecipeWord,
  makeVariableWord,
  shQuote,
  shSafe,
} from '../quote.js';

export type ReferenceKind = 'ci' | 'shell' | 'make' | 'npm' | 'compose' | 'docs' | 'other';

const CODE = /\.(m?[jt]sx?|c[jt]s|py)$/;
const SKIP_DIR = /(^|\/)(node_modules|\.git|dist|build|vendor|\.venv|venv|__pycache__)\//;
const MAX_BYTES = 1_000_000;

export function referenceKind(path: string): ReferenceKind {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (
    /^\.github\/workflows\/[^/]+\.ya?ml$/.test(path) ||
    /^(\.gitlab-ci\.ya?ml|azure-pipelines\.ya?ml|bitbucket-pipelines\.ya?ml|Jenkinsfile|\.circleci\/config\.ya?ml|\.travis\.ya?ml)$/.test(
      path,
    )
  )
    return 'ci';
  if (/^(GNU)?[Mm]akefile$/.test(base) || base.endsWith('.mk')) return 'make';
  if (base === 'package.json') return 'npm';
  if (/\.(sh|bash|zsh)$/.test(base)) return 'shell';
  if (/^(docker-)?compose([.-][\w.-]+)?\.ya?ml$/.test(base)) return 'compose';
  if (/\.(md|markdown|rst|adoc|txt)$/i.test(base)) return 'docs';
  return 'other';
}

interface ComposeCommand {
  /** Offsets of the command within the line. */
  start: number;
  end: number;
  /** "docker compose" or "docker-compose". */
  binary: string;
  files: string[];
  /** Options before the subcommand other than -f / --project-directory. */
  globals: string[];
  subcommand: string;
  /** Everything after the subcommand. */
  args: string[];
}

// `docker-compose` only as a command word, never as the start of a file name (`docker-compose.yml`).
const COMMAND = /(docker[ \t]+compose|docker-compose)(?![\w.-])((?:[ \t]+[^\s;&|"'`)]+)*)/g;
/** `COMPOSE_FILE=a.yml:b.yml docker compose ...`: the variable names the files for that one command. */
const INLINE_COMPOSE_FILE = /(^|[\s;&|("'])COMPOSE_FILE=("[^"]*"|'[^']*'|[^\s;&|"']+)[ \t]+$/;

/** `docker compose -f a.yml -f b.yml --profile x up -d`, up to the end of that shell command. */
export function parseComposeCommands(line: string): ComposeCommand[] {
  const out: ComposeCommand[] = [];
  for (const m of line.matchAll(COMMAND)) {
    const tokens = (m[2] ?? '')
      .trim()
      .split(/[ \t]+/)
      .filter(Boolean);
    const files: string[] = [];
    const globals: string[] = [];
    let i = 0;
    let subcommand = '';
    for (; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t === '-f' || t === '--file') files.push(tokens[++i] ?? '');
      else if (t.startsWith('--file=')) files.push(t.slice('--file='.length));
      else if (t === '--project-directory') i++;
      else if (/^(--profile|-p|--project-name|--env-file|--ansi|--progress|--parallel)$/.test(t))
        globals.push(t, tokens[++i] ?? '');
      else if (t.startsWith('-')) globals.push(t);
      else {
        subcommand = t;
        break;
      }
    }
    let start = m.index;
    const inline = INLINE_COMPOSE_FILE.exec(line.slice(0, m.index));
    if (inline && files.length === 0) {
      files.push(
        ...inline[2]!
          .replace(/^["']|["']$/g, '')
          .split(/[:]/)
          .filter(Boolean),
      );
      start = m.index - inline[0].length + inline[1]!.length;
    }
    out.push({
      start,
      end: m.index + m[0].length,
      binary: m[1]!.replace(/[ \t]+/, ' '),
      files,
      globals,
      subcommand,
      args: tokens.slice(i + 1),
    });
  }
  return out;
}

function rootNamePattern(names: string[]): RegExp {
  const alt = names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  return new RegExp(`(^|[^\\w./-])((?:\\.\\.?/)*)(${alt})(?![\\w.-])`);
}

interface Target {
  component: string;
  dir: string;
  file: string;
}

/** The component's file for an environment (older contexts only name the test file). */
function fileFor(
  c: CodemodContext['components'][number],
  env: string,
  ctx: CodemodContext,
): string | undefined {
  if (c.composeFiles) return c.composeFiles[env];
  if (!c.testComposeFile) return undefined;
  const dir = c.testComposeFile.includes('/')
    ? c.testComposeFile.slice(0, c.testComposeFile.lastIndexOf('/'))
    : c.path;
  const name = ctx.fileNames[env];
  return name ? `${dir}/${name}` : undefined;
}

/**
 * The component files that replace a set of root files, or a reason they cannot. Commands that
 * name services go to the one component whose file runs them all.
 */
function targetsFor(files: string[], ctx: CodemodContext, services: string[] = []): Target[] | string {
  const envs = new Set<string>();
  for (const f of files) {
    const root = ctx.rootComposeFiles.find((r) => r.path === f.replace(/^\.\//, ''));
    if (!root) return `${f} is not a root compose file`;
    envs.add(root.env);
  }
  const named = [...envs].filter((e) => e !== 'base');
  if (named.length !== 1) return `cannot tell which environment ${files.join(' + ')} selects`;
  const env = named[0]!;
  let owners = ctx.components.filter((c) => fileFor(c, env, ctx) !== undefined);
  if (services.length > 0) {
    if (ctx.components.every((c) => c.services === undefined))
      return 'command names services or has no subcommand; split it by hand';
    const homeless = services.filter((sv) => !owners.some((c) => c.services?.[env]?.includes(sv)));
    if (homeless.length > 0) {
      const onHost = homeless.filter((sv) => ctx.components.some((c) => c.services?.[env]?.includes(sv)));
      return onHost.length === homeless.length
        ? `${homeless.join(', ')} ${homeless.length === 1 ? 'runs' : 'run'} on the host after the migration (no ${env} compose file); rewrite by hand`
        : `${homeless.join(', ')} ${homeless.length === 1 ? 'is' : 'are'} in no component's ${env} file; rewrite by hand`;
    }
    owners = owners.filter((c) => services.every((sv) => c.services?.[env]?.includes(sv)));
    if (owners.length !== 1)
      return owners.length === 0
        ? `${services.join(', ')} run in different components' ${env} files; split the command by hand`
        : `${services.join(', ')} run in the ${env} files of ${owners.map((o) => o.name).join(', ')}; pick one by hand`;
  }
  const out: Target[] = [];
  for (const c of owners) {
    const file = fileFor(c, env, ctx)!;
    out.push({
      component: c.name,
      dir: file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : c.path,
      file,
    });
  }
  return out.length > 0 ? out : `no component has a ${env} compose file`;
}

/** Compose subcommands that start containers. */
const STARTS = new Set(['up', 'run', 'start', 'restart', 'create']);

const MAKE_TARGETS: Record<string, Record<string, string>> = {
  dev: { 'up -d': 'dev', up: 'dev', down: 'down', logs: 'logs', 'logs -f': 'logs', 'down -v': 'clean' },
};

function envOf(files: string[], ctx: CodemodContext): string | undefined {
  const envs = new Set(
    files
      .map((f) => ctx.rootComposeFiles.find((r) => r.path === f.replace(/^\.\//, ''))?.env)
      .filter((e) => e !== 'base'),
  );
  return envs.size === 1 ? [...envs][0] : undefined;
}

interface LineRewrite {
  /** Replacement commands; more than one means one per component. */
  commands: string[];
  /** Some component path needed quoting (it holds characters the shell or make would read). */
  quoted: boolean;
}

/** Quotes a path for the language the rewritten line is in; throws UnquotableError when it cannot. */
type WordQuoter = (s: string) => string;

const MAKE_ASSIGNMENT = /^\s*(?:export\s+|override\s+)?[^\s:#=]+\s*(?::{1,3}|\+|\?|!)?=/;

/**
 * How a path becomes one word of the command on this line: sh quoting, then whatever the line
 * itself is written in (a make recipe or variable, a JSON string in package.json).
 */
function quoterFor(kind: ReferenceKind, line: string): WordQuoter {
  if (kind === 'make')
    return MAKE_ASSIGNMENT.test(line) && !line.startsWith('\t') ? makeVariableWord : makeRecipeWord;
  if (kind === 'npm') return (s) => jsonStringContent(shQuote(s));
  return (s) => {
    if (/[\n\r]/.test(s)) throw new UnquotableError(s, 'a command line', 'a line break would end the line');
    return shQuote(s);
  };
}

/** Flags of compose subcommands that take a value (so the value is not a service name). */
const VALUE_FLAGS =
  /^(--tail|-n|-t|--timeout|--scale|--index|-u|--user|-w|--workdir|-e|--env|--entrypoint|--name|-p|--publish|-l|--label|--pull|--exit-code-from|--attach|--no-attach|--signal|-s)$/;

/** Service names a subcommand's arguments select (exec/run: the first one; the rest is its command). */
function serviceArgs(subcommand: string, args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('-')) {
      if (VALUE_FLAGS.test(a)) i++;
      continue;
    }
    out.push(a);
    if (subcommand === 'exec' || subcommand === 'run') break;
  }
  return out;
}

function rewriteCommand(
  cmd: ComposeCommand,
  kind: ReferenceKind,
  ctx: CodemodContext,
  hasRootEnv: boolean,
  word: WordQuoter,
): LineRewrite | string {
  if (cmd.files.length === 0) return 'compose command without -f; it reads the root files implicitly';
  if (!cmd.subcommand) return 'compose command with no subcommand; rewrite by hand';
  const services = serviceArgs(cmd.subcommand, cmd.args);
  const targets = targetsFor(cmd.files, ctx, services);
  if (typeof targets === 'string') return targets;
  const argText = cmd.args.join(' ');
  const env = envOf(cmd.files, ctx);
  // One root stack split into several that share a data volume would start two databases on it: the
  // plan's own volume-shared rule. Such a line is left to the user, who picks the stack to run.
  if (STARTS.has(cmd.subcommand) && targets.length > 1) {
    const names = new Set(targets.map((t) => t.component));
    const shared = (ctx.sharedVolumes ?? []).find(
      (v) => (env === undefined || v.env === env) && v.components.filter((c) => names.has(c)).length > 1,
    );
    if (shared) {
      const who = shared.components.filter((c) => names.has(c));
      return `would start ${who.join(' and ')} together, whose files share volume ${shared.name} (volume-shared); run one of their stacks, e.g. ${targets
        .filter((t) => who.includes(t.component))
        .map((t) => `make -C ${t.dir} dev`)
        .join(' or ')}`;
    }
  }
  const makeTarget =
    kind === 'make' && env && services.length === 0
      ? MAKE_TARGETS[env]?.[`${cmd.subcommand}${argText ? ' ' + argText : ''}`]
      : undefined;
  let quoted = false;
  const q = (s: string): string => {
    quoted ||= !shSafe(s);
    return word(s);
  };
  if (makeTarget && cmd.globals.length === 0) {
    return { commands: targets.map((t) => `$(MAKE) -C ${q(t.dir)} ${makeTarget}`), quoted };
  }
  const globals = [...cmd.globals];
  // The project directory becomes the component's, so the root .env would no longer be read.
  if (hasRootEnv && !globals.includes('--env-file')) globals.push(envFileArgs(kind, ctx, q));
  return {
    commands: targets.map((t) =>
      [cmd.binary, '-f', q(t.file), ...globals, cmd.subcommand, ...cmd.args].join(' '),
    ),
    quoted,
  };
}

/**
 * `--env-file <root .env>` for a rewritten command line. Where the .env is not committed, a line that
 * runs (shell, CI, npm script, make recipe) passes it only when the file exists, so a checkout
 * without one (a CI runner) still runs, as the root command did; documentation names it plainly.
 */
function envFileArgs(kind: ReferenceKind, ctx: CodemodContext, q: (s: string) => string): string {
  const file = ctx.rootEnvFile ?? '.env';
  const plain = `--env-file ${q(file)}`;
  if (!ctx.rootEnvOptional || kind === 'docs' || kind === 'other' || kind === 'compose') return plain;
  // Only plain names reach the conditional forms: they hold no character either language reads.
  if (!/^[\w./-]+$/.test(file)) return plain;
  if (kind === 'make') return `$(if $(wildcard ${file}),--env-file ${file})`;
  return `$([ -f ${file} ] && echo --env-file ${file})`;
}

export function scanReferences(
  snapshot: RepoSnapshot,
  ctx: CodemodContext,
  files?: readonly string[],
): { changes: Change[]; references: Reference[] } {
  const changes: Change[] = [];
  const references: Reference[] = [];
  const rootPaths = new Set(ctx.rootComposeFiles.map((r) => r.path));
  const names = [...new Set(ctx.rootComposeFiles.map((r) => r.path.slice(r.path.lastIndexOf('/') + 1)))];
  if (names.length === 0) return { changes, references };
  const pattern = rootNamePattern(names);
  const needles = names.map((n) => Buffer.from(n, 'utf8'));
  const hasRootEnv = ctx.rootEnv ?? snapshot.exists('.env');
  const implicit = implicitContext(snapshot, ctx);
  // Turn an implicit command into the same shape as one naming its files, and rewrite that.
  const implicitCommand = (
    line: string,
    kind: ReferenceKind,
    inFence: boolean,
    files: string[] | string,
    lines: string[],
    index: number,
  ): HandledLine | string | undefined => {
    if (!['ci', 'shell', 'make', 'npm', 'docs'].includes(kind)) return undefined;
    if (kind === 'docs' && !inFence && !/^( {4}|\t)/.test(line)) return undefined;
    if (/^\s*#/.test(line)) return undefined;
    const cmds = parseComposeCommands(line).filter((c) => c.files.length === 0 && c.subcommand);
    if (cmds.length === 0) return undefined;
    const cd = /\bcd[ \t]+([^\s;&|]+)[ \t]*(&&|;)/.exec(line.slice(0, cmds[0]!.start));
    if (cd) {
      // `cd dir && docker compose up`: dir's own files after the migration, if it is a compose component.
      const dir = cd[1]!
        .replace(/^["']|["']$/g, '')
        .replace(/^\.\//, '')
        .replace(/\/$/, '');
      if (ctx.components.some((c) => c.path === dir && fileFor(c, 'dev', ctx))) return undefined;
      if (implicit.rootFiles.length > 0)
        return `runs compose without -f in ${dir}/, which has no compose file of its own: compose walks up to the root ${implicit.rootFiles.join(', ')}, archived by this migration; add -f <component file> by hand`;
      return undefined;
    }
    if (typeof files === 'string') return files;
    if (files.length === 0) return undefined;
    return handleLine(line, kind, ctx, hasRootEnv, true, lines, index, files);
  };

  for (const path of files ?? snapshot.files()) {
    // compose-migrate's own config names root files on purpose (to classify them); it is not a reference.
    if (/(^|\/)compose-migrate\.config\.(ya?ml|json)$/.test(path)) continue;
    if (
      rootPaths.has(path) ||
      CODE.test(path) ||
      SKIP_DIR.test(path) ||
      path.startsWith(`${ctx.archiveDir}/`)
    )
      continue;
    if ((snapshot.size(path) ?? 0) > MAX_BYTES) continue;
    const kind = referenceKind(path);
    const implicitFiles = implicit.filesFor(path, kind);
    // Most files name no root file and run no implicit compose command: test the raw bytes and
    // decode only the files that can matter.
    let text: string | undefined;
    let mentions: boolean;
    try {
      const bytes = snapshot.readBytes(path);
      if (bytes === undefined) continue;
      const raw = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (raw.includes(0)) continue;
      mentions = needles.some((n) => raw.includes(n));
      if (!mentions && implicitFiles === undefined) continue;
      text = snapshot.read(path);
    } catch {
      continue;
    }
    if (text === undefined) continue;
    // The tool's own generated Makefiles name component files on purpose.
    if (text.startsWith(GENERATED_HEADER)) continue;
    const managed = kind === 'shell' ? managedCopies(text, names) : new Set<string>();
    const lines = text.split('\n');
    const out: string[] = [];
    let changed = false;
    let inFence = false;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
      const m = mentions ? pattern.exec(line) : null;
      const implicitHere =
        !m && implicitFiles !== undefined
          ? implicitCommand(line, kind, inFence, implicitFiles, lines, i)
          : undefined;
      if ((!m || managed.has(m[3]!)) && implicitHere === undefined) {
        out.push(line);
        continue;
      }
      const ref = { file: path, line: i + 1, text: line.trim() };
      const result =
        implicitHere !== undefined
          ? implicitHere
          : handleLine(line, kind, ctx, hasRootEnv, inFence, lines, i);
      if (typeof result === 'string') {
        references.push({ ...ref, action: 'report', note: result });
        out.push(line);
        continue;
      }
      const moving = result.files.every((f) => ctx.archivedPaths[f.replace(/^\.\//, '')] !== undefined);
      if (!moving) {
        references.push({
          ...ref,
          action: 'report',
          note: `still works while ${result.files.join(', ')} stay at the root; rewritten when archived: ${result.preview}`,
        });
        out.push(line);
        continue;
      }
      references.push({ ...ref, action: 'rewritten', note: result.preview });
      out.push(...result.lines);
      changed = true;
    }
    if (changed) {
      changes.push({
        op: 'modify',
        path,
        component: '',
        before: text,
        content: out.join('\n'),
        reason: `compose command lines now use component files (${kind})`,
      });
    }
  }
  return { changes, references };
}

interface HandledLine {
  files: string[];
  lines: string[];
  preview: string;
}

/** The replacement lines for one source line, or why it is left to a human. */
function handleLine(
  line: string,
  kind: ReferenceKind,
  ctx: CodemodContext,
  hasRootEnv: boolean,
  inFence: boolean,
  lines: string[],
  index: number,
  implicitFiles?: string[],
): HandledLine | string {
  if (kind === 'compose')
    return 'a compose file extends or includes a root compose file; point it at the component file by hand';
  if (kind === 'other') return 'names a root compose file in a file type this tool does not rewrite';
  const cmds = parseComposeCommands(line);
  // A command naming no file reads the files compose finds by default (or COMPOSE_FILE from .env).
  if (implicitFiles)
    for (const c of cmds) if (c.files.length === 0 && c.subcommand) c.files.push(...implicitFiles);
  if (cmds.length === 0)
    return kind === 'docs'
      ? 'prose names a root compose file; update the docs by hand'
      : 'names a root compose file outside a compose command';
  if (kind === 'docs' && !inFence && !/^( {4}|\t)/.test(line))
    return 'prose names a root compose file; update the docs by hand';
  const rewrites: LineRewrite[] = [];
  const word = quoterFor(kind, line);
  for (const c of cmds) {
    let r: LineRewrite | string;
    try {
      r = rewriteCommand(c, kind, ctx, hasRootEnv, word);
    } catch (e) {
      if (e instanceof UnquotableError) return `a component path cannot be written here: ${e.message}`;
      throw e;
    }
    if (typeof r === 'string') return r;
    rewrites.push(r);
  }
  const files = cmds.flatMap((c) => c.files);
  const first = cmds[0]!;
  const last = cmds[cmds.length - 1]!;
  const before = line.slice(0, first.start);
  const after = line.slice(last.end);
  const standalone =
    cmds.length === 1 && rewrites[0]!.commands.length > 1 && /^\s*$/.test(after.replace(/^\s*(#.*)?$/, ''));
  if (!standalone || kind === 'npm') {
    // A quoted path inside a one-line YAML scalar could change how YAML reads that scalar.
    if (kind === 'ci' && rewrites.some((r) => r.quoted) && !isInBlockScalar(lines, index))
      return 'a component path needs shell quoting that this one-line CI value cannot carry; rewrite by hand';
    // Inside a compound shell line (or a JSON string) commands chain with && on the same line.
    let rebuilt = '';
    let pos = 0;
    cmds.forEach((c, i) => {
      rebuilt += line.slice(pos, c.start) + rewrites[i]!.commands.join(' && ');
      pos = c.end;
    });
    rebuilt += line.slice(pos);
    return { files, lines: [rebuilt], preview: rebuilt.trim() };
  }
  const commands = rewrites[0]!.commands;
  if (kind === 'ci') {
    const scalar = /^(\s*(?:-\s+)?run:\s*)(.*)$/.exec(line);
    if (
      scalar &&
      scalar[2]!.trim() === line.slice(first.start, first.end).trim() + after.trim() &&
      !/^[|>]/.test(scalar[2]!.trim())
    ) {
      const keyIndent = /^\s*(?:-\s+)?/.exec(line)![0].length;
      const inner = ' '.repeat(keyIndent + 2);
      return {
        files,
        lines: [`${scalar[1]!.trimEnd()} |`, ...commands.map((c) => inner + c)],
        preview: commands.join('; '),
      };
    }
    // A line inside an existing block scalar already sits at the block's indentation.
    if (!isInBlockScalar(lines, index))
      return 'compose command in a CI file shape this tool does not rewrite';
  }
  return { files, lines: commands.map((c) => before + c + after), preview: commands.join('; ') };
}

function isInBlockScalar(lines: string[], index: number): boolean {
  const indent = /^\s*/.exec(lines[index]!)![0].length;
  for (let i = index - 1; i >= 0; i--) {
    const l = lines[i]!;
    if (!l.trim()) continue;
    const ind = /^\s*/.exec(l)![0].length;
    if (ind < indent) return /:\s*[|>][-+]?\s*$/.test(l);
  }
  return false;
}

/** First line of every Makefile and compose.mk the tool generates (see templates/). */
const GENERATED_HEADER = '# Generated by compose-migrate.';

/** The names compose reads without -f, in its order of preference, and the override it layers on. */
const DEFAULT_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
const OVERRIDE_NAMES = [
  'compose.override.yaml',
  'compose.override.yml',
  'docker-compose.override.yaml',
  'docker-compose.override.yml',
];

interface ImplicitContext {
  /** The root files a compose command naming no file reads at the root. */
  rootFiles: string[];
  /**
   * For a compose command naming no file in this file: the root files it reads (to rewrite as if
   * named), a reason it cannot be told (to report), or undefined when it reads no root file.
   */
  filesFor(path: string, kind: ReferenceKind): string[] | string | undefined;
}

function implicitContext(snapshot: RepoSnapshot, ctx: CodemodContext): ImplicitContext {
  const rootLevel = new Set(ctx.rootComposeFiles.map((r) => r.path).filter((p) => !p.includes('/')));
  let files: string[] = [];
  const env = snapshot.exists('.env') ? safeText(snapshot, '.env') : undefined;
  const fromEnv = env ? /^[ \t]*(?:export[ \t]+)?COMPOSE_FILE=["']?([^"'\n]*)/m.exec(env) : null;
  if (fromEnv) {
    const sep = /^[ \t]*COMPOSE_PATH_SEPARATOR=["']?([^"'\n]+)/m.exec(env ?? '')?.[1] ?? ':';
    files = fromEnv[1]!
      .split(sep)
      .map((f) => f.trim().replace(/^\.\//, ''))
      .filter((f) => rootLevel.has(f));
  } else {
    const main = DEFAULT_NAMES.find((n) => rootLevel.has(n));
    const override = OVERRIDE_NAMES.find((n) => rootLevel.has(n));
    files = [main, main ? override : undefined].filter((f): f is string => f !== undefined);
  }
  return {
    rootFiles: files,
    filesFor(path, kind) {
      if (files.length === 0) return undefined;
      const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
      if (kind === 'ci' || dir === '') return files;
      // A folder on the way up with a compose file of its own is the stack the command means.
      for (let d = dir; d !== ''; d = d.includes('/') ? d.slice(0, d.lastIndexOf('/')) : '')
        if (DEFAULT_NAMES.some((n) => snapshot.exists(`${d}/${n}`))) return undefined;
      if (kind === 'make' || kind === 'npm') {
        // make and npm run in the file's own folder; a compose component finds its own new files there.
        if (
          ctx.components.some(
            (c) => (dir === c.path || dir.startsWith(c.path + '/')) && fileFor(c, 'dev', ctx),
          )
        )
          return undefined;
        return `runs compose without -f in ${dir}/, which has no compose file of its own: compose walks up to the root ${files.join(', ')}; add -f <component file> by hand`;
      }
      if (kind === 'shell')
        return `a script under ${dir}/ runs compose without -f: it reads ${files.join(', ')} when run from the root; add -f <component file> by hand`;
      return undefined;
    },
  };
}

function safeText(snapshot: RepoSnapshot, path: string): string | undefined {
  try {
    return snapshot.read(path);
  } catch {
    return undefined;
  }
}

/**
 * Root-file names a script handles as an installed copy elsewhere (downloaded by URL, or kept under a
 * variable directory such as `$INSTALL_DIR/docker-compose.yml`): an installer for end users. Its
 * mentions of that name, comments and messages included, are about that copy, not the repository's.
 */
function managedCopies(text: string, names: string[]): Set<string> {
  const out = new Set<string>();
  for (const n of names) {
    const e = n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (new RegExp(`(\\$\\{?\\w+\\}?|\\w+://[^\\s"']*)/(?:[^\\s"'/]+/)*${e}(?![\\w.-])`).test(text))
      out.add(n);
  }
  return out;
}
