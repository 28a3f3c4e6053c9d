/**
 * The server's outcome of local changes, as the transaction applying it decides it: for an
 * outbox change (key, entry `seq`), the revision that was answered and either the row the server
 * applied it as or the rejection record. Every write of that change up to that revision — the one
 * sent and the earlier ones folded into it — has that outcome (see `client/write-tracker.ts`).
 */
import type { RejectionRecord, Row } from '../replica/types.js';

export interface Settlement {
  /** The outbox key (`Table:uid`). */
  key: string;
  /** The outbox entry's seq when sent; null when not known (a flight stored by an older client). */
  seq: number | null;
  /** The revision answered: writes of this change up to it are settled. */
  rev: number;
  /** Applied: the row as the server has it now (null if the server dropped it from the scope). */
  row: Row | null;
  /** Refused or overridden: the record kept for the app. */
  rejection: RejectionRecord | null;
}
