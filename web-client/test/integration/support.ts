/** Helpers of the integration suite: clients on fake-indexeddb talking to the real server named by TIDEMARK_URL. */
import 'fake-indexeddb/auto';
import { afterEach } from 'vitest';
import { WebSocket } from 'ws';
import { TidemarkClient, type ScopeDeclaration, type TidemarkOptions } from '../../src/index.js';
import type { Rejection } from '../../src/replica/types.js';

export const SERVER = requireServer();

function requireServer(): string {
  const url = process.env.TIDEMARK_URL;
  if (!url) throw new Error('TIDEMARK_URL is not set: run this suite through ./mvnw verify (WebClientIT), or point it at a running server');
  return url.replace(/\/$/, '');
}

/** A token from the server's dev endpoint (served by the dev and test profiles, and by WebClientIT's instance). */
export async function devToken(who: { admin?: boolean; user?: string } = {}): Promise<string> {
  const query = who.admin ? 'admin=true' : `user=${who.user ?? crypto.randomUUID()}`;
  const response = await fetch(`${SERVER}/auth/dev-token?${query}`, { method: 'POST' });
  if (!response.ok) throw new Error(`POST /auth/dev-token answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

let adminToken: Promise<string> | undefined;

/**
 * The suite acts as an admin (row policies bypassed): its scopes are test prefixes, not one user's
 * rights. Policies are tested by the server's own suites and by the demo's browser tests.
 */
export function admin(): Promise<string> {
  adminToken ??= devToken({ admin: true });
  return adminToken;
}

let counter = 0;

/** A prefix that keeps each test's rows apart from the others'. */
export function prefix(label: string): string {
  return `${label}-${Date.now().toString(36)}-${++counter}-`;
}

export interface TestClient {
  client: TidemarkClient;
  network: EventTarget;
  rejections: Rejection[];
  goOffline(): void;
  goOnline(): void;
}

/** Scopes of one test: its users, groups and memberships (by group name), all by prefix. */
export function scopesFor(p: string): ScopeDeclaration[] {
  return [
    { table: 'User', where: { name: { startsWith: p } } },
    { table: 'Group', where: { name: { startsWith: p } } },
    { table: 'UserGroup', where: { group: { name: { startsWith: p } } } },
  ];
}

export async function openClient(dbName: string, scopes: ScopeDeclaration[], options: Partial<TidemarkOptions> = {}): Promise<TestClient> {
  const network = new EventTarget();
  const client = await TidemarkClient.open({
    url: SERVER,
    dbName,
    scopes,
    token: admin,
    webSocketImpl: WebSocket,
    connectivity: network,
    keepAliveMs: 1000,
    pongTimeoutMs: 2000,
    minBackoffMs: 100,
    maxBackoffMs: 1000,
    leaseMs: 3000,
    ...options,
  });
  const rejections: Rejection[] = [];
  client.onRejected((r) => rejections.push(...r));
  return {
    client,
    network,
    rejections,
    goOffline: () => network.dispatchEvent(new Event('offline')),
    goOnline: () => network.dispatchEvent(new Event('online')),
  };
}

/** Waits for a condition (polling), failing with a description after the timeout. */
export async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits until the client's link is up with every scope live, and a sync finished with nothing pending. */
export async function settled(c: TestClient): Promise<void> {
  await until('online, every scope live, synced, nothing pending', () => {
    const s = c.client.state;
    return s.online && !s.syncing && s.pending === 0 && s.lastSyncAt !== null && s.refusedScopes.length === 0;
  }).catch((e: Error) => {
    throw new Error(`${e.message}; the client's state: ${JSON.stringify(c.client.state)}`);
  });
}

/** GraphQL over HTTP to the server, as another app or client would write. */
export async function gql<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${SERVER}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await admin()}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data: T; errors?: unknown[] };
  if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

export async function serverUser(name: string): Promise<string> {
  const uid = crypto.randomUUID();
  await gql('mutation($uid: String!, $name: String!) { saveUser(input: {uid: $uid, name: $name}) { uid } }', { uid, name });
  return uid;
}

export async function serverGroup(name: string): Promise<string> {
  const uid = crypto.randomUUID();
  await gql('mutation($uid: String!, $name: String!) { saveGroup(input: {uid: $uid, name: $name}) { uid } }', { uid, name });
  return uid;
}

export async function serverMembership(userUid: string, groupUid: string): Promise<string> {
  const uid = crypto.randomUUID();
  await gql('mutation($uid: String!, $u: String!, $g: String!) { saveUserGroup(input: {uid: $uid, userUid: $u, groupUid: $g}) { uid } }', { uid, u: userUid, g: groupUid });
  return uid;
}

export const dbName = (label: string): string => `it-${label}-${Date.now().toString(36)}-${++counter}`;

/**
 * The clients of one test file: `client(db, prefix)` opens one on the prefix's scopes and every
 * client opened is closed after each test.
 */
export function testClients(): {
  open: TestClient[];
  client: (db: string, p: string, options?: Partial<TidemarkOptions>, scopes?: ScopeDeclaration[]) => Promise<TestClient>;
} {
  const open: TestClient[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.client.close()));
  });
  return {
    open,
    client: async (db, p, options = {}, scopes = scopesFor(p)) => {
      const c = await openClient(db, scopes, options);
      open.push(c);
      return c;
    },
  };
}
