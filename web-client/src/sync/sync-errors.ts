/**
 * What a failed sync request means for the next one. Only a refusal the server would repeat
 * (a malformed request) makes the client look for the change at fault; an unavailable server, a
 * lost answer or a refused token never cost a change, they are retried with the same flight.
 */
import { GraphQLRequestError, NetworkError } from '../transport/graphql-http.js';

export type FailureKind =
  /** No answer: the link restarts, the flight is sent again as it is. */
  | 'network'
  /** The token was refused: wait for a new one, then send the flight again. */
  | 'unauthenticated'
  /** The server is shutting down, overloaded or without its database: retry the flight with backoff. */
  | 'busy'
  /** Over a server limit: read the limits again, make the request smaller. */
  | 'limit'
  /** The sync id was used for other changes: make a new one. */
  | 'reused'
  /** The server refuses the request as it is (nothing was written): find the change at fault. */
  | 'refused'
  /** A server error without a code: retried with backoff, and checked for a change at fault if it persists. */
  | 'unexpected';

const BUSY = /^(SHUTTING_DOWN|RATE_LIMITED|.*UNAVAILABLE.*|.*TIMEOUT.*|.*BUSY.*)$/;
const REFUSED = new Set(['BAD_USER_INPUT', 'FORBIDDEN', 'NOT_FOUND', 'PARENT_DELETED', 'PARENT_NOT_FOUND', 'ROW_DELETED']);

export function classify(error: unknown): FailureKind {
  if (error instanceof NetworkError) return 'network';
  if (!(error instanceof GraphQLRequestError)) return 'unexpected';
  const code = error.code;
  if (code === 'UNAUTHENTICATED') return 'unauthenticated';
  if (code === 'LIMIT_EXCEEDED') return 'limit';
  if (code === 'SYNC_ID_REUSED') return 'reused';
  if (code !== undefined && BUSY.test(code)) return 'busy';
  if ((code !== undefined && REFUSED.has(code)) || error.classification === 'ValidationError') return 'refused';
  return 'unexpected';
}

/** The code an app sees for a failure: the server's, else what kind it was. */
export function failureCode(error: unknown): string {
  if (error instanceof GraphQLRequestError) return error.code ?? error.classification ?? 'SERVER_ERROR';
  return error instanceof NetworkError ? 'NETWORK' : 'CLIENT_ERROR';
}
