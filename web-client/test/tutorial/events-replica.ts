import { TidemarkClient, type Row, type ScopeDeclaration, type TidemarkOptions } from '@tidemark/web-client';

/** The tutorial's query as scopes: the user's documents, and all the events of those documents. */
export function scopesOf(user: string): ScopeDeclaration[] {
  return [
    { table: 'UserDocument', where: { userUid: { eq: user } } },
    { table: 'UserDocumentEvent', where: { document: { userUid: { eq: user } } } },
  ];
}

/** Opens the user's replica. `connection` is the server's URL and how to reach it, all in one place. */
export function openEvents(user: string, connection: Pick<TidemarkOptions, 'url'> & Partial<TidemarkOptions>): Promise<TidemarkClient> {
  return TidemarkClient.open({ dbName: `events-of-${user}`, scopes: scopesOf(user), ...connection });
}

/** Calls render with the user's live events, oldest first, now and after every change of the replica. */
export function watchEvents(client: TidemarkClient, user: string, render: (events: Row[]) => void): () => void {
  return client.watchList('UserDocumentEvent', { where: { document: { userUid: { eq: user } } } }, render);
}
