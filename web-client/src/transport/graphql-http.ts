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

/** The network or the server failed (no GraphQL answer): retry later. */
export class NetworkError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NetworkError';
  }
}

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

export class GraphQLHttp {
  constructor(
    private readonly url: string,
    private readonly fetchImpl: FetchLike = (u, i) => fetch(u, i),
    private readonly timeoutMs = 30_000,
  ) {}

  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let body: { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
    try {
      const response = await this.fetchImpl(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query, variables }),
        signal: controller.signal,
      });
      if (!response.ok && response.status >= 500) throw new NetworkError(`HTTP ${response.status} from ${this.url}`);
      body = (await response.json()) as typeof body;
    } catch (e) {
      if (e instanceof NetworkError) throw e;
      throw new NetworkError(`No answer from ${this.url}: ${(e as Error).message}`, { cause: e });
    } finally {
      clearTimeout(timer);
    }
    if (body.errors && body.errors.length > 0) {
      const first = body.errors[0]!;
      throw new GraphQLRequestError(first.message, first.extensions?.code, body.errors);
    }
    if (body.data === undefined) throw new GraphQLRequestError('GraphQL answer without data', undefined, []);
    return body.data;
  }
}
