/**
 * The committed demo types are what tidemark-codegen writes from the running server: a change of
 * the server's tables or inputs that was not regenerated fails here. To regenerate, run this file
 * with `-u` against a server (`TIDEMARK_URL=... npx vitest run --config vitest.integration.config.ts
 * test/integration/codegen.test.ts -u`): it rewrites both the types and the saved answer the unit
 * tests generate from, and so the schema the unit tests open their replicas with (`demo-schema.ts`).
 */
import { describe, expect, it } from 'vitest';
import { runCodegen, type CodegenIo } from '../../src/codegen/cli.js';
import { CODEGEN_QUERY, type CodegenAnswer } from '../../src/codegen/server-contract.js';
import { SYNC_SCHEMA_QUERY, type SyncSchema } from '../../src/schema/sync-schema.js';
import { demoSchema } from '../../src/test-support/demo-schema.js';
import { GraphQLHttp } from '../../src/transport/graphql-http.js';
import { SERVER } from './support.js';

function capture(): CodegenIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '', stderr: '',
    readFile: async () => { throw new Error('no file is read'); },
    readFileIfExists: async () => undefined,
    writeFile: async () => { throw new Error('no file is written'); },
    out: (text: string) => { io.stdout += text; },
    err: (text: string) => { io.stderr += text; },
  };
  return io;
}

describe('tidemark-codegen against the running server', () => {
  it('should write the committed demo types, without a token, the server\'s inputs agreeing with syncSchema', async () => {
    const io = capture();
    expect(await runCodegen(['--url', SERVER], io)).toBe(0);
    expect(io.stderr).toBe(''); // no where field that only one side knows
    await expect(io.stdout).toMatchFileSnapshot('../../demo/src/tidemark-types.ts');
  });

  it('should be the schema the unit tests open their replicas with', async () => {
    const { syncSchema } = await new GraphQLHttp(`${SERVER}/graphql`).request<{ syncSchema: SyncSchema }>(SYNC_SCHEMA_QUERY, {}, { anonymous: true });
    expect(demoSchema).toEqual({ ...syncSchema, limits: undefined });
  });

  it('should get the answer the unit tests generate from', async () => {
    const answer = await new GraphQLHttp(`${SERVER}/graphql`).request<CodegenAnswer>(CODEGEN_QUERY, {}, { anonymous: true });
    await expect(`${JSON.stringify(kept(answer), null, 2)}\n`).toMatchFileSnapshot('../../src/test-support/demo-codegen-answer.json');
  });
});

/**
 * The part of the answer the generator reads (syncSchema without its limits, the root types' fields
 * and the input types), in name order: the server lists its types and fields in no fixed order.
 */
function kept(answer: CodegenAnswer): CodegenAnswer {
  const roots = new Set([answer.__schema.queryType?.name, answer.__schema.mutationType?.name]);
  const byName = <T extends { name: string }>(list: T[]): T[] => [...list].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const types = byName(answer.__schema.types.filter((t) => roots.has(t.name) || t.kind === 'INPUT_OBJECT')).map((t) => ({
    ...t,
    fields: t.fields ? byName(t.fields).map((f) => ({ ...f, args: byName(f.args) })) : null,
    inputFields: t.inputFields ? byName(t.inputFields) : null,
  }));
  // The limits follow the server's configuration (WebClientIT lowers max-rows); the generator ignores them.
  return { syncSchema: { ...answer.syncSchema, limits: undefined }, __schema: { ...answer.__schema, types } };
}
