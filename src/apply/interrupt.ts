/**
 * SIGINT and SIGTERM during an apply or rollback: the step under way finishes (or is undone), and
 * the run stops between steps with its journal in place, instead of dying half-way through one.
 */
export interface StopFlag {
  /** The signal that asked the run to stop, once one did. */
  signal: NodeJS.Signals | undefined;
}

export interface SignalWatch {
  stop: StopFlag;
  dispose(): void;
}

export function watchSignals(): SignalWatch {
  const stop: StopFlag = { signal: undefined };
  const on = (signal: NodeJS.Signals) => (): void => {
    // A second signal means "now": leave at once; the journal still says how to recover.
    if (stop.signal) process.exit(signal === 'SIGINT' ? 130 : 143);
    stop.signal = signal;
  };
  const int = on('SIGINT');
  const term = on('SIGTERM');
  process.on('SIGINT', int);
  process.on('SIGTERM', term);
  return {
    stop,
    dispose: () => {
      process.off('SIGINT', int);
      process.off('SIGTERM', term);
    },
  };
}

export const signalExitCode = (signal: NodeJS.Signals): 130 | 143 => (signal === 'SIGINT' ? 130 : 143);
