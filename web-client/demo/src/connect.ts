/** The one place where the demo builds its TidemarkClient: who it acts as, its token, its scopes. */
import { TidemarkClient, newUid } from '../../src/index.js';

const USER_KEY = 'tidemark-demo-user';

/**
 * Who the demo acts as: `?user=<uid>` (open the same link in another window or device to be the same
 * person there, as in the seed's iPhone and Firefox), else the uid this browser picked before, else a
 * new one.
 */
export function demoUser(): string {
  const fromUrl = new URLSearchParams(location.search).get('user');
  const user = fromUrl ?? localStorage.getItem(USER_KEY) ?? newUid(); // crypto.randomUUID is missing on http://<LAN address>
  localStorage.setItem(USER_KEY, user);
  return user;
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
 * (`documents.ts`).
 */
export function openDemoClient(user: string): Promise<TidemarkClient> {
  return TidemarkClient.open({
    url: location.origin,
    dbName: `tidemark-demo-${user}`,
    token: () => demoToken(user),
    scopes: [{ table: 'User' }, { table: 'Group' }, { table: 'UserGroup' }, { table: 'UserDocument', where: { userUid: { eq: user } } }],
    // A phone's link dies silently: notice it within seconds, and come back quickly.
    keepAliveMs: 5_000,
    pongTimeoutMs: 3_000,
    minBackoffMs: 300,
    maxBackoffMs: 5_000,
  });
}
