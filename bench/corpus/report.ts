/**
 * The corpus run as Markdown: one overview row per repository, then per repository its generated
 * files with the referee's verdicts, what it left open, and what it lost. Markdown reads well both
 * in a terminal and in docs/corpus.md.
 */
import type { FileOutcome, RepoOutcome, StepOutcome } from './repo-run.js';
import { STEPS } from './repo-run.js';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const row = (cells: string[]): string => `| ${cells.map(cell).join(' | ')} |`;
const table = (head: string[], rows: string[][]): string =>
  [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');
const secs = (ms: number | undefined): string => (ms === undefined ? '-' : (ms / 1000).toFixed(1));

function stepCell(s: StepOutcome | undefined): string {
  if (!s) return 'not run';
  if (s.crash) return `CRASH (${s.crash})`;
  return s.status === 0 ? 'ok' : `exit ${s.status ?? '?'}`;
}

/** The referee's verdict on one generated file: accepted, rejected, or rejected like its original. */
export function refereeCell(f: FileOutcome): string {
  const notes = f.referee.notes.length
    ? ` (1.29 variant: ${f.referee.notes.length} change(s), see notes)`
    : '';
  if (f.referee.ok) return `accepted${notes}`;
  return f.rootRejected
    ? `rejected, as is the root environment it comes from: ${f.referee.error ?? ''}`
    : `REJECTED: ${f.referee.error ?? ''}`;
}

function verifyCell(f: FileOutcome): string {
  if (f.verify === undefined || f.verify === 'absent') return 'not reported';
  if (f.verify.error !== undefined) return `error: ${f.verify.error}`;
  if (f.verify.differences === 0) return 'equal';
  const reported = f.verify.reported ?? 0;
  return `differs: ${f.verify.paths.join(', ')}${reported ? ` (${reported} reported by the plan)` : ''}`;
}

function meaningCell(f: FileOutcome): string {
  if (!f.meaning) return f.referee.ok ? 'n/a (root environment not read by the referee)' : 'n/a';
  const m = f.meaning;
  const parts: string[] = [];
  if (m.differences.length) parts.push(`differs: ${m.differences.join(', ')}`);
  else parts.push('equal');
  if (m.intentional.length) parts.push(`adjusted: ${m.intentional.join(', ')}`);
  if (m.unmatched.length) parts.push(`not in root env: ${m.unmatched.join(', ')}`);
  return parts.join('; ');
}

/**
 * Whether verify and the referee give the same verdict on a file: equal, or differs (a difference
 * the plan reported counts, as the referee sees it too). A file verify could not compare (compose
 * refuses it) has no verdict to compare.
 */
export function agreement(f: FileOutcome): 'agree' | 'DISAGREE' | 'n/a' {
  if (!f.meaning || f.verify === undefined || f.verify === 'absent' || f.verify.error !== undefined)
    return 'n/a';
  const refereeEqual = f.meaning.differences.length === 0 && f.meaning.unmatched.length === 0;
  const verifyEqual = f.verify.differences === 0;
  return refereeEqual === verifyEqual ? 'agree' : 'DISAGREE';
}

export function conservationCell(r: RepoOutcome): string {
  const c = r.conservation;
  if (!c) {
    if (r.steps.apply?.status === 3) return 'n/a (apply stopped for a decision)';
    return r.plan ? 'n/a (apply did not run)' : 'n/a (no plan)';
  }
  return `${c.lost.length} lost / ${c.accounted.length} accounted (${c.carried.length} of ${c.root.length} carried)`;
}

function codemodCell(c: { ok: number; nochange: number; skip: number; error: number }): string {
  return `${c.ok} / ${c.nochange} / ${c.skip} / ${c.error}`;
}

function overviewRow(r: RepoOutcome): string[] {
  const p = r.plan;
  const files = r.files;
  const accepted = files.filter((f) => f.referee.ok).length;
  const agree = files.filter((f) => agreement(f) === 'agree').length;
  const disagree = files.filter((f) => agreement(f) === 'DISAGREE').length;
  const services = new Set(files.flatMap((f) => f.services));
  const times = STEPS.map((s) => secs(r.steps[s]?.ms)).join(' / ');
  return [
    r.name,
    r.stopped ? `stopped: ${r.stopped}` : stepCell(r.steps.plan),
    p ? `${p.components.compose} / ${p.components.host}` : '-',
    p ? p.environments.map((e) => e.name).join(', ') || '-' : '-',
    p ? `${p.decisionsOpen.length} (+${p.decisionsDefaulted} defaulted)` : '-',
    r.steps.apply?.status === 3 ? 'exit 3 (decision)' : stepCell(r.steps.apply),
    files.length ? `${services.size} in ${files.length} file(s)` : '0',
    files.length ? `${accepted}/${files.length} accepted` : '-',
    files.length ? `${agree} agree, ${disagree} disagree` : '-',
    p ? `${p.references.rewritten} / ${p.references.reported}` : '-',
    p?.codemods ? codemodCell(p.codemods) : '-',
    conservationCell(r),
    r.rollback ? (r.rollback.equal ? 'equal' : `DIFFERS (${r.rollback.differences.length} paths)`) : '-',
    `${times} (${secs(r.totalMs)})`,
  ];
}

const OVERVIEW_HEAD = [
  'repo',
  'plan',
  'components compose / host',
  'environments',
  'decisions open',
  'apply',
  'services carried',
  'referee',
  'verify vs referee',
  'references rewritten / reported',
  'codemods ok / nochange / skip / error',
  'conservation',
  'rollback tree',
  's: plan / apply / verify / status / rollback (repo total)',
];

const list = (items: string[], max = 12): string =>
  items.length <= max
    ? items.join(', ')
    : `${items.slice(0, max).join(', ')}, ... (${items.length - max} more)`;

function repoSection(r: RepoOutcome): string {
  const lines: string[] = [`### ${r.name}`, ''];
  if (r.stopped) lines.push(`Stopped: ${r.stopped}`, '');
  if (r.answered)
    lines.push(
      `- answered before the run (first choice of each decision without a safe default): ${r.answered.length ? list(r.answered.map((a) => `\`${a}\``)) : 'nothing to answer'}`,
    );
  for (const s of STEPS) {
    const o = r.steps[s];
    if (o && (o.status !== 0 || o.crash))
      lines.push(
        `- \`${s}\`: ${o.crash ? `CRASH (${o.crash}); ` : ''}exit ${o.status ?? '?'}: ${o.message ?? ''}`,
      );
  }
  const p = r.plan;
  if (p) {
    lines.push(`- components: ${p.components.names.join(', ') || 'none'}`);
    lines.push(
      `- environments: ${p.environments.map((e) => `${e.name} = ${e.files.join(' + ')}`).join('; ') || 'none'}`,
    );
    if (p.decisionsOpen.length)
      lines.push(`- decisions open (config keys): ${list(p.decisionsOpen.map((d) => `\`${d.configKey}\``))}`);
    lines.push(`- \`not-carried\` findings in the plan: ${p.notCarriedFindings}`);
  }
  if (r.dotEnv !== undefined)
    lines.push(
      `- plan with a local .env made from .env.example: ${r.dotEnv === 'same' ? 'the same plan' : `differs: ${r.dotEnv}`}`,
    );
  if (r.applyDecisionKeys.length)
    lines.push(`- apply exit 3 names: ${list(r.applyDecisionKeys.map((k) => `\`${k}\``))}`);
  const c = r.conservation;
  if (c) {
    lines.push(`- conservation: ${conservationCell(r)}`);
    if (c.lost.length)
      lines.push(`  - lost (no generated file, no \`not-carried\` finding): ${list(c.lost, 20)}`);
    if (c.extra.length) lines.push(`  - generated with no root counterpart: ${list(c.extra, 20)}`);
  }
  for (const n of r.conservationNotes) lines.push(`- note: ${n}`);
  if (r.rollback && !r.rollback.equal) lines.push(`- rollback left: ${list(r.rollback.differences, 20)}`);
  lines.push('');
  if (r.files.length) {
    lines.push(
      table(
        [
          'generated file',
          'env',
          'services',
          '--env-file',
          'referee',
          'verify',
          'referee meaning vs root',
          'agree',
        ],
        r.files.map((f) => [
          f.path,
          f.env,
          f.services.join(', ') || '-',
          f.envFile ?? '-',
          refereeCell(f),
          verifyCell(f),
          meaningCell(f),
          agreement(f),
        ]),
      ),
      '',
    );
    const notes = [...new Set(r.files.flatMap((f) => f.referee.notes))];
    for (const n of notes) lines.push(`- 1.29 variant: ${n}`);
    if (notes.length) lines.push('');
  }
  return lines.join('\n');
}

export function renderReport(
  results: RepoOutcome[],
  meta: { date: string; wallMs: number; cpuMs: number; jobs: number; load: number; cpus: number },
): string {
  return [
    `Run ${meta.date}: ${results.length} repositories, ${meta.jobs} at a time, ${secs(meta.wallMs)} s wall time, ` +
      `${secs(meta.cpuMs)} s CPU (this process and its children); load average ${meta.load.toFixed(1)} on ${meta.cpus} CPUs at the start.`,
    '',
    table(OVERVIEW_HEAD, results.map(overviewRow)),
    '',
    ...results.map(repoSection),
  ].join('\n');
}
