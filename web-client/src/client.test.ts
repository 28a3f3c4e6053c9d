import { describe, expect, it } from 'vitest';
import { TidemarkClient } from './client.js';
import type { Row } from './replica/types.js';
import { demoSchema } from './test-support/demo-schema.js';
import { freshName } from './test-support/replica-fixture.js';

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const open = (dbName: string) =>
  TidemarkClient.open({ url: 'http://localhost:1', connect: false, dbName, schema: demoSchema, scopes: [{ table: 'User' }, { table: 'Group' }, { table: 'UserGroup' }] });

describe('reactive reads', () => {
  it('should call a watcher back when its result changes, not for unrelated writes', async () => {
    const client = await open(freshName());
    const seen: string[][] = [];
    client.watchList('Group', { where: { name: { startsWith: 'R' } } }, (rows: Row[]) => seen.push(rows.map((r) => r.name as string)));
    await until(() => seen.length === 1);
    const red = await client.save('Group', { name: 'Red' });
    await until(() => seen.length === 2);
    await client.save('User', { name: 'Ann' }); // the result does not change: no callback
    await client.delete('Group', red.uid);
    await until(() => seen.length === 3);
    expect(seen).toEqual([[], ['Red'], []]);
    expect(client.state.pending).toBe(2);
    await client.close();
  });

  it('should call back a watcher of another tab on the same replica', async () => {
    const name = freshName();
    const tab1 = await open(name);
    const tab2 = await open(name);
    const seen: number[] = [];
    tab2.watchList('User', {}, (rows) => seen.push(rows.length));
    await until(() => seen.length === 1);
    await tab1.save('User', { name: 'From tab 1' });
    await until(() => seen.length === 2);
    expect(seen).toEqual([0, 1]);
    expect([tab1.state.leader, tab2.state.leader]).toEqual([true, false]);
    await tab1.close();
    await tab2.close();
  });
});
