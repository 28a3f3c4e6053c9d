/**
 * The identity of a scope: its table and where, written the same way whatever order the app wrote
 * the where's keys in, so that adding "the same scope" twice finds the one already there.
 */
import type { Scope } from '../replica/types.js';
import type { Where } from '../replica/where.js';

/** JSON with object keys sorted at every level (arrays keep their order: `or` and `in` lists are the app's). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** A scope of `table` with this where; its id is the app's name for it, or its table and canonical where. */
export function scopeOf(table: string, where: Where | null | undefined, id?: string): Scope {
  return { id: id ?? `${table}:${canonicalJson(where ?? null)}`, table, where: where ?? null };
}
