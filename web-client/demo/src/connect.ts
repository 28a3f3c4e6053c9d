/** The one place where the demo builds its TidemarkClient (options such as an auth token go here). */
import { TidemarkClient } from '../../src/index.js';

/** The demo replicates every user, group and membership: its scopes have no where. */
export function openDemoClient(): Promise<TidemarkClient> {
  return TidemarkClient.open({
    url: location.origin,
    dbName: 'tidemark-demo',
    scopes: [{ table: 'User' }, { table: 'Group' }, { table: 'UserGroup' }],
    // A phone's link dies silently: notice it within seconds, and come back quickly.
    keepAliveMs: 5_000,
    pongTimeoutMs: 3_000,
    minBackoffMs: 300,
    maxBackoffMs: 5_000,
  });
}
