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

  /** The input path the first error is about (`input.groups[0].changes[3].name`), if the server named one. */
  get field(): string | null {
    const first = this.errors[0] as { extensions?: { field?: unknown } } | undefined;
    return typeof first?.extensions?.field === 'string' ? first.extensions.field : null;
  }

  /** graphql-java's classification of the first error (`ValidationError` for a value of the wrong type). */
  get classification(): string | null {
    const first = this.errors[0] as { extensions?: { classification?: unknown } } | undefined;
    return typeof first?.extensions?.classification === 'string' ? first.extensions.classification : null;
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

import { tokenIdentity } from '../sync/stamps.js';

/** Codes of answers that say "not now" rather than "not this request": the sync engine retries them like a lost network. */
const RETRY_LATER = new Set(['SERVICE_UNAVAILABLE', 'RATE_LIMITED']);

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

export interface RequestOptions {
  /** Send no token (the schema is readable without one, and an expired token must not hide it). */
  anonymous?: boolean;
  timeoutMs?: number;
}

export class GraphQLHttp {
  /** The last token the server refused: not sent again, so a wait for a new token costs no request. */
  private refusedToken: string | undefined;

  constructor(
    private readonly url: string,
    private readonly fetchImpl: FetchLike = (u, i) => fetch(u, i),
    private readonly timeoutMs = 30_000,
    private readonly token?: TokenSource,
  ) {}

  /** Who the current token syncs as (`tokenIdentity`): scope stamps of another identity are not sent. */
  async identity(): Promise<string | null> {
    return tokenIdentity(await currentToken(this.token));
  }

  /** Whether the token source still gives the token the server refused (no request would pass). */
  async tokenRefused(): Promise<boolean> {
    if (this.refusedToken === undefined) return false;
    return (await currentToken(this.token)) === this.refusedToken;
  }

  async request<T>(query: string, variables: Record<string, unknown> = {}, options: RequestOptions = {}): Promise<T> {
    const token = options.anonymous ? undefined : await currentToken(this.token);
    if (token !== undefined && token === this.refusedToken) {
      throw new GraphQLRequestError('The server refused this token; waiting for a new one', 'UNAUTHENTICATED', []);
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? this.timeoutMs);
    let body: { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
    try {
      const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
      if (token) headers.authorization = `Bearer ${token}`;
      const response = await this.fetchImpl(this.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables }),
        signal: controller.signal,
      });
      if (!response.ok && response.status >= 500) throw new NetworkError(`HTTP ${response.status} from ${this.url}`);
      // Quarkus answers a token it cannot verify (bad signature, expired, wrong issuer) before GraphQL runs.
      if (response.status === 413) {
        throw new GraphQLRequestError(`The request is over the server's body limit (HTTP 413 from ${this.url})`, 'LIMIT_EXCEEDED', []);
      }
      if (response.status === 401) {
        this.refusedToken = token;
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
      if (first.extensions?.code === 'UNAUTHENTICATED') this.refusedToken = token;
      throw new GraphQLRequestError(first.message, first.extensions?.code, body.errors);
    }
    if (body.data === undefined) throw new GraphQLRequestError('GraphQL answer without data', undefined, []);
    return body.data;
  }
}
