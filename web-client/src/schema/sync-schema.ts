/**
 * The server's description of its synced tables (the `syncSchema` query), the one source of
 * truth for the replica's stores, indexes, local cascades and GraphQL documents.
 */

export type ColumnType = 'STRING' | 'UUID' | 'DATETIME' | 'VERSION' | 'BOOLEAN' | 'INT' | 'FLOAT';

export interface ColumnSchema {
  name: string;
  column: string;
  type: ColumnType;
  nullable: boolean;
  /** Managed by the server or the protocol: createdAt, updatedAt, deletedAt, version. */
  system: boolean;
}

/** A many-to-one reference: `foreignKey` holds the uid of a `target` row. */
export interface ParentSchema {
  field: string;
  foreignKey: string;
  target: string;
  /** Tombstoning the parent tombstones this row. */
  cascade: boolean;
}

/** A one-to-many relation: rows of `target` whose `foreignKey` is this row's uid. */
export interface ChildSchema {
  field: string;
  target: string;
  parentField: string;
  foreignKey: string;
}

export interface TableSchema {
  name: string;
  table: string;
  primaryKey: string;
  queryField: string;
  subscriptionField: string;
  saveMutation: string;
  deleteMutation: string;
  conflictPolicy: 'DELETE_WINS' | 'LAST_WRITER_WINS';
  columns: ColumnSchema[];
  parents: ParentSchema[];
  children: ChildSchema[];
}

export interface SyncSchema {
  /** Digest of the description; a change means the replica must migrate. */
  version: string;
  /** Parents before the tables that reference them. */
  tables: TableSchema[];
}

export const SYNC_SCHEMA_QUERY = `query SyncSchema { syncSchema { version tables {
  name table primaryKey queryField subscriptionField saveMutation deleteMutation conflictPolicy
  columns { name column type nullable system }
  parents { field foreignKey target cascade }
  children { field target parentField foreignKey } } } }`;

/** Lookups over a schema, built once. */
export class SchemaIndex {
  private readonly byName = new Map<string, TableSchema>();

  constructor(readonly schema: SyncSchema) {
    for (const table of schema.tables) this.byName.set(table.name, table);
  }

  get tables(): TableSchema[] {
    return this.schema.tables;
  }

  table(name: string): TableSchema {
    const table = this.byName.get(name);
    if (!table) {
      throw new Error(`Unknown table '${name}': the server's syncSchema has ${[...this.byName.keys()].join(', ')}`);
    }
    return table;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Columns the app writes (not the system ones, uid included). */
  dataColumns(table: TableSchema): ColumnSchema[] {
    return table.columns.filter((c) => !c.system);
  }

  /** Child relations whose rows are tombstoned with the parent (the child's reference cascades). */
  cascadingChildren(table: TableSchema): ChildSchema[] {
    return table.children.filter((child) =>
      this.table(child.target).parents.some((p) => p.field === child.parentField && p.cascade),
    );
  }

  /** The GraphQL selection of every column of a table. */
  selection(table: TableSchema): string {
    return table.columns.map((c) => c.name).join(' ');
  }
}

export const SCHEMA_VERSION_QUERY = 'query SyncSchemaVersion { syncSchema { version } }';
