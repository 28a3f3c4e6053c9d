/**
 * The demo app in Chromium against the real server: the seed's scenario on a phone and a desktop
 * window (independent browser contexts: each its own IndexedDB replica and network) through the
 * app's online switch, the same in two windows of one browser through "separate replica", and a
 * reload without network.
 */
import { describe, expect, it } from 'vitest';
import { graphql, serverSockets } from './server-checks.js';
import { eventually, prefix, windowSuite, type DemoWindow } from './windows.js';

const windows = windowSuite();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The group of that name on the server, tombstone included, and its memberships. */
async function serverGroup(name: string): Promise<{ deletedAt: string | null; memberships: { deletedAt: string | null }[] }> {
  const { groups } = await graphql<{ groups: { uid: string; deletedAt: string | null }[] }>(
    'query($name: String!) { groups(where: {name: {eq: $name}}, includeDeleted: true) { uid deletedAt } }', { name });
  expect(groups).toHaveLength(1);
  const { userGroups } = await graphql<{ userGroups: { deletedAt: string | null }[] }>(
    'query($group: String!) { userGroups(where: {groupUid: {eq: $group}}, includeDeleted: true) { deletedAt } }', { group: groups[0]!.uid });
  return { deletedAt: groups[0]!.deletedAt, memberships: userGroups };
}

/** Ada in Red, made in `maker` and shown in `other`. */
async function adaInRed(maker: DemoWindow, other: DemoWindow, p: string): Promise<{ ada: string; red: string }> {
  const ada = `${p}Ada`;
  const red = `${p}Red`;
  await maker.createUser(ada);
  await maker.createGroup(red);
  await maker.join(ada, red);
  await eventually(`${other.name} shows the membership`, async () => (await other.groupsOf(ada))?.join() === red);
  await maker.settled();
  return { ada, red };
}

describe('the seed scenario', () => {
  it('shows on the desktop that a group deleted on the switched-off phone lost its member once the phone is switched on', async () => {
    const user = crypto.randomUUID();
    const phone = await windows.open('phone', user, 'phone');
    const desktop = await windows.open('desktop', user);
    const { ada, red } = await adaInRed(desktop, phone, prefix('seed'));
    await eventually('the server holds both windows\' sockets', async () => (await serverSockets()) === 2);

    await phone.switchOffline();
    // The switch cuts the link itself: the phone's socket is closed (the server sees only the desktop's).
    await eventually('the server holds only the desktop\'s socket', async () => (await serverSockets()) === 1);
    await phone.deleteGroup(red);
    expect(await phone.groupsOf(ada)).toEqual([]); // the local cascade: its membership went with it
    expect((await phone.state()).pending).toBe(1);
    expect(await phone.pendingItems()).toEqual([{ text: `Delete group “${red}”`, status: 'pending' }]);
    // Nothing of the phone's delete reaches the desktop while the phone is switched off.
    await sleep(1_500);
    expect(await desktop.groupsOf(ada)).toEqual([red]);
    expect(await desktop.shows('group', red)).toBe(true);
    expect((await phone.state()).pending).toBe(1); // nor did the phone send it
    await phone.screenshot('seed scenario while the phone is switched off');
    await desktop.screenshot('seed scenario while the phone is switched off');

    await phone.switchOnline();
    const took = await eventually('the desktop shows Ada without the deleted group, without a reload',
      async () => (await desktop.groupsOf(ada))?.length === 0 && !(await desktop.shows('group', red)), 5_000);
    console.log(`seed scenario: the desktop updated ${took} ms after the phone was switched on`);
    await phone.settled();
    expect(await phone.groupsOf(ada)).toEqual([]);
    expect(await phone.shows('group', red)).toBe(false);
    expect(await phone.pendingItems()).toEqual([]);

    const group = await serverGroup(red);
    expect(group.deletedAt).not.toBeNull();
    expect(group.memberships).toHaveLength(1);
    expect(group.memberships.every((m) => m.deletedAt !== null)).toBe(true);
  });

  it('keeps and shows every pending change across a reload without network, and sends them once the network returns', async () => {
    const user = crypto.randomUUID();
    const [w1, w2] = [await windows.open('window-1', user, 'phone'), await windows.open('window-2', user)];
    const p = prefix('reload');
    const green = `${p}Green`;
    const dee = `${p}Dee`;
    await w2.createGroup(green);
    await w2.createUser(dee);
    await w2.settled();
    await w1.user(dee).waitFor();
    await w1.group(green).waitFor();
    await w1.offlineReady();
    await eventually('the server holds both windows\' sockets', async () => (await serverSockets()) === 2);

    await w1.goOffline();
    // As a phone's: window 1's socket is closed on the page's `offline` event, not merely silent.
    await eventually('the server holds only window 2\'s socket', async () => (await serverSockets()) === 1);
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
    await eventually('the pending panel lists the four changes', async () => (await w1.pendingItems()).every((i) => !i.text.endsWith('…')));
    expect((await w1.pendingItems()).map((i) => i.text).sort()).toEqual([
      `Change to user “${p}Dee renamed”`, `New ${eve}'s membership in “${green}”`, `New group “${teal}”`, `New user “${eve}”`,
    ].sort());
    expect(await w2.shows('user', eve)).toBe(false);
    await w1.screenshot('after a reload without network');

    await w1.goOnline();
    await w1.settled();
    await eventually('window 2 shows every change made offline in window 1', async () =>
      (await w2.groupsOf(eve))?.join() === green && (await w2.shows('user', `${p}Dee renamed`)) && (await w2.shows('group', teal)));
    expect(await w1.page.getByTestId('pending').count()).toBe(0);
    expect(await w1.pendingItems()).toEqual([]);
    const { users } = await graphql<{ users: { name: string }[] }>(
      'query($p: String!) { users(where: {name: {startsWith: $p}}) { name } }', { p });
    expect(users.map((u) => u.name).sort()).toEqual([`${p}Dee renamed`, eve]);
  });
});

describe('two windows of one browser', () => {
  it('are two devices once one keeps a separate replica: the seed scenario between them', async () => {
    const first = await windows.open('first', crypto.randomUUID());
    const second = await windows.tab(first, 'second'); // the same browser: one IndexedDB, one localStorage
    expect(await second.replicaName()).toBe(await first.replicaName()); // two tabs of one replica: one link, one switch
    expect(await second.page.getByTestId('status').getAttribute('data-leader')).toBe('false');
    await second.separateReplica();
    expect(await second.replicaName()).not.toBe(await first.replicaName());
    expect(await second.page.getByTestId('status').getAttribute('data-leader')).toBe('true'); // its own link
    const { ada, red } = await adaInRed(first, second, prefix('replica'));

    await first.switchOffline();
    expect((await second.state()).state).toBe('online'); // the other replica's link is its own
    await first.deleteGroup(red);
    await sleep(1_000);
    expect(await second.groupsOf(ada)).toEqual([red]);
    await first.switchOnline();
    await eventually('the second window shows Ada without the deleted group', async () =>
      (await second.groupsOf(ada))?.length === 0 && !(await second.shows('group', red)), 5_000);
    expect((await serverGroup(red)).memberships.every((m) => m.deletedAt !== null)).toBe(true);
  });
});
