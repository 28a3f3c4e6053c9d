/**
 * Checks a row's values against the sync schema before it enters the replica: a value the server
 * would refuse (a malformed uid, a missing required column, a wrong type, a NUL character, a row
 * over the body limit) is refused at once with its field, instead of waiting in the outbox where
 * one refused change would hold up every other.
 */
import type { ColumnSchema, SchemaIndex, TableSchema } from '../schema/sync-schema.js';
import { UID_PATTERN } from '../util/uid.js';
import { LocalWriteError } from './types.js';

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The first problem of a row (stored form: every column under its field name), or null when the server would take it. */
export function rowProblem(schema: SchemaIndex, table: TableSchema, row: Record<string, unknown>, maxBytes: number): LocalWriteError | null {
  if (typeof row.uid !== 'string' || !UID_PATTERN.test(row.uid)) {
    return invalid(table, 'uid', `'${String(row.uid)}' is not a uid (8-4-4-4-12 hexadecimal digits; leave it out to have one made)`);
  }
  for (const field of ['createdAt', 'updatedAt']) {
    if (!isDateTime(row[field])) return invalid(table, field, `'${String(row[field])}' is not an ISO-8601 date-time`);
  }
  if (row.deletedAt != null && !isDateTime(row.deletedAt)) return invalid(table, 'deletedAt', 'is not an ISO-8601 date-time');
  for (const column of schema.dataColumns(table)) {
    if (column.name === 'uid') continue;
    const problem = valueProblem(column, row[column.name]);
    if (problem) return invalid(table, column.name, problem);
  }
  const bytes = new TextEncoder().encode(JSON.stringify(row)).length; // UTF-8, as in the request body
  if (bytes > maxBytes) {
    return new LocalWriteError('LIMIT_EXCEEDED', `${table.name} ${row.uid} takes ${bytes} bytes, over the ${maxBytes} one change may take `
      + '(half the server\'s request body limit); store large content elsewhere and reference it', null);
  }
  return null;
}

function valueProblem(column: ColumnSchema, value: unknown): string | null {
  if (value === undefined || value === null) return column.nullable ? null : 'is required';
  switch (column.type) {
    case 'STRING':
      if (typeof value !== 'string') return `must be a string, not ${typeof value}`;
      if (value.includes('\u0000')) return 'contains a NUL character (\\u0000), which the database cannot store';
      if (LONE_SURROGATE.test(value)) return 'contains a lone UTF-16 surrogate (not valid Unicode text)';
      return null;
    case 'UUID':
      return typeof value === 'string' && UID_PATTERN.test(value) ? null : `'${String(value)}' is not a uid (8-4-4-4-12 hexadecimal digits)`;
    case 'DATETIME':
      return isDateTime(value) ? null : `'${String(value)}' is not an ISO-8601 date-time`;
    case 'BOOLEAN':
      return typeof value === 'boolean' ? null : `must be true or false, not ${JSON.stringify(value)}`;
    case 'INT':
      return Number.isSafeInteger(value) ? null : `${JSON.stringify(value)} is not a whole number within ±(2^53 − 1)`;
    case 'FLOAT':
      return typeof value === 'number' && Number.isFinite(value) ? null : `${JSON.stringify(value)} is not a finite number`;
    default:
      return null;
  }
}

/** An ISO-8601 date-time with its offset, every part in range (year 1 to 9999), as the server parses it. */
export function isDateTime(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const m = DATETIME.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeap(year) ? 1 : 0);
  const offsetOk = m[7] === 'Z' || (Number(m[8]) <= 18 && Number(m[9]) <= 59);
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59 && offsetOk;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function invalid(table: TableSchema, field: string, problem: string): LocalWriteError {
  return new LocalWriteError('BAD_USER_INPUT', `${table.name}.${field}: ${problem}`, field);
}
