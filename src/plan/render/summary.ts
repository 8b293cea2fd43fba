import type { Finding } from '../../analysis/types.js';
import type { PlanAdjustment } from '../../model.js';
import { relevantFindings } from '../../config/answers.js';
import type { Change, Plan } from '../types.js';
import { opColour, type Style } from './style.js';

export interface SummaryOptions {
  style: Style;
  /** Decisions whose default was taken without anyone choosing it (`--yes`), marked as such. */
  defaulted?: ReadonlySet<string>;
}

/** File lists longer than this are counted, not listed: the summary has to fit on one screen. */
const MAX_FILES = 6;
/** Components beyond this get one line each. */
const MAX_DETAILED = 8;
const MAX_WARNINGS = 4;

/**
 * What apply is about to do, short enough to read before answering: per component the files created,
 * modified and moved, the adjustments made to its services, and the decisions taken; then the
 * repository-wide changes and the warnings. The full plan and the diff are one command or key away.
 */
export function renderSummary(plan: Plan, opts: SummaryOptions): string {
  const s = opts.style;
  const out: string[] = [];
  const detailed = plan.selected.length <= MAX_DETAILED;
  const decisions = decisionsByComponent(plan);
  // Many components: those whose line reads the same are one line, so 200 components fit a screen.
  const groups = new Map<string, string[]>();
  for (const name of plan.selected) {
    const changes = plan.changes.filter((c) => c.component === name);
    const component = plan.components.find((c) => c.name === name);
    const adjustments = plan.adjustments.filter((a) => a.component === name);
    const envs = component ? Object.keys(component.backing).join(', ') : '';
    const line =
      changes.length === 0
        ? s.dim('already migrated: nothing to change')
        : `${component?.kind === 'host' ? 'host-only' : `compose${envs ? ` (${envs})` : ''}`}: ${counts(changes)}`;
    if (!detailed) {
      groups.set(line, [...(groups.get(line) ?? []), name]);
      continue;
    }
    out.push(`${s.bold(name)}  ${line}`);
    if (changes.length === 0) continue;
    out.push(...fileLines(changes, s));
    const adjusted = describeAdjustments(adjustments);
    if (adjusted) out.push(`  adjusted: ${adjusted}`);
    const decided = (decisions.get(name) ?? []).map((d) => decisionText(d, opts.defaulted));
    if (decided.length) out.push(`  decided:  ${decided.join('; ')}`);
  }
  for (const [line, names] of groups) out.push(groupLine(names, line, s));
  const shared = plan.changes.filter((c) => c.component === '');
  if (shared.length) {
    out.push(`${s.bold('repository')}: ${counts(shared)}`);
    if (detailed) out.push(...fileLines(shared, s));
  }
  const repoWide = (decisions.get('') ?? []).map((d) => decisionText(d, opts.defaulted));
  if (repoWide.length) out.push(`  decided:  ${repoWide.join('; ')}`);
  const warnings = plan.findings.filter(
    (f) => f.level === 'warning' && (f.component === undefined || plan.selected.includes(f.component)),
  );
  for (const w of warnings.slice(0, MAX_WARNINGS)) out.push(`${s.yellow('warning')} ${oneLine(w.message)}`);
  if (warnings.length > MAX_WARNINGS) out.push(s.dim(`... ${warnings.length - MAX_WARNINGS} more warnings`));
  const left = plan.references.filter((r) => r.action === 'report').length;
  if (left) out.push(`${left} reference${left === 1 ? '' : 's'} to root compose files left for you to edit`);
  const total = plan.changes.length;
  out.push(
    s.dim(
      `${total} change${total === 1 ? '' : 's'}; the full plan: compose-migrate plan ${plan.selected.length === plan.components.length ? '' : plan.selected.map((n) => `--component ${n} `).join('')}--diff`.replace(
        '  ',
        ' ',
      ),
    ),
  );
  return out.join('\n') + '\n';
}

/** "api  compose (dev): ..." for one; "12 components (api, billing, ... and 6 more)  compose (dev): ..." for many. */
function groupLine(names: string[], line: string, s: Style): string {
  if (names.length === 1) return `${s.bold(names[0] as string)}  ${line}`;
  const shown = names.slice(0, MAX_DETAILED).join(', ');
  const more = names.length > MAX_DETAILED ? ` and ${names.length - MAX_DETAILED} more` : '';
  return `${s.bold(`${names.length} components`)} (${shown}${more})  ${line}`;
}

