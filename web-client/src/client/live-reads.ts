/**
 * The client's reads that follow the replica: every change of it (by this tab, another tab, a sync
 * or an event) reaches the live reads that read a changed table, the app's change listeners and
 * the waits for a condition (`whenSynced`).
 */
import { OUTBOX } from '../replica/replica-db.js';
import type { Replica } from '../replica/replica.js';
import { trackingReader, type LiveReader } from './live-reader.js';
import { rerun, until, type Subscribe } from './reruns.js';

export class LiveReads {
  /** Every change of the replica, the outbox's included; `onTables` listeners get the row tables only. */
  private readonly listeners = new Set<(tables: Set<string>) => void>();

  constructor(private readonly replica: Replica, private readonly isClosed: () => boolean) {}

  /** The replica changed: every listener hears which stores. */
  changed(tables: Set<string>): void {
    for (const listener of [...this.listeners]) listener(tables);
  }

  /** Every change of the replica, the outbox's included (what reactive reads follow). */
  readonly subscribe: Subscribe = (listener) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Changes to row tables only (the app's `onChange`: the outbox is the client's own bookkeeping). */
  onTables(listener: (tables: Set<string>) => void): () => void {
    return this.subscribe((changed) => {
      const real = new Set([...changed].filter((t) => t !== OUTBOX));
      if (real.size > 0) listener(real);
    });
  }

  /** See `TidemarkClient.live`: the read runs again only after a change to a store it read through its reader. */
  live<V>(read: (db: LiveReader) => Promise<V>, onValue: (value: V) => void, onError: (error: Error) => void): () => void {
    return rerun(this.subscribe, (tables) => read(trackingReader(this.replica, tables)), onValue, onError, this.isClosed);
  }

  /** Resolves once `holds` is true: checked now, after every change, and on every event of `also`. */
  until(holds: () => Promise<boolean>, also: (listener: () => void) => () => void): Promise<void> {
    const changesOrAlso = (listener: () => void): () => void => {
      const stopChanges = this.subscribe(listener);
      const stopAlso = also(listener);
      return () => { stopChanges(); stopAlso(); };
    };
    return until(changesOrAlso, holds, this.isClosed);
  }
}
