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

const COMMAND = /(docker[ \t]+compose|docker-compose)((?:[ \t]+[^\s;&|"'`)]+)*)/g;

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
    out.push({
      start: m.index,
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

/** The component files that replace a set of root files, or a reason they cannot. */
function targetsFor(files: string[], ctx: CodemodContext): Target[] | string {
  const envs = new Set<string>();
  for (const f of files) {
    const root = ctx.rootComposeFiles.find((r) => r.path === f.replace(/^\.\//, ''));
    if (!root) return `${f} is not a root compose file`;
    envs.add(root.env);
  }
  const named = [...envs].filter((e) => e in ctx.fileNames);
  const others = [...envs].filter((e) => !(e in ctx.fileNames) && e !== 'base');
  if (others.length > 0 || named.length !== 1)
    return `cannot tell which environment ${files.join(' + ')} selects`;
  const env = named[0] as keyof CodemodContext['fileNames'];
  const fileName = ctx.fileNames[env];
  if (!fileName) return `no component file name for ${env}`;
  const out: Target[] = [];
  for (const c of ctx.components) {
    if (!c.testComposeFile) continue;
    const dir = c.testComposeFile.includes('/')
      ? c.testComposeFile.slice(0, c.testComposeFile.lastIndexOf('/'))
      : c.path;
    out.push({ component: c.name, dir, file: `${dir}/${fileName}` });
  }
  return out.length > 0 ? out : 'no component has compose files';
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

function rewriteCommand(
  cmd: ComposeCommand,
  kind: ReferenceKind,
  ctx: CodemodContext,
  hasRootEnv: boolean,
  word: WordQuoter,
): LineRewrite | string {
  if (cmd.files.length === 0) return 'compose command without -f; it reads the root files implicitly';
  const targets = targetsFor(cmd.files, ctx);
  if (typeof targets === 'string') return targets;
  // Service names after the subcommand belong to particular components; splitting them is a human call.
  if (!cmd.subcommand || cmd.args.some((a) => !a.startsWith('-')))
    return 'command names services or has no subcommand; split it by hand';
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
    kind === 'make' && env
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
  if (hasRootEnv && !globals.includes('--env-file')) globals.push('--env-file', '.env');
  return {
    commands: targets.map((t) =>
      [cmd.binary, '-f', q(t.file), ...globals, cmd.subcommand, ...cmd.args].join(' '),
    ),
    quoted,
  };
}

export function scanReferences(
  snapshot: RepoSnapshot,
  ctx: CodemodContext,
): { changes: Change[]; references: Reference[] } {
  const changes: Change[] = [];
  const references: Reference[] = [];
  const rootPaths = new Set(ctx.rootComposeFiles.map((r) => r.path));
  const names = [...new Set(ctx.rootComposeFiles.map((r) => r.path.slice(r.path.lastIndexOf('/') + 1)))];
  if (names.length === 0) return { changes, references };
  const pattern = rootNamePattern(names);
  const archiveDir = ctx.archiveDir.replace(/\/$/, '');
  const hasRootEnv = snapshot.exists('.env');

  for (const path of snapshot.files()) {
    // compose-migrate's own config names root files on purpose (to classify them); it is not a reference.
    if (/(^|\/)compose-migrate\.config\.(ya?ml|json)$/.test(path)) continue;
    if (rootPaths.has(path) || CODE.test(path) || SKIP_DIR.test(path) || path.startsWith(archiveDir + '/'))
      continue;
    if ((snapshot.size(path) ?? 0) > MAX_BYTES) continue;
    let text: string | undefined;
    try {
      text = snapshot.read(path);
    } catch {
      continue;
    }
    if (text === undefined || text.includes('\0') || !names.some((n) => text!.includes(n))) continue;
    const kind = referenceKind(path);
    const lines = text.split('\n');
    const out: string[] = [];
    let changed = false;
    let inFence = false;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
      const m = pattern.exec(line);
      if (!m) {
        out.push(line);
        continue;
      }
      const ref = { file: path, line: i + 1, text: line.trim() };
      const result = handleLine(line, kind, ctx, hasRootEnv, inFence, lines, i);
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
): HandledLine | string {
  if (kind === 'compose')
    return 'a compose file extends or includes a root compose file; point it at the component file by hand';
  if (kind === 'other') return 'names a root compose file in a file type this tool does not rewrite';
  const cmds = parseComposeCommands(line);
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
