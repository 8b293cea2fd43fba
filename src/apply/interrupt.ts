/**
 * SIGINT and SIGTERM. Before a command starts writing, a signal ends the process at once with a
 * one-line message (nothing was written). Once an apply or rollback watches for signals, the step
 * under way finishes (or is undone) and the run stops between steps with its journal in place,
 * instead of dying half-way through one; a second signal leaves at once (the journal still says how
 * to recover).
 */
export interface StopFlag {
  /** The signal that asked the run to stop, once one did. */
  signal: NodeJS.Signals | undefined;
}

export interface SignalWatch {
  stop: StopFlag;
  dispose(): void;
}

export const signalExitCode = (signal: NodeJS.Signals): 130 | 143 => (signal === 'SIGINT' ? 130 : 143);

let watching: StopFlag | undefined;
let installed = false;

/** Called once at start-up, so that no signal ever kills the process without a word. */
export function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (watching && !watching.signal) {
        watching.signal = signal;
        return;
      }
      if (!watching) process.stderr.write(`compose-migrate: interrupted by ${signal}; nothing was written\n`);
      process.exit(signalExitCode(signal));
    });
  }
}

/**
 * From now until the process ends, signals ask the run to stop between steps. (The watch is never
 * lifted: once a run has begun, a late signal must not be reported as "nothing was written".)
 */
export function watchSignals(): SignalWatch {
  installSignalHandlers();
  const stop: StopFlag = watching ?? { signal: undefined };
  watching = stop;
  return { stop, dispose: () => undefined };
}
