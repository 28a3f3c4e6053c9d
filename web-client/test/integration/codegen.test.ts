/**
 * The committed demo types are what tidemark-codegen writes from the running server: a change of
 * the server's tables or inputs that was not regenerated fails here. To regenerate, run this file
 * with `-u` against a server (`TIDEMARK_URL=... npx vitest run --config vitest.integration.config.ts
 * test/integration/codegen.test.ts -u`): it rewrites both the types and the saved answer the unit
 * tests generate from.
 */
import { describe, expect, it } from 'vitest';
import { runCodegen, type CodegenIo } from '../../src/codegen/cli.js';
import { CODEGEN_QUERY } from '../../src/codegen/server-contract.js';
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
  it('should write the committed demo types, without a token', async () => {
    const io = capture();
    expect(await runCodegen(['--url', SERVER], io)).toBe(0);
    await expect(io.stdout).toMatchFileSnapshot('../../demo/src/tidemark-types.ts');
  });

  it('should get the answer the unit tests generate from', async () => {
    const answer = await new GraphQLHttp(`${SERVER}/graphql`).request<unknown>(CODEGEN_QUERY, {}, { anonymous: true });
    await expect(`${JSON.stringify(answer, null, 2)}\n`).toMatchFileSnapshot('../../src/test-support/demo-codegen-answer.json');
  });
});
