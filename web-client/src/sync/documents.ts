/** GraphQL documents generated from the sync schema: the sync mutation and one subscription per table. */
import type { SchemaIndex, TableSchema } from '../schema/sync-schema.js';

/** The sync mutation answering the given tables (only those with scopes, to keep the operation small). */
export function syncDocument(schema: SchemaIndex, tables: TableSchema[]): string {
  const parts = tables.map(
    (t) => `${t.queryField} { id applied drops refreshedBuckets stamp source fallback rejected { uid reason field message } upserts { ${schema.selection(t)} } }`,
  );
  return `mutation Sync($input: SyncInput!) { sync(input: $input) { cursor replayed ${parts.join(' ')} } }`;
}

export function subscriptionDocument(schema: SchemaIndex, table: TableSchema): string {
  return `subscription Changes($where: ${table.name}Where) { ${table.subscriptionField}(where: $where) {
  operation uid version cursor row { ${schema.selection(table)} } } }`;
}
