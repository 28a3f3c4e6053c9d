/**
 * Real WebSocket subscribers (graphql-ws's client over the `ws` package, one connection each, as a
 * browser tab or a device would have), and how each server is subscribed to a scope and says which
 * row an event carries.
 */
import WebSocket from 'ws';
import { createClient } from 'graphql-ws/client';

const FIELDS = 'uid name email createdAt updatedAt deletedAt version';
const CONNECT_BATCH = 100; // connections opened at once

/** Tidemark: `userChanged(where)`, READY first, then an UPSERT with the row for each insert. */
export function tidemarkSubscription(token) {
  return {
    connectionParams: { Authorization: `Bearer ${token}` },
    payload: (scope) => ({
      query: `subscription($w: UserWhere) { userChanged(where: $w) { operation row { ${FIELDS} } } }`,
      variables: { w: { email: { eq: scope } } },
    }),
    rowName: (data) => (data.userChanged.operation === 'UPSERT' ? data.userChanged.row.name : null),
  };
}

/** PostGraphile: `listen(topic)`; its relatedNode is read from the database for each subscriber. */
export function postgraphileSubscription() {
  return {
    connectionParams: {},
    payload: (scope) => ({
      query: `subscription($t: String!) { listen(topic: $t) { relatedNodeId relatedNode { ... on AppUser { ${FIELDS} } } } }`,
      variables: { t: `user:${scope}` },
    }),
    rowName: (data) => data.listen.relatedNode?.name ?? null,
  };
}

/** The floor: `listen(topic)` with the row the NOTIFY carried. */
export function floorSubscription() {
  return {
    connectionParams: {},
    payload: (scope) => ({
      query: `subscription($t: String!) { listen(topic: $t) { row { ${FIELDS} } } }`,
      variables: { t: `user:${scope}` },
    }),
    rowName: (data) => data.listen.row?.name ?? null,
  };
}

/**
 * Opens `count` subscribers to `wsUrl`, subscriber i on `scopeOf(i)`; `onRow(i, name, time)` gets the
 * name of each row delivered, at its arrival (performance.now()). Resolves once all are connected
 * and their subscribe sent; errors (refused subscriptions, closed sockets) are collected in `errors`.
 */
export async function openSubscribers(wsUrl, subscription, count, scopeOf, onRow) {
  const clients = [];
  const errors = [];
  for (let first = 0; first < count; first += CONNECT_BATCH) {
    const batch = [];
    for (let i = first; i < Math.min(count, first + CONNECT_BATCH); i++) {
      batch.push(new Promise((connected) => {
        const client = createClient({
          url: wsUrl,
          webSocketImpl: WebSocket,
          connectionParams: subscription.connectionParams,
          lazy: false,
          retryAttempts: 0,
          onNonLazyError: (e) => errors.push(describe(e)),
          on: { connected: () => connected() },
        });
        clients.push(client);
        client.subscribe(subscription.payload(scopeOf(i)), {
          next: (result) => {
            const time = performance.now();
            if (result.errors?.length) errors.push(JSON.stringify(result.errors).slice(0, 300));
            else onRow(i, subscription.rowName(result.data), time);
          },
          error: (e) => errors.push(describe(e)),
          complete: () => undefined,
        });
      }));
    }
    let timer;
    await Promise.race([Promise.all(batch), new Promise((r) => (timer = setTimeout(r, 60_000)))]);
    clearTimeout(timer);
    if (errors.length > 0) break;
  }
  return { clients, errors, close: () => Promise.all(clients.map((c) => c.dispose())) };
}

function describe(e) {
  if (e instanceof Error) return e.message;
  if (e?.code) return `socket closed ${e.code} ${e.reason ?? ''}`;
  return JSON.stringify(e).slice(0, 300);
}
