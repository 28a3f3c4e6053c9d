/** Helpers of the browser suite: Debian's Chromium, and windows (browser contexts, desktop or phone) on the demo. */
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';

export const SERVER = requireServer();
/** Screenshots are build artifacts (target/), never committed. */
export const SCREENSHOTS = resolve(process.env.SCREENSHOT_DIR ?? '../target/browser-screenshots');

function requireServer(): string {
  const url = process.env.TIDEMARK_URL;
  if (!url) throw new Error('TIDEMARK_URL is not set: run this suite through ./mvnw verify (DemoBrowserIT), or point it at a running server');
  return url.replace(/\/$/, '');
}

let counter = 0;

/** A prefix that keeps each test's rows apart from the others' (the demo shows every row). */
export function prefix(label: string): string {
  return `${label}-${Date.now().toString(36).slice(-4)}${++counter} `;
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`No Chromium at ${executablePath}: install Debian's (apt-get install chromium; .ci/run does it) or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** The two screen sizes the demo is checked at: a desktop window and a phone (390 × 844, touch, a 2× screen). */
export type Device = 'desktop' | 'phone';

const DEVICES: Record<Device, Parameters<Browser['newContext']>[0]> = {
  desktop: { viewport: { width: 1180, height: 760 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
};

/** Windows a test file opens: each screenshotted and closed after the test that opened it. */
export interface WindowSuite {
  /** A window (its own browser context) acting as `user`, a desktop one by default. */
  open(name: string, user: string, device?: Device): Promise<DemoWindow>;
  /** Another tab of `window`'s browser context (the same replica). */
  tab(window: DemoWindow, name: string): Promise<DemoWindow>;
}

/** Registers the file's hooks: Chromium launched once, and after each test its windows' screenshots (none of a crashed tab) and closing. */
export function windowSuite(): WindowSuite {
  let browser: Browser | undefined;
  let windows: DemoWindow[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async (context) => {
    for (const window of windows) {
      console.log(`screenshot: ${await window.screenshot(context.task.name).catch((e: Error) => `none (${e.message.split('\n')[0]})`)}`);
    }
    await Promise.all(windows.map((w) => w.close()));
    windows = [];
  });
  const track = (window: DemoWindow): DemoWindow => {
    windows.push(window);
    return window;
  };
  return {
    open: async (name, user, device = 'desktop') => track(await DemoWindow.open(browser!, name, user, device)),
    tab: async (window, name) => track(await window.tab(name)),
  };
}

/** Polls a condition until it holds, failing with what was awaited; returns the time it took. */
export async function eventually(what: string, condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<number> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error(`Timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - start;
}

/** One window of the demo: its own browser context, so its own IndexedDB replica, cache and network. */
export class DemoWindow {
  private constructor(readonly name: string, readonly context: BrowserContext, readonly page: Page) {}

  /** A window acting as {@code user} (the demo's `?user=`): two windows of one user are one person's two devices. */
  static async open(browser: Browser, name: string, user: string, device: Device = 'desktop'): Promise<DemoWindow> {
    return DemoWindow.load(await browser.newContext(DEVICES[device]), name, user);
  }

  /** Another tab of this window's browser context: the same replica, Web Locks and BroadcastChannel. */
  async tab(name: string): Promise<DemoWindow> {
    return DemoWindow.load(this.context, name, await this.page.evaluate(() => localStorage.getItem('tidemark-demo-user') ?? ''));
  }

