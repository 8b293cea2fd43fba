/**
 * `npm run bench`: times the built CLI against its speed targets and prints every target with
 * MET/MISSED. Cases:
 * - synthetic monorepos (`bench/generate.ts`) of 10, 100 and 200 components, 5 services each:
 *   `plan --json`, and on the largest `apply --all --yes` (on a fresh copy each run) and `verify`
 *   after it;
 * - real trees from git bundles (`--corpus DIR`, default: the nearest `shared/corpus` above the
 *   project), cloned into a temp directory: `plan --json` against `git grep -l` of the root compose
 *   file names on the same tree;
 * - `--help`; the lumiere fixture against `docker-compose config`.
 * Peers (`git grep`, `docker-compose config` on one file) are measured in the same run, so their
 * ratios hold on a busy machine. Each figure is the median and the minimum of N runs after one
 * warm-up; peak RSS and CPU time come from GNU time (`/usr/bin/time`) around the child, or from
 * `process.resourceUsage()` in a wrapper process when GNU time is absent. Always exits 0.
 *
 * Flags: --runs N (default 5), --sizes 10,100,200, --corpus DIR, --repos netra,plane, --keep,
 * --cli PATH (time another build of dist/src/cli/main.js).
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  openSync,
  closeSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateMonorepo, type GeneratedRepo } from './generate.js';

let CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const PROJECT = fileURLToPath(new URL('../../', import.meta.url));
const LUMIERE = join(PROJECT, 'fixtures', 'lumiere');
const DOCKER_COMPOSE = '/usr/bin/docker-compose';
const GNU_TIME = '/usr/bin/time';
const ROOT_COMPOSE = /^(docker-)?compose[^/]*\.ya?ml$/u;

/** The targets, in the order they are printed. */
const TARGET = {
  helpMs: 80,
  synthPlanMs: 800,
  synthPlanMb: 200,
  applyMs: 10_000,
  verifyMs: 1_500,
  realPlanMs: 1_000,
  realPlanMb: 150,
  realPlanVsGrep: 2,
};
/** Doubling the input may at most double the time; a little slack for timer noise. */
const LINEAR_SLACK = 1.15;

interface Args {
  runs: number;
  sizes: number[];
  keep: boolean;
  corpus: string | undefined;
  repos: string[];
}

function findCorpus(): string | undefined {
  for (let dir = PROJECT; ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'corpus');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    runs: 5,
    sizes: [10, 100, 200],
    keep: false,
    corpus: undefined,
    repos: ['netra', 'plane'],
  };
  const list = (s: string | undefined): string[] => (s ?? '').split(',').filter((x) => x !== '');
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') args.runs = Math.max(1, Number(argv[++i] ?? 5));
    else if (a === '--sizes')
      args.sizes = list(argv[++i])
        .map(Number)
        .filter((n) => n > 0);
    else if (a === '--keep') args.keep = true;
    else if (a === '--corpus') args.corpus = resolve(argv[++i] ?? '.');
    else if (a === '--repos') args.repos = list(argv[++i]);
    // Another build of the CLI (e.g. an earlier commit's), to measure before and after in one sitting.
    else if (a === '--cli') CLI = resolve(argv[++i] ?? CLI);
  }
  args.corpus ??= findCorpus();
  return args;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

interface Run {
  ms: number;
  status: number | null;
  stderr: string;
  /** Peak resident set of the child, MB (NaN when unknown). */
  rssMb: number;
  /** User + system CPU time of the child, ms (NaN when unknown). */
  cpuMs: number;
}

/** Wraps a node script to report its own max RSS when GNU time is absent. */
const RSS_WRAPPER = `
const [script, ...rest] = process.argv.slice(2);
process.argv = [process.argv[0], script, ...rest];
process.on('exit', () => { const u = process.resourceUsage(); process.stderr.write('\\nMAXRSS_KB=' + u.maxRSS + ' CPU_S=' + (u.userCPUTime + u.systemCPUTime) / 1e6 + '\\n'); });
await import(script);
`;

