/** What the fault test needs to know of the server's sync schema, read once from `syncSchema`. */
import { SYNC_SCHEMA_QUERY, type SyncSchema, type TableSchema } from '../../src/schema/sync-schema.js';
import type { Cluster } from './cluster.js';

/** The text column each operation renames. */
const LABEL: Record<string, string> = { User: 'name', Group: 'name', UserDocument: 'title', UserDocumentEvent: 'payload' };

export class SchemaFacts {
  readonly tableOfField = new Map<string, string>();
  readonly dataColumns = new Map<string, string[]>();
  private readonly byName = new Map<string, TableSchema>();

  private constructor(readonly schema: SyncSchema) {
    for (const table of schema.tables) {
      this.byName.set(table.name, table);
      this.tableOfField.set(table.queryField, table.name);
      this.dataColumns.set(table.name, table.columns.filter((c) => !c.system).map((c) => c.name));
    }
  }

  static async read(cluster: Cluster): Promise<SchemaFacts> {
    return new SchemaFacts((await cluster.gql<{ syncSchema: SyncSchema }>(SYNC_SCHEMA_QUERY)).syncSchema);
  }

  get tables(): TableSchema[] {
    return this.schema.tables;
  }

  table(name: string): TableSchema {
    return this.byName.get(name)!;
  }

  labelOf(table: string): string {
    return LABEL[table]!;
  }

  /** Every column, system ones included: what a replica must hold exactly as the server does (I1). */
  columns(table: string): string[] {
    return this.table(table).columns.map((c) => c.name);
  }

  /** References whose parent's tombstone cascades to the row (I6: such a live row must not point at a tombstone). */
  cascadingParents(table: string): { foreignKey: string; target: string }[] {
    return this.table(table).parents.filter((p) => p.cascade);
  }
}