  private static async load(context: BrowserContext, name: string, user: string): Promise<DemoWindow> {
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error(`[${name}] page error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') console.error(`[${name}] console: ${m.text()}`); });
    const window = new DemoWindow(name, context, page);
    await page.goto(`${SERVER}/?user=${user}`);
    await window.settled();
    return window;
  }

  /**
   * The app's online switch (`client.setOnline(false)`): the client closes its socket and sends
   * nothing, whatever the network says, until switched on again.
   */
  async switchOffline(): Promise<void> {
    await this.page.getByRole('switch', { name: 'Online' }).click();
    await eventually(`${this.name} switched off`, async () =>
      (await this.page.getByTestId('status').getAttribute('data-switched-off')) === 'true' && (await this.state()).state === 'offline');
  }

  /** The switch back on: the client reconnects at once and syncs. */
  async switchOnline(): Promise<void> {
    await this.page.getByRole('switch', { name: 'Online' }).click();
    await eventually(`${this.name} switched on`, async () => (await this.page.getByTestId('status').getAttribute('data-switched-off')) === 'false');
  }

  /** Ticks (or unticks) "separate replica for this window": the page reloads on a replica of its own (another device). */
  async separateReplica(separate = true): Promise<void> {
    const before = await this.replicaName();
    await this.page.getByTestId('separate-replica').setChecked(separate);
    await eventually(`${this.name} reopened on ${separate ? 'a replica of its own' : 'the shared replica'}`, async () =>
      (await this.replicaName().catch(() => before)) !== before);
    await this.settled();
  }

  /** The IndexedDB database of the window's replica. */
  replicaName(): Promise<string> {
    return this.page.evaluate(() => document.documentElement.dataset.replica ?? '');
  }

  /**
   * As a phone losing its network: the context drops all traffic and Chromium fires the page's
   * `offline` event, on which the client closes its socket (setOffline alone only holds an open
   * socket's traffic, so the app must react: the status shows Offline only once the socket ended).
   */
  async goOffline(): Promise<void> {
    await this.context.setOffline(true);
    await eventually(`${this.name}'s page is told it is offline`, () => this.page.evaluate(() => !navigator.onLine));
    await this.waitState('offline');
  }

  /** The network returns: Chromium fires `online`, on which the client reconnects at once. */
  async goOnline(): Promise<void> {
    await this.context.setOffline(false);
    await eventually(`${this.name}'s page is told it is online`, () => this.page.evaluate(() => navigator.onLine));
  }

  async state(): Promise<{ state: string; pending: number }> {
    const status = this.page.getByTestId('status');
    return { state: (await status.getAttribute('data-state')) ?? '', pending: Number(await status.getAttribute('data-pending')) };
  }

  async waitState(state: string): Promise<void> {
    await eventually(`${this.name} ${state}`, async () => (await this.state()).state === state);
  }

  /** Link up, and nothing left to send. */
  async settled(timeoutMs = 15_000): Promise<number> {
    return eventually(`${this.name} online with no pending change`, async () => {
      const s = await this.state();
      return s.state === 'online' && s.pending === 0;
    }, timeoutMs);
  }

  /** Waits until the offline shell (service worker) controls the page, so a reload works offline. */
  async offlineReady(): Promise<void> {
    await this.page.waitForFunction(() => document.documentElement.dataset.offlineReady === 'true' && navigator.serviceWorker.controller !== null);
  }

  user(name: string): Locator {
    return this.page.locator(`[data-testid="user"][data-name="${name}"]`);
  }

  group(name: string): Locator {
    return this.page.locator(`[data-testid="group"][data-name="${name}"]`);
  }

  async createUser(name: string): Promise<void> {
    await this.page.fill('#new-user input[name="name"]', name);
    await this.page.click('#new-user button[type="submit"]');
    await this.user(name).waitFor();
  }

  async createGroup(name: string): Promise<void> {
    await this.page.fill('#new-group input[name="name"]', name);
    await this.page.click('#new-group button[type="submit"]');
    await this.group(name).waitFor();
  }

  async join(user: string, group: string): Promise<void> {
    await this.user(user).getByTestId('add-to-group').selectOption({ label: group });
    await this.user(user).locator(`[data-testid="membership"][data-group="${group}"]`).waitFor();
  }

  async rename(kind: 'user' | 'group', from: string, to: string): Promise<void> {
    const item = kind === 'user' ? this.user(from) : this.group(from);
    await item.getByRole('button', { name: `Rename ${from}` }).click();
    await item.getByTestId('rename-input').fill(to);
    await item.getByRole('button', { name: 'Save' }).click();
    await (kind === 'user' ? this.user(to) : this.group(to)).waitFor();
  }

  document(title: string): Locator {
    return this.page.locator(`[data-testid="document"][data-name="${title}"]`);
  }

  async createDocument(title: string): Promise<void> {
    await this.page.fill('#new-document input[name="name"]', title);
    await this.page.click('#new-document button[type="submit"]');
    await this.document(title).waitFor();
  }

  /** Opens (or closes) a document: the client adds (or removes) the scope of its events. */
  async toggleDocument(title: string, open: boolean): Promise<void> {
    await this.document(title).getByRole('button', { name: `${open ? 'Open' : 'Close'} ${title}` }).click();
    await eventually(`${this.name}: ${title} ${open ? 'open and its notes loaded' : 'closed'}`, async () =>
      open ? (await this.document(title).getByTestId('document-events').getAttribute('data-ready')) === 'true'
        : (await this.document(title).getAttribute('data-open')) === 'false');
  }

  async addNote(title: string, text: string): Promise<void> {
    await this.document(title).getByRole('textbox', { name: `Note for ${title}` }).fill(text);
    await this.document(title).getByRole('button', { name: 'Add note' }).click();
    await this.document(title).locator(`[data-testid="event"][data-payload="${text}"]`).waitFor();
  }

  async notes(title: string): Promise<string[]> {
    return this.document(title).getByTestId('event').evaluateAll((events) => events.map((e) => (e as HTMLElement).dataset.payload ?? ''));
  }

  /** The tab's renderer dies at once, without pagehide or any goodbye: a crashed or killed tab. */
  async crash(): Promise<void> {
    const crashed = new Promise<void>((resolve) => this.page.once('crash', () => resolve()));
    const cdp = await this.context.newCDPSession(this.page);
    void cdp.send('Page.crash').catch(() => undefined); // never answered: the renderer is gone
    await crashed;
  }

  async deleteGroup(name: string): Promise<void> {
    await this.group(name).getByRole('button', { name: `Delete ${name}` }).click();
    await this.group(name).waitFor({ state: 'detached' });
  }

  /** The group names shown on a user's row; null when the user is not shown. */
  async groupsOf(user: string): Promise<string[] | null> {
    if ((await this.user(user).count()) === 0) return null;
    return this.user(user).locator('[data-testid="membership"]').evaluateAll((chips) => chips.map((c) => (c as HTMLElement).dataset.group ?? ''));
  }

  async shows(kind: 'user' | 'group', name: string): Promise<boolean> {
    return (await (kind === 'user' ? this.user(name) : this.group(name)).count()) > 0;
  }

  /** Local writes the replica refused, as the window's notices show them. */
  async notices(): Promise<{ reason: string; text: string }[]> {
    return this.page.getByTestId('notice').evaluateAll((notices) => notices.map((n) => ({
      reason: (n as HTMLElement).dataset.reason ?? '',
      text: n.querySelector('.notice-text')?.textContent ?? '',
    })));
  }

  /** The changes the server refused or overrode, as the rejections panel shows them (once described). */
  async rejections(): Promise<{ reason: string; text: string }[]> {
    return this.page.getByTestId('rejection').evaluateAll((items) => items.map((n) => ({
      reason: (n as HTMLElement).dataset.reason ?? '',
      text: n.querySelector('.rejection-text')?.textContent ?? '',
    })));
  }

  /** The rejection of this reason in the panel, to act on (its buttons: retry, discard, dismiss). */
  rejection(reason: string): Locator {
    return this.page.locator(`[data-testid="rejection"][data-reason="${reason}"]`);
  }

  /** The changes the pending panel lists: what each is, and whether it is waiting or sent. */
  async pendingItems(): Promise<{ text: string; status: string }[]> {
    return this.page.getByTestId('pending-item').evaluateAll((items) => items.map((n) => ({
      text: n.firstElementChild?.textContent ?? '',
      status: (n as HTMLElement).dataset.status ?? '',
    })));
  }

  async screenshot(test: string): Promise<string> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const path = `${SCREENSHOTS}/${test.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80)}-${this.name}.png`;
    await this.page.screenshot({ path, fullPage: true });
    return path;
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}
