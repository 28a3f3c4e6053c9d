/** GraphQL over HTTP POST, the transport of the schema query and the sync mutation. */

/** A GraphQL error the server reported, with its `extensions.code` (BAD_USER_INPUT, LIMIT_EXCEEDED...). */
export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly errors: unknown[],
  ) {
    super(message);
    this.name = 'GraphQLRequestError';
  }
}

/**
 * The network or the server failed (no GraphQL answer), or the server asked to be asked again later
 * (`SERVICE_UNAVAILABLE`: its database is unreachable; `RATE_LIMITED`): retry later.
 */
export class NetworkError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NetworkError';
  }
}

/**
 * The bearer token requests carry: a fixed string, or a function asked before every request and
 * every WebSocket connection (so a refreshed token is picked up); nothing sends no token.
 */
export type TokenSource = string | (() => string | null | undefined | Promise<string | null | undefined>);

/** The current token of a source, or undefined. */
export async function currentToken(source: TokenSource | undefined): Promise<string | undefined> {
  const token = typeof source === 'function' ? await source() : source;
  return token ?? undefined;
}

/** Codes of answers that say "not now" rather than "not this request": the sync engine retries them like a lost network. */
const RETRY_LATER = new Set(['SERVICE_UNAVAILABLE', 'RATE_LIMITED']);

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

export class GraphQLHttp {
  constructor(
    private readonly url: string,
    private readonly fetchImpl: FetchLike = (u, i) => fetch(u, i),
    private readonly timeoutMs = 30_000,
    private readonly token?: TokenSource,
  ) {}

  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let body: { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
    try {
      const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
      const token = await currentToken(this.token);
      if (token) headers.authorization = `Bearer ${token}`;
      const response = await this.fetchImpl(this.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables }),
        signal: controller.signal,
      });
      if (!response.ok && response.status >= 500) throw new NetworkError(`HTTP ${response.status} from ${this.url}`);
      // Quarkus answers a token it cannot verify (bad signature, expired, wrong issuer) before GraphQL runs.
      if (response.status === 401) {
        throw new GraphQLRequestError(`The server refused the token (HTTP 401 from ${this.url}); get a new one`, 'UNAUTHENTICATED', []);
      }
      body = (await response.json()) as typeof body;
    } catch (e) {
      if (e instanceof NetworkError || e instanceof GraphQLRequestError) throw e;
      throw new NetworkError(`No answer from ${this.url}: ${(e as Error).message}`, { cause: e });
    } finally {
      clearTimeout(timer);
    }
    if (body.errors && body.errors.length > 0) {
      const first = body.errors[0]!;
      if (RETRY_LATER.has(first.extensions?.code ?? '')) {
        throw new NetworkError(`${first.message} (${first.extensions?.code} from ${this.url})`);
      }
      throw new GraphQLRequestError(first.message, first.extensions?.code, body.errors);
    }
    if (body.data === undefined) throw new GraphQLRequestError('GraphQL answer without data', undefined, []);
    return body.data;
  }
}
