/** The options of `TidemarkClient.open` and the state it reports. */
import type { SyncSchema } from '../schema/sync-schema.js';
import type { ScopeOf, UntypedSchema } from '../schema/typed-schema.js';
import type { RefusedScope } from '../sync/live-connection.js';
import type { AnswerSource } from '../sync/stamps.js';
import type { FetchLike, TokenSource } from '../transport/graphql-http.js';

/** A scope held for the life of a client: a table, a where of it (typed by the client's schema), an optional stable name (defaults to the table and the where). */
export type ScopeDeclaration<S = UntypedSchema> = ScopeOf<S>;

export interface TidemarkOptions<S = UntypedSchema> {
  /** The server's base URL (http://host:port); GraphQL is at /graphql, over HTTP and WebSocket. */
  url: string;
  /**
   * The bearer token (a JWT whose subject is the user's uid), or a function returning the current
   * one; sent on every HTTP request and in the WebSocket connection_init. The server's row policies
   * decide what this user syncs. A refused token is not sent again: give a function, and the
   * client syncs again by itself once it returns a new token.
   */
  token?: TokenSource;
  /** WebSocket URL when it differs from url's /graphql (a proxy, say). */
  wsUrl?: string;
  /** Scopes held for the life of this client (more can be added and removed with `client.scope()`). */
  scopes?: ScopeDeclaration<S>[];
  /** IndexedDB database name; tabs that use the same name share one replica. */
  dbName?: string;
  /** The sync schema; by default the one stored with the replica (checked against the server's in the background), else fetched. */
  schema?: SyncSchema;
  /** A WebSocket class (the `ws` package in Node 20); the global one by default. */
  webSocketImpl?: unknown;
  fetch?: FetchLike;
  /** Where `online`/`offline` events come from: `window` by default. */
  connectivity?: EventTarget;
  keepAliveMs?: number;
  pongTimeoutMs?: number;
  /** Backoff of reconnections and of sync retries (0.5 s to 30 s by default). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Lease of the leader tab where Web Locks are missing; a leader that stops answering is replaced after it. */
  leaseMs?: number;
  /** false: a local-only replica that never talks to the server (tests, previews). */
  connect?: boolean;
  /**
   * A scope holding at least this many unchanged rows sends them to sync as a held digest (bucket
   * checksums, 4 bytes per ~row instead of ~45) rather than a list; 1000 by default.
   */
  heldDigestFrom?: number;
  /**
   * A scope synced with the stamp of its last sync is answered from the server's change log (what
   * changed since); once this many ms passed since the scope was last compared whole, its next sync
   * asks for the whole comparison (`verify`), a check of the replica. 24 h by default.
   */
  verifyEveryMs?: number;
  /** Rows per page of a scope's first sync (capped by the server's `maxSyncPageSize`); 2000 by default. */
  pageSize?: number;
  /** How long one request (a sync, a page, the schema) may take before it counts as lost; 30 s by default. */
  requestTimeoutMs?: number;
  /**
   * How long the rows of a scope stay after its last tab closed or died (it is no longer synced
   * meanwhile): a reload or the app opened again offline finds them, and adding the scope again
   * syncs only what changed. 24 h by default; a scope the app removes (`handle.remove()`) is evicted at once.
   */
  releasedScopeTtlMs?: number;
}

/** Where a scope's first sync stands: rows received so far, the scope's total where the server said it, and whether it is done. */
export interface ScopeProgress {
  table: string;
  /** Rows the scope's first sync has received (its pages, across reloads); 0 for a scope whose rows were already held. */
  received: number;
  /** The scope's live rows on the server when its first page was read; null when not known. */
  total: number | null;
  /** Subscribed, and its first sync stored: its rows are in the replica. */
  ready: boolean;
  /**
   * How the server answered the scope's last sync: `source` CHANGE_LOG (from its stamp), COMPARISON
   * (whole; `fallback` says why, e.g. NO_STAMP, VERIFY_REQUESTED) or PAGE; `fallback` STAMP_REFUSED
   * when the server refused the stamp (forgotten, the scope compared whole at once). Absent until known.
   */
  answeredBy?: AnswerSource;
}

/** What the app shows of the sync: link up, sync running, changes waiting, this tab leads, what went wrong. */
export interface ClientState {
  online: boolean;
  syncing: boolean;
  pending: number;
  leader: boolean;
  lastSyncAt: string | null;
  lastError: string | null;
  /** The code of lastError: the server's (UNAUTHENTICATED, LIMIT_EXCEEDED...), or NETWORK, CLIENT_ERROR. */
  lastErrorCode: string | null;
  /** The server refused the token: local reads and writes go on; syncing resumes once the token function returns a new one. */
  unauthenticated: boolean;
  /** Scopes whose subscription the server refused: left out of syncs until the next connection. */
  refusedScopes: RefusedScope[];
  /** Rejection records the app has not acknowledged yet (`client.rejections()`). */
  rejections: number;
  /** Per scope of the replica (every tab's), where its first sync stands; a scope appears here once the leader subscribes it. */
  progress: Record<string, ScopeProgress>;
  /** The app switched the replica's link off (`setOnline(false)`): no socket, no request, until `setOnline(true)`. */
  switchedOff: boolean;
}

export const INITIAL_STATE: ClientState = {
  online: false, syncing: false, pending: 0, leader: false, lastSyncAt: null, lastError: null,
  lastErrorCode: null, unauthenticated: false, refusedScopes: [], rejections: 0, progress: {}, switchedOff: false,
};

/** The fields only the leader knows (its link), sent to the other tabs. */
export const LEADER_FIELDS = ['online', 'syncing', 'lastSyncAt', 'lastError', 'lastErrorCode', 'unauthenticated', 'refusedScopes', 'progress'] as const;
