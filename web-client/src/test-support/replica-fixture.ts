/** Opens replicas of the demo schema on fake-indexeddb, one fresh database per call. */
import 'fake-indexeddb/auto';
import { openReplicaDb } from '../replica/replica-db.js';
import { Replica } from '../replica/replica.js';
import type { Row, Scope } from '../replica/types.js';
import { applyEvent } from '../sync/sync-apply.js';
import { SchemaIndex, type SyncSchema } from '../schema/sync-schema.js';
import { demoSchema } from './demo-schema.js';

let counter = 0;

export const everything: Scope[] = demoSchema.tables.map((t) => ({ id: `${t.name}:all`, table: t.name, where: null }));

export function freshName(): string {
  return `unit-${Date.now()}-${++counter}`;
}

export async function openReplica(scopes: Scope[] = everything, name = freshName(), schema: SyncSchema = demoSchema, now?: () => Date): Promise<Replica> {
  const { db } = await openReplicaDb(name, schema, () => undefined);
  return new Replica(db, new SchemaIndex(schema), scopes, now);
}

/** A row as the server sends it. */
export function serverRow(values: { uid: string; version: number } & Record<string, unknown>): Row {
  return { createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', deletedAt: null, ...values } as Row;
}

/** Stores server rows as UPSERT events of the table's first scope would. */
export async function seed(replica: Replica, table: string, ...rows: Row[]): Promise<void> {
  const scope = replica.scopesOf(table)[0]!;
  for (const row of rows) {
    await applyEvent(replica, scope, { operation: 'UPSERT', uid: row.uid, version: row.version, cursor: '1@2026-01-01T00:00:00Z', row });
  }
}

export const uid = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
