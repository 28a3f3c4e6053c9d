/**
 * Answers a GraphQL operation from the replica, without the network: root query fields are the
 * server's list queries (`groups(where:, includeDeleted:)`), object fields are columns or the
 * relations the sync schema describes (a membership's `group`, a group's `memberships`); root
 * mutation fields are the save/delete mutations, applied optimistically.
 */
import { Kind, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';
import type { TidemarkClient } from '../client.js';
import type { Row } from '../replica/types.js';
import type { TableSchema } from '../schema/sync-schema.js';

type Vars = Record<string, unknown>;

export async function executeOnReplica(client: TidemarkClient, document: DocumentNode, variables: Vars = {}, operationName?: string): Promise<Record<string, unknown>> {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operations.find((o) => !operationName || o.name?.value === operationName) ?? operations[0];
  if (!operation) throw new Error('No operation in the document');
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const ctx = { client, variables, fragments };
  const data: Record<string, unknown> = {};
  for (const field of fields(operation.selectionSet, fragments)) {
    const key = field.alias?.value ?? field.name.value;
    if (field.name.value === '__typename') { data[key] = operation.operation === 'mutation' ? 'Mutation' : 'Query'; continue; }
    const args = argsOf(field, variables);
    const rows = operation.operation === 'mutation' ? await mutate(client, field.name.value, args) : await query(client, field.name.value, args);
    const table = tableOf(client, field.name.value);
    data[key] = Array.isArray(rows)
      ? await Promise.all(rows.map((r) => project(ctx, table, r, field.selectionSet)))
      : await project(ctx, table, rows, field.selectionSet);
  }
  return data;
}

interface Ctx {
  client: TidemarkClient;
  variables: Vars;
  fragments: Map<string, FragmentDefinitionNode>;
}

function tableOf(client: TidemarkClient, rootField: string): TableSchema {
  const schema = client.replica.schema;
  const table = schema.tables.find((t) => t.queryField === rootField || t.saveMutation === rootField || t.deleteMutation === rootField);
  if (!table) throw new Error(`'${rootField}' is not a replica query or mutation (known: ${schema.tables.map((t) => t.queryField).join(', ')})`);
  return table;
}

async function query(client: TidemarkClient, name: string, args: Vars): Promise<Row[]> {
  const table = tableOf(client, name);
  return client.list(table.name, { where: (args.where as Record<string, unknown> | undefined) ?? null, includeDeleted: args.includeDeleted === true });
}

async function mutate(client: TidemarkClient, name: string, args: Vars): Promise<Row> {
  const table = tableOf(client, name);
  if (name === table.saveMutation) return client.save(table.name, args.input as Record<string, unknown>);
  return client.delete(table.name, String(args.uid));
}

async function project(ctx: Ctx, table: TableSchema, row: Row | undefined, selection: SelectionSetNode | undefined): Promise<unknown> {
  if (!row || !selection) return row ?? null;
  const schema = ctx.client.replica.schema;
  const out: Record<string, unknown> = {};
  for (const field of fields(selection, ctx.fragments)) {
    const name = field.name.value;
    const key = field.alias?.value ?? name;
    const parent = table.parents.find((p) => p.field === name);
    const child = table.children.find((c) => c.field === name);
    if (name === '__typename') out[key] = table.name;
    else if (parent) {
      const target = schema.table(parent.target);
      const ref = row[parent.foreignKey];
      out[key] = typeof ref === 'string' ? await project(ctx, target, await ctx.client.get(target.name, ref), field.selectionSet) : null;
    } else if (child) {
      const target = schema.table(child.target);
      const rows = await ctx.client.list(target.name, { where: { [child.foreignKey]: { eq: row.uid } } });
      out[key] = await Promise.all(rows.map((r) => project(ctx, target, r, field.selectionSet)));
    } else if (table.columns.some((c) => c.name === name)) out[key] = row[name] ?? null;
    else throw new Error(`${table.name}.${name} is neither a column nor a relation of the sync schema`);
  }
  return out;
}

function fields(selection: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>): FieldNode[] {
  const result: FieldNode[] = [];
  for (const s of selection.selections) {
    if (s.kind === Kind.FIELD) result.push(s);
    else if (s.kind === Kind.INLINE_FRAGMENT) result.push(...fields(s.selectionSet, fragments));
    else {
      const fragment = fragments.get(s.name.value);
      if (fragment) result.push(...fields(fragment.selectionSet, fragments));
    }
  }
  return result;
}

function argsOf(field: FieldNode, variables: Vars): Vars {
  const args: Vars = {};
  for (const arg of field.arguments ?? []) args[arg.name.value] = value(arg.value, variables);
  return args;
}

function value(node: ValueNode, variables: Vars): unknown {
  switch (node.kind) {
    case Kind.VARIABLE: return variables[node.name.value];
    case Kind.INT: case Kind.FLOAT: return Number(node.value);
    case Kind.STRING: case Kind.ENUM: return node.value;
    case Kind.BOOLEAN: return node.value;
    case Kind.NULL: return null;
    case Kind.LIST: return node.values.map((v) => value(v, variables));
    case Kind.OBJECT: return Object.fromEntries(node.fields.map((f) => [f.name.value, value(f.value, variables)]));
  }
}
