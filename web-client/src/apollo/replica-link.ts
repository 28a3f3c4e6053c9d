/**
 * Apollo Client binding: a terminating link that answers queries and save/delete mutations from
 * the replica (so an app keeps its `useQuery`s and works offline), the type policies that key
 * rows by uid, and a binding that refetches active queries whenever the replica changes.
 */
import { ApolloLink, type ApolloClient } from '@apollo/client';
import { Observable } from 'rxjs';
import type { TidemarkClient } from '../client.js';
import { executeOnReplica } from './replica-executor.js';

export function createReplicaLink(client: TidemarkClient): ApolloLink {
  return new ApolloLink(
    (operation) =>
      new Observable<ApolloLink.Result>((observer) => {
        let cancelled = false;
        executeOnReplica(client, operation.query, operation.variables, operation.operationName)
          .then((data) => {
            if (cancelled) return;
            observer.next({ data });
            observer.complete();
          })
          .catch((error: Error) => {
            if (cancelled) return;
            observer.next({ errors: [{ message: error.message }] });
            observer.complete();
          });
        return () => { cancelled = true; };
      }),
  );
}

/** Apollo's cache keys objects by `id`; replica rows are keyed by `uid`. */
export function replicaTypePolicies(client: TidemarkClient): Record<string, { keyFields: string[] }> {
  return Object.fromEntries(client.replica.schema.tables.map((t) => [t.name, { keyFields: ['uid'] }]));
}

/** Refetches Apollo's active queries (through the replica link) after every replica change: local, sync, event or another tab. */
export function bindApolloToReplica(apollo: ApolloClient, client: TidemarkClient): () => void {
  let scheduled = false;
  return client.onChange(() => {
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      void apollo.refetchQueries({ include: 'active' });
    });
  });
}
