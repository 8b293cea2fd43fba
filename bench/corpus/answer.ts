/**
 * Answer a plan's open decisions as a user would at the prompt: every decision that has no safe
 * default gets its first choice, written through the same config edits the interactive prompt saves,
 * and the config is committed so that apply's clean-tree check and the rollback comparison see it as
 * part of the repository. Used where a run stopped for a decision, so that the generated files are
 * still checked (whatever the answer, nothing may be lost and the referee must accept them).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { answersToEdits } from '../../src/config/answers.js';
import { DEFAULT_CONFIG_NAME, mergeConfigText } from '../../src/config/write.js';
import type { Decision } from '../../src/model.js';
import type { PlanJson } from './conservation.js';

/** The config keys answered, each as `key: answer`; empty when there was nothing to answer. */
export function answerOpenDecisions(dir: string, plan: PlanJson): string[] {
  const open = (plan.findings as unknown as { decision?: Decision }[])
    .map((f) => f.decision)
    .filter((d): d is Decision => d !== undefined && d.default === undefined && d.choices.length > 0);
  if (open.length === 0) return [];
  const answers = open.map((decision) => ({ decision, answer: decision.choices[0] as string }));
  const edits = answersToEdits(answers);
  const path = ['compose-migrate.config.yaml', 'compose-migrate.config.json'].find((p) =>
    existsSync(join(dir, p)),
  );
  const name = path ?? DEFAULT_CONFIG_NAME;
  const existing = path ? readFileSync(join(dir, path), 'utf8') : undefined;
  writeFileSync(join(dir, name), mergeConfigText(name, existing, edits));
  execFileSync('git', ['add', name], { cwd: dir, stdio: 'pipe' });
  execFileSync('git', ['commit', '-q', '--no-verify', '-m', 'answer the decisions'], {
    cwd: dir,
    stdio: 'pipe',
  });
  return answers.map((a) => `${a.decision.configKey}: ${a.answer}`);
}
