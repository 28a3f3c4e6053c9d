/**
 * Type-level tests of the client generic over a generated schema (vitest typecheck: `tsc` runs
 * over this file in `npm test`; an `@ts-expect-error` line that compiles fails the suite).
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { Group, Schema, User, UserGroup, UserWhere } from '../demo/src/tidemark-types.js';
import { TidemarkClient, type OutboxItem, type Row, type WriteResult } from './index.js';

declare const typed: TidemarkClient<Schema>;
declare const untyped: TidemarkClient;

describe('a client typed by the generated Schema', () => {
  it('should give rows of the table read', () => {
    expectTypeOf(typed.list('User')).resolves.toEqualTypeOf<User[]>();
    expectTypeOf(typed.get('Group', 'uid')).resolves.toEqualTypeOf<Group | undefined>();
    expectTypeOf(typed.save('UserGroup', { userUid: 'u', groupUid: 'g' })).toEqualTypeOf<WriteResult<UserGroup>>();
    expectTypeOf(typed.delete('Group', 'uid').server).resolves.toEqualTypeOf<Group | null>();
    typed.watchList('User', { where: { name: { startsWith: 'A' } } }, (rows) => expectTypeOf(rows).toEqualTypeOf<User[]>());
    typed.live((db) => db.list('Group'), (rows) => expectTypeOf(rows).toEqualTypeOf<Group[]>());
    expectTypeOf(typed.outbox()).resolves.toEqualTypeOf<OutboxItem<'Group' | 'User' | 'UserDocument' | 'UserDocumentEvent' | 'UserGroup'>[]>();
  });

  it('should take wheres of the table: columns with their operators, relations, and/or/not', () => {
    void typed.list('User', { where: { name: { eq: 'Ann' }, memberships: { some: { group: { name: { startsWith: 'R' } } } } } });
    void typed.list('UserGroup', { where: { or: [{ userUid: { in: ['a'] } }, { not: { group: { version: { gt: 3 } } } }] } });
    void typed.scope('UserDocumentEvent', { document: { userUid: { eq: 'u' } } });
    void typed.scope('Group', { createdBy: { eq: 'u' } }); // the server's column, filterable like any other
    expectTypeOf<Parameters<typeof typed.scope<'User'>>[1]>().toEqualTypeOf<UserWhere | null | undefined>();
  });

  it('should refuse a value of the wrong type, a misspelt column, table or operator', () => {
    // @ts-expect-error a name is a string
    void typed.list('User', { where: { name: { eq: 1 } } });
    // @ts-expect-error no column 'nmae'
    void typed.list('User', { where: { nmae: { eq: 'Ann' } } });
    // @ts-expect-error no table 'Users'
    void typed.list('Users');
    // @ts-expect-error a uid column has no startsWith
    void typed.list('UserGroup', { where: { userUid: { startsWith: 'a' } } });
    // @ts-expect-error a version is a number
    void typed.list('Group', { where: { version: { gt: '3' } } });
    // @ts-expect-error to-many relations take some/none
    void typed.list('Group', { where: { memberships: { user: { name: { eq: 'Ann' } } } } });
    // @ts-expect-error a creator is a uid: no startsWith
    void typed.scope('User', { createdBy: { startsWith: 'u' } });
    // @ts-expect-error no table 'Usr'
    typed.watchList('Usr', {}, () => undefined);
    // @ts-expect-error a where of another table
    void typed.list('Group', { where: { userUid: { eq: 'u' } } });
  });

  it('should take a new row\'s required columns, or an update by uid of some', () => {
    void typed.save('User', { name: 'Ann' });
    void typed.save('User', { uid: 'u', email: null });
    // @ts-expect-error a new user needs a name
    void typed.save('User', { email: 'ann@example.com' });
    // @ts-expect-error no column 'nmae'
    void typed.save('User', { uid: 'u', nmae: 'Ann' });
    // @ts-expect-error a name is a string
    void typed.save('User', { name: 42 });
    // @ts-expect-error the version is the server's
    void typed.save('Group', { name: 'Red', version: 3 });
    // @ts-expect-error so is the creator (@CreatedBy)
    void typed.save('Group', { name: 'Red', createdBy: 'u' });
  });

  it('should type the scopes declared at open', () => {
    void TidemarkClient.open<Schema>({ url: '', scopes: [{ table: 'User', where: { name: { startsWith: 'A' } } }, { table: 'UserGroup' }] });
    // @ts-expect-error a where of Group on User
    void TidemarkClient.open<Schema>({ url: '', scopes: [{ table: 'User', where: { memberships: { some: { name: { eq: 'x' } } } } }] });
    expectTypeOf(TidemarkClient.open<Schema>({ url: '' })).resolves.toEqualTypeOf<TidemarkClient<Schema>>();
  });
});

describe('a client without a type argument', () => {
  it('should compile as before: any table, rows as records', () => {
    expectTypeOf(TidemarkClient.open({ url: '', scopes: [{ table: 'Anything', where: { x: { eq: 1 } } }] })).resolves.toEqualTypeOf<TidemarkClient>();
    expectTypeOf(untyped.list('Whatever', { where: { name: { eq: 1 } } })).resolves.toEqualTypeOf<Row[]>();
    expectTypeOf(untyped.save('Group', { name: 'Red', colour: 3 })).toEqualTypeOf<WriteResult<Row>>();
    untyped.watchList('Group', {}, (rows: Row[]) => rows.map((r) => r.name as string));
    untyped.live(async () => 1, (n) => expectTypeOf(n).toEqualTypeOf<number>());
  });
});
