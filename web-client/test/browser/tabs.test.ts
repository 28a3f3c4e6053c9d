/**
 * Tabs of one replica in Chromium (two pages of one browser context share its IndexedDB, its Web
 * Locks and its BroadcastChannel), and the demo on the machine's LAN address, where the page is
 * not a secure context: no crypto.randomUUID, no Web Locks (the lease leads instead).
 */
import { networkInterfaces } from 'node:os';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './server-checks.js';
import { SERVER, eventually, launchChromium, prefix } from './windows.js';

let browser: Browser;
let context: BrowserContext | undefined;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  await context?.close();
  context = undefined;
});

const status = async (page: Page) => {
  const s = page.getByTestId('status');
  return { state: await s.getAttribute('data-state'), pending: await s.getAttribute('data-pending'), leader: await s.getAttribute('data-leader') };
};

async function openTab(base: string, user: string): Promise<Page> {
  const page = await context!.newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(`${base}/?user=${user}`);
  return page;
}

async function createUser(page: Page, name: string): Promise<void> {
  await page.fill('#new-user input[name="name"]', name);
  await page.click('#new-user button[type="submit"]');
  await page.locator(`[data-testid="user"][data-name="${name}"]`).waitFor();
}

async function onServer(name: string): Promise<boolean> {
  const { users } = await graphql<{ users: unknown[] }>('query($n: String!) { users(where: {name: {eq: $n}}) { uid } }', { n: name });
  return users.length === 1;
}

describe('tabs of one replica in Chromium', () => {
  it('leads with a Web Lock, shows a tab opened late the link at once, and hands over when the leader closes', async () => {
    context = await browser.newContext();
    const user = crypto.randomUUID();
    const first = await openTab(SERVER, user);
    await eventually('the first tab online and settled', async () => (await status(first)).state === 'online' && (await status(first)).pending === '0');
    const second = await openTab(SERVER, user);
    // Nothing changes in the leader now: the second tab knows its link only because it asked.
    await eventually('the second tab shows the leader\'s link', async () => (await status(second)).state === 'online', 5_000);
    expect([(await status(first)).leader, (await status(second)).leader]).toEqual(['true', 'false']);
    // The leader's lock, held by the first tab and awaited by the second; each tab's own lock (its
    // liveness), the second's awaited by the leader, which is granted it when that tab goes.
    const db = `tidemark-demo-${user}`;
    const locks = async () => second.evaluate(async (db) => {
      const q = await navigator.locks.query();
      const name = (n: string | undefined) => (n?.startsWith(`tidemark-tab:${db}:`) ? 'tab' : n);
      return { held: q.held?.map((l) => name(l.name)).sort(), pending: q.pending?.map((l) => name(l.name)).sort() };
    }, db);
    const expected = { held: ['tab', 'tab', `tidemark-leader:${db}`], pending: ['tab', `tidemark-leader:${db}`] };
    await eventually('the leader watches the second tab', async () => JSON.stringify(await locks()) === JSON.stringify(expected), 5_000).catch(() => undefined);
    expect(await locks()).toEqual(expected);

    await first.close();
    await eventually('the second tab leads', async () => (await status(second)).leader === 'true' && (await status(second)).state === 'online');
    const name = `${prefix('handover')}Written after the handover`;
    await createUser(second, name);
    await eventually('the new leader synced it', () => onServer(name));
  });

  it('opens the demo at http://<LAN address>, where the page has no crypto.randomUUID nor Web Locks, and syncs', async () => {
    const lan = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    if (!lan) throw new Error('this machine has no non-loopback IPv4 address to open the demo at');
    context = await browser.newContext();
    const base = SERVER.replace(/\/\/(localhost|127\.0\.0\.1)/, `//${lan}`);
    const page = await openTab(base, crypto.randomUUID());
    expect(await page.evaluate(() => [window.isSecureContext, typeof crypto.randomUUID, 'locks' in navigator])).toEqual([false, 'undefined', false]);
    await eventually('online and settled', async () => (await status(page)).state === 'online' && (await status(page)).pending === '0');
    const name = `${prefix('lan')}Made on a phone`;
    await createUser(page, name);
    const uid = await page.locator(`[data-testid="user"][data-name="${name}"]`).getAttribute('data-uid');
    expect(uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await eventually('synced to the server', () => onServer(name));
  });
});
