import type { Finding } from '../../analysis/types.js';
import type { Plan } from '../types.js';
import { toPlanJson, type PlanJson } from './json.js';
import { colorDiff, opColour, type Style } from './style.js';

export interface TextOptions {
  style: Style;
  /** Include unified diffs of every change. */
  diffs: boolean;
  verbose?: boolean;
}

/** The human plan: components table, findings, changes (with diffs), totals. */
export function renderText(plan: Plan, opts: TextOptions): string {
  return renderPlanJsonText(toPlanJson(plan, { diffs: opts.diffs }), opts);
}

/**
 * The same text from the JSON document, so that a plan saved with `plan --out` prints (`show`) exactly
 * as it did when it was made. Diffs are shown when asked and the document holds them.
 */
export function renderPlanJsonText(plan: PlanJson, opts: TextOptions): string {
  const s = opts.style;
  const out: string[] = [];
  out.push(s.bold('Environments'));
  for (const e of plan.environments) {
    out.push(`  ${e.name.padEnd(8)} ${e.files.join(' + ')}`);
    for (const why of e.evidence) out.push(s.dim(`           ${why}`));
  }
  if (plan.env) out.push(`  ${'.env'.padEnd(8)} ${envLine(plan.env)}`);
  out.push('');
  out.push(s.bold('Components'));
  out.push(
    table([
      ['NAME', 'KIND', 'SERVICES', 'DEPENDS ON', 'WHY'],
      ...plan.components.map((c) => {
        return [c.name, c.kind, c.services.join(', ') || '-', dependencySummary(c) || '-', why(c)];
      }),
    ]),
  );
  if (opts.verbose) {
    out.push('');
    out.push(s.bold('Why'));
    for (const c of plan.components) {
      out.push(`  ${c.name}:`);
      for (const r of c.reasons) out.push(`    - ${r}`);
    }
    out.push(s.bold('Services'));
    for (const a of plan.attributions) out.push(`  ${a.service}: ${a.component ?? a.role} — ${a.reason}`);
  }
  const notCarried = plan.findings.filter((f) => f.code === 'not-carried');
  const others = plan.findings.filter((f) => f.code !== 'not-carried');
  if (others.length) {
    out.push('');
    out.push(s.bold('Findings'));
    for (const f of others) out.push(`  ${levelTag(f, s)} ${where(f)}${f.message} ${s.dim(`[${f.code}]`)}`);
  }
  if (notCarried.length) {
    // Its own heading: what the migration leaves behind must not drown among the notes.
    out.push('');
    out.push(s.bold('Not carried'));
    out.push(...notCarriedLines(notCarried));
  }
  if (plan.adjustments.length) {
    out.push('');
    out.push(s.bold('Adjustments'));
    out.push(...adjustmentLines(plan.adjustments, s));
  }
  out.push('');
  out.push(s.bold('Changes'));
  if (plan.changes.length === 0)
    out.push('  nothing to change: the selected components are already migrated');
  for (const c of plan.changes) {
    const op = opColour(c.op, s)(c.op.padEnd(6));
    out.push(`  ${op} ${c.path}${c.to ? ` -> ${c.to}` : ''}  ${s.dim(c.reason)}`);
  }
  if (plan.codemods && plan.codemods.files.length > 0) {
    out.push('');
    out.push(s.bold('Codemods'));
    for (const o of plan.codemods.files) {
      const tag =
        o.status === 'ok'
          ? s.green('ok      ')
          : o.status === 'nochange'
            ? s.dim('nochange')
            : o.status === 'skip'
              ? s.yellow('skip    ')
              : s.red('error   ');
      out.push(`  ${tag} ${o.file} ${s.dim(`(${o.transform})`)}${o.why ? `: ${o.why}` : ''}`);
    }
    const c = plan.codemods.summary;
    out.push(`  Results: ${c.ok} ok, ${c.nochange} nochange, ${c.skip} skip, ${c.error} error`);
  }
  if (plan.references.some((r) => r.action === 'report')) {
    out.push('');
    out.push(s.bold('References left to you'));
    for (const r of plan.references.filter((x) => x.action === 'report'))
      out.push(`  ${r.file}:${r.line}: ${r.text.trim()}${r.note ? s.dim(`  (${r.note})`) : ''}`);
  }
  if (opts.diffs && plan.changes.some((c) => c.diff !== undefined)) {
    out.push('');
    out.push(s.bold('Diff'));
    for (const c of plan.changes) if (c.diff !== undefined) out.push(colorDiff(c.diff, s));
  }
  const t = plan.totals;
  out.push('');
  out.push(
    s.bold('Totals: ') +
      `${t.components} components (${t.compose} compose, ${t.host} host), ${t.services} services; ` +
      `${t.changes.create} to create, ${t.changes.modify} to modify, ${t.changes.move} to move, ${t.changes.delete} to delete; ` +
      `${t.findings.decision} decisions, ${t.findings.warning} warnings, ${t.findings.info} notes`,
  );
  return out.join('\n') + '\n';
}

