import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DiskSnapshot } from '../../src/repo/disk.js';
import { startTransforms } from '../../src/codemods/background.js';
import { codemodCandidates, runCodemods, transformInputs, transformOptions } from '../../src/codemods/run.js';
import {
  transformFiles,
  type FileTransforms,
  type TransformInput,
} from '../../src/codemods/transform-file.js';
import type { ComposeTransformOptions } from '../../transforms/lib/options.js';
import { jsContext, lumiereContext } from './helpers.js';

/**
 * The transforms on a worker thread (the built worker: tests/global-setup.ts builds dist/) give what
 * they give on this thread, for the final options, whatever options they were started with.
 */
const WORKER = new URL('../../dist/src/codemods/transform-worker.js', import.meta.url);
const fixtures = join(import.meta.dirname, '../../fixtures');

async function here(
  files: readonly TransformInput[],
  options: ComposeTransformOptions,
): Promise<FileTransforms[]> {
  const out: FileTransforms[] = [];
  await transformFiles(files, options, (i, r) => (out[i] = r));
  return out;
}

async function inputsOf(fixture: string, archive: boolean, js = false): Promise<TransformInput[]> {
  const snapshot = new DiskSnapshot(join(fixtures, fixture));
  const ctx = js ? jsContext(archive) : lumiereContext(archive);
  return transformInputs(snapshot, await codemodCandidates(snapshot, ctx));
}

const temp: string[] = [];
afterAll(() => {
  for (const d of temp) rmSync(d, { recursive: true, force: true });
});

describe('transforms on the worker', () => {
  it('give the results of this thread when started with the final options', async () => {
    for (const [fixture, js] of [
      ['lumiere', false],
      ['js-orchestrator', true],
    ] as const) {
      const files = await inputsOf(fixture, true, js);
      const options = transformOptions(js ? jsContext(true) : lumiereContext(true));
      const expected = await here(files, options);
      expect(expected.some((r) => r.change !== undefined)).toBe(true);
      const worker = startTransforms(files, options, WORKER);
      expect(worker).toBeDefined();
      const joined: number[] = [];
      expect(await worker!.results(files, options, (i) => joined.push(i))).toEqual(expected);
      expect(joined.sort((a, b) => a - b)).toEqual(files.map((_, i) => i));
    }
  });

  it('run again the files whose transforms read provisional options the final ones answer otherwise', async () => {
    const files = await inputsOf('lumiere', true);
    const final = transformOptions(lumiereContext(true));
    // As the plan starts them: no components known, nothing archived.
    const provisional = transformOptions({ ...lumiereContext(false), components: [] });
    const early = await here(files, provisional);
    const expected = await here(files, final);
    expect(early).not.toEqual(expected);
    const worker = startTransforms(files, provisional, WORKER)!;
    expect(await worker.results(files, final)).toEqual(expected);
  });

  it('join files added later, and run those it was never given, in the order asked', async () => {
    const files = await inputsOf('lumiere', false);
    const options = transformOptions(lumiereContext(false));
    const expected = await here(files, options);
    const worker = startTransforms(files.slice(0, 1), options, WORKER)!;
    worker.add(files.slice(1, 2));
    const changed = files.map((f, i) => (i === 0 ? { ...f, source: `${f.source}\n` } : f));
    const reversed = [...changed].reverse();
    const again = await here(reversed, options);
    expect(await worker.results(reversed, options)).toEqual(again);
    expect(again.at(-1)).not.toEqual(expected[0]);
  });

  it('a transform that throws is that file’s error outcome, as on this thread', async () => {
    const files = (await inputsOf('lumiere', true)).filter((f) => f.language === 'python');
    // Root files without fallbacks: the rewrite of the compose path fails inside the transform.
    const broken = transformOptions(lumiereContext(true));
    for (const r of broken.rootFiles) delete (r as Partial<typeof r>).fallbacks;
    const expected = await here(files, broken);
    const errors = expected.flatMap((r) => r.outcomes).filter((o) => o.status === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]!.why).toMatch(/^compose-path-py failed: /);
    const worker = startTransforms(files, broken, WORKER)!;
    expect(await worker.results(files, broken)).toEqual(expected);
  });

  it('runCodemods joins the worker’s results (started with provisional options) into what it finds itself', async () => {
    for (const archive of [true, false]) {
      const snapshot = new DiskSnapshot(join(fixtures, 'lumiere'));
      const ctx = lumiereContext(archive);
      const expected = await runCodemods(snapshot, ctx);
      expect(expected.changes.length).toBeGreaterThan(0);
      const files = await inputsOf('lumiere', archive);
      const provisional = transformOptions({ ...lumiereContext(false), components: [] });
      const worker = startTransforms(files, provisional, WORKER)!;
      const steps: number[] = [];
      const run = await runCodemods(
        snapshot,
        ctx,
        (_, done) => steps.push(done),
        undefined,
        undefined,
        worker,
      );
      expect(run).toEqual(expected);
      expect(steps).toEqual(files.map((_, i) => i));
    }
  });

  it('a worker that fails as a whole answers nothing, and runCodemods then runs the transforms itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cm-worker-'));
    temp.push(dir);
    const script = join(dir, 'broken-worker.mjs');
    writeFileSync(script, "throw new Error('no worker today');\n");
    const snapshot = new DiskSnapshot(join(fixtures, 'lumiere'));
    const ctx = lumiereContext(true);
    const files = await inputsOf('lumiere', true);
    const options = transformOptions(ctx);
    const broken = startTransforms(files, options, pathToFileURL(script))!;
    expect(await broken.results(files, options)).toBeUndefined();

    const expected = await runCodemods(snapshot, ctx);
    const again = startTransforms(files, options, pathToFileURL(script))!;
    const run = await runCodemods(snapshot, ctx, undefined, undefined, undefined, again);
    expect(run).toEqual(expected);
  });

  it('is not started without files, root files or a worker module', async () => {
    const files = await inputsOf('lumiere', false);
    const options = transformOptions(lumiereContext(false));
    expect(startTransforms([], options, WORKER)).toBeUndefined();
    expect(startTransforms(files, { ...options, rootFiles: [] }, WORKER)).toBeUndefined();
    expect(startTransforms(files, options, new URL('./no-such-worker.js', WORKER))).toBeUndefined();
  });

  it('stops when closed: results then come from this thread', async () => {
    const files = await inputsOf('lumiere', false);
    const options = transformOptions(lumiereContext(false));
    const worker = startTransforms(files, options, WORKER)!;
    worker.close();
    worker.close();
    expect(await worker.results(files, options)).toBeUndefined();
  });
});
