/**
 * `npm run corpus`: the acceptance run on real repositories. Every bundle in `<repo>/../shared/corpus`
 * is cloned into a temporary folder and taken through plan, apply, verify, status and rollback with
 * the built CLI; the outcome is printed as Markdown tables and written between the markers of
 * docs/corpus.md.
 *
 * Flags: --check (exit 1 on a crash, a stack trace, a rollback that is not byte-exact, or a generated
 * file the referee rejects; writes no docs unless --write), --strict-conservation (also exit 1 on a
 * lost (environment, service)), --only a,b (repositories by name), --jobs N (repositories at a time,
 * default 2), --keep (leave the clones), --corpus <dir>.
 *
 * The corpus is only read: bundles are cloned, never touched.
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOCKER_COMPOSE } from './referee.js';
import { checkFailures } from './check.js';
import { renderReport } from './report.js';
import { runRepo, type RepoOutcome } from './repo-run.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(REPO_ROOT, 'dist/src/cli/main.js');
const DOC = join(REPO_ROOT, 'docs/corpus.md');
const BEGIN = '<!-- corpus:begin (written by npm run corpus; edit outside these markers) -->';
const END = '<!-- corpus:end -->';

interface Args {
  check: boolean;
  write: boolean;
  strictConservation: boolean;
  only: string[];
  jobs: number;
  keep: boolean;
  corpus: string;
}

/**
 * `<repo>/../shared/corpus`; from a linked git worktree, next to the main checkout instead (the
 * worktree's own parent holds the other worktrees); COMPOSE_MIGRATE_CORPUS overrides both.
 */
function defaultCorpus(): string {
  const fromEnv = process.env.COMPOSE_MIGRATE_CORPUS;
  if (fromEnv) return resolve(fromEnv);
  const own = resolve(REPO_ROOT, '../shared/corpus');
  if (existsSync(own)) return own;
  const common = spawnSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  const main = common.status === 0 ? dirname(common.stdout.trim()) : REPO_ROOT;
  const beside = resolve(main, '../shared/corpus');
  return existsSync(beside) ? beside : own;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    check: false,
    write: true,
    strictConservation: false,
    only: [],
    jobs: 2,
    keep: false,
    corpus: defaultCorpus(),
  };
  let write: boolean | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--check') args.check = true;
    else if (a === '--write') write = true;
    else if (a === '--no-write') write = false;
    else if (a === '--strict-conservation') args.strictConservation = true;
    else if (a === '--only') args.only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (a === '--jobs') args.jobs = Math.max(1, Number(argv[++i] ?? 2) || 1);
    else if (a === '--keep') args.keep = true;
    else if (a === '--corpus') args.corpus = resolve(argv[++i] ?? '');
    else {
      process.stderr.write(`corpus: unknown argument ${a ?? ''}\n`);
      process.exit(2);
    }
  }
  args.write = write ?? !args.check;
  return args;
}

/**
 * CPU time of the finished children (CLI, git, docker-compose), from /proc (cutime + cstime, in
 * clock ticks of 1/100 s on Linux); 0 where /proc is absent. Wall time on a shared machine says
 * more about the machine than about the run.
 */
function childCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return 0;
  }
}

/** Runs `work` over `items`, at most `jobs` at a time, results in input order. */
async function pool<T, R>(items: T[], jobs: number, work: (t: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
  return results;
}

function writeDoc(report: string): void {
  const block = `${BEGIN}\n${report}\n${END}`;
  const text = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '';
  const from = text.indexOf(BEGIN);
  const to = text.indexOf(END);
  const next =
    from >= 0 && to > from
      ? `${text.slice(0, from)}${block}${text.slice(to + END.length)}`
      : `# Corpus run\n\n${block}\n${text}`;
  writeFileSync(DOC, next);
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(args.corpus)) {
    process.stdout.write(`corpus absent (${args.corpus}): skipped\n`);
    return 0;
  }
  if (!existsSync(CLI)) {
    process.stderr.write(`corpus: ${CLI} is missing; run npm run build first\n`);
    return 2;
  }
  if (!existsSync(DOCKER_COMPOSE)) {
    process.stderr.write(
      `corpus: the referee ${DOCKER_COMPOSE} is missing (apt-get install docker-compose)\n`,
    );
    return 2;
  }
  const bundles = readdirSync(args.corpus)
    .filter((f) => f.endsWith('.bundle'))
    .filter((f) => args.only.length === 0 || args.only.includes(f.replace(/\.bundle$/, '')))
    .sort()
    .map((f) => join(args.corpus, f));
  if (bundles.length === 0) {
    process.stderr.write(`corpus: no bundles selected in ${args.corpus}\n`);
    return 2;
  }
  const start = process.hrtime.bigint();
  const load = loadavg()[0] ?? 0;
  const done = (r: RepoOutcome): RepoOutcome => {
    process.stderr.write(`corpus: ${r.name} done in ${(r.totalMs / 1000).toFixed(1)} s\n`);
    return r;
  };
  const first: RepoOutcome[] = await pool(bundles, args.jobs, async (b) =>
    done(await runRepo(b, CLI, args.keep)),
  );
  // A repository whose apply stopped for a decision is run again with the decisions answered, so that
  // its generated files, conservation and rollback are checked too.
  const stopped = bundles.filter((_, i) => first[i]?.steps.apply?.status === 3);
  const answered: RepoOutcome[] = await pool(stopped, args.jobs, async (b) =>
    done(await runRepo(b, CLI, args.keep, true)),
  );
  const results = [...first, ...answered].sort((a, b) => a.name.localeCompare(b.name));
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const self = process.resourceUsage();
  const report = renderReport(results, {
    date: new Date().toISOString(),
    wallMs,
    cpuMs: childCpuMs() + (self.userCPUTime + self.systemCPUTime) / 1000,
    jobs: args.jobs,
    load,
    cpus: cpus().length,
  });
  process.stdout.write(`${report}\n`);
  if (args.write) writeDoc(report);

  const failures = checkFailures(results, { strictConservation: args.strictConservation });
  if (failures.length) {
    process.stdout.write(
      `\ncorpus check: ${failures.length} failure(s)\n${failures.map((f) => `  ${f}`).join('\n')}\n`,
    );
  } else
    process.stdout.write(
      `\ncorpus check: no crash, every rollback byte-exact, every generated file accepted${args.strictConservation ? ', nothing lost' : ''}\n`,
    );
  return args.check && failures.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`corpus: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(2);
  },
);
