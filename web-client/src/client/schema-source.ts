/**
 * Where the client's schema comes from. Opening never waits for the network when the replica
 * exists: it opens from the schema stored with it (or the newer one a background check stored
 * for the next opening), and checks the server's version and limits afterwards. Only a first
 * start, with no replica yet, fetches the schema. The schema is readable without a token, so an
 * expired token never keeps the replica closed.
 */
import { openDB } from 'idb';
import { META } from '../replica/replica-db.js';
import { SCHEMA_VERSION_QUERY, SYNC_SCHEMA_QUERY, type SyncLimits, type SyncSchema } from '../schema/sync-schema.js';
import { GraphQLRequestError, NetworkError, type GraphQLHttp } from '../transport/graphql-http.js';

/** The schema to open with: the stored one (or the newer one found since), else the server's. */
export async function loadSchema(http: GraphQLHttp, dbName: string): Promise<SyncSchema> {
  const stored = await readStored(dbName);
  if (stored) return stored;
  try {
    return await fetchSchema(http);
  } catch (e) {
    if (e instanceof NetworkError) throw new NetworkError(`Offline and no replica yet: the first start needs the server (${e.message})`);
    throw e;
  }
}

/** The server's schema (with its limits), asked with the token and, if the token is refused, without. */
export async function fetchSchema(http: GraphQLHttp): Promise<SyncSchema> {
  return (await schemaRequest<{ syncSchema: SyncSchema }>(http, SYNC_SCHEMA_QUERY)).syncSchema;
}

/** The server's schema version and limits. */
export async function fetchVersion(http: GraphQLHttp): Promise<{ version: string; limits?: SyncLimits }> {
  return (await schemaRequest<{ syncSchema: { version: string; limits?: SyncLimits } }>(http, SCHEMA_VERSION_QUERY)).syncSchema;
}

/** Stores a newer server schema for the next opening (which migrates the replica to it). */
export async function storeNextSchema(dbName: string, schema: SyncSchema): Promise<void> {
  const db = await openDB(dbName);
  try {
    if (db.objectStoreNames.contains(META)) await db.put(META, { key: 'nextSchema', value: schema });
  } finally {
    db.close();
  }
}

async function schemaRequest<T>(http: GraphQLHttp, query: string): Promise<T> {
  try {
    return await http.request<T>(query);
  } catch (e) {
    if (e instanceof GraphQLRequestError && e.code === 'UNAUTHENTICATED') return http.request<T>(query, {}, { anonymous: true });
    throw e;
  }
}

async function readStored(dbName: string): Promise<SyncSchema | undefined> {
  const db = await openDB(dbName);
  try {
    if (!db.objectStoreNames.contains(META)) return undefined;
    const next = (await db.get(META, 'nextSchema')) as { value: SyncSchema } | undefined;
    const stored = (await db.get(META, 'schema')) as { value: SyncSchema } | undefined;
    return next?.value ?? stored?.value;
  } finally {
    db.close();
  }
}
