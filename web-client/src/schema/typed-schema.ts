/**
 * The types a client is generic over: per table its row, where-input and save input, as
 * `tidemark-codegen` writes them from the server's syncSchema (see `codegen/`), and the untyped
 * schema a client without a type argument uses (any table name, rows as records).
 */
import type { Row } from '../replica/types.js';
import type { Where } from '../replica/where.js';

/**
 * The schema of a client opened without a type argument: any table, rows as records, wheres
 * checked when run. A generated schema has the same shape: `{ [table]: { row; where; input } }`.
 */
export type UntypedSchema = Record<string, { row: Row; where: Where; input: Record<string, unknown> }>;

export type TableName<S> = Extract<keyof S, string>;
export type RowOf<S, T extends TableName<S>> = S[T] extends { row: infer R } ? R : never;
export type WhereOf<S, T extends TableName<S>> = S[T] extends { where: infer W } ? W : never;
export type InputOf<S, T extends TableName<S>> = S[T] extends { input: infer I } ? I : never;

/**
 * What `save` takes: a new row's input (its required columns, uid made when absent), or an update
 * of a row by uid that changes only the columns it names (the replica keeps the others).
 */
export type SaveValues<S, T extends TableName<S>> = InputOf<S, T> | ({ uid: string } & Partial<InputOf<S, T>>);

/** A scope of one table: its where, and an optional stable name. */
export type ScopeOf<S> = { [T in TableName<S>]: { table: T; where?: WhereOf<S, T> | null; id?: string } }[TableName<S>];

// ---- the server's filter inputs (their GraphQL names); null or absent operators are ignored ----

/** Operators of a text column (`contains`, `startsWith` are case-sensitive, wildcards literal). */
export interface StringFilter {
  eq?: string | null;
  ne?: string | null;
  in?: string[] | null;
  notIn?: string[] | null;
  lt?: string | null;
  lte?: string | null;
  gt?: string | null;
  gte?: string | null;
  isNull?: boolean | null;
  contains?: string | null;
  startsWith?: string | null;
}

/** Operators of a uid column (canonical UUID strings). */
export interface UuidFilter {
  eq?: string | null;
  ne?: string | null;
  in?: string[] | null;
  notIn?: string[] | null;
  isNull?: boolean | null;
}

/** Operators of a date-time column (ISO-8601 strings with an offset). */
export interface DateTimeFilter {
  eq?: string | null;
  ne?: string | null;
  in?: string[] | null;
  notIn?: string[] | null;
  lt?: string | null;
  lte?: string | null;
  gt?: string | null;
  gte?: string | null;
  isNull?: boolean | null;
}

/** Operators of the server-assigned version (whole numbers). */
export interface VersionFilter {
  eq?: number | null;
  ne?: number | null;
  in?: number[] | null;
  notIn?: number[] | null;
  lt?: number | null;
  lte?: number | null;
  gt?: number | null;
  gte?: number | null;
}

/** Operators of a column of another type (BOOLEAN, INT, FLOAT), as the client's where checker takes them. */
export interface ValueFilter<V> {
  eq?: V | null;
  ne?: V | null;
  in?: V[] | null;
  notIn?: V[] | null;
  lt?: V | null;
  lte?: V | null;
  gt?: V | null;
  gte?: V | null;
  isNull?: boolean | null;
}

/** A to-many relation's condition: some / no live related row matches. */
export interface ListWhere<W> {
  some?: W | null;
  none?: W | null;
}