let scratch = '';

/** One child run, stdout to /dev/null so terminal speed is not measured. */
function runOnce(cmd: string, args: string[], cwd?: string): Run {
  const devNull = openSync('/dev/null', 'w');
  const usageFile = join(scratch, 'usage');
  let argv: string[];
  let exe: string;
  if (existsSync(GNU_TIME)) {
    exe = GNU_TIME;
    argv = ['-o', usageFile, '-f', 'MAXRSS_KB=%M CPU_S=%U+%S', cmd, ...args];
  } else if (cmd === process.execPath) {
    const wrapper = join(scratch, 'rss.mjs');
    if (!existsSync(wrapper)) writeFileSync(wrapper, RSS_WRAPPER);
    exe = cmd;
    argv = [wrapper, ...args];
  } else {
    exe = cmd;
    argv = args;
  }
  try {
    rmSync(usageFile, { force: true });
    const start = process.hrtime.bigint();
    const r = spawnSync(exe, argv, {
      cwd,
      stdio: ['ignore', devNull, 'pipe'],
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
      maxBuffer: 64 * 2 ** 20,
    });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const usage = existsSync(usageFile) ? readFileSync(usageFile, 'utf8') : (r.stderr ?? '');
    const rss = /MAXRSS_KB=(\d+)/.exec(usage);
    const cpu = /CPU_S=([\d.]+)(?:\+([\d.]+))?/.exec(usage);
    return {
      ms,
      status: r.status,
      stderr: r.stderr ?? '',
      rssMb: rss ? Number(rss[1]) / 1024 : Number.NaN,
      cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2] ?? 0)) * 1000 : Number.NaN,
    };
  } finally {
    closeSync(devNull);
  }
}

interface Measured {
  median: number;
  min: number;
  /** Highest peak RSS over the runs, MB. */
  rssMb: number;
  /** Median CPU time, ms. */
  cpuMs: number;
  runs: number;
}

type Outcome = { ok: true; m: Measured } | { ok: false; error: string };

interface MeasureOptions {
  runs: number;
  cwd?: string;
  /** Runs before each timed run, untimed (e.g. a fresh copy of a repository apply will change). */
  prepare?: () => void;
  /** Skip the warm-up run (when each run is expensive and starts from a fresh copy anyway). */
  noWarmup?: boolean;
}

/** Median and min of `runs` runs after one warm-up; a failing command is reported, not thrown. */
function measure(cmd: string, args: string[], opts: MeasureOptions): Outcome {
  const results: Run[] = [];
  for (let i = opts.noWarmup ? 1 : 0; i <= opts.runs; i++) {
    opts.prepare?.();
    const r = runOnce(cmd, args, opts.cwd);
    if (r.status !== 0) {
      const line =
        r.stderr
          .trim()
          .split('\n')
          .find((l) => l.trim() !== '') ?? '';
      return { ok: false, error: `exit ${r.status}: ${line.slice(0, 160)}` };
    }
    if (i > 0) results.push(r);
  }
  return {
    ok: true,
    m: {
      median: median(results.map((r) => r.ms)),
      min: Math.min(...results.map((r) => r.ms)),
      rssMb: Math.max(...results.map((r) => r.rssMb)),
      cpuMs: median(results.map((r) => r.cpuMs)),
      runs: results.length,
    },
  };
}

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A generated repo as a git repository with one commit and a local identity. */
function commitRepo(dir: string): void {
  git(dir, 'init', '-q');
  git(dir, 'config', 'user.name', 'Bench');
  git(dir, 'config', 'user.email', 'bench@example.com');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--no-verify', '-m', 'generated monorepo');
}

// --- output ----------------------------------------------------------------------------------

const fmt = (n: number | undefined, digits = 0): string =>
  n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits);

