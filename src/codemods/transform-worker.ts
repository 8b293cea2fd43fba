/**
 * The transform worker: runs the codemods' transforms (transform-file.ts) on a thread of its own, so
 * that they overlap the plan's parsing and analysis on the main thread. Jobs come in as messages and
 * are run one after another; each file's result goes back as plain data as soon as it is done, with
 * the reads its transforms made of the options when the job asks for them (see background.ts).
 */
import { parentPort } from 'node:worker_threads';
import type { ComposeTransformOptions } from '../../transforms/lib/options.js';
import { logReads, type Read } from './read-log.js';
import { transformFiles, type TransformInput } from './transform-file.js';
import type { FromWorker } from './background.js';
import { collectTrees } from '../../transforms/lib/python.js';

export interface Job {
  id: number;
  files: TransformInput[];
  options: ComposeTransformOptions;
  /** Log the options each file's transforms read (the options are provisional). */
  logReads: boolean;
}

/** Parses start for the file at hand only: this thread is the one beside the main thread. */
const AHEAD = 0;

const port = parentPort;
if (port) {
  // This thread's heap is small: a full collection every so often frees the trees (python.ts).
  collectTrees('major');
  let queue = Promise.resolve();
  const post = (m: FromWorker): void => port.postMessage(m);
  port.on('message', (job: Job) => {
    queue = queue.then(() => run(job, post));
  });
}

async function run(job: Job, post: (m: FromWorker) => void): Promise<void> {
  let reads: Read[] = [];
  const view = job.logReads
    ? (o: ComposeTransformOptions): ComposeTransformOptions => {
        const logged = logReads(o);
        reads = logged.reads;
        return logged.view;
      }
    : undefined;
  try {
    await transformFiles(
      job.files,
      job.options,
      (index, result) => post({ id: job.id, index, result, ...(view ? { reads } : {}) }),
      view,
      AHEAD,
    );
    post({ id: job.id, done: true });
  } catch (e) {
    post({ id: job.id, failed: e instanceof Error ? e.message : String(e) });
  }
}
