/**
 * Evaluates the server's where-inputs on local rows, with SQL's three-valued logic so that a
 * replica selects exactly the rows the server would: a comparison with null is unknown (`ne`,
 * `notIn` and `isNull` excepted), `not` of unknown is unknown, and only `true` selects a row.
 */
import type { SchemaIndex, TableSchema } from '../schema/sync-schema.js';

export type Where = Record<string, unknown>;
type Truth = boolean | null;

/** Reads related rows while a where is evaluated (inside one IndexedDB transaction). */
export interface RowLookup {
  get(table: string, uid: string): Promise<Record<string, unknown> | undefined>;
  byForeignKey(table: string, foreignKey: string, uid: string): Promise<Record<string, unknown>[]>;
}

const STRING_OPS = new Set(['eq', 'ne', 'in', 'notIn', 'lt', 'lte', 'gt', 'gte', 'isNull', 'contains', 'startsWith']);

export class WhereEvaluator {
  constructor(
    private readonly schema: SchemaIndex,
    private readonly lookup: RowLookup,
  ) {}

  /** Whether the row matches (unknown counts as no). */
  async matches(table: TableSchema, row: Record<string, unknown>, where: Where | null | undefined): Promise<boolean> {
    if (!where) return true;
    return (await this.evaluate(table, row, where)) === true;
  }

  private async evaluate(table: TableSchema, row: Record<string, unknown>, where: Where): Promise<Truth> {
    const parts: Truth[] = [];
    for (const [key, value] of Object.entries(where)) {
      if (value === undefined || value === null) continue;
      parts.push(await this.part(table, row, key, value));
      if (parts[parts.length - 1] === false) return false;
    }
    return and(parts);
  }

  private async part(table: TableSchema, row: Record<string, unknown>, key: string, value: unknown): Promise<Truth> {
    if (key === 'and') return and(await Promise.all((value as Where[]).map((w) => this.evaluate(table, row, w))));
    if (key === 'or') return or(await Promise.all((value as Where[]).map((w) => this.evaluate(table, row, w))));
    if (key === 'not') return not(await this.evaluate(table, row, value as Where));
    const parent = table.parents.find((p) => p.field === key);
    if (parent) {
      const uid = row[parent.foreignKey];
      if (typeof uid !== 'string') return null;
      const target = this.schema.table(parent.target);
      const parentRow = await this.lookup.get(target.name, uid);
      return parentRow ? this.evaluate(target, parentRow, value as Where) : null;
    }
    const child = table.children.find((c) => c.field === key);
    if (child) return this.related(child.target, child.foreignKey, row.uid as string, value as { some?: Where; none?: Where });
    const column = table.columns.find((c) => c.name === key);
    if (!column) throw new Error(`${table.name} has no column or relation '${key}' to filter on`);
    return filter(row[key], value as Record<string, unknown>, column.type === 'DATETIME', column.type === 'UUID');
  }

  /** `some`/`none` over the live related rows. */
  private async related(target: string, foreignKey: string, uid: string, where: { some?: Where; none?: Where }): Promise<Truth> {
    const table = this.schema.table(target);
    const rows = (await this.lookup.byForeignKey(target, foreignKey, uid)).filter((r) => r.deletedAt == null);
    const results: Truth[] = [];
    if (where.some) {
      let found = false;
      for (const row of rows) if (await this.matches(table, row, where.some)) { found = true; break; }
      results.push(found);
    }
    if (where.none) {
      let found = false;
      for (const row of rows) if (await this.matches(table, row, where.none)) { found = true; break; }
      results.push(!found);
    }
    return and(results);
  }
}

function and(parts: Truth[]): Truth {
  if (parts.includes(false)) return false;
  return parts.includes(null) ? null : true;
}

function or(parts: Truth[]): Truth {
  if (parts.includes(true)) return true;
  return parts.includes(null) ? null : false;
}

function not(part: Truth): Truth {
  return part === null ? null : !part;
}

/** One column filter: every given operator must hold. */
export function filter(actual: unknown, ops: Record<string, unknown>, isTime: boolean, isUuid: boolean): Truth {
  const norm = (v: unknown): unknown => {
    if (v === null || v === undefined) return null;
    if (isTime) return Date.parse(String(v));
    if (isUuid) return String(v).toLowerCase();
    return v;
  };
  const value = norm(actual);
  const parts: Truth[] = [];
  for (const [op, raw] of Object.entries(ops)) {
    if (raw === undefined || raw === null) continue;
    if (!STRING_OPS.has(op)) throw new Error(`Unknown operator '${op}'`);
    if (op === 'isNull') { parts.push((value === null) === raw); continue; }
    if (op === 'ne') { parts.push(value === null || value !== norm(raw)); continue; }
    if (op === 'notIn') { parts.push(value === null || !(raw as unknown[]).map(norm).includes(value)); continue; }
    if (value === null) { parts.push(null); continue; }
    parts.push(compare(op, value, raw, norm));
  }
  return and(parts);
}

function compare(op: string, value: unknown, raw: unknown, norm: (v: unknown) => unknown): boolean {
  const other = norm(raw) as number | string;
  const v = value as number | string;
  switch (op) {
    case 'eq': return v === other;
    case 'in': return (raw as unknown[]).map(norm).includes(v);
    case 'lt': return v < other;
    case 'lte': return v <= other;
    case 'gt': return v > other;
    case 'gte': return v >= other;
    case 'contains': return String(v).includes(String(raw));
    case 'startsWith': return String(v).startsWith(String(raw));
    default: throw new Error(`Unknown operator '${op}'`);
  }
}
