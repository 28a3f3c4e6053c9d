/**
 * The tables a read depends on: its own, and every table its where reaches through relations (a
 * membership filtered by its group's name changes when a group is renamed). A live read re-runs
 * only after a change to one of them.
 */
import type { SchemaIndex } from '../schema/sync-schema.js';

/** Adds `table` and the tables `where` traverses (parents, children, inside and/or/not) to `into`. */
export function whereTables(schema: SchemaIndex, table: string, where: unknown, into: Set<string>): Set<string> {
  into.add(table);
  if (typeof where !== 'object' || where === null || !schema.has(table)) return into;
  const t = schema.table(table);
  for (const [key, value] of Object.entries(where)) {
    if (value === undefined || value === null) continue;
    if (key === 'and' || key === 'or') {
      if (Array.isArray(value)) for (const inner of value) whereTables(schema, table, inner, into);
    } else if (key === 'not') {
      whereTables(schema, table, value, into);
    } else {
      const parent = t.parents.find((p) => p.field === key);
      if (parent) whereTables(schema, parent.target, value, into);
      const child = t.children.find((c) => c.field === key);
      if (child && typeof value === 'object') {
        const list = value as { some?: unknown; none?: unknown };
        into.add(child.target);
        whereTables(schema, child.target, list.some, into);
        whereTables(schema, child.target, list.none, into);
      }
    }
  }
  return into;
}
