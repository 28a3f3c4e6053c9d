/**
 * Checks a where-input against the sync schema and the server's limits when a read or a scope is
 * made, so that a mistake (a column or relation the table lacks, an unknown operator, a value of
 * the wrong kind, a list or a nesting over the limit) is refused at once with the field it is
 * about — the path the server would name (`where.memberships.some.userUid.eqq`) — instead of
 * surfacing later as a `lastError` of a watcher or a refused subscription.
 */
import type { ColumnSchema, SchemaIndex, TableSchema } from '../schema/sync-schema.js';
import { UID_PATTERN } from '../util/uid.js';
import { isDateTime } from './row-validation.js';

/** A where-input (or the table it is for) the server would refuse, with its code and the path of the field at fault. */
export class WhereError extends Error {
  constructor(
    readonly code: 'BAD_USER_INPUT' | 'LIMIT_EXCEEDED',
    message: string,
    /** The input path of the field at fault, from `where` (`where.name.startsWith`). */
    readonly field: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'WhereError';
  }
}

const ALL = ['eq', 'ne', 'in', 'notIn', 'lt', 'lte', 'gt', 'gte', 'isNull'];
/** The operators of each column type's filter input on the server (StringFilter, UuidFilter, ...). */
const OPERATORS: Record<string, string[]> = {
  STRING: [...ALL, 'contains', 'startsWith'],
  UUID: ['eq', 'ne', 'in', 'notIn', 'isNull'],
  DATETIME: ALL,
  VERSION: ['eq', 'ne', 'in', 'notIn', 'lt', 'lte', 'gt', 'gte'],
};
const LISTS = new Set(['in', 'notIn']);

/**
 * Throws a WhereError for a table the schema lacks (field `table`, beside the where's path) or the
 * first problem of `where` as a where of `table`; null and undefined are "everything".
 */
export function checkWhere(schema: SchemaIndex, table: string, where: unknown, path = 'where'): void {
  if (!schema.has(table)) {
    const tables = schema.tables.map((t) => t.name).join(', ');
    throw new WhereError('BAD_USER_INPUT', `no table '${String(table)}' in the server's syncSchema (tables: ${tables})`, path.replace(/where$/, 'table'));
  }
  if (where === null || where === undefined) return;
  new WhereChecker(schema).where(schema.table(table), where, path, 1);
}

class WhereChecker {
  constructor(private readonly schema: SchemaIndex) {}

  where(table: TableSchema, where: unknown, path: string, depth: number): void {
    const max = this.schema.limits.maxWhereDepth;
    if (depth > max) throw new WhereError('LIMIT_EXCEEDED', `nested deeper than the server's ${max} levels; flatten the and/or/not or relation nesting`, path);
    if (!isObject(where)) throw new WhereError('BAD_USER_INPUT', `${describe(where)} is not a where-input of ${table.name}`, path);
    for (const [key, value] of Object.entries(where)) {
      if (value === undefined || value === null) continue;
      this.field(table, key, value, `${path}.${key}`, depth);
    }
  }

  private field(table: TableSchema, key: string, value: unknown, path: string, depth: number): void {
    if (key === 'and' || key === 'or') return this.list(table, value, path, depth);
    if (key === 'not') return this.where(table, value, path, depth + 1);
    const column = table.columns.find((c) => c.name === key);
    if (column) return this.filter(column, value, path);
    const parent = table.parents.find((p) => p.field === key);
    if (parent) return this.where(this.schema.table(parent.target), value, path, depth + 1);
    const child = table.children.find((c) => c.field === key);
    if (child) return this.children(this.schema.table(child.target), value, path, depth);
    const relations = [...table.parents, ...table.children].map((r) => r.field);
    throw new WhereError('BAD_USER_INPUT', `${table.name} has no column or relation '${key}' (columns: ${table.columns.map((c) => c.name).join(', ')}`
      + `${relations.length ? `; relations: ${relations.join(', ')}` : ''}; and, or, not)`, path);
  }

  private list(table: TableSchema, value: unknown, path: string, depth: number): void {
    if (!Array.isArray(value)) throw new WhereError('BAD_USER_INPUT', `must be a list of where-inputs, not ${describe(value)}`, path);
    value.forEach((item, i) => {
      if (item === null || item === undefined) throw new WhereError('BAD_USER_INPUT', 'null is not a where-input; remove it from the list', `${path}[${i}]`);
      this.where(table, item, `${path}[${i}]`, depth + 1);
    });
  }

  private children(target: TableSchema, value: unknown, path: string, depth: number): void {
    if (!isObject(value)) throw new WhereError('BAD_USER_INPUT', `must be {some: ...} or {none: ...}, not ${describe(value)}`, path);
    for (const [key, inner] of Object.entries(value)) {
      if (inner === undefined || inner === null) continue;
      if (key !== 'some' && key !== 'none') throw new WhereError('BAD_USER_INPUT', `a to-many relation takes some or none, not '${key}'`, `${path}.${key}`);
      this.where(target, inner, `${path}.${key}`, depth + 1);
    }
  }

  private filter(column: ColumnSchema, value: unknown, path: string): void {
    if (!isObject(value)) throw new WhereError('BAD_USER_INPUT', `must be an operator object such as {eq: ...}, not ${describe(value)}`, path);
    const allowed = OPERATORS[column.type] ?? ALL;
    for (const [op, operand] of Object.entries(value)) {
      if (operand === undefined || operand === null) continue;
      const at = `${path}.${op}`;
      if (!allowed.includes(op)) throw new WhereError('BAD_USER_INPUT', `'${op}' is not an operator of a ${column.type} column (${allowed.join(', ')})`, at);
      if (op === 'isNull') {
        if (typeof operand !== 'boolean') throw new WhereError('BAD_USER_INPUT', `isNull takes true or false, not ${describe(operand)}`, at);
      } else if (LISTS.has(op)) {
        if (!Array.isArray(operand)) throw new WhereError('BAD_USER_INPUT', `${op} takes a list, not ${describe(operand)}`, at);
        const max = this.schema.limits.maxInSize;
        if (operand.length > max) throw new WhereError('LIMIT_EXCEEDED', `a list of ${operand.length} values is over the server's limit of ${max}`, at);
        operand.forEach((v, i) => this.value(column, v, `${at}[${i}]`));
      } else {
        this.value(column, operand, at);
      }
    }
  }

  private value(column: ColumnSchema, value: unknown, path: string): void {
    const problem = valueProblem(column, value);
    if (problem) throw new WhereError('BAD_USER_INPUT', problem, path);
  }
}

function valueProblem(column: ColumnSchema, value: unknown): string | null {
  if (value === null || value === undefined) return 'null is not a value here; use isNull to match missing values';
  switch (column.type) {
    case 'UUID': return typeof value === 'string' && UID_PATTERN.test(value.toLowerCase()) ? null : `${describe(value)} is not a uid (8-4-4-4-12 hexadecimal digits)`;
    case 'DATETIME': return isDateTime(value) ? null : `${describe(value)} is not an ISO-8601 date-time`;
    case 'VERSION': return Number.isSafeInteger(value) ? null : `${describe(value)} is not a version (a whole number)`;
    case 'STRING': return typeof value === 'string' ? null : `${describe(value)} is not a string`;
    default: return typeof value === 'object' ? `${describe(value)} is not a value` : null;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
