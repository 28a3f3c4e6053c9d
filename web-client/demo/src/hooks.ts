/** The React bindings typed by the demo's generated schema: every table name, row, where and input below is checked. */
import { createTidemarkHooks } from '@tidemark/web-client/react';
import type { Schema } from './tidemark-types.js';

export const { useClient, useLiveQuery, useScope, useSyncState, usePending, useRejections } = createTidemarkHooks<Schema>();
