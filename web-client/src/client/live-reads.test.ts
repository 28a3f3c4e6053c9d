import { describe, expect, it, vi } from 'vitest';
import { TidemarkClient } from '../client.js';
import type { Row } from '../replica/types.js';
import { demoSchema } from '../test-support/demo-schema.js';
import { freshName } from '../test-support/replica-fixture.js';

const open = (): Promise<TidemarkClient> => TidemarkClient.open({
  url: 'http://localhost:1', connect: false, dbName: freshName(), schema: demoSchema,
  scopes: [{ table: 'User' }, { table: 'Group' }, { table: 'UserGroup' }],
});

/** The values a live read delivered, and a wait for the next one that satisfies a condition. */
function recorder<T>(): { values: T[]; push: (value: T) => void; next: (ok: (value: T) => boolean) => Promise<T> } {
  const values: T[] = [];
  const waiting: { ok: (value: T) => boolean; resolve: (value: T) => void }[] = [];
  return {
    values,
    push: (value) => {
      values.push(value);
      for (const w of waiting.splice(0)) if (w.ok(value)) w.resolve(value); else waiting.push(w);
    },
    next: (ok) => {
      const found = values.find(ok);
      return found !== undefined ? Promise.resolve(found) : new Promise((resolve) => waiting.push({ ok, resolve }));
    },
  };
}

/** Rows by uid: rows made in the same millisecond are ordered by their random uids. */
const byUid = (rows: Row[]): Map<string, Row> => new Map(rows.map((r) => [r.uid, r]));

describe('live reads', () => {
  it('should not read a list again after a change to a table it does not read', async () => {
    const client = await open();
    const lists = vi.spyOn(client.replica, 'list');
    const users = recorder<Row[]>();
    client.watchList('User', {}, users.push);
    await users.next(() => true);
    expect(lists).toHaveBeenCalledTimes(1);
    await client.save('Group', { name: 'Red' });
    await client.delete('Group', (await client.save('Group', { name: 'Blue' })).uid);
    expect(lists).toHaveBeenCalledTimes(1); // a re-run would have started within the write's notification
    await client.save('User', { name: 'Ann' });
    await users.next((rows) => rows.length === 1);
    expect(lists).toHaveBeenCalledTimes(2);
    await client.close();
  });

  it('should read again after a change to a table its where reaches through a relation', async () => {
    const client = await open();
    const ann = await client.save('User', { name: 'Ann' });
    const red = await client.save('Group', { name: 'Red' });
    await client.save('UserGroup', { userUid: ann.uid, groupUid: red.uid });
    const inR = recorder<Row[]>();
    client.watchList('UserGroup', { where: { group: { name: { startsWith: 'R' } } } }, inR.push);
    await inR.next((rows) => rows.length === 1);
    await client.save('Group', { uid: red.uid, name: 'Blue' });
    await inR.next((rows) => rows.length === 0);
    const users = recorder<Row[]>();
    client.watchList('User', { where: { memberships: { some: { group: { name: { eq: 'Blue' } } } } } }, users.push);
    await users.next((rows) => rows.length === 1);
    await client.save('Group', { uid: red.uid, name: 'Green' });
    expect((await users.next((rows) => rows.length === 0))).toEqual([]);
    await client.close();
  });

  it('should hand back unchanged rows as the same objects', async () => {
    const client = await open();
    const [a, b, c] = [await client.save('User', { name: 'A' }), await client.save('User', { name: 'B' }), await client.save('User', { name: 'C' })];
    const users = recorder<Row[]>();
    client.watchList('User', {}, users.push);
    const first = byUid(await users.next((rows) => rows.length === 3));
    await client.save('User', { uid: b!.uid, email: 'b@example.com' });
    const second = byUid(await users.next((rows) => rows.some((r) => r.email === 'b@example.com')));
    expect(second.get(a!.uid)).toBe(first.get(a!.uid));
    expect(second.get(c!.uid)).toBe(first.get(c!.uid));
    expect(second.get(b!.uid)).not.toBe(first.get(b!.uid));
    await client.delete('User', a!.uid);
    const third = byUid(await users.next((rows) => rows.length === 2));
    expect(third.get(b!.uid)).toBe(second.get(b!.uid));
    expect(third.get(c!.uid)).toBe(second.get(c!.uid));
    await client.close();
  });

  it('should not call back when a re-run finds the same result', async () => {
    const client = await open();
    const lists = vi.spyOn(client.replica, 'list');
    const named = recorder<Row[]>();
    client.watchList('User', { where: { name: { startsWith: 'A' } } }, named.push);
    await named.next(() => true);
    await client.save('User', { name: 'Bob' });
    await client.save('User', { name: 'Ann' });
    await named.next((rows) => rows.length === 1);
    expect(lists).toHaveBeenCalledTimes(3);
    expect(named.values.map((rows) => rows.map((r) => r.name))).toEqual([[], ['Ann']]);
    await client.close();
  });

  it('should follow the outbox and the rejection records through the reader', async () => {
    const client = await open();
    const pending = recorder<number>();
    client.live(async (db) => (await db.outbox()).length + (await db.rejections()).length, pending.push);
    await pending.next((n) => n === 0);
    await client.save('Group', { name: 'Red' });
    await pending.next((n) => n === 1);
    await client.close();
  });

  it('should read again after any change when the read reads nothing through its reader', async () => {
    const client = await open();
    const count = recorder<number>();
    client.live(async () => (await client.list('Group')).length, count.push);
    await count.next((n) => n === 0);
    await client.save('Group', { name: 'Red' });
    await count.next((n) => n === 1);
    await client.close();
  });

  it('should report a failed read to its error callback and read again after the next change', async () => {
    const client = await open();
    const errors: string[] = [];
    const values = recorder<number>();
    let fail = true;
    client.live(async (db) => {
      const rows = await db.list('Group');
      if (fail) throw new Error('broken read');
      return rows.length;
    }, values.push, (e) => errors.push(e.message));
    await vi.waitFor(() => expect(errors).toEqual(['broken read']));
    fail = false;
    await client.save('Group', { name: 'Red' });
    await values.next((n) => n === 1);
    expect(client.state.lastError).toBeNull();
    await client.close();
  });
});
