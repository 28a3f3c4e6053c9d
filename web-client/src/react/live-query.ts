/**
 * `useLiveQuery`: a read of the replica kept current in a component. The read runs through the
 * client's live reads (re-run only after a change to a table it read), and its result is shared
 * structurally with the last one, so unchanged rows keep their objects and `memo` components of
 * them do not render again.
 */
import { useMemo, useSyncExternalStore, type DependencyList } from 'react';
import type { LiveReader } from '../client/live-reader.js';
import type { TidemarkClient } from '../client.js';
import { shareEqual } from '../util/structural-share.js';
import { useClient } from './context.js';

export interface LiveQueryResult<T> {
  /** The read's latest result; undefined until the first one (and after the deps change, until the new read's). */
  data: T | undefined;
  /** The last run failed (a where the schema refuses, say); the read runs again after the next change. */
  error: Error | null;
  /** No result yet for these deps. */
  loading: boolean;
}

const LOADING: LiveQueryResult<never> = { data: undefined, error: null, loading: true };

/** One read for one set of deps: live while a component subscribes, its last result kept between subscriptions. */
export class LiveQueryStore<S, T> {
  private snapshot: LiveQueryResult<T> = LOADING;
  private readonly listeners = new Set<() => void>();
  private stop: (() => void) | undefined;

  constructor(private readonly client: TidemarkClient<S>, private readonly read: (db: LiveReader<S>) => Promise<T>) {}

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    this.stop ??= this.client.live(this.read, (data) => this.set(data, null), (error) => this.set(this.snapshot.data, error));
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) {
        this.stop?.();
        this.stop = undefined;
      }
    };
  };

  readonly getSnapshot = (): LiveQueryResult<T> => this.snapshot;

  private set(value: T | undefined, error: Error | null): void {
    // Shared again here: a read started anew (a remount) hands back fresh objects for the same rows.
    const data = this.snapshot.loading ? value : shareEqual(this.snapshot.data, value);
    if (!this.snapshot.loading && data === this.snapshot.data && error === this.snapshot.error) return;
    this.snapshot = { data, error, loading: false };
    for (const listener of [...this.listeners]) listener();
  }
}

/**
 * Runs `read` against the replica and keeps its result current: `useLiveQuery((db) =>
 * db.list('User', {where: {name: {startsWith: p}}}), [p])`. Read through `db` (its argument):
 * reads made otherwise are not followed. `deps` are the values the read uses, as for `useMemo`.
 */
export function useLiveQuery<S, T>(read: (db: LiveReader<S>) => Promise<T>, deps: DependencyList): LiveQueryResult<T> {
  const client = useClient<S>();
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the read is new on every render; deps say when it changes
  const store = useMemo(() => new LiveQueryStore(client, read), [client, ...deps]);
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}
