import { describe, expect, it } from 'vitest';
import { GraphQLHttp, GraphQLRequestError, NetworkError, type FetchLike } from './graphql-http.js';

/** A fetch that records the headers of every request and answers with `status` and `body`. */
function recordingFetch(headers: Record<string, string>[], status = 200, body: unknown = { data: { ok: true } }): FetchLike {
  return async (_url, init) => {
    headers.push(init.headers);
    return { ok: status < 400, status, json: async () => body };
  };
}

describe('bearer tokens over HTTP', () => {
  it('should send a fixed token as an Authorization header', async () => {
    const headers: Record<string, string>[] = [];
    await new GraphQLHttp('http://x/graphql', recordingFetch(headers), 1000, 'abc').request('{ ok }');
    expect(headers[0]!.authorization).toBe('Bearer abc');
  });

  it('should ask a token function before every request, so a refreshed token is used', async () => {
    const headers: Record<string, string>[] = [];
    let n = 0;
    const http = new GraphQLHttp('http://x/graphql', recordingFetch(headers), 1000, async () => `t${++n}`);
    await http.request('{ ok }');
    await http.request('{ ok }');
    expect(headers.map((h) => h.authorization)).toEqual(['Bearer t1', 'Bearer t2']);
  });

  it('should send no Authorization header without a token', async () => {
    const headers: Record<string, string>[] = [];
    await new GraphQLHttp('http://x/graphql', recordingFetch(headers), 1000, () => null).request('{ ok }');
    expect(headers[0]!.authorization).toBeUndefined();
  });

  it('should report a refused token (HTTP 401) as UNAUTHENTICATED, not as a network failure to retry', async () => {
    const http = new GraphQLHttp('http://x/graphql', recordingFetch([], 401, null), 1000, 'expired');
    const error = await http.request('{ ok }').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphQLRequestError);
    expect((error as GraphQLRequestError).code).toBe('UNAUTHENTICATED');
  });
});

describe('answers to retry later', () => {
  it('should report SERVICE_UNAVAILABLE and RATE_LIMITED as a failure to retry (NetworkError), other codes as refusals', async () => {
    const answer = (code: string) => ({ errors: [{ message: 'not now', extensions: { code } }], data: null });
    for (const [status, code] of [[200, 'SERVICE_UNAVAILABLE'], [429, 'RATE_LIMITED']] as const) {
      const error = await new GraphQLHttp('http://x/graphql', recordingFetch([], status, answer(code)), 1000).request('{ ok }')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NetworkError);
      expect((error as Error).message).toContain(code);
    }
    const refused = await new GraphQLHttp('http://x/graphql', recordingFetch([], 413, answer('LIMIT_EXCEEDED')), 1000).request('{ ok }')
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GraphQLRequestError);
    expect((refused as GraphQLRequestError).code).toBe('LIMIT_EXCEEDED');
  });
});
