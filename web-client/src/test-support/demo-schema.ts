/**
 * The demo server's syncSchema answer for unit tests: the one in the saved codegen answer, which the
 * integration suite keeps equal to the running server's (`test/integration/codegen.test.ts`; `-u`
 * rewrites it), so the unit tests' replicas are built as the server's clients build theirs.
 */
import type { CodegenAnswer } from '../codegen/server-contract.js';
import type { SyncSchema } from '../schema/sync-schema.js';
import answer from './demo-codegen-answer.json' with { type: 'json' };

export const demoSchema: SyncSchema = (answer as unknown as CodegenAnswer).syncSchema;
