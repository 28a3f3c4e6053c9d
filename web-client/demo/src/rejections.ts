/** Human words for the server's refusals (the client's `onRejected`), each with its reason code. */
import type { Rejection } from '../../src/index.js';

/** What the user called the row when they changed it: "user “Ada”", "Ada's membership in “Red”". */
export type Describe = (table: string, uid: string) => string;

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

export function explain(rejection: Rejection, describe: Describe): string {
  const what = describe(rejection.table, rejection.uid);
  const why = WHY[rejection.reason] ?? rejection.message ?? 'the server refused it';
  const now = rejection.serverRow && typeof rejection.serverRow.name === 'string' && !rejection.serverRow.deletedAt
    ? ` It now shows the server's value “${rejection.serverRow.name}”.`
    : '';
  return `Your change to ${what} was not kept: ${why}.${now}`;
}
