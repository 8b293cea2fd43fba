/**
 * The codemods' transforms, started early on a worker thread. The plan knows which files are
 * candidates long before it knows the options the transforms take (the component files and folders
 * come out of the analysis), so the worker runs them with provisional options and logs what each
 * file's transforms read of them (read-log.ts); when the plan gets to the codemods it keeps every
 * result whose reads the final options answer alike and has the worker run the others again. The
 * results are those of a run with the final options in any case; when the provisional ones were
 * right, the transforms ran while the main thread parsed and analysed the compose files.
 *
 * The worker loads ast-grep and jscodeshift, not the main thread. If it cannot start or fails as a
 * whole, `results` says so (undefined) and the caller runs the transforms itself, so that what it
 * reports (a transform module that cannot be loaded) is what a run without a worker reports.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ComposeTransformOptions } from '../../transforms/lib/options.js';
import { readsAlike, type Read } from './read-log.js';
import type { FileTransforms, TransformInput } from './transform-file.js';
import type { Job } from './transform-worker.js';

/** A message from the worker: one file's result, the end of a job, or its failure. */
export type FromWorker =
  | { id: number; index: number; result: FileTransforms; reads?: Read[] }
  | { id: number; done: true }
  | { id: number; failed: string };

export interface BackgroundTransforms {
  /** More files to run with the provisional options (those already given are left out). */
  add(files: readonly TransformInput[]): void;
  /**
   * The result of each of `files` for the final `options`, in order: what the worker found with the
   * provisional options for a file it was given with the same text and whose transforms read those
   * options alike, the rest run again. `done` hears of each file as it is joined. Undefined when
   * the worker failed (the caller then runs the transforms itself). The worker is stopped after.
   */
  results(
    files: readonly TransformInput[],
    options: ComposeTransformOptions,
    done?: (index: number) => void,
  ): Promise<FileTransforms[] | undefined>;
  /** Stops the worker (idempotent). */
  close(): void;
}

const WORKER = new URL('./transform-worker.js', import.meta.url);

/**
 * The worker's young generation: it holds little between files, and a small one keeps the process's
 * peak memory down (the main thread has its own).
 */
const YOUNG_MB = 2;

/**
 * Starts the transforms of `files` with provisional `options` on a worker, or returns undefined when
 * there is nothing to run or no worker module (running from the TypeScript sources).
 */
export function startTransforms(
  files: readonly TransformInput[],
  options: ComposeTransformOptions,
  script: URL = WORKER,
): BackgroundTransforms | undefined {
  if (files.length === 0 || options.rootFiles.length === 0 || !existsSync(fileURLToPath(script)))
    return undefined;
  let worker: Worker;
  try {
    worker = new Worker(script, { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB } });
  } catch {
    return undefined;
  }
  // The worker never keeps the process alive on its own; it is referenced while a caller waits on it.
  worker.unref();
  const started = new WorkerTransforms(worker, options);
  started.add(files);
  return started;
}

/** One job posted to the worker: its files' results and option reads as they come in. */
interface Pending {
  results: (FileTransforms | undefined)[];
  reads: (Read[] | undefined)[];
  settled: Promise<boolean>;
  onFile?: (index: number) => void;
}

class WorkerTransforms implements BackgroundTransforms {
  private nextId = 0;
  private readonly jobs = new Map<number, { pending: Pending; finish: (ok: boolean) => void }>();
  private failed = false;
  private closed = false;
  /** The files run with the provisional options, by path: their text, job and place in it. */
  private readonly early = new Map<string, { source: string; job: Pending; index: number }>();

  constructor(
    private readonly worker: Worker,
    private readonly provisional: ComposeTransformOptions,
  ) {
    worker.on('message', (m: FromWorker) => this.receive(m));
    worker.on('error', () => this.fail());
    worker.on('messageerror', () => this.fail());
    worker.on('exit', () => this.fail());
  }

  add(files: readonly TransformInput[]): void {
    const fresh = files.filter((f) => !this.early.has(f.path));
    if (fresh.length === 0 || this.closed) return;
    const job = this.post(fresh, this.provisional, true);
    fresh.forEach((f, index) => this.early.set(f.path, { source: f.source, job, index }));
  }

  private post(files: readonly TransformInput[], options: ComposeTransformOptions, log: boolean): Pending {
    const id = this.nextId++;
    let finish!: (ok: boolean) => void;
    const settled = new Promise<boolean>((resolve) => (finish = resolve));
    const pending: Pending = { results: [], reads: [], settled };
    this.jobs.set(id, { pending, finish });
    if (this.failed) finish(false);
    else {
      const job: Job = { id, files: [...files], options, logReads: log };
      this.worker.postMessage(job);
    }
    return pending;
  }

  private receive(m: FromWorker): void {
    const job = this.jobs.get(m.id);
    if (!job) return;
    if ('index' in m) {
      job.pending.results[m.index] = m.result;
      job.pending.reads[m.index] = m.reads;
      job.pending.onFile?.(m.index);
    } else {
      this.jobs.delete(m.id);
      if ('failed' in m) this.fail();
      job.finish(!('failed' in m));
    }
  }

  private fail(): void {
    if (this.failed) return;
    this.failed = true;
    for (const job of this.jobs.values()) job.finish(false);
    this.jobs.clear();
    void this.worker.terminate();
  }

  async results(
    files: readonly TransformInput[],
    options: ComposeTransformOptions,
    done?: (index: number) => void,
  ): Promise<FileTransforms[] | undefined> {
    if (this.closed) return undefined;
    this.worker.ref();
    try {
      // The early run of each file, when it had the same text.
      const early = files.map((f) => {
        const e = this.early.get(f.path);
        return e && e.source === f.source ? e : undefined;
      });
      const usable = (i: number): FileTransforms | undefined => {
        const e = early[i];
        const result = e?.job.results[e.index];
        const reads = e?.job.reads[e.index];
        return result && reads && readsAlike(reads, options) ? result : undefined;
      };
      const out: FileTransforms[] = [];
      const joined = new Set<number>();
      const join = (i: number): void => {
        const r = joined.has(i) ? undefined : usable(i);
        if (!r) return;
        out[i] = r;
        joined.add(i);
        done?.(i);
      };
      const jobs = new Set(early.flatMap((e) => (e ? [e.job] : [])));
      for (const job of jobs) {
        job.onFile = (index) => early.forEach((e, i) => e?.job === job && e.index === index && join(i));
      }
      files.forEach((_, i) => join(i));
      for (const job of jobs) if (!(await job.settled)) return undefined;
      files.forEach((_, i) => join(i));
      const stale = files.map((_, i) => i).filter((i) => !joined.has(i));
      if (stale.length > 0) {
        const again = this.post(
          stale.map((i) => files[i]!),
          options,
          false,
        );
        again.onFile = (j) => done?.(stale[j]!);
        if (!(await again.settled)) return undefined;
        stale.forEach((i, j) => (out[i] = again.results[j]!));
      }
      return out;
    } finally {
      this.close();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.failed = true;
    for (const job of this.jobs.values()) job.finish(false);
    this.jobs.clear();
    void this.worker.terminate();
  }
}
