/**
 * What the demo calls a row in words ("group “Red”", "Ada's membership in “Red”", "the note
 * “first”"), read from the replica inside a live read: tombstones included, so a deleted group
 * still has its name, after a reload too.
 */
import type { LiveReader } from '@tidemark/web-client';
import type { Schema } from './tidemark-types.js';

export type Table = keyof Schema;
type Db = LiveReader<Schema>;

const KIND: Record<Table, string> = { User: 'user', Group: 'group', UserGroup: 'membership', UserDocument: 'document', UserDocumentEvent: 'note' };

/** A row described by its values (the refused ones of a rejection, say): a membership names its user and group. */
export async function describeValues(db: Db, table: Table, values: Record<string, unknown>): Promise<string> {
  switch (table) {
    case 'User':
    case 'Group':
      return quoted(KIND[table], values.name);
    case 'UserDocument':
      return quoted('document', values.title);
    case 'UserDocumentEvent':
      return typeof values.payload === 'string' ? `the note “${values.payload}”` : 'a note';
    case 'UserGroup': {
      const user = typeof values.userUid === 'string' ? (await db.get('User', values.userUid))?.name : undefined;
      const group = typeof values.groupUid === 'string' ? (await db.get('Group', values.groupUid))?.name : undefined;
      return `${user ?? 'a user'}'s membership in ${group ? `“${group}”` : 'a group'}`;
    }
  }
}

/** A row of the replica described, or "a user" when the replica no longer holds it. */
export async function describeRow(db: Db, table: Table, uid: string): Promise<string> {
  const row = await db.get(table, uid);
  return row ? describeValues(db, table, row) : `a ${KIND[table]}`;
}

function quoted(kind: string, name: unknown): string {
  return typeof name === 'string' ? `${kind} “${name}”` : `a ${kind}`;
}
