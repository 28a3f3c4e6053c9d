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

interface Equality<V> {
  eq?: V | null;
  ne?: V | null;
  in?: V[] | null;
  notIn?: V[] | null;
}

interface Ordering<V> {
  lt?: V | null;
  lte?: V | null;
  gt?: V | null;
  gte?: V | null;
}

interface Nullness {
  /** true: the column is null; false: it is not. */
  isNull?: boolean | null;
}

/** Operators of a text column (`contains`, `startsWith` are case-sensitive, wildcards literal). */
export interface StringFilter extends Equality<string>, Ordering<string>, Nullness {
  contains?: string | null;
  startsWith?: string | null;
}

/** Operators of a uid column (canonical UUID strings). */
export interface UuidFilter extends Equality<string>, Nullness {}

/** Operators of a date-time column (ISO-8601 strings with an offset). */
export interface DateTimeFilter extends Equality<string>, Ordering<string>, Nullness {}

/** Operators of the server-assigned version (whole numbers). */
export interface VersionFilter extends Equality<number>, Ordering<number> {}

/** Operators of a column of another type (BOOLEAN, INT, FLOAT), as the client's where checker takes them. */
export interface ValueFilter<V> extends Equality<V>, Ordering<V>, Nullness {}

/** A to-many relation's condition: some / no live related row matches. */
export interface ListWhere<W> {
  some?: W | null;
  none?: W | null;
}
