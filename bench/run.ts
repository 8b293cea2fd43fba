/**
 * `npm run bench`: times the built CLI against the SPEC's speed targets on synthetic monorepos of
 * 10, 100 and 200 components (5 services each) and on the lumiere fixture, with docker-compose 1.29
 * `config` on the same files for comparison. Always exits 0; a missed target is printed as MISSED.
 *
 * Flags: --runs N (default 5), --sizes 10,100,200, --keep (leave the generated repos in place).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateMonorepo, type GeneratedRepo } from './generate.js';

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const LUMIERE = fileURLToPath(new URL('../../fixtures/lumiere/', import.meta.url));
const DOCKER_COMPOSE = '/usr/bin/docker-compose';
const GNU_TIME = '/usr/bin/time';

const TARGET_HELP_MS = 150;
const TARGET_PLAN_MS = 1500;
const TARGET_PLAN_MB = 300;
/** Doubling the repo may at most double the time; a little slack for timer noise. */
const LINEAR_SLACK = 1.15;
/** The cost of each added service may vary between steps (timer noise, GC), but not by half again. */
const MARGINAL_SLACK = 1.5;

interface Args {
  runs: number;
  sizes: number[];
  keep: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { runs: 5, sizes: [10, 100, 200], keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') args.runs = Math.max(1, Number(argv[++i] ?? 5));
    else if (a === '--sizes')
      args.sizes = (argv[++i] ?? '')
        .split(',')
        .map(Number)
        .filter((n) => n > 0);
    else if (a === '--keep') args.keep = true;
  }
  return args;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

interface Timed {
  ms: number;
  status: number | null;
  stderr: string;
}

/** One child run, stdout to /dev/null so terminal speed is not measured. */
function timeOnce(cmd: string, args: string[], cwd?: string): Timed {
  const devNull = openSync('/dev/null', 'w');
  try {
    const start = process.hrtime.bigint();
    const r = spawnSync(cmd, args, {
      cwd,
      stdio: ['ignore', devNull, 'pipe'],
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    return { ms, status: r.status, stderr: r.stderr ?? '' };
  } finally {
    closeSync(devNull);
  }
}

/** Median of `runs` timed runs after one warm-up (page cache, compile cache); throws when the command fails. */
interface Timing {
  median: number;
  /** The fastest run: the one least disturbed by other load on the machine. */
  min: number;
}

function medianMs(cmd: string, args: string[], runs: number, cwd?: string): number {
  return timings(cmd, args, runs, cwd).median;
}

function timings(cmd: string, args: string[], runs: number, cwd?: string): Timing {
  const warm = timeOnce(cmd, args, cwd);
  if (warm.status !== 0)
    throw new Error(
      `${cmd} ${args.join(' ')} exited ${warm.status}: ${warm.stderr.trim().split('\n')[0] ?? ''}`,
    );
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(timeOnce(cmd, args, cwd).ms);
  return { median: median(times), min: Math.min(...times) };
}

/** Wraps the CLI in-process to read its max RSS when GNU time is absent. */
const RSS_WRAPPER = `
const [cli, ...rest] = process.argv.slice(2);
process.argv = [process.argv[0], cli, ...rest];
process.on('exit', () => { const u = process.resourceUsage(); process.stderr.write('\\nMAXRSS_KB=' + u.maxRSS + ' CPU_S=' + (u.userCPUTime + u.systemCPUTime) / 1e6 + '\\n'); });
await import(cli);
`;

/** Peak resident memory (MB) and CPU time (user + system, ms) of one plan run: CPU time is less disturbed by other load than wall time. */
function peakRssMb(args: string[]): { rssMb: number; cpuMs: number } {
  const devNull = openSync('/dev/null', 'w');
  try {
    if (existsSync(GNU_TIME)) {
      const r = spawnSync(GNU_TIME, ['-f', 'MAXRSS_KB=%M CPU_S=%U+%S', process.execPath, CLI, ...args], {
        stdio: ['ignore', devNull, 'pipe'],
        encoding: 'utf8',
      });
      return usageFrom(r.stderr);
    }
    const wrapper = join(mkdtempSync(join(tmpdir(), 'cm-rss-')), 'rss.mjs');
    writeFileSync(wrapper, RSS_WRAPPER);
    const r = spawnSync(process.execPath, [wrapper, CLI, ...args], {
      stdio: ['ignore', devNull, 'pipe'],
      encoding: 'utf8',
    });
    return usageFrom(r.stderr);
  } finally {
    closeSync(devNull);
  }
}

function usageFrom(stderr: string): { rssMb: number; cpuMs: number } {
  const rss = /MAXRSS_KB=(\d+)/.exec(stderr);
  const cpu = /CPU_S=([\d.]+)(?:\+([\d.]+))?/.exec(stderr);
  return {
    rssMb: rss ? Number(rss[1]) / 1024 : Number.NaN,
    cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2] ?? 0)) * 1000 : Number.NaN,
  };
}

