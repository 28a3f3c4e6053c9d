/** Human words for the server's refusals (the client's rejection records), and which of them "keep mine" can win. */
import type { RejectionRecord } from '@tidemark/web-client';

const WHY: Record<string, string> = {
  CONFLICT_LOST: 'someone else changed it later, and the latest change wins',
  ROW_DELETED: 'it was deleted elsewhere meanwhile',
  DELETED_ON_SERVER: 'it was deleted on the server long ago',
  PARENT_DELETED: 'the user or group it refers to was deleted elsewhere meanwhile',
  PARENT_NOT_FOUND: 'the user or group it refers to does not exist on the server',
  OUT_OF_SCOPE: 'it is outside what this app may change',
  UID_TAKEN: 'its id is already used by a row this app may not change',
  FORBIDDEN: 'you may not make this change',
  BAD_USER_INPUT: 'the server refused its values',
  ValidationError: 'the server refused its values',
};

/**
 * Refusals the same values would meet again: the row or its parent is gone, or the values or the
 * user's rights are at fault. "Keep mine" is offered only for the others (a lost conflict).
 */
const FINAL = new Set(['ROW_DELETED', 'DELETED_ON_SERVER', 'PARENT_DELETED', 'PARENT_NOT_FOUND', 'OUT_OF_SCOPE', 'UID_TAKEN', 'FORBIDDEN', 'BAD_USER_INPUT', 'ValidationError']);

export function retryable(rejection: RejectionRecord): boolean {
  return !FINAL.has(rejection.reason);
}

/** "Your change to user “Bea” was not kept: someone else changed it later… It now shows the server's value “Bee”." */
export function explain(rejection: RejectionRecord, what: string): string {
  const why = WHY[rejection.reason] ?? rejection.message ?? 'the server refused it';
  const change = rejection.local.deletedAt ? `Your delete of ${what}` : `Your change to ${what}`;
  const server = rejection.serverRow;
  const value = server && !server.deletedAt ? server.name ?? server.title ?? server.payload : undefined;
  const now = typeof value === 'string' ? ` It now shows the server's value “${value}”.` : '';
  return `${change} was not kept: ${why}.${now}`;
}
