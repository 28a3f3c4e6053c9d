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

/** What the server accepts (its configuration); requests over any of these are refused. */
export interface SyncLimits {
  /** Held rows, changes and digest buckets of one sync, all scopes together. */
  maxSyncRows: number;
  maxSyncScopes: number;
  /** Largest page of a paged first sync. */
  maxSyncPageSize: number;
  maxDigestBuckets: number;
  maxInSize: number;
  maxWhereDepth: number;
  maxSubscriptionsPerConnection: number;
  /** Largest HTTP request body. */
  maxBodyBytes: number;
}

/** The server's defaults, for a schema stored by a client that did not read its limits yet. */
export const DEFAULT_LIMITS: SyncLimits = {
  maxSyncRows: 200_000,
  maxSyncScopes: 64,
  maxSyncPageSize: 10_000,
  maxDigestBuckets: 1 << 20,
  maxInSize: 500,
  maxWhereDepth: 8,
  maxSubscriptionsPerConnection: 100,
  maxBodyBytes: 16 << 20,
};

export interface SyncSchema {
  /** Digest of the description; a change means the replica must migrate. */
  version: string;
  /** Parents before the tables that reference them. */
  tables: TableSchema[];
  /** The server's limits when the schema was read (not part of version). */
  limits?: SyncLimits;
}

const LIMITS_SELECTION = 'limits { maxSyncRows maxSyncScopes maxSyncPageSize maxDigestBuckets maxInSize maxWhereDepth maxSubscriptionsPerConnection maxBodyBytes }';

export const SYNC_SCHEMA_QUERY = `query SyncSchema { syncSchema { version ${LIMITS_SELECTION} tables {
  name table primaryKey queryField subscriptionField saveMutation deleteMutation conflictPolicy
  columns { name column type nullable system }
  parents { field foreignKey target cascade }
  children { field target parentField foreignKey } } } }`;

/** Lookups over a schema, built once; its limits follow the server's latest answer. */
export class SchemaIndex {
  private readonly byName = new Map<string, TableSchema>();
  private serverLimits: SyncLimits;

  constructor(readonly schema: SyncSchema) {
    for (const table of schema.tables) this.byName.set(table.name, table);
    this.serverLimits = { ...DEFAULT_LIMITS, ...schema.limits };
  }

  /** The server's limits as last read (from the stored schema, then from each schema check). */
  get limits(): SyncLimits {
    return this.serverLimits;
  }

  set limits(limits: SyncLimits) {
    this.serverLimits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** The most bytes one change may take: half a request body, so a change always fits in a sync with room to spare. */
  get maxChangeBytes(): number {
    return Math.floor(this.serverLimits.maxBodyBytes / 2);
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

/** The version and the limits only: what a client checks in the background after opening from its stored schema. */
export const SCHEMA_VERSION_QUERY = `query SyncSchemaVersion { syncSchema { version ${LIMITS_SELECTION} } }`;