interface Row {
  label: string;
  services: number;
  planMs: number;
  planMinMs: number;
  cpuMs: number;
  rssMb: number;
  composeMs: number | undefined;
}

const fmt = (n: number | undefined, digits = 0): string =>
  n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits);
const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const haveCompose = existsSync(DOCKER_COMPOSE);
  const runs = args.runs;
  if (!existsSync(CLI)) {
    process.stderr.write(`bench: ${CLI} is missing; run npm run build first\n`);
    return;
  }

  process.stdout.write(
    `compose-migrate bench: node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ` +
      `${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM (${(freemem() / 2 ** 30).toFixed(1)} free), ${new Date().toISOString()}\n`,
  );
  process.stdout.write(`median of ${runs} runs after one warm-up; stdout to /dev/null\n`);
  const load = loadavg()[0] ?? 0;
  process.stdout.write(
    `load average ${load.toFixed(2)} at start${load > cpus().length / 2 ? ' (busy machine: expect noisy timings; compare the min column)' : ''}\n\n`,
  );

  const helpMs = medianMs(process.execPath, [CLI, '--help'], runs);

  const work = mkdtempSync(join(tmpdir(), 'cm-bench-'));
  const rows: Row[] = [];
  const shapeProblems: string[] = [];
  try {
    for (const size of args.sizes) {
      const repo = generateMonorepo(join(work, `mono-${size}`), { components: size });
      const planArgs = ['plan', '-C', repo.root, '--json'];
      shapeProblems.push(...checkShape(repo, planArgs));
      const { median: planMs, min: planMinMs } = timings(process.execPath, [CLI, ...planArgs], runs);
      const { rssMb, cpuMs } = peakRssMb(planArgs);
      // docker-compose on the dev environment (base + dev layer): what a developer would run.
      const composeMs = haveCompose
        ? medianMs(
            DOCKER_COMPOSE,
            ['-f', repo.files.base, '-f', repo.files.dev, 'config'],
            Math.min(runs, 3),
            repo.root,
          )
        : undefined;
      rows.push({
        label: `${size} components`,
        services: repo.serviceCount,
        planMs,
        planMinMs,
        cpuMs,
        rssMb,
        composeMs,
      });
      process.stdout.write(`  measured ${size} components\n`);
    }

    const { median: lumierePlanMs, min: lumiereMinMs } = timings(
      process.execPath,
      [CLI, 'plan', '-C', LUMIERE, '--json'],
      runs,
    );
    const lumiereUsage = peakRssMb(['plan', '-C', LUMIERE, '--json']);
    const lumiereComposeMs = haveCompose
      ? medianMs(DOCKER_COMPOSE, ['-f', 'docker-compose.development.yaml', 'config'], runs, LUMIERE)
      : undefined;
    rows.push({
      label: 'lumiere fixture',
      services: 0,
      planMs: lumierePlanMs,
      planMinMs: lumiereMinMs,
      rssMb: lumiereUsage.rssMb,
      cpuMs: lumiereUsage.cpuMs,
      composeMs: lumiereComposeMs,
    });

    process.stdout.write('\n');
    const header = ['repo', 'services', 'plan ms', 'min ms', 'cpu ms', 'peak MB', 'dc config ms', 'plan/dc'];
    const table = rows.map((r) => [
      r.label,
      r.services ? String(r.services) : '-',
      fmt(r.planMs),
      fmt(r.planMinMs),
      fmt(r.cpuMs),
      fmt(r.rssMb),
      fmt(r.composeMs),
      r.composeMs ? fmt(r.planMs / r.composeMs, 2) : '-',
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] ?? '').length)));
    const line = (cells: string[]): string =>
      cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
    process.stdout.write(
      `${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}\n${table.map(line).join('\n')}\n`,
    );
    process.stdout.write(`--help: ${fmt(helpMs)} ms\n`);
    if (!haveCompose)
      process.stdout.write(`(docker-compose not found at ${DOCKER_COMPOSE}: comparison columns skipped)\n`);

    process.stdout.write('\nSPEC targets\n');
    const check = (name: string, ok: boolean | undefined, detail: string): void => {
      process.stdout.write(`  ${ok === undefined ? 'n/a   ' : verdict(ok).padEnd(6)}  ${name}: ${detail}\n`);
    };
    check('--help <= 150 ms', helpMs <= TARGET_HELP_MS, `${fmt(helpMs)} ms`);
    const big = rows.find((r) => r.label === '200 components');
    check(
      'plan 200 comps / 1,000 services <= 1.5 s',
      big ? big.planMs <= TARGET_PLAN_MS : undefined,
      big ? `${fmt(big.planMs)} ms` : 'size 200 not run',
    );
    check(
      'plan 200 comps <= 300 MB peak',
      big ? big.rssMb <= TARGET_PLAN_MB : undefined,
      big ? `${fmt(big.rssMb)} MB` : 'size 200 not run',
    );
    check(
      'plan on 3-component repo faster than docker-compose config on one file',
      lumiereComposeMs === undefined ? undefined : lumierePlanMs < lumiereComposeMs,
      lumiereComposeMs === undefined
        ? 'docker-compose absent'
        : `${fmt(lumierePlanMs)} ms vs ${fmt(lumiereComposeMs)} ms`,
    );
    const synthetic = rows.filter((r) => r.services > 0).sort((a, b) => a.services - b.services);
    const growth: string[] = [];
    let linear: boolean | undefined = synthetic.length >= 2 ? true : undefined;
    // Start-up cost hides growth at small sizes, so besides the plain ratio the cost per added
    // service (ms between two sizes / services added) must not climb from one step to the next.
    let previousMarginal: number | undefined;
    for (let i = 1; i < synthetic.length; i++) {
      const a = synthetic[i - 1];
      const b = synthetic[i];
      if (!a || !b) continue;
      const sizeRatio = b.services / a.services;
      const timeRatio = b.planMs / a.planMs;
      const marginal = (b.planMs - a.planMs) / (b.services - a.services);
      growth.push(
        `x${fmt(sizeRatio, 1)} size -> x${fmt(timeRatio, 2)} time (${fmt(marginal, 2)} ms per added service)`,
      );
      if (timeRatio > sizeRatio * LINEAR_SLACK) linear = false;
      if (previousMarginal !== undefined && marginal > previousMarginal * MARGINAL_SLACK) linear = false;
      previousMarginal = marginal;
    }
    check('growth no worse than linear', linear, growth.join(', ') || 'needs two sizes');
    check(
      'every synthetic component is a compose component holding its own database and cache',
      shapeProblems.length === 0,
      shapeProblems.length === 0 ? 'all sizes' : shapeProblems.slice(0, 5).join('; '),
    );
  } finally {
    if (args.keep) process.stdout.write(`\nrepos kept in ${work}\n`);
    else rmSync(work, { recursive: true, force: true });
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