/**
 * One line for the table: what each environment needs and why each is there ("dev, test: api-db
 * (database named for it), redis (api depends_on)"), or why it runs on the host (--verbose has every
 * reason).
 */
function why(c: PlanJson['components'][number]): string {
  if (c.kind === 'host') return c.reasons[c.reasons.length - 1] ?? '';
  const describe = (s: string) => (c.backingWhy?.[s] ? `${s} (${c.backingWhy[s]})` : s);
  const byList = new Map<string, string[]>();
  for (const [env, list] of Object.entries(c.backing)) {
    if (list.length === 0) continue;
    const key = list.map(describe).join(', ');
    byList.set(key, [...(byList.get(key) ?? []), env]);
  }
  const parts = [...byList].map(([list, envs]) => `${envs.join(', ')}: ${list}`);
  const peers = [...new Set(Object.values(c.peers).flat())].sort();
  // A peer with a why came in by a rule (an optional tool of the stack); the others by choice.
  const chosen = peers.filter((p) => !c.backingWhy?.[p]);
  const ruled = peers.filter((p) => c.backingWhy?.[p]);
  if (chosen.length) parts.push(`peers pulled in by choice: ${chosen.join(', ')}`);
  if (ruled.length) parts.push(`carries ${ruled.map(describe).join(', ')}`);
  return parts.length ? `needs ${parts.join('; ')}` : (c.reasons[c.reasons.length - 1] ?? '');
}

/** "postgres, redis (backing); pourtier (peer)": one mention per service, grouped by role. */
function dependencySummary(c: PlanJson['components'][number]): string {
  const byRole = new Map<string, Set<string>>();
  for (const e of c.dependsOn) {
    if (e.role === 'own') continue;
    const set = byRole.get(e.role) ?? new Set<string>();
    set.add(e.service);
    byRole.set(e.role, set);
  }
  return [...byRole].map(([role, set]) => `${[...set].sort().join(', ')} (${role})`).join('; ');
}

type PlanEnv = NonNullable<PlanJson['env']>;
const SOURCE: Record<PlanEnv['read'][number]['source'], string> = {
  committed: 'committed',
  local: 'local, not committed',
  example: 'committed example',
};

/** "read .env (local, not committed; 7 variables), .env.example (committed example; 7 variables)". */
function envLine(env: PlanEnv): string {
  if (env.read.length === 0) return `no ${env.file} and no committed example: variables come from the shell`;
  const read = env.read.map(
    (r) => `${r.path} (${SOURCE[r.source]}; ${r.variables} variable${r.variables === 1 ? '' : 's'})`,
  );
  const absent = env.read.some((r) => r.path === env.file)
    ? ''
    : `; no ${env.file}: the example's values stand in`;
  return `read ${read.join(', ')}${absent}`;
}