function counts(changes: Change[]): string {
  const n = { create: 0, modify: 0, move: 0, delete: 0 };
  for (const c of changes) n[c.op]++;
  const parts = [`${n.create} created`, `${n.modify} modified`, `${n.move} moved`];
  if (n.delete) parts.push(`${n.delete} deleted`);
  return parts.join(', ');
}

const OP_MARK: Record<Change['op'], string> = { create: '+', modify: '~', move: '>', delete: '-' };

function fileLines(changes: Change[], s: Style): string[] {
  const shown = changes.slice(0, MAX_FILES).map((c) => {
    const mark = opColour(c.op, s)(OP_MARK[c.op]);
    return `  ${mark} ${c.path}${c.to ? ` -> ${c.to}` : ''}`;
  });
  if (changes.length > MAX_FILES) shown.push(s.dim(`  ... and ${changes.length - MAX_FILES} more`));
  return shown;
}

/** "2 container names scoped, host ports 5432->5434, 5433->5435, 1 volume pinned": one phrase per kind. */
export function describeAdjustments(list: PlanAdjustment[]): string {
  const parts: string[] = [];
  const of = (kind: PlanAdjustment['kind']) => list.filter((a) => a.kind === kind);
  const names = of('container-name');
  const dropped = names.filter((a) => a.after === '(none)').length;
  const scoped = names.length - dropped;
  if (scoped) parts.push(`${scoped} container name${scoped === 1 ? '' : 's'} scoped`);
  if (dropped) parts.push(`${dropped} container name${dropped === 1 ? '' : 's'} dropped`);
  const ports = of('host-port');
  if (ports.length)
    parts.push(
      `host port${ports.length === 1 ? '' : 's'} ${ports.map((p) => `${hostPort(p.before)}->${hostPort(p.after)}`).join(', ')}`,
    );
  const volumes = new Set(of('volume-name').map((v) => v.after));
  if (volumes.size) parts.push(`volume${volumes.size === 1 ? '' : 's'} pinned as ${[...volumes].join(', ')}`);
  const simple: [PlanAdjustment['kind'], string][] = [
    ['tmpfs-data', 'test data on tmpfs'],
    ['healthcheck', 'healthchecks added'],
    ['depends-on-healthy', 'depends_on waits for healthy'],
    ['profiles-dropped', 'profiles dropped'],
  ];
  for (const [kind, text] of simple) {
    const n = of(kind).length;
    if (n) parts.push(`${text} (${n})`);
  }
  return parts.join(', ');
}

/** "5434:5432" -> "5434", "${PG_PORT:-5432}:5432" -> "${PG_PORT:-5432}": the published side only. */
export function hostPort(spec: string): string {
  let depth = 0;
  let last = -1;
  for (let i = 0; i < spec.length; i++) {
    if (spec.startsWith('${', i)) depth++;
    else if (spec[i] === '}' && depth > 0) depth--;
    else if (spec[i] === ':' && depth === 0) last = i;
  }
  return last > 0 ? spec.slice(0, last) : spec;
}

interface Taken {
  key: string;
  answer: string;
  id: string;
}

/** Each decision's config key and answer once, per component ("" for repository-wide ones). */
function decisionsByComponent(plan: Plan): Map<string, Taken[]> {
  const out = new Map<string, Taken[]>();
  const seen = new Set<string>();
  for (const f of relevantFindings(plan.findings, plan.selected) as Finding[]) {
    const d = f.decision;
    if (!d || d.answer === undefined) continue;
    const key = d.kind === 'peer' ? `pull ${d.service ?? ''}` : d.configKey;
    const owner = f.component ?? '';
    if (seen.has(`${owner}\0${key}`)) continue;
    seen.add(`${owner}\0${key}`);
    const list = out.get(owner) ?? [];
    list.push({ key, answer: d.answer, id: d.id });
    out.set(owner, list);
  }
  return out;
}

function decisionText(d: Taken, defaulted: ReadonlySet<string> | undefined): string {
  return `${d.key} = ${d.answer}${defaulted?.has(d.id) ? ' (default, --yes)' : ''}`;
}

function oneLine(text: string): string {
  const first = text.split('\n')[0] ?? '';
  return first.length > 160 ? `${first.slice(0, 157)}...` : first;
}
