/**
 * The demo app in two Chromium windows (independent browser contexts: each its own IndexedDB
 * replica and network) against the real server: the seed's scenario, conflicts, refusals, reloads.
 */
import { describe, expect, it } from 'vitest';
import { eventually, graphql, prefix, serverSockets, windowSuite, type DemoWindow } from './windows.js';

const windows = windowSuite();

/** Two windows of one new user (the seed's iPhone and Firefox); the server shows them only that user's rows. */
async function twoWindows(): Promise<[DemoWindow, DemoWindow]> {
  const user = crypto.randomUUID();
  return [await windows.open('window-1', user), await windows.open('window-2', user)];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('the demo app in two windows', () => {
  it('shows in the online window that a group deleted in the offline window lost its member once that window reconnects', async () => {
    const [w1, w2] = await twoWindows();
    const p = prefix('seed');
    const ada = `${p}Ada`;
    const red = `${p}Red`;
    await w2.createUser(ada);
    await w2.createGroup(red);
    await w2.join(ada, red);
    await eventually('window 1 shows the membership', async () => (await w1.groupsOf(ada))?.join() === red);
    await w2.settled();
    await eventually('the server holds both windows\' sockets', async () => (await serverSockets()) === 2);

    await w1.goOffline();
    // As a phone's: window 1's socket is closed, not merely silent (the server sees only window 2's).
    await eventually('the server holds only window 2\'s socket', async () => (await serverSockets()) === 1);
    await w1.deleteGroup(red);
    expect(await w1.groupsOf(ada)).toEqual([]);
    expect((await w1.state()).pending).toBe(1);
    // Nothing of window 1's delete reaches window 2 while window 1 is offline.
    await sleep(1_500);
    expect(await w2.groupsOf(ada)).toEqual([red]);
    expect(await w2.shows('group', red)).toBe(true);
    await w1.screenshot('seed scenario while window 1 is offline');
    await w2.screenshot('seed scenario while window 1 is offline');

    await w1.goOnline();
    const took = await eventually('window 2 shows Ada without the deleted group, without a reload',
      async () => (await w2.groupsOf(ada))?.length === 0 && !(await w2.shows('group', red)), 5_000);
    console.log(`seed scenario: window 2 updated ${took} ms after window 1 went online`);
    await w1.settled();
    expect(await w1.groupsOf(ada)).toEqual([]);
    expect(await w1.shows('group', red)).toBe(false);

    const { groups } = await graphql<{ groups: { uid: string; deletedAt: string | null }[] }>(
      'query($name: String!) { groups(where: {name: {eq: $name}}, includeDeleted: true) { uid deletedAt } }', { name: red });
    expect(groups).toHaveLength(1);
    expect(groups[0]!.deletedAt).not.toBeNull();
    const { userGroups } = await graphql<{ userGroups: { deletedAt: string | null }[] }>(
      'query($group: String!) { userGroups(where: {groupUid: {eq: $group}}, includeDeleted: true) { deletedAt } }', { group: groups[0]!.uid });
    expect(userGroups).toHaveLength(1);
    expect(userGroups.every((m) => m.deletedAt !== null)).toBe(true);
  });

  it('converges both windows on the later offline rename and tells the losing window', async () => {
    const [w1, w2] = await twoWindows();
    const p = prefix('conflict');
    const bea = `${p}Bea`;
    await w1.createUser(bea);
    await w1.settled();
    await w2.user(bea).waitFor();

    await w1.goOffline();
    await w2.goOffline();
    await w1.rename('user', bea, `${p}Bea (window 1)`);
    await sleep(50); // distinct updatedAt: window 2's rename is the later one
    await w2.rename('user', bea, `${p}Bea (window 2)`);

    // The later edit reaches the server first; window 1's earlier edit syncs last and must still lose:
    // last writer wins on updatedAt (docs/protocol.md, "How the server decides"), not last sync.
    await w2.goOnline();
    await w2.settled();
    await w1.goOnline();
    await w1.settled();
    const winner = `${p}Bea (window 2)`;
    await eventually('window 1 shows the winning name', () => w1.user(winner).count().then((n) => n === 1));
    expect(await w1.shows('user', `${p}Bea (window 1)`)).toBe(false);
    await eventually('window 2 keeps the winning name', () => w2.user(winner).count().then((n) => n === 1));
    expect(await w2.shows('user', `${p}Bea (window 1)`)).toBe(false);

    const lost = (await w1.notices()).filter((n) => n.reason === 'CONFLICT_LOST');
    expect(lost).toHaveLength(1);
    expect(lost[0]!.text).toContain(`“${p}Bea (window 1)”`);
    expect(lost[0]!.text).toContain(`server's value “${winner}”`);
    expect(await w2.notices()).toEqual([]);
    await w1.page.reload(); // the client keeps the refusal until the app acknowledges it
    await eventually('window 1 still tells of its lost edit after a reload', async () =>
      (await w1.notices()).filter((n) => n.reason === 'CONFLICT_LOST').length === 1);
    await w1.page.getByTestId('notice').getByRole('button', { name: 'Dismiss' }).click(); // acknowledged
    await eventually('the rejection acknowledged', async () => (await w1.page.getByTestId('status').getAttribute('data-rejections')) === '0');
    await w1.page.reload();
    await w1.settled();
    await w1.user(winner).waitFor();
    expect(await w1.notices()).toEqual([]);
    const { users } = await graphql<{ users: { name: string }[] }>(
      'query($p: String!) { users(where: {name: {startsWith: $p}}) { name } }', { p });
    expect(users.map((u) => u.name)).toEqual([winner]);
  });

  it('refuses a membership made offline in a group deleted meanwhile, and says why in that window', async () => {
    const [w1, w2] = await twoWindows();
    const p = prefix('refused');
    const blue = `${p}Blue`;
    const cy = `${p}Cy`;
    await w2.createGroup(blue);
    await w2.settled();
    await w1.group(blue).waitFor();

    await w1.goOffline();
    await w1.createUser(cy);
    await w1.join(cy, blue);
    await w2.deleteGroup(blue);
    await w2.settled();

    await w1.goOnline();
    await w1.settled();
    await eventually('window 1 shows Cy without the deleted group', async () => (await w1.groupsOf(cy))?.length === 0);
    expect(await w1.shows('group', blue)).toBe(false);
    await eventually('window 2 shows Cy, in no group', async () => (await w2.groupsOf(cy))?.length === 0);
    expect(await w2.shows('group', blue)).toBe(false);

    const refused = (await w1.notices()).filter((n) => n.reason === 'PARENT_DELETED');
    expect(refused).toHaveLength(1);
    expect(refused[0]!.text).toContain(`${cy}'s membership in “${blue}”`);
    expect(refused[0]!.text).toContain('was deleted elsewhere');
    const { userGroups } = await graphql<{ userGroups: unknown[] }>(
      'query($p: String!) { userGroups(where: {user: {name: {startsWith: $p}}}) { uid } }', { p });
    expect(userGroups).toEqual([]);
  });

  it('keeps and shows every pending change across a reload while offline, and sends them once online', async () => {
    const [w1, w2] = await twoWindows();
    const p = prefix('reload');
    const green = `${p}Green`;
    const dee = `${p}Dee`;
    await w2.createGroup(green);
    await w2.createUser(dee);
    await w2.settled();
    await w1.user(dee).waitFor();
    await w1.group(green).waitFor();
    await w1.offlineReady();

    await w1.goOffline();
    const eve = `${p}Eve`;
    const teal = `${p}Teal`;
    await w1.createUser(eve);
    await w1.join(eve, green);
    await w1.rename('user', dee, `${p}Dee renamed`);
    await w1.createGroup(teal);
    expect((await w1.state()).pending).toBe(4);

    await w1.page.reload(); // no network: the offline shell serves the page, the replica the rows
    await w1.user(eve).waitFor();
    expect(await w1.state()).toEqual({ state: 'offline', pending: 4 });
    expect(await w1.groupsOf(eve)).toEqual([green]);
    expect(await w1.shows('user', `${p}Dee renamed`)).toBe(true);
    expect(await w1.shows('group', teal)).toBe(true);
    for (const item of [w1.user(eve), w1.user(`${p}Dee renamed`), w1.group(teal)]) {
      expect(await item.getByTestId('pending').count()).toBe(1);
    }
    expect(await w2.shows('user', eve)).toBe(false);
    await w1.screenshot('after a reload while offline');

    await w1.goOnline();
    await w1.settled();
    await eventually('window 2 shows every change made offline in window 1', async () =>
      (await w2.groupsOf(eve))?.join() === green && (await w2.shows('user', `${p}Dee renamed`)) && (await w2.shows('group', teal)));
    expect(await w1.page.getByTestId('pending').count()).toBe(0);
    const { users } = await graphql<{ users: { name: string }[] }>(
      'query($p: String!) { users(where: {name: {startsWith: $p}}) { name } }', { p });
    expect(users.map((u) => u.name).sort()).toEqual([`${p}Dee renamed`, eve]);
  });
});
