/** Tidemark web client: an offline-first replica of the app's scopes, kept in sync with the server. */
export { TidemarkClient, type ClientState, type ScopeDeclaration, type ScopeProgress, type TidemarkOptions } from './client.js';
export { RejectedWriteError, type WriteResult } from './outbox/write-tracker.js';
export type { OutboxItem, OutboxStatus } from './outbox/outbox-status.js';
export { ScopeRefusedError, type ScopeHandle } from './scopes/scope-claims.js';
export { WhereError } from './replica/where-check.js';
export { LocalWriteError, type ChangeEvent, type Rejection, type RejectionRecord, type Row, type Scope } from './replica/types.js';
export type { ListOptions } from './replica/replica.js';
export type { Where } from './replica/where.js';
export type { MigrationReport } from './replica/replica-db.js';
export { SYNC_SCHEMA_QUERY, type SyncSchema, type SyncLimits, type TableSchema, type ColumnSchema, type ParentSchema, type ChildSchema } from './schema/sync-schema.js';
export type { RefusedScope } from './sync/session-subscriptions.js';
export { GraphQLRequestError, NetworkError, type FetchLike, type TokenSource } from './transport/graphql-http.js';
export { newUid } from './util/uid.js';
export type { LiveReader } from './client/live-reader.js';
export type {
  DateTimeFilter, InputOf, ListWhere, RowOf, SaveValues, ScopeOf, StringFilter, TableName,
  UntypedSchema, UuidFilter, ValueFilter, VersionFilter, WhereOf,
} from './schema/typed-schema.js';
