/**
 * The server side of the fault test: one PostgreSQL cluster and two packaged server instances on
 * it (replicas behind a Service), the faults done to them (kill -9 and restart of an instance,
 * PostgreSQL stopped and started again), and what the "other apps" and the oracle use: an admin's
 * GraphQL and plain SQL.
 */
import pg from 'pg';
import { Postgres } from './postgres.js';
import { ServerProcess, freePort } from './server-process.js';

export class Cluster {
  private adminToken: string | undefined;
  private sqlPool: pg.Pool | undefined;

  private constructor(
    readonly postgres: Postgres,
    readonly servers: ServerProcess[],
  ) {}

  static async start(instances = 2): Promise<Cluster> {
    const postgres = await Postgres.create(await freePort());
    const servers: ServerProcess[] = [];
    for (let i = 0; i < instances; i++) servers.push(new ServerProcess(String.fromCharCode(65 + i), await freePort(), postgres.jdbcUrl));
    const cluster = new Cluster(postgres, servers);
    try {
      await servers[0]!.start(); // migrates the schema first
      await Promise.all(servers.slice(1).map((s) => s.start()));
    } catch (e) {
      await cluster.stop();
      throw e;
    }
    return cluster;
  }

  /** Ports of the instances, dead ones included (a proxy finds out by connecting, as a Service's clients do). */
  ports(): number[] {
    return this.servers.map((s) => s.port);
  }

  live(): ServerProcess | undefined {
    return this.servers.find((s) => s.alive);
  }

  /** Brings back whatever a fault took down: PostgreSQL, then every dead instance. */
  async heal(): Promise<void> {
    if (!this.postgres.isRunning) this.postgres.start();
    for (const server of this.servers) if (!server.alive) await server.start();
  }

  /** Internal errors the instances logged since the last call, each prefixed with its instance. */
  takeInternalErrors(): string[] {
    return this.servers.flatMap((s) => s.takeInternalErrors().map((line) => `instance ${s.name}: ${line}`));
  }

  async stop(): Promise<void> {
    await this.sqlPool?.end().catch(() => undefined);
    await Promise.all(this.servers.map((s) => s.stop()));
    this.postgres.destroy();
  }

  /** A token from an instance's dev endpoint; `lifetime` in seconds (the test parameter of the endpoint). */
  async token(who: { user?: string; admin?: boolean }, lifetime?: number): Promise<string> {
    const server = this.requireLive();
    const query = new URLSearchParams();
    if (who.user) query.set('user', who.user);
    if (who.admin) query.set('admin', 'true');
    if (lifetime !== undefined) query.set('lifetime', String(lifetime));
    const response = await fetch(`${server.url}/auth/dev-token?${query}`, { method: 'POST' });
    if (!response.ok) throw new Error(`POST /auth/dev-token?${query} answered ${response.status}: ${await response.text()}`);
    return ((await response.json()) as { token: string }).token;
  }

  /** GraphQL over HTTP to a live instance, as an admin ("another app") or with the given token. */
  async gql<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
    this.adminToken ??= await this.token({ admin: true });
    const response = await fetch(`${this.requireLive().url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token ?? this.adminToken}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    let body: { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new Error(`HTTP ${response.status}: ${text.slice(0, 200)}`);
    }
    if (body.errors?.length) {
      const first = body.errors[0]!;
      throw Object.assign(new Error(`GraphQL error ${first.extensions?.code ?? ''}: ${first.message}`), { code: first.extensions?.code });
    }
    return body.data as T;
  }

  async sql<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<R[]> {
    if (!this.sqlPool) {
      this.sqlPool = new pg.Pool({ ...this.postgres.connection, max: 2, connectionTimeoutMillis: 10_000 });
      this.sqlPool.on('error', () => undefined); // idle clients die with a PostgreSQL restart
    }
    return (await this.sqlPool.query<R>(text, values)).rows;
  }

  private requireLive(): ServerProcess {
    const server = this.live();
    if (!server) throw new Error('no server instance is up');
    return server;
  }
}
