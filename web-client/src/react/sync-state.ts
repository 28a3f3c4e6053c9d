/**
 * `useSyncState` (the link, the sync, its progress and what waits) and `usePending` (the rows
 * with a change the server has not answered), kept current in a component.
 */
import { useSyncExternalStore } from 'react';
import type { ClientState } from '../client/options.js';
import type { OutboxItem } from '../outbox/outbox-status.js';
import type { TableName } from '../schema/typed-schema.js';
import { useClient, type AnyClient } from './context.js';
import { useLiveQuery } from './live-query.js';

interface StateStore {
  subscribe(listener: () => void): () => void;
  getSnapshot(): ClientState;
}

// One store per client: `client.state` is a new copy on every call, which useSyncExternalStore must not see.
const stores = new WeakMap<AnyClient, StateStore>();

function stateStore(client: AnyClient): StateStore {
  let store = stores.get(client);
  if (!store) {
    let current = client.state;
    const listeners = new Set<() => void>();
    let stop: (() => void) | undefined;
    store = {
      subscribe: (listener) => {
        listeners.add(listener);
        if (!stop) {
          stop = client.onState((state) => {
            current = state;
            for (const l of [...listeners]) l();
          });
          const now = client.state; // what changed while no one listened
          if (JSON.stringify(now) !== JSON.stringify(current)) current = now;
        }
        return () => {
          listeners.delete(listener);
          if (listeners.size === 0) { stop?.(); stop = undefined; }
        };
      },
      getSnapshot: () => current,
    };
    stores.set(client, store);
  }
  return store;
}

/**
 * The client's state: `online`, `syncing`, `pending` (changes waiting), `progress` (per scope, its
 * first sync's rows received and total), `lastError`, `rejections`... (`ClientState`).
 */
export function useSyncState(): ClientState {
  const store = stateStore(useClient());
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}

export interface PendingState<S> {
  /** Every row with a change the server has not answered (`pending`, `sent`) or a refusal not dealt with (`rejected`). */
  items: OutboxItem<TableName<S>>[];
  loading: boolean;
  error: Error | null;
}

/** The outbox, live: what a pending-changes panel shows. */
export function usePending<S>(): PendingState<S> {
  const { data, loading, error } = useLiveQuery<S, OutboxItem<TableName<S>>[]>((db) => db.outbox(), []);
  return { items: data ?? NONE, loading, error };
}

const NONE: never[] = [];
