import { TidemarkClient, type Row, type ScopeHandle, type TidemarkOptions } from '@tidemark/web-client';

/** Opens the user's replica with her documents in it. `connection` is the server's URL and how to reach it, all in one place. */
export function openDocuments(user: string, connection: Pick<TidemarkOptions, 'url'> & Partial<TidemarkOptions>): Promise<TidemarkClient> {
  return TidemarkClient.open({
    dbName: `documents-of-${user}`,
    scopes: [{ table: 'UserDocument', where: { userUid: { eq: user } } }], // held for the life of the client
    ...connection,
  });
}

/** Opens a document: a scope of its events, synced alone (`ready`), live until `remove()`, which evicts them. */
export function openDocument(client: TidemarkClient, documentUid: string): ScopeHandle {
  return client.scope('UserDocumentEvent', { documentUid: { eq: documentUid } });
}

/** Calls render with the document's live events, oldest first, now and after every change of the replica. */
export function watchEvents(client: TidemarkClient, documentUid: string, render: (events: Row[]) => void): () => void {
  return client.watchList('UserDocumentEvent', { where: { documentUid: { eq: documentUid } } }, render);
}
