/**
 * The client's reactive reads: work that runs again after a change it depends on, never two runs
 * at once (a change during a run asks for one more run after it, if the run depends on it).
 */
import { shareEqual } from '../util/structural-share.js';

/** Registers a listener for changes (the stores they touched); returns how to remove it. */
export type Subscribe = (listener: (tables: Set<string>) => void) => () => void;

/**
 * Runs `read` now and after every change to a table it read; calls `onValue` when its result
 * differs from the last, with every unchanged part of it (rows, nested values) the very objects of
 * the last result. `read` notes the tables it reads in the set it is given; a read that notes none
 * runs again after any change.
 */
export function rerun<T>(subscribe: Subscribe, read: (tables: Set<string>) => Promise<T>, onValue: (value: T) => void,
  onError: (error: Error) => void, isClosed: () => boolean): () => void {
  let last: { value: T } | undefined;
  /** The tables the last run read; null when it noted none (or has not finished): any change counts. */
  let watched: Set<string> | null = null;
  const missed = new Set<string>();
  let running = false;
  const concerns = (changed: Iterable<string>): boolean => {
    if (watched === null) return true;
    for (const table of changed) if (watched.has(table)) return true;
    return false;
  };
  const run = async (): Promise<void> => {
    running = true;
    try {
      do {
        missed.clear();
        const tables = new Set<string>();
        const value = await read(tables);
        watched = tables.size > 0 ? tables : null;
        if (isClosed()) return;
        const shared = last ? shareEqual(last.value, value) : value;
        if (!last || shared !== last.value) {
          last = { value: shared };
          onValue(shared);
        }
      } while (missed.size > 0 && concerns(missed));
    } catch (e) {
      onError(e as Error);
    } finally {
      running = false;
    }
  };
  void run();
  return subscribe((changed) => {
    if (running) for (const table of changed) missed.add(table);
    else if (concerns(changed)) void run();
  });
}

/** Resolves once `holds` is true: checked now and after every change, one check at a time. */
export function until(subscribe: (listener: () => void) => () => void, holds: () => Promise<boolean>, isClosed: () => boolean): Promise<void> {
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
