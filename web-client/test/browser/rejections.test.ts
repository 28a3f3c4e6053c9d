/**
 * The demo's rejections panel in Chromium against the real server: changes the server refused or
 * overrode are told in words in the window that made them, kept across a reload until dealt with,
 * and dealt with from the panel: dismissed, discarded ("keep theirs") or retried ("keep mine").
 */
import { describe, expect, it } from 'vitest';
import { graphql } from './server-checks.js';
import { eventually, prefix, windowSuite, type DemoWindow } from './windows.js';

const windows = windowSuite();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function usersOnServer(p: string): Promise<string[]> {
  const { users } = await graphql<{ users: { name: string }[] }>('query($p: String!) { users(where: {name: {startsWith: $p}}) { name } }', { p });
  return users.map((u) => u.name);
}

/**
 * Bea renamed in both windows while both are switched off, window 2's rename the later one; window
 * 2 syncs first, then window 1, whose earlier edit must still lose: last writer wins on updatedAt
 * (docs/protocol.md, "How the server decides"), not last sync.
 */
async function conflictingRenames(w1: DemoWindow, w2: DemoWindow, p: string): Promise<{ mine: string; winner: string }> {
  const bea = `${p}Bea`;
  await w1.createUser(bea);
  await w1.settled();
  await w2.user(bea).waitFor();
  await w1.switchOffline();
  await w2.switchOffline();
  const mine = `${p}Bea (window 1)`;
  const winner = `${p}Bea (window 2)`;
  await w1.rename('user', bea, mine);
  await sleep(50); // distinct updatedAt: window 2's rename is the later one
  await w2.rename('user', bea, winner);
  await w2.switchOnline();
  await w2.settled();
  await w1.switchOnline();
  await w1.settled();
  await eventually('window 1 shows the winning name', () => w1.user(winner).count().then((n) => n === 1));
  await eventually('window 1 tells of its lost edit', async () => (await w1.rejections()).some((r) => r.text.includes(mine)));
  return { mine, winner };
}

describe('the rejections panel', () => {
  it('converges both windows on the later offline rename, tells the losing window, and keeps telling until dismissed', async () => {
    const user = crypto.randomUUID();
    const [w1, w2] = [await windows.open('window-1', user), await windows.open('window-2', user)];
    const p = prefix('conflict');
    const { mine, winner } = await conflictingRenames(w1, w2, p);
    expect(await w1.shows('user', mine)).toBe(false);
    await eventually('window 2 keeps the winning name', () => w2.user(winner).count().then((n) => n === 1));
    expect(await w2.shows('user', mine)).toBe(false);

    const lost = (await w1.rejections()).filter((n) => n.reason === 'CONFLICT_LOST');
    expect(lost).toHaveLength(1);
    expect(lost[0]!.text).toContain(`“${mine}”`);
    expect(lost[0]!.text).toContain(`server's value “${winner}”`);
    expect(await w2.rejections()).toEqual([]);
    expect([await w1.notices(), await w2.notices()]).toEqual([[], []]);
    await w1.screenshot('a lost conflict in the rejections panel');
    await w1.page.reload(); // the client keeps the refusal until the app deals with it
    await eventually('window 1 still tells of its lost edit after a reload', async () =>
      (await w1.rejections()).filter((n) => n.reason === 'CONFLICT_LOST' && n.text.includes(mine)).length === 1);
    await w1.rejection('CONFLICT_LOST').getByRole('button', { name: 'Dismiss' }).click(); // acknowledged
    await eventually('the rejection acknowledged', async () => (await w1.page.getByTestId('status').getAttribute('data-rejections')) === '0');
    await w1.page.reload();
    await w1.settled();
    await w1.user(winner).waitFor();
    expect(await w1.rejections()).toEqual([]);
    expect(await usersOnServer(p)).toEqual([winner]);
  });

  it('keeps mine when the losing window retries from the panel: its value wins everywhere', async () => {
    const user = crypto.randomUUID();
    const [w1, w2] = [await windows.open('window-1', user, 'phone'), await windows.open('window-2', user)];
    const p = prefix('retry');
    const { mine, winner } = await conflictingRenames(w1, w2, p);
    await w1.screenshot('a lost conflict in the rejections panel on a phone');
    await w1.rejection('CONFLICT_LOST').getByRole('button', { name: 'Retry (keep mine)' }).click();
    await eventually('window 1 shows its own value again', () => w1.user(mine).count().then((n) => n === 1));
    await eventually('the rejection is dealt with', async () => (await w1.rejections()).length === 0);
    await w1.settled();
    await eventually('window 2 gets the retried value live', () => w2.user(mine).count().then((n) => n === 1));
    expect(await w2.shows('user', winner)).toBe(false);
    expect(await usersOnServer(p)).toEqual([mine]);
    expect(await w2.rejections()).toEqual([]); // window 2's later edit lost to a newer write: no conflict of its own to tell
    expect(await w1.page.getByTestId('status').getAttribute('data-rejections')).toBe('0');
  });

  it('refuses a membership made offline in a group deleted meanwhile, says why, and discards it from the panel', async () => {
    const user = crypto.randomUUID();
    const [w1, w2] = [await windows.open('window-1', user), await windows.open('window-2', user)];
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

    await eventually('window 1 tells why', async () => (await w1.rejections()).some((r) => r.text.includes(blue)));
    const refused = (await w1.rejections()).filter((n) => n.reason === 'PARENT_DELETED');
    expect(refused).toHaveLength(1);
    expect(refused[0]!.text).toContain(`${cy}'s membership in “${blue}”`);
    expect(refused[0]!.text).toContain('was deleted elsewhere');
    // Keeping its own values cannot win here (the group is gone): only "keep theirs" and dismiss are offered.
    expect(await w1.rejection('PARENT_DELETED').getByRole('button', { name: 'Retry (keep mine)' }).count()).toBe(0);
    await w1.screenshot('a refused membership in the rejections panel');
    await w1.rejection('PARENT_DELETED').getByRole('button', { name: 'Discard (keep theirs)' }).click();
    await eventually('the rejection discarded', async () => (await w1.rejections()).length === 0);
    expect(await w1.groupsOf(cy)).toEqual([]);
    const { userGroups } = await graphql<{ userGroups: unknown[] }>(
      'query($p: String!) { userGroups(where: {user: {name: {startsWith: $p}}}) { uid } }', { p });
    expect(userGroups).toEqual([]);
  });
});
