/**
 * `useScope`: a scope held while a component is mounted (a document's events while it is open),
 * with its readiness and its first sync's progress.
 */
import { useEffect, useState } from 'react';
import type { ScopeProgress } from '../client/options.js';
import type { ScopeHandle } from '../scopes/scope-claims.js';
import type { TableName, WhereOf } from '../schema/typed-schema.js';
import { useClient } from './context.js';
import { useSyncState } from './sync-state.js';

export interface ScopeState {
  /** The scope's id (its stable name), once added. */
  id: string | null;
  /** Subscribed and its first sync stored: its rows are in the replica. */
  ready: boolean;
  /** The where was refused (`WhereError`), or the server refused the scope for good (`ScopeRefusedError`). */
  error: Error | null;
  /** Its first sync's rows received and total, once the leader subscribed it. */
  progress: ScopeProgress | null;
}

/**
 * Adds a scope while the component is mounted and releases it after (its rows leave the replica
 * unless another scope holds them). A new where (compared by value) is a new scope.
 */
export function useScope<S, T extends TableName<S>>(table: T, where?: WhereOf<S, T> | null, options: { id?: string } = {}): ScopeState {
  const client = useClient<S>();
  const key = JSON.stringify([table, where ?? null, options.id ?? null]);
  const [held, setHeld] = useState<{ key: string; id: string | null; ready: boolean; error: Error | null }>({ key, id: null, ready: false, error: null });
  useEffect(() => {
    let handle: ScopeHandle;
    try {
      handle = client.scope(table, where, options);
    } catch (e) {
      setHeld({ key, id: null, ready: false, error: e as Error });
      return undefined;
    }
    let current = true;
    setHeld({ key, id: handle.id, ready: false, error: null });
    handle.ready.then(
      () => { if (current) setHeld({ key, id: handle.id, ready: true, error: null }); },
      (e: Error) => { if (current) setHeld({ key, id: handle.id, ready: false, error: e }); },
    );
    return () => {
      current = false;
      // Released after the commit: a remount in the same commit (StrictMode, a keyed move) takes
      // the scope again first, so its rows are not evicted and synced again for nothing.
      queueMicrotask(() => handle.remove());
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the key is the table, the where and the id by value
  }, [client, key]);
  const state = useSyncState();
  const mine = held.key === key ? held : { id: null, ready: false, error: null };
  return { id: mine.id, ready: mine.ready, error: mine.error, progress: mine.id ? state.progress[mine.id] ?? null : null };
}
