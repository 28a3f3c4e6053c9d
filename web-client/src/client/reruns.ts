/**
 * The client's reactive reads: work that runs again after every change it is told of, never two
 * runs at once (a change during a run asks for one more run after it).
 */

/** Registers a listener for changes; returns how to remove it. */
export type Subscribe = (listener: () => void) => () => void;

/** Runs `read` now and after every change; calls `onValue` when its result (as JSON) differs from the last. */
export function rerun<T>(subscribe: Subscribe, read: () => Promise<T>, onValue: (value: T) => void,
  onError: (error: Error) => void, isClosed: () => boolean): () => void {
  let last: string | undefined;
  let running = false;
  let again = false;
  const run = async (): Promise<void> => {
    if (running) { again = true; return; }
    running = true;
    try {
      do {
        again = false;
        const value = await read();
        const text = JSON.stringify(value);
        if (text !== last && !isClosed()) { last = text; onValue(value); }
      } while (again);
    } catch (e) {
      onError(e as Error);
    } finally {
      running = false;
    }
  };
  void run();
  return subscribe(() => void run());
}

/** Resolves once `holds` is true: checked now and after every change, one check at a time. */
export function until(subscribe: Subscribe, holds: () => Promise<boolean>, isClosed: () => boolean): Promise<void> {
  return new Promise<void>((resolve) => {
    let checking = false;
    let stop = (): void => undefined;
    const check = async (): Promise<void> => {
      if (checking || isClosed()) return;
      checking = true;
      try {
        if (await holds()) {
          stop();
          resolve();
        }
      } finally {
        checking = false;
      }
    };
    stop = subscribe(() => void check());
    void check();
  });
}
