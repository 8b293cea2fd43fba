import type { Decision, Finding } from '../analysis/types.js';
import {
  answersToEdits,
  applyEdits,
  howToAnswer,
  openDecisions,
  questionKey,
  relevantFindings,
  type Answer,
  type AnswerFlags,
} from '../config/answers.js';
import type { MigrateConfig } from '../config/types.js';
import { MigrateError } from '../errors.js';
import type { Plan } from '../plan/types.js';
import type { Io } from './context.js';
import { choose, confirm } from './prompt.js';

/** Open decisions that bear on this plan's components, each with the finding that explains it. */
export function openFindings(
  plan: Plan,
  config: MigrateConfig,
  flags: AnswerFlags,
): { decision: Decision; finding: Finding }[] {
  const relevant = relevantFindings(plan.findings, plan.selected);
  const open = new Set(openDecisions(relevant, config, flags).map((d) => d.id));
  const out: { decision: Decision; finding: Finding }[] = [];
  for (const f of relevant) {
    if (f.decision && open.has(f.decision.id)) {
      open.delete(f.decision.id);
      out.push({ decision: f.decision, finding: f });
    }
  }
  return out;
}

/** Decisions grouped by the question that answers them (all port collisions share `ports`). */
function groupByQuestion<T extends { decision: Decision }>(items: T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = questionKey(item.decision);
    const list = groups.get(key) ?? [];
    list.push(item);
    groups.set(key, list);
  }
  return [...groups.values()];
}

/** The decisions no default can settle: apply stops (exit 3) and says which config keys answer them. */
export function needAnswerError(items: { decision: Decision }[], configPath: string): MigrateError {
  const n = items.length;
  const lines = items.map(({ decision }) => `  ${decision.question} Answer with ${howToAnswer(decision)}`);
  return new MigrateError(
    'usage',
    `${n} decision${n === 1 ? '' : 's'} need${n === 1 ? 's' : ''} an answer and ${n === 1 ? 'has' : 'have'} no safe default; answer in ${configPath}:\n${lines.join('\n')}`,
    undefined,
    3,
  );
}

/** What --yes would take, one line per question, for the message of a refused non-interactive apply. */
export function defaultsTaken(items: { decision: Decision }[]): string[] {
  return groupByQuestion(items).map((group) => {
    const d = (group[0] as { decision: Decision }).decision;
    const subject = d.kind === 'peer' ? `${d.service ?? ''} into ${d.configPath[1] ?? ''}` : d.configKey;
    const count = group.length > 1 ? ` (${group.length} findings)` : '';
    return `  ${subject}: ${d.default ?? '?'}${count}; answer with ${howToAnswer(d)}`;
  });
}

export interface Asked {
  plan: Plan;
  config: MigrateConfig;
  answers: Answer[];
}

/**
 * Asks every open decision on the terminal, the plan's default preselected, and rebuilds the plan from
 * the answered config. An answer can raise new questions (an attributed service brings its own
 * collisions), so it repeats until nothing new is open; each question is asked once.
 */
export async function askDecisions(
  initial: Plan,
  base: MigrateConfig,
  flags: AnswerFlags,
  rebuild: (config: MigrateConfig) => Promise<Plan>,
  io: Io,
): Promise<Asked> {
  let plan = initial;
  let config = base;
  const answers: Answer[] = [];
  const asked = new Set<string>();
  for (let round = 0; round < 10; round++) {
    const open = openFindings(plan, config, flags).filter((o) => !asked.has(questionKey(o.decision)));
    if (open.length === 0) break;
    const groups = groupByQuestion(open);
    // Several peer questions are one question first: all, none, or one at a time.
    const peers = groups.filter((g) => g[0]?.decision.kind === 'peer');
    const peerAnswer = peers.length > 1 ? await askPeers(peers, io) : 'choose';
    for (const group of groups) {
      const isPeer = group[0]?.decision.kind === 'peer';
      const answer =
        isPeer && peerAnswer === 'all'
          ? 'yes'
          : isPeer && peerAnswer === 'none'
            ? 'no'
            : await ask(group, io);
      for (const { decision } of group) {
        answers.push({ decision, answer });
        asked.add(questionKey(decision));
      }
    }
    config = applyEdits(base, answersToEdits(answers));
    plan = await rebuild(config);
  }
  return { plan, config, answers };
}

/** Findings shown before a question: a few, then a count, so one question never follows a screenful. */
const MAX_SHOWN = 3;

function showFindings(findings: Finding[], io: Io): void {
  const where = (f: Finding) => (f.file ? `${f.file}${f.line ? `:${f.line}` : ''}: ` : '');
  io.out('\n');
  for (const f of findings.slice(0, MAX_SHOWN))
    io.out(`${io.style.magenta('decision')} ${io.style.dim(where(f))}${f.message}\n`);
  if (findings.length > MAX_SHOWN)
    io.out(
      io.style.dim(
        `... and ${findings.length - MAX_SHOWN} more like these (compose-migrate plan lists them)\n`,
      ),
    );
}

/** One line per choice: what it does and what it breaks. */
function showEffects(d: Decision, io: Io): void {
  for (const choice of d.choices) {
    const effect = d.effects?.[choice];
    if (effect) io.out(`  ${io.style.bold(choice)}: ${io.style.dim(effect)}\n`);
  }
}

async function askPeers(
  groups: { decision: Decision; finding: Finding }[][],
  io: Io,
): Promise<'all' | 'none' | 'choose'> {
  showFindings(
    groups.map((g) => (g[0] as { finding: Finding }).finding),
    io,
  );
  io.out(
    `  ${io.style.bold('all')}: ${io.style.dim('each component gets its own copy of every peer service it uses')}\n`,
  );
  io.out(
    `  ${io.style.bold('none')}: ${io.style.dim('no copies; the addresses that name a peer no longer resolve unless the stacks share a network')}\n`,
  );
  io.out(`  ${io.style.bold('choose')}: ${io.style.dim('ask for each peer')}\n`);
  return (await choose(
    io.run,
    `${groups.length} peer dependencies. Pull every peer service into the components that use it?`,
    ['none', 'all', 'choose'],
    'none',
  )) as 'all' | 'none' | 'choose';
}

async function ask(group: { decision: Decision; finding: Finding }[], io: Io): Promise<string> {
  const first = group[0] as { decision: Decision; finding: Finding };
  const d = first.decision;
  showFindings(
    group.map((g) => g.finding),
    io,
  );
  showEffects(d, io);
  const question =
    group.length === 1
      ? d.question
      : d.kind === 'port'
        ? `${group.length} host ports collide between files that can run at the same time. Shift them or keep them?`
        : `${group.length} container_name values would repeat. Scope, keep or drop them?`;
  if (d.kind === 'peer') return (await confirm(io.run, question, d.default === 'yes')) ? 'yes' : 'no';
  return choose(io.run, question, d.choices, d.default);
}
