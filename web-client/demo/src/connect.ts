/** The one place where the demo builds its TidemarkClient: who it acts as, which replica, its token, its scopes. */
import { TidemarkClient, newUid } from '@tidemark/web-client';
import type { Schema } from './tidemark-types.js';

const USER_KEY = 'tidemark-demo-user';

/** Who this window acts as and which replica it keeps: one replica is one device. */
export interface Device {
  user: string;
  /** `?replica=<id>`: this window keeps a replica of its own (another device); null: the browser's shared one. */
  replica: string | null;
  /** The IndexedDB database of the replica. */
  dbName: string;
}

/**
 * `?user=<uid>` (open the same link in another window or device to be the same person there, as in
 * the seed's iPhone and Firefox), else the uid this browser picked before, else a new one; and
 * `?replica=<id>` for a window that keeps its own replica, so that two windows of one browser are
 * two devices (each its own link, outbox and switch) instead of two tabs of one.
 */
export function demoDevice(): Device {
  const params = new URLSearchParams(location.search);
  const user = params.get('user') ?? localStorage.getItem(USER_KEY) ?? newUid(); // crypto.randomUUID is missing on http://<LAN address>
  localStorage.setItem(USER_KEY, user);
  const replica = params.get('replica');
  return { user, replica, dbName: replica ? `tidemark-demo-${user}-${replica}` : `tidemark-demo-${user}` };
}

/** The address of this window with its own replica (a new one), or back on the browser's shared replica. */
export function deviceUrl(device: Device, separate: boolean): string {
  const params = new URLSearchParams({ user: device.user });
  if (separate) params.set('replica', newUid().slice(0, 8));
  return `${location.pathname}?${params}`;
}

/**
 * A token for the demo user from the server's dev endpoint (served by the dev profile only; in
 * production tokens come from your identity provider). Kept while valid, so an app started offline
 * still has one when the link returns.
 */
async function demoToken(user: string): Promise<string | undefined> {
  const key = `tidemark-demo-token:${user}`;
  const cached = JSON.parse(localStorage.getItem(key) ?? 'null') as { token: string; expiresAt: string } | null;
  if (cached && Date.parse(cached.expiresAt) - Date.now() > 60_000) return cached.token;
  const response = await fetch(`/auth/dev-token?user=${encodeURIComponent(user)}`, { method: 'POST' });
  // No dev tokens here: a server with anonymous access (the Kubernetes dev overlay) needs none.
  if (response.status === 404) return undefined;
  if (!response.ok) {
    throw new Error(`no dev token (HTTP ${response.status}): this server takes tokens from its identity provider`);
  }
  const issued = (await response.json()) as { token: string; expiresAt: string };
  localStorage.setItem(key, JSON.stringify(issued));
  return issued.token;
}

/**
 * The demo replicates every user, group and membership its user may see (the server's row policies
 * narrow the scopes) and the user's documents; a document's events come in when it is opened
 * (`documents.tsx`, a scope held while the document is open).
 */
export function openDemoClient(device: Device): Promise<TidemarkClient<Schema>> {
  return TidemarkClient.open<Schema>({
    url: location.origin,
    dbName: device.dbName,
    token: () => demoToken(device.user),
    scopes: [{ table: 'User' }, { table: 'Group' }, { table: 'UserGroup' }, { table: 'UserDocument', where: { userUid: { eq: device.user } } }],
    // A phone's link dies silently: notice it within seconds, and come back quickly.
    keepAliveMs: 5_000,
    pongTimeoutMs: 3_000,
    minBackoffMs: 300,
    maxBackoffMs: 5_000,
  });
}
