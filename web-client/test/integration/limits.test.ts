/**
 * Requests sized from the limits the server states: two large scopes held as digests stay within
 * `tidemark.sync.max-rows` (WebClientIT starts its server with a small one, 5,000, so that the
 * rows it takes to cross it are quick to make).
 */
import { describe, expect, it } from 'vitest';
import { dbName, gql, prefix, settled, testClients, until } from './support.js';

const { client } = testClients();

/** Makes `count` groups named `<p><i>` as an admin, in syncs of at most `batch` changes. */
async function manyGroups(p: string, count: number, batch: number): Promise<void> {
  const now = new Date().toISOString();
  for (let from = 0; from < count; from += batch) {
    const changes = Array.from({ length: Math.min(batch, count - from) }, (_, i) => ({
      uid: crypto.randomUUID(), name: `${p}${from + i}`, baseVersion: null, createdAt: now, updatedAt: now, deletedAt: null,
    }));
    await gql('mutation($input: SyncInput!) { sync(input: $input) { cursor } }', { input: { syncId: crypto.randomUUID(), groups: [{ where: null, changes }] } });
  }
}

describe('the server\'s limits', () => {
  it('should keep two scopes of more than half max-rows each within the limit by sizing their digests to it', async () => {
    const limits = (await gql<{ syncSchema: { limits: { maxSyncRows: number } } }>('{ syncSchema { limits { maxSyncRows } } }')).syncSchema.limits;
    if (limits.maxSyncRows > 10_000) throw new Error(`The server allows ${limits.maxSyncRows} rows per sync: start it with TIDEMARK_SYNC_MAX_ROWS=5000, as WebClientIT does`);
    const p = prefix('limits');
    const each = Math.ceil(limits.maxSyncRows / 2) + 500; // each digest would take 2^⌈log2 each⌉ buckets: both together over the limit
    await manyGroups(`${p}a-`, each, Math.floor(limits.maxSyncRows / 2));
    await manyGroups(`${p}b-`, each, Math.floor(limits.maxSyncRows / 2));
    const bodies: string[] = [];
    const a = await client(dbName('limits'), p, {
      fetch: (url, init) => {
        if (init.body.includes('mutation Sync')) bodies.push(init.body);
        return fetch(url, init);
      },
    }, [
      { table: 'Group', where: { name: { startsWith: `${p}a-` } } },
      { table: 'Group', where: { name: { startsWith: `${p}b-` } } },
    ]);
    await settled(a); // the first sync holds nothing: every row comes in its answer
    expect(await a.client.list('Group')).toHaveLength(2 * each);
    bodies.length = 0;
    await a.client.save('Group', { name: `${p}a-new` }); // the next sync holds both scopes as digests
    await until('the change synced', () => bodies.length > 0 && a.client.state.pending === 0 && !a.client.state.syncing, 60_000);
    expect(a.client.state.lastErrorCode).toBeNull();
    const sent = JSON.parse(bodies[0]!) as { variables: { input: { groups: { heldDigest?: string; changes: unknown[] }[] } } };
    const buckets = sent.variables.input.groups.map((s) => atob(s.heldDigest!).length / 4);
    expect(buckets[0]! + buckets[1]! + 1).toBeLessThanOrEqual(limits.maxSyncRows);
  }, 180_000);
});
