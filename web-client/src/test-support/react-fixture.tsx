/**
 * Clients of the demo schema (local only, on fake-indexeddb) typed by the generated demo types, and
 * a render of React elements inside a client's provider.
 */
import { render, type RenderResult } from '@testing-library/react';
import { StrictMode, type ReactNode } from 'react';
import type { Schema } from '../../demo/src/tidemark-types.js';
import type { ScopeDeclaration } from '../client/options.js';
import { TidemarkClient } from '../client.js';
import type { CodegenAnswer } from '../codegen/server-contract.js';
import { createTidemarkHooks, TidemarkProvider } from '../react/index.js';
import answer from './demo-codegen-answer.json' with { type: 'json' };
import { freshName } from './replica-fixture.js';

export const { useLiveQuery, useScope, useSyncState, usePending, useRejections } = createTidemarkHooks<Schema>();

/** The schema the generated demo types were made from. */
export const schema = (answer as unknown as CodegenAnswer).syncSchema;

export function openLocal(scopes: ScopeDeclaration<Schema>[] = [{ table: 'User' }, { table: 'Group' }, { table: 'UserGroup' }], dbName = freshName()): Promise<TidemarkClient<Schema>> {
  return TidemarkClient.open<Schema>({ url: 'http://localhost:1', connect: false, dbName, schema, scopes });
}

/** Renders `ui` in StrictMode (effects run twice, as in development) inside the client's provider. */
export function renderWith(client: TidemarkClient<Schema>, ui: ReactNode): RenderResult {
  return render(<StrictMode><TidemarkProvider client={client}>{ui}</TidemarkProvider></StrictMode>);
}
