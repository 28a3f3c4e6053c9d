/**
 * React bindings of the Tidemark client (`@tidemark/web-client/react`): a provider for the client
 * and hooks for live reads, scopes, the sync state, the outbox and the rejections. Untyped as
 * exported; `createTidemarkHooks<Schema>()` gives the same hooks typed by a generated schema.
 */
import type { DependencyList } from 'react';
import type { LiveReader } from '../client/live-reader.js';
import type { ClientState } from '../client/options.js';
import type { TidemarkClient } from '../client.js';
import type { TableName, UntypedSchema, WhereOf } from '../schema/typed-schema.js';
import { useClient as clientHook } from './context.js';
import { useLiveQuery as liveQueryHook, type LiveQueryResult } from './live-query.js';
import { useRejections as rejectionsHook, type RejectionsState } from './rejections.js';
import { useScope as scopeHook, type ScopeState } from './scope.js';
import { usePending as pendingHook, useSyncState as syncStateHook, type PendingState } from './sync-state.js';

export { TidemarkProvider, type AnyClient, type TidemarkProviderProps } from './context.js';
export type { LiveQueryResult, PendingState, RejectionsState, ScopeState };

/** The hooks, typed by one schema. */
export interface TidemarkHooks<S> {
  /** The provider's client. */
  useClient(): TidemarkClient<S>;
  /** A read kept current: `useLiveQuery((db) => db.list('User', {where}), [deps])` (see `live-query.ts`). */
  useLiveQuery<T>(read: (db: LiveReader<S>) => Promise<T>, deps: DependencyList): LiveQueryResult<T>;
  /** A scope held while the component is mounted. */
  useScope<T extends TableName<S>>(table: T, where?: WhereOf<S, T> | null, options?: { id?: string }): ScopeState;
  /** The client's state: online, syncing, pending, progress, lastError... */
  useSyncState(): ClientState;
  /** The outbox, live. */
  usePending(): PendingState<S>;
  /** The rejection records, live, with retry / discard / acknowledge. */
  useRejections(): RejectionsState;
}

const hooks: TidemarkHooks<UntypedSchema> = {
  useClient: clientHook, useLiveQuery: liveQueryHook, useScope: scopeHook, useSyncState: syncStateHook, usePending: pendingHook, useRejections: rejectionsHook,
};

/** The hooks typed by a generated schema: `export const { useLiveQuery, ... } = createTidemarkHooks<Schema>();`. */
export function createTidemarkHooks<S = UntypedSchema>(): TidemarkHooks<S> {
  return hooks as unknown as TidemarkHooks<S>;
}

/** The hooks for a client without a schema type (rows as records). */
export const { useClient, useLiveQuery, useScope, useSyncState, usePending, useRejections } = hooks;
