/** What the browser suite checks on the server itself: its database through an admin's GraphQL, its open sockets through its metrics. */
import { SERVER } from './windows.js';

let adminToken: Promise<string> | undefined;

/** An admin token (row policies bypassed) from the server's dev endpoint, for checks of the database. */
function admin(): Promise<string> {
  adminToken ??= fetch(`${SERVER}/auth/dev-token?admin=true`, { method: 'POST' }).then(async (r) => {
    if (!r.ok) throw new Error(`POST /auth/dev-token answered ${r.status}`);
    return ((await r.json()) as { token: string }).token;
  });
  return adminToken;
}

/** A GraphQL request to the server as an admin, as an operator checking the database would make it. */
export async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${SERVER}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${await admin()}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(`GraphQL error: ${body.errors.map((e) => e.message).join('; ')}`);
  return body.data as T;
}

/** The server's Prometheus metrics: on its management port in prod (TIDEMARK_METRICS_URL), else on the application's. */
const METRICS = process.env.TIDEMARK_METRICS_URL ?? `${SERVER}/q/metrics`;

/** Open realtime WebSocket connections on the server (its Prometheus gauge): a closed socket is gone from it. */
export async function serverSockets(): Promise<number> {
  const metrics = await (await fetch(METRICS)).text();
  const line = metrics.split('\n').find((l) => l.startsWith('tidemark_realtime_connections '));
  if (!line) throw new Error('the server reports no tidemark_realtime_connections gauge');
  return Number(line.split(' ')[1]);
}
