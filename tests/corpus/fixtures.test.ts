/**
 * Conservation on every fixture (fixtures/hostile excepted): after `apply --all --yes`, each
 * (environment, service) of the root layout, as the referee reads it, is in a generated file of that
 * environment or named by a `not-carried` finding of the plan; and every generated file is one the
 * referee accepts. A fixture built to ask a decision with no safe default (exit 3) is answered with
 * each decision's first choice in its config, as a user would, and then checked the same way: nothing
 * may be lost whatever the answer.
 *
 * verify = the referee: on every generated file, `verify --json` and the referee's comparison of the
 * file with its root environment (bench/corpus/meaning.ts) give the same verdict, equal or differs;
 * a file verify cannot compare is one the referee refuses too. fixtures/held-paths is built to fool a
 * verify that reads both sides with the root .env from the root folder.
 */
import { readdirSync, statSync } from 'node:fs';
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
import { compareMeaning, verdictMismatch, type VerifyFileJson } from '../../bench/corpus/meaning.js';
import { answerOpenDecisions } from '../../bench/corpus/answer.js';
import { cleanupRepos, cli, ensureBuilt, makeRepo, PROJECT_ROOT } from '../helpers/cli.js';

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
  verify?: { code: number | null; files: VerifyFileJson[]; stderr: string };
}

const outcomes = new Map<string, Outcome>();

beforeAll(async () => {
  if (skipReferee) return;
  ensureBuilt();
  await Promise.all(
    FIXTURE_NAMES.map(async (name) => {
      const repo = makeRepo(name);
      let plan = JSON.parse((await cli(repo.dir, ['plan', '--json'])).stdout) as PlanJson;
      if (answerOpenDecisions(repo.dir, plan).length > 0)
        plan = JSON.parse((await cli(repo.dir, ['plan', '--json'])).stdout) as PlanJson;
      const root = await rootSide(repo.dir, plan);
      let apply = await cli(repo.dir, ['apply', '--all', '--yes']);
      // Archiving an environment nothing replaces takes an explicit --archive (its services are
      // reported not-carried either way, which is what this checks).
      if (apply.code === 3 && /refusing to archive/.test(apply.stderr))
        apply = await cli(repo.dir, ['apply', '--all', '--yes', '--archive']);
      const outcome: Outcome = { applyStatus: apply.code, applyStderr: apply.stderr, plan, root };
      if (apply.code === 0) {
        const generated = await generatedSide(repo.dir, plan, generatedFiles(plan), root);
        outcome.generated = generated;
        outcome.conservation = conserve(root.pairs, generated.pairs, plan.findings);
        const v = await cli(repo.dir, ['verify', '--json']);
        const json = JSON.parse(v.stdout || '{}') as { files?: VerifyFileJson[] };
        outcome.verify = { code: v.code, files: json.files ?? [], stderr: v.stderr };
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

      it('verify and the referee give the same verdict on every generated file', () => {
        const o = outcomes.get(name);
        expect(o?.verify, 'apply did not run').toBeDefined();
        const files = generatedFiles(
          o?.plan ?? { components: [], environments: [], changes: [], findings: [] },
        );
        // verify checks exactly the files apply wrote.
        expect(o?.verify?.files.map((f) => f.file).sort()).toEqual(files.map((f) => f.path).sort());
        const mismatches = files.flatMap((f) => {
          const generated = o?.generated?.results.get(f.path);
          const root = o?.root.results.get(f.env);
          const why = verdictMismatch(
            o?.verify?.files.find((v) => v.file === f.path),
            {
              generated: generated ?? { ok: false, error: 'not run' },
              root,
              ...(generated?.ok && root?.ok
                ? {
                    meaning: compareMeaning(root.services, generated.services, {
                      root: root.top ?? {},
                      generated: generated.top ?? {},
                    }),
                  }
                : {}),
            },
          );
          return why === undefined ? [] : [`${f.path}: ${why}`];
        });
        expect(mismatches, o?.verify?.stderr).toEqual([]);
      });

      it('carries every (environment, service) of the root layout or reports it not-carried', () => {
        const c = outcomes.get(name)?.conservation;
        expect(c, 'apply did not run').toBeDefined();
        expect(c?.lost).toEqual([]);
      });
    });
  }
});