/** Group items by a key, keeping first-seen order. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.values()];
}

const uniq = (list: (string | undefined)[]): string[] => [
  ...new Set(list.filter((x): x is string => x !== undefined)),
];

/** Names beyond this many are counted: one line per loss must stay one line for 200 components. */
const MAX_NAMES = 12;
function names(list: string[]): string {
  return list.length <= MAX_NAMES
    ? list.join(', ')
    : `${list.slice(0, MAX_NAMES).join(', ')} and ${list.length - MAX_NAMES} more`;
}

/** "docker-compose.yml:63,88 docker-compose.dev.yml:5": the places of a group, by file. */
function places(findings: Finding[]): string {
  return groupBy(
    findings.filter((f) => f.file !== undefined),
    (f) => f.file ?? '',
  )
    .map((g) => {
      const lines = [...new Set(g.flatMap((f) => (f.line ? [f.line] : [])))].sort((a, b) => a - b);
      return `${g[0]?.file ?? ''}${lines.length ? `:${lines.join(',')}` : ''}`;
    })
    .join(' ');
}

/**
 * The "Not carried" section: a service left out of every file once per place and reason, with its
 * environments; a key dropped from many services for one reason (8 services losing depends_on.config
 * to a service on the host) as one line naming them all.
 */
function notCarriedLines(findings: Finding[]): string[] {
  const out: string[] = [];
  const whole = findings.filter((f) => f.key === undefined);
  for (const g of groupBy(
    whole,
    (f) => `${f.file ?? ''}\0${f.line ?? ''}\0${f.service ?? ''}\0${f.reason ?? f.message}`,
  )) {
    const first = g[0] as Finding;
    if (g.length === 1 || first.reason === undefined) {
      for (const f of g) out.push(`  ${where(f)}${f.message}`);
      continue;
    }
    out.push(
      `  ${where(first)}${first.service ?? '?'} (${uniq(g.map((f) => f.env)).join(', ')}) is in no generated file: ${first.reason}`,
    );
  }
  const keys = findings.filter((f) => f.key !== undefined);
  for (const g of groupBy(keys, (f) => `${f.key ?? ''}\0${f.reason ?? f.message}`)) {
    const first = g[0] as Finding;
    if (g.length === 1 || first.reason === undefined) {
      for (const f of g) out.push(`  ${where(f)}${f.message}`);
      continue;
    }
    const services = uniq(g.map((f) => f.service));
    const components = uniq(g.map((f) => f.component));
    const files = components.join() === services.join() ? '' : ` in the files of ${names(components)}`;
    out.push(
      `  ${places(g)}: ${first.key ?? ''} dropped from ${names(services)} (${uniq(g.map((f) => f.env)).join(', ')})${files}: ${first.reason}`,
    );
  }
  return out;
}

/**
 * The "Adjustments" section: per component, one line per service and changed key with the value
 * before and after, environments that make the same change folded into one line.
 */
function adjustmentLines(list: PlanJson['adjustments'], s: Style): string[] {
  const out: string[] = [];
  for (const byComponent of groupBy(list, (a) => a.component)) {
    out.push(`  ${s.bold(byComponent[0]?.component ?? '')}`);
    for (const g of groupBy(byComponent, (a) => `${a.service ?? ''}\0${a.key}\0${a.before}\0${a.after}`)) {
      const a = g[0] as PlanJson['adjustments'][number];
      const envs = uniq(g.map((x) => x.env)).join(', ');
      out.push(`    ${a.service ?? 'top level'} (${envs}): ${a.key}: ${a.before} -> ${a.after}`);
    }
  }
  return out;
}

function levelTag(f: Finding, s: Style): string {
  if (f.level === 'decision') return s.magenta('decision');
  if (f.level === 'warning') return s.yellow('warning ');
  return s.blue('info    ');
}

function where(f: Finding): string {
  if (!f.file) return '';
  return `${f.file}${f.line ? `:${f.line}` : ''}: `;
}

function table(rows: string[][]): string {
  const widths =
    rows[0]?.map((_, i) => Math.min(40, Math.max(...rows.map((r) => (r[i] ?? '').length)))) ?? [];
  return rows
    .map(
      (r) => '  ' + r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '),
    )
    .join('\n');
}
