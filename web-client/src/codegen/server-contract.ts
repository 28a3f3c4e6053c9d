/**
 * What the generator reads from a server, in one GraphQL request: its syncSchema (the tables as the
 * replica holds them) and the introspection of its operations and inputs (the where-input each
 * table's query takes and the input its save mutation takes, as the server will accept them).
 */
import { SYNC_SCHEMA_QUERY, type SyncSchema } from '../schema/sync-schema.js';

const TYPE_REF = 'kind name ofType { kind name ofType { kind name ofType { kind name } } }';

/**
 * The generator's query. `fields` appears once: graphql-java refuses an introspection that asks for
 * `__Type.fields` more than once as not made "in good faith".
 */
export const CODEGEN_QUERY = `${SYNC_SCHEMA_QUERY.replace(/^query SyncSchema \{/, 'query TidemarkCodegen {').replace(/\}\s*$/, '')}
  __schema { queryType { name } mutationType { name }
    types { name kind fields { name args { name type { ${TYPE_REF} } } } inputFields { name type { ${TYPE_REF} } } } } }`;

export interface TypeRef {
  kind: string;
  name: string | null;
  ofType?: TypeRef | null;
}

interface IntrospectedType {
  name: string;
  kind: string;
  fields: { name: string; args: { name: string; type: TypeRef }[] }[] | null;
  inputFields: { name: string; type: TypeRef }[] | null;
}

/** The answer of CODEGEN_QUERY (its `data`). */
export interface CodegenAnswer {
  syncSchema: SyncSchema;
  __schema: { queryType: { name: string } | null; mutationType: { name: string } | null; types: IntrospectedType[] };
}

/** A field of one of the server's input types: whether the server requires it. */
export interface ContractField {
  name: string;
  required: boolean;
}

/** One table's inputs as the server's GraphQL schema declares them. */
export interface TableContract {
  whereType: string;
  whereFields: ContractField[];
  inputType: string;
  inputFields: ContractField[];
}

/** The contract of every table, read from the introspection; throws when a table's operations are missing. */
export function tableContracts(answer: CodegenAnswer): Map<string, TableContract> {
  const types = new Map(answer.__schema.types.map((t) => [t.name, t]));
  const root = (which: 'queryType' | 'mutationType'): IntrospectedType => {
    const type = types.get(answer.__schema[which]?.name ?? '');
    if (!type) throw new Error(`the introspection has no ${which === 'queryType' ? 'Query' : 'Mutation'} type`);
    return type;
  };
  const argType = (owner: IntrospectedType, field: string, arg: string, table: string): string => {
    const found = owner.fields?.find((f) => f.name === field)?.args.find((a) => a.name === arg);
    if (!found) throw new Error(`${table}: the server has no ${owner.name}.${field}(${arg}: ...) although syncSchema names it`);
    return named(found.type);
  };
  const inputFields = (name: string): ContractField[] =>
    (types.get(name)?.inputFields ?? []).map((f) => ({ name: f.name, required: f.type.kind === 'NON_NULL' }));
  const contracts = new Map<string, TableContract>();
  for (const table of answer.syncSchema.tables) {
    const whereType = argType(root('queryType'), table.queryField, 'where', table.name);
    const inputType = argType(root('mutationType'), table.saveMutation, 'input', table.name);
    contracts.set(table.name, { whereType, whereFields: inputFields(whereType), inputType, inputFields: inputFields(inputType) });
  }
  return contracts;
}

function named(type: TypeRef): string {
  return type.name ?? (type.ofType ? named(type.ofType) : '');
}
