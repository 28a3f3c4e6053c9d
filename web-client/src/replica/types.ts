/** Shared types of the replica and the sync protocol. */
import type { Where } from './where.js';

/** A row as the app sees it: the table's columns, sync columns included. */
export type Row = {
  uid: string;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
  version: number;
} & Record<string, unknown>;

/** A part of a table the app wants in its replica: a where of that table's where-input. */
export interface Scope {
  /** Stable name of the scope (stored with each row it holds); defaults to the table and the where. */
  id: string;
  table: string;
  where: Where | null;
}

/** A local change the server refused or overrode (invariant I2: never dropped silently). */
export interface Rejection {
  /** The id of its rejection record, kept until the app acknowledges it (`client.acknowledge(id)`). */
  id: string;
  table: string;
  uid: string;
  /**
   * The server's reason (CONFLICT_LOST, ROW_DELETED, PARENT_DELETED, OUT_OF_SCOPE...), or the
   * error code of a change the server refused as malformed (BAD_USER_INPUT...).
   */
  reason: string;
  field: string | null;
  message: string | null;
  /** The row as the server now has it (what the replica holds now), or null if dropped or not known. */
  serverRow: Row | null;
  /** The refused local values, as they were sent (tombstone included: `deletedAt` set for a refused delete). */
  local: Row;
  /** The server version the refused change was based on; null for a row created locally. */
  baseVersion: number | null;
}

/**
 * A rejection as the replica keeps it until the app acknowledges it: the refused values survive
 * the server's answer, reloads and tab changes. `status` leaves room for what an app may do with
 * it later (retry, discard); for now every kept record is `open`.
 */
export interface RejectionRecord extends Rejection {
  status: 'open';
  /** When the client recorded it (its own clock). */
  at: string;
  /** The id of the sync that carried the refused change. */
  syncId: string | null;
}

/** A realtime event, as `<table>Changed` subscriptions deliver it. */
export interface ChangeEvent {
  operation: 'READY' | 'UPSERT' | 'DELETE' | 'LEAVE_SCOPE' | 'RESYNC';
  uid: string | null;
  version: number | null;
  cursor: string;
  row: Row | null;
}

/** The answer for one scope of a sync. */
export interface ScopeResult {
  id: string | null;
  applied: string[];
  drops: string[];
  rejected: { uid: string; reason: string; field: string | null; message: string | null }[];
  upserts: Row[];
  /** Only for a scope sent as a held digest: the buckets whose rows upserts lists in full. */
  refreshedBuckets?: number[] | null;
  /** The scope's stamp, to send back with its next sync (null for a page). */
  stamp?: string | null;
  /** How the server answered: CHANGE_LOG, COMPARISON or PAGE; when compared, why (`fallback`). */
  source?: string | null;
  fallback?: string | null;
}

export interface SyncResult {
  cursor: string;
  replayed: boolean;
  [queryField: string]: ScopeResult[] | string | boolean;
}

/** Errors of local writes, with the same codes as the server's. */
export class LocalWriteError extends Error {
  constructor(
    readonly code: 'ROW_DELETED' | 'PARENT_DELETED' | 'NOT_FOUND' | 'NO_SCOPE' | 'BAD_USER_INPUT' | 'LIMIT_EXCEEDED',
    message: string,
    /** The column at fault, when one is. */
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = 'LocalWriteError';
  }
}
