import { createClient } from 'graphql-ws';
import { WebSocket } from 'ws';

export interface EventChange {
  operation: 'READY' | 'UPSERT' | 'DELETE' | 'LEAVE_SCOPE' | 'RESYNC';
  uid: string | null;
  version: number | null;
  cursor: string;
  row: { kind: string; payload: string | null; deletedAt: string | null } | null;
}

const EVENTS_OF_USER_CHANGED = `
  subscription EventsOfUserChanged($user: String!) {
    userDocumentEventChanged(where: {document: {userUid: {eq: $user}}}) {
      operation uid version cursor
      row { kind payload deletedAt }
    }
  }`;

/** Calls onEvent with every change to the events of the user's documents; returns a function that stops. */
export function watchEvents(url: string, token: string, user: string, onEvent: (event: EventChange) => void): () => void {
  const client = createClient({
    url: url.replace(/^http/, 'ws') + '/graphql', // http://localhost:8080 -> ws://localhost:8080/graphql
    connectionParams: { Authorization: `Bearer ${token}` }, // the user's token: their row policies apply
    webSocketImpl: WebSocket,                     // Node; leave it out in a browser
  });
  const stop = client.subscribe<{ userDocumentEventChanged: EventChange }>(
    { query: EVENTS_OF_USER_CHANGED, variables: { user } },
    {
      next: ({ data }) => data && onEvent(data.userDocumentEventChanged),
      error: (error) => console.error('subscription failed', error),
      complete: () => undefined,
    },
  );
  return () => {
    stop();
    void client.dispose();
  };
}
