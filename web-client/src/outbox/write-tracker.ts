/**
 * The promises of this tab's writes. `save()`/`delete()` return the row at once (`local`) and a
 * promise of the server's outcome (`server`): the row as the server applied it, or a
 * `RejectedWriteError` carrying the rejection record. A write folded into a later write of the same
 * row before it was sent (both wait in one outbox change) shares that change's outcome: its server
 * promise settles when the change that carried it does, with the same row or the same record. The
 * outcomes come from the leader tab, whichever tab wrote; a promise does not outlive its tab (a
 * reload), the outbox status and the rejection records do.
 */
import type { LocalWrite } from '../replica/local-writes.js';
import type { RejectionRecord, Row } from '../replica/types.js';
import type { Settlement } from '../sync/settlements.js';

/** The server refused or overrode a write: `rejection` is the record kept for the app (retry, discard, acknowledge). */
export class RejectedWriteError extends Error {
  constructor(readonly rejection: RejectionRecord) {
    super(`${rejection.table} ${rejection.uid}: ${rejection.reason}${rejection.message ? ` (${rejection.message})` : ''}`);
    this.name = 'RejectedWriteError';
  }

  get reason(): string {
    return this.rejection.reason;
  }
}

/**
 * What `save()`, `delete()` and `retry()` return: a promise of the row as written locally (what
 * they always returned, so `await client.save(...)` works as before), with both outcomes apart.
 */
export type WriteResult<R = Row> = Promise<R> & {
  /** The row as the replica holds it now; rejects with a LocalWriteError when the replica refused the write (nothing written). */
  readonly local: Promise<R>;
  /**
   * The row as the server applied it (null if applying it took the row out of every scope of this
   * client); rejects with a RejectedWriteError (the server refused or overrode it), or the local error.
   */
  readonly server: Promise<R | null>;
};

interface Waiting {
  seq: number;
  rev: number;
  resolve(row: Row | null): void;
  reject(error: Error): void;
}

export class WriteTracker {
  private readonly waiting = new Map<string, Waiting[]>();

  /** Runs a write and returns its result; its server promise settles with the settlement of its change. */
  track(write: Promise<LocalWrite>): WriteResult {
    let resolveServer!: (row: Row | null) => void;
    let rejectServer!: (error: Error) => void;
    const server = new Promise<Row | null>((resolve, reject) => { resolveServer = resolve; rejectServer = reject; });
    const local = write.then((w) => {
      // rev 0: nothing to send (a row deleted again): the server's outcome is the row as it stands.
      if (w.rev === 0) resolveServer(w.row);
      else this.add(w.key, { seq: w.seq, rev: w.rev, resolve: resolveServer, reject: rejectServer });
      return w.row;
    }, (error: unknown) => {
      rejectServer(error as Error);
      throw error;
    });
    // Looked at or not, neither must become an unhandled rejection: the returned promise is the app's.
    server.catch(() => undefined);
    local.catch(() => undefined);
    const result = local.then((row) => row) as WriteResult;
    Object.defineProperties(result, { local: { value: local }, server: { value: server } });
    return result;
  }

  /** The server's outcome of changes (from this tab's engine or the leader's message). */
  settle(settlements: Settlement[]): void {
    for (const s of settlements) {
      const list = this.waiting.get(s.key);
      if (!list) continue;
      const rest: Waiting[] = [];
      for (const w of list) {
        if ((s.seq === null || w.seq === s.seq) && w.rev <= s.rev) {
          if (s.rejection) w.reject(new RejectedWriteError(s.rejection));
          else w.resolve(s.row);
        } else {
          rest.push(w);
        }
      }
      if (rest.length > 0) this.waiting.set(s.key, rest);
      else this.waiting.delete(s.key);
    }
  }

  private add(key: string, waiting: Waiting): void {
    const list = this.waiting.get(key) ?? [];
    list.push(waiting);
    this.waiting.set(key, list);
  }
}
