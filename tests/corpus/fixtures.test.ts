/**
 * Conservation on every fixture (fixtures/hostile excepted): after `apply --all --yes`, each
 * (environment, service) of the root layout, as the referee reads it, is in a generated file of that
 * environment or named by a `not-carried` finding of the plan; and every generated file is one the
 * referee accepts. A fixture built to ask a decision with no safe default (exit 3) is answered with
 * each decision's first choice in its config, as a user would, and then checked the same way: nothing
 * may be lost whatever the answer.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  conserve,
  generatedFiles,
  generatedSide,
  rootSide,
  type Conservation,
  type PlanJson,
  type Side,
} from '../../bench/corpus/conservation.js';
import { skipReferee } from '../compose/referee.js';
import { answersToEdits } from '../../src/config/answers.js';
import { DEFAULT_CONFIG_NAME, mergeConfigText } from '../../src/config/write.js';
import type { Decision } from '../../src/model.js';
import { cleanupRepos, cli, ensureBuilt, git, makeRepo, PROJECT_ROOT } from '../helpers/cli.js';

const FIXTURE_NAMES = readdirSync(join(PROJECT_ROOT, 'fixtures'))
  .filter((n) => n !== 'hostile' && statSync(join(PROJECT_ROOT, 'fixtures', n)).isDirectory())
  .sort();

interface Outcome {
  applyStatus: number | null;
  applyStderr: string;
  plan: PlanJson;
  root: Side;
  conservation?: Conservation;
  generated?: Side;
}

const outcomes = new Map<string, Outcome>();

/**
 * Answers every decision that has no safe default with its first choice, through the same config
 * edits the interactive prompt saves; false when there was none to answer.
 */
function answerOpenDecisions(dir: string, plan: PlanJson): boolean {
  const open = (plan.findings as unknown as { decision?: Decision }[])
    .map((f) => f.decision)
    .filter((d): d is Decision => d !== undefined && d.default === undefined && d.choices.length > 0);
  if (open.length === 0) return false;
  const edits = answersToEdits(open.map((decision) => ({ decision, answer: decision.choices[0] as string })));
  const path = ['compose-migrate.config.yaml', 'compose-migrate.config.json'].find((p) =>
    existsSync(join(dir, p)),
  );
  const name = path ?? DEFAULT_CONFIG_NAME;
  const existing = path ? readFileSync(join(dir, path), 'utf8') : undefined;
  writeFileSync(join(dir, name), mergeConfigText(name, existing, edits));
  // Committed, so that apply's clean-tree check and the rollback comparison see it as part of the repository.
  git(dir, 'add', name);
  git(dir, 'commit', '-q', '--no-verify', '-m', 'answer the decisions');
  return true;
}

beforeAll(async () => {
  if (skipReferee) return;
  ensureBuilt();
  await Promise.all(
    FIXTURE_NAMES.map(async (name) => {
      const repo = makeRepo(name);
      let plan = JSON.parse((await cli(repo.dir, ['plan', '--json'])).stdout) as PlanJson;
      if (answerOpenDecisions(repo.dir, plan))
        plan = JSON.parse((await cli(repo.dir, ['plan', '--json'])).stdout) as PlanJson;
      const root = await rootSide(repo.dir, plan);
      const apply = await cli(repo.dir, ['apply', '--all', '--yes']);
      const outcome: Outcome = { applyStatus: apply.code, applyStderr: apply.stderr, plan, root };
      if (apply.code === 0) {
        const generated = await generatedSide(repo.dir, plan, generatedFiles(plan), root);
        outcome.generated = generated;
        outcome.conservation = conserve(root.pairs, generated.pairs, plan.findings);
      }
      outcomes.set(name, outcome);
    }),
  );
}, 240_000);

afterAll(cleanupRepos);

describe.skipIf(skipReferee)('conservation on every fixture', () => {
  it('finds fixtures to check', () => {
    expect(FIXTURE_NAMES.length).toBeGreaterThan(0);
  });

  for (const name of FIXTURE_NAMES) {
    describe(name, () => {
      it('applies and every generated file is accepted by the referee', () => {
        const o = outcomes.get(name);
        expect(o?.applyStatus, o?.applyStderr).toBe(0);
        // A file rejected exactly as the root environment it comes from is not made worse by the
        // migration (a `${VAR:?}` the fixture leaves unset on purpose); anything else is a defect.
        const files = generatedFiles(
          o?.plan ?? { components: [], environments: [], changes: [], findings: [] },
        );
        const rejected = files
          .filter((f) => o?.generated?.results.get(f.path)?.ok === false)
          .filter((f) => o?.root.results.get(f.env)?.ok !== false)
          .map((f) => `${f.path}: ${o?.generated?.results.get(f.path)?.error ?? ''}`);
        expect(rejected).toEqual([]);
      });

      it('reads the root layout through the referee', () => {
        const c = outcomes.get(name)?.conservation;
        expect(c, 'apply did not run').toBeDefined();
        expect(c?.root.length).toBeGreaterThan(0);
      });

      it('carries every (environment, service) of the root layout or reports it not-carried', () => {
        const c = outcomes.get(name)?.conservation;
        expect(c, 'apply did not run').toBeDefined();
        expect(c?.lost).toEqual([]);
      });
    });
  }
});
