/**
 * What a live read reads the replica through: the client's reads, each noting the stores it
 * depends on (a list its table and every table its where reaches; the outbox and the rejection
 * records the outbox store, which every change of either touches), so that the read runs again
 * only after a change to one of them.
 */
import { outboxItems, rowStatus, type OutboxItem, type OutboxStatus } from '../outbox/outbox-status.js';
import { OUTBOX } from '../replica/replica-db.js';
import type { ListOptions, Replica } from '../replica/replica.js';
import type { RejectionRecord } from '../replica/types.js';
import { whereTables } from '../replica/where-tables.js';
import type { RowOf, TableName, UntypedSchema, WhereOf } from '../schema/typed-schema.js';
import { listRejections } from '../sync/rejections.js';

/** The reads a live read may make; what it reads otherwise (through the client, say) is not followed. */
export interface LiveReader<S = UntypedSchema> {
  get<T extends TableName<S>>(table: T, uid: string): Promise<RowOf<S, T> | undefined>;
  list<T extends TableName<S>>(table: T, options?: ListOptions<WhereOf<S, T>>): Promise<RowOf<S, T>[]>;
  /** As `client.outbox()`. */
  outbox(): Promise<OutboxItem<TableName<S>>[]>;
  /** As `client.rejections()`. */
  rejections(): Promise<RejectionRecord[]>;
  syncStatus(table: TableName<S>, uid: string): Promise<OutboxStatus | 'synced'>;
}

/** A reader for one run of a live read: notes every store it read in `tables`. */
export function trackingReader(replica: Replica, tables: Set<string>): LiveReader {
  return {
    get: (table, uid) => {
      tables.add(table);
      return replica.get(table, uid);
    },
    list: (table, options = {}) => {
      whereTables(replica.schema, table, options.where, tables);
      return replica.list(table, options);
    },
    outbox: async () => {
      tables.add(OUTBOX);
      const items = await outboxItems(replica);
      for (const item of items) tables.add(item.table); // an item's kind follows its row
      return items;
    },
    rejections: () => {
      tables.add(OUTBOX);
      return listRejections(replica.db);
    },
    syncStatus: (table, uid) => {
      tables.add(OUTBOX).add(table);
      return rowStatus(replica, table, uid);
    },
  };
}