interface Row {
  label: string;
  command: string;
  /** Services (synthetic) or tracked files (real trees), for growth. */
  size: string;
  outcome: Outcome;
  peers: { name: string; outcome: Outcome | undefined }[];
}

function table(rows: Row[]): string {
  const header = [
    'case',
    'command',
    'size',
    'median ms',
    'min ms',
    'cpu ms',
    'peak MB',
    'peers (median ms, ratio)',
  ];
  const cells = rows.map((r) => {
    const m = r.outcome.ok ? r.outcome.m : undefined;
    const peers = r.peers
      .map((p) => {
        if (!p.outcome) return `${p.name}: absent`;
        if (!p.outcome.ok) return `${p.name}: failed`;
        return `${p.name} ${fmt(p.outcome.m.median)} (x${m ? fmt(m.median / p.outcome.m.median, 2) : '-'})`;
      })
      .join('; ');
    return [
      r.label,
      r.command,
      r.size,
      m ? fmt(m.median) : 'FAILED',
      fmt(m?.min),
      fmt(m?.cpuMs),
      fmt(m?.rssMb),
      r.outcome.ok ? peers || '-' : r.outcome.error,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] ?? '').length)));
  const right = new Set([2, 3, 4, 5, 6]);
  const line = (row: string[]): string =>
    row
      .map((c, i) =>
        i === row.length - 1 ? c : right.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0),
      )
      .join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(CLI)) {
    process.stderr.write(`bench: ${CLI} is missing; run npm run build first\n`);
    return;
  }
  const haveCompose = existsSync(DOCKER_COMPOSE);
  const runs = args.runs;
  const load = (): string =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  process.stdout.write(
    `compose-migrate bench (${CLI}): node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ` +
      `${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM (${(freemem() / 2 ** 30).toFixed(1)} free), ${new Date().toISOString()}\n` +
      `median and min of ${runs} runs after one warm-up (apply: ${Math.min(runs, 3)} runs on fresh copies); stdout to /dev/null\n` +
      `peak RSS and CPU: ${existsSync(GNU_TIME) ? 'GNU time around each child' : 'process.resourceUsage() in a wrapper process'}\n` +
      `load average (1, 5, 15 min) at start: ${load()}\n\n`,
  );

  const work = mkdtempSync(join(tmpdir(), 'cm-bench-'));
  scratch = mkdtempSync(join(tmpdir(), 'cm-bench-usage-'));
  const rows: Row[] = [];
  const progress = (s: string): void => {
    process.stdout.write(`  ${s}\n`);
  };
  let help: Outcome | undefined;
  let apply: Outcome | undefined;
  let verify: Outcome | undefined;
  let applyCommits: { made: number; expected: number } | undefined;
  let lumiere: Row | undefined;
  const real: { name: string; row: Row; grep: Outcome | undefined; files: number }[] = [];
  const synth: { components: number; services: number; row: Row }[] = [];
  const shapeProblems: string[] = [];
  try {
    help = measure(process.execPath, [CLI, '--help'], { runs });
    rows.push({ label: '-', command: '--help', size: '-', outcome: help, peers: [] });
    progress(`--help`);

    for (const size of args.sizes) {
      const root = join(work, `mono-${size}`);
      const repo = generateMonorepo(root, { components: size });
      commitRepo(root);
      shapeProblems.push(...checkShape(repo, ['plan', '-C', root, '--json']));
      const outcome = measure(process.execPath, [CLI, 'plan', '-C', root, '--json'], { runs });
      const dc = haveCompose
        ? measure(DOCKER_COMPOSE, ['-f', repo.files.base, 'config'], { runs: Math.min(runs, 3), cwd: root })
        : undefined;
      const row: Row = {
        label: `${size} components`,
        command: 'plan --json',
        size: `${repo.serviceCount} svc`,
        outcome,
        peers: [{ name: 'dc config', outcome: dc }],
      };
      rows.push(row);
      synth.push({ components: size, services: repo.serviceCount, row });
      progress(`plan, ${size} components`);

      if (size === Math.max(...args.sizes)) {
        // apply changes the repository: every run starts from a fresh copy of the committed one.
        const target = join(work, `apply-${size}`);
        const fresh = (): void => {
          rmSync(target, { recursive: true, force: true });
          cpSync(root, target, { recursive: true });
        };
        apply = measure(process.execPath, [CLI, 'apply', '-C', target, '--all', '--yes'], {
          runs: Math.min(runs, 3),
          prepare: fresh,
          noWarmup: true,
        });
        rows.push({
          label: `${size} components`,
          command: 'apply --all --yes',
          size: `${size} comp`,
          outcome: apply,
          peers: [],
        });
        progress(`apply, ${size} components`);
        if (apply.ok) {
          const made = git(
            target,
            'log',
            '--format=%(trailers:key=Compose-Migrate-Component,valueonly)',
            '--grep=^Compose-Migrate: apply',
          )
            .split('\n')
            .filter((l) => l.trim() !== '').length;
          applyCommits = { made, expected: size };
          verify = measure(process.execPath, [CLI, 'verify', '-C', target], { runs });
          rows.push({
            label: `${size} components`,
            command: 'verify (after apply)',
            size: `${size} comp`,
            outcome: verify,
            peers: [],
          });
          progress(`verify, ${size} components`);
        }
      }
    }

    for (const name of args.repos) {
      const bundle = args.corpus ? join(args.corpus, `${name}.bundle`) : undefined;
      if (!bundle || !existsSync(bundle)) {
        process.stdout.write(
          `  skipped ${name}: no ${name}.bundle in ${args.corpus ?? 'a shared/corpus directory above the project (pass --corpus DIR)'}\n`,
        );
        continue;
      }
      const root = join(work, name);
      git(work, 'clone', '-q', bundle, root);
      const tracked = git(root, 'ls-files', '-z')
        .split('\0')
        .filter((p) => p !== '');
      const rootFiles = tracked.filter((p) => ROOT_COMPOSE.test(p));
      const outcome = measure(process.execPath, [CLI, 'plan', '-C', root, '--json'], { runs });
      // The text search the reference scan needs at least: every tracked file naming a root file.
      const grep = rootFiles.length
        ? measure('git', ['grep', '-l', '-F', ...rootFiles.flatMap((f) => ['-e', f])], { runs, cwd: root })
        : undefined;
      // docker-compose on one root file: the first that it accepts without the project's variables.
      const candidates = [...rootFiles].sort(
        (a, b) =>
          Number(!/^(docker-)?compose\.ya?ml$/u.test(a)) - Number(!/^(docker-)?compose\.ya?ml$/u.test(b)),
      );
      let dc: Outcome | undefined;
      let dcFile = '';
      for (const file of haveCompose ? candidates : []) {
        dc = measure(DOCKER_COMPOSE, ['-f', file, 'config'], { runs: Math.min(runs, 3), cwd: root });
        dcFile = file;
        if (dc.ok) break;
      }
      const row: Row = {
        label: name,
        command: 'plan --json',
        size: `${tracked.length} files`,
        outcome,
        peers: [
          { name: 'git grep -l', outcome: grep },
          { name: `dc config ${dcFile}`, outcome: dc },
        ],
      };
      rows.push(row);
      real.push({ name, row, grep, files: tracked.length });
      progress(`plan, ${name} (${tracked.length} files, root files: ${rootFiles.join(' ')})`);
    }

    const lumiereDc = haveCompose
      ? measure(DOCKER_COMPOSE, ['-f', 'docker-compose.development.yaml', 'config'], { runs, cwd: LUMIERE })
      : undefined;
    lumiere = {
      label: 'lumiere fixture',
      command: 'plan --json',
      size: '3 comp',
      outcome: measure(process.execPath, [CLI, 'plan', '-C', LUMIERE, '--json'], { runs }),
      peers: [{ name: 'dc config', outcome: lumiereDc }],
    };
    rows.push(lumiere);
  } finally {
    process.stdout.write(`\nload average at end: ${load()}\n\n`);
    process.stdout.write(`${table(rows)}\n`);
    if (!haveCompose)
      process.stdout.write(`(docker-compose not found at ${DOCKER_COMPOSE}: its peer columns are absent)\n`);
    if (args.keep) process.stdout.write(`\nrepos kept in ${work}\n`);
    else rmSync(work, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  }

  process.stdout.write('\nTargets\n');
  const check = (name: string, ok: boolean | undefined, detail: string): void => {
    process.stdout.write(
      `  ${(ok === undefined ? 'n/a' : ok ? 'MET' : 'MISSED').padEnd(6)}  ${name}: ${detail}\n`,
    );
  };
  const ms = (o: Outcome | undefined): string =>
    !o
      ? 'not run'
      : o.ok
        ? // CPU time (user + system, children included) is what a busy machine disturbs least.
          `${fmt(o.m.median)} ms (min ${fmt(o.m.min)}, cpu ${fmt(o.m.cpuMs)})`
        : `failed, ${o.error}`;

  for (const r of real) {
    const o = r.row.outcome;
    const m = o.ok ? o.m : undefined;
    const g = r.grep?.ok ? r.grep.m : undefined;
    check(
      `plan --json on ${r.name} <= ${TARGET.realPlanMs} ms`,
      m ? m.median <= TARGET.realPlanMs : false,
      ms(o),
    );
    check(
      `plan --json on ${r.name} <= ${TARGET.realPlanMb} MB`,
      m ? m.rssMb <= TARGET.realPlanMb : false,
      m ? `${fmt(m.rssMb)} MB` : 'failed',
    );
    check(
      `plan --json on ${r.name} <= ${TARGET.realPlanVsGrep}x git grep -l of the root file names`,
      m && g ? m.median <= TARGET.realPlanVsGrep * g.median : m ? undefined : false,
      m && g
        ? `x${fmt(m.median / g.median, 2)} (git grep ${fmt(g.median)} ms; on min: x${fmt(m.min / g.min, 2)})`
        : ms(o),
    );
  }
  if (real.length === 0) check('real trees (netra, plane)', undefined, 'skipped: no corpus bundles');

  const big = synth.find((s) => s.components === 200);
  const bm = big?.row.outcome.ok ? big.row.outcome.m : undefined;
  check(
    `plan --json, 200 components, every file rendered <= ${TARGET.synthPlanMs} ms`,
    big ? !!bm && bm.median <= TARGET.synthPlanMs : undefined,
    big ? ms(big.row.outcome) : 'size 200 not run',
  );
  check(
    `plan --json, 200 components <= ${TARGET.synthPlanMb} MB`,
    big ? !!bm && bm.rssMb <= TARGET.synthPlanMb : undefined,
    bm ? `${fmt(bm.rssMb)} MB` : 'size 200 not run',
  );
  check(
    `apply --all --yes, 200 components <= ${TARGET.applyMs} ms`,
    big && apply ? apply.ok && apply.m.median <= TARGET.applyMs : undefined,
    ms(apply),
  );
  check(
    'apply --all makes one commit per component',
    applyCommits ? applyCommits.made === applyCommits.expected : undefined,
    applyCommits
      ? `${applyCommits.made} component commits for ${applyCommits.expected} components`
      : 'not run',
  );
  check(
    `verify after apply, 200 components <= ${TARGET.verifyMs} ms`,
    verify ? verify.ok && verify.m.median <= TARGET.verifyMs : undefined,
    ms(verify),
  );
  check(`--help <= ${TARGET.helpMs} ms`, help?.ok ? help.m.median <= TARGET.helpMs : false, ms(help));
  const lm = lumiere?.outcome.ok ? lumiere.outcome.m : undefined;
  const ld = lumiere?.peers[0]?.outcome;
  check(
    'plan on a three-component repo faster than docker-compose config on one file',
    lm && ld?.ok ? lm.median < ld.m.median : undefined,
    lm && ld?.ok ? `${fmt(lm.median)} ms vs ${fmt(ld.m.median)} ms` : 'docker-compose absent or plan failed',
  );

  // Growth: from one size to the next, time may grow at most as much as the input does (services
  // for the synthetic repos, tracked files for the real trees).
  const growth: string[] = [];
  let linear: boolean | undefined = synth.length >= 2 ? true : undefined;
  const sorted = [...synth].sort((a, b) => a.services - b.services);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1];
    const b = sorted[i];
    if (!a?.row.outcome.ok || !b?.row.outcome.ok) continue;
    const sizeRatio = b.services / a.services;
    const timeRatio = b.row.outcome.m.median / a.row.outcome.m.median;
    growth.push(
      `${a.components}->${b.components} components: x${fmt(sizeRatio, 1)} size, x${fmt(timeRatio, 2)} time`,
    );
    if (timeRatio > sizeRatio * LINEAR_SLACK) linear = false;
  }
  check(
    'growth no worse than linear in services (10/100/200 components)',
    linear,
    growth.join('; ') || 'needs two sizes',
  );
  check(
    'every synthetic component is a compose component holding its own database and cache',
    synth.length === 0 ? undefined : shapeProblems.length === 0,
    shapeProblems.length === 0 ? `${synth.length} sizes` : shapeProblems.slice(0, 5).join('; '),
  );
  const realOk = real.filter((r) => r.row.outcome.ok).sort((a, b) => a.files - b.files);
  if (realOk.length >= 2) {
    const a = realOk[0]!;
    const b = realOk[realOk.length - 1]!;
    const sizeRatio = b.files / a.files;
    const ta = a.row.outcome.ok ? a.row.outcome.m.median : 0;
    const tb = b.row.outcome.ok ? b.row.outcome.m.median : 0;
    check(
      'growth no worse than linear in repository files (real trees)',
      tb / ta <= sizeRatio * LINEAR_SLACK,
      `${a.name} ${a.files} files ${fmt(ta)} ms -> ${b.name} ${b.files} files ${fmt(tb)} ms: x${fmt(sizeRatio, 2)} files, x${fmt(tb / ta, 2)} time`,
    );
  } else {
    check(
      'growth no worse than linear in repository files (real trees)',
      undefined,
      'needs two real trees that plan',
    );
  }
}

/**
 * The plan the timings are taken on must be the right plan: every component compose, with its own
 * database and cache (and its group's broker) in every environment.
 */
function checkShape(repo: GeneratedRepo, planArgs: string[]): string[] {
  const r = spawnSync(process.execPath, [CLI, ...planArgs], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: { ...process.env, NO_COLOR: '1' },
  });
  // Exit 3 is "decisions left" (the peer edges); anything else is a failure.
  if (r.status !== 0 && r.status !== 3)
    return [`plan exited ${r.status}: ${r.stderr.trim().split('\n')[0] ?? ''}`];
  const plan = JSON.parse(r.stdout) as {
    components: { name: string; kind: string; backing: Record<string, string[]> }[];
  };
  const problems: string[] = [];
  const byName = new Map(plan.components.map((c) => [c.name, c]));
  for (const name of repo.components) {
    const c = byName.get(name);
    if (!c) problems.push(`${name} is not a component`);
    else if (c.kind !== 'compose') problems.push(`${name} is ${c.kind}`);
    else
      for (const [env, list] of Object.entries(c.backing))
        for (const want of repo.expectedBacking[name] ?? [])
          if (!list.includes(want)) problems.push(`${name} lacks ${want} in ${env}`);
  }
  return problems;
}

main();
