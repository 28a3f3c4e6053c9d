/**
 * `useRejections`: the local changes the server refused or overrode, kept current (they survive
 * reloads and are the same in every tab), with what the app can do about each.
 */
import { useMemo } from 'react';
import type { WriteResult } from '../outbox/write-tracker.js';
import type { RejectionRecord } from '../replica/types.js';
import { useClient } from './context.js';
import { useLiveQuery } from './live-query.js';

export interface RejectionsState {
  /** Every rejection record not dealt with yet, oldest first (`reason`, the refused `local` values, the `serverRow`). */
  rejections: RejectionRecord[];
  loading: boolean;
  error: Error | null;
  /** "Keep mine": writes the refused values again on top of the server's row, as a new change. */
  retry(id: string): WriteResult;
  /** "Keep theirs": gives the refused values up (and any later change of the row not sent yet). */
  discard(id: string): Promise<boolean>;
  /** "Seen": forgets the record; the server's outcome stands. */
  acknowledge(id: string): Promise<boolean>;
}

export function useRejections(): RejectionsState {
  const client = useClient();
  const { data, loading, error } = useLiveQuery((db) => db.rejections(), []);
  const actions = useMemo(() => ({
    retry: (id: string) => client.retry(id),
    discard: (id: string) => client.discard(id),
    acknowledge: (id: string) => client.acknowledge(id),
  }), [client]);
  return { rejections: data ?? NONE, loading, error, ...actions };
}

const NONE: never[] = [];
