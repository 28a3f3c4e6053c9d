import { describe, expect, it } from 'vitest';
import { SchemaIndex } from '../schema/sync-schema.js';
import { demoSchema } from '../test-support/demo-schema.js';
import { checkWhere, WhereError } from './where-check.js';

const schema = new SchemaIndex(demoSchema);

function refusal(table: string, where: unknown): { code: string; field: string } | null {
  try {
    checkWhere(schema, table, where);
    return null;
  } catch (e) {
    if (!(e instanceof WhereError)) throw e;
    return { code: e.code, field: e.field };
  }
}

describe('checking a where-input before it is used', () => {
  it('should take every where the server takes: columns, operators, and/or/not, relations both ways', () => {
    const me = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
    expect(refusal('Group', null)).toBeNull();
    expect(refusal('Group', { name: { startsWith: 'R', ne: null }, or: [{ version: { gt: 3 } }, { not: { uid: { in: [me.toUpperCase()] } } }] })).toBeNull();
    expect(refusal('Group', { memberships: { some: { user: { name: { eq: 'Ann' } } }, none: { userUid: { eq: me } } } })).toBeNull();
    expect(refusal('UserDocumentEvent', { document: { userUid: { eq: me } }, createdAt: { gte: '2026-01-01T00:00:00Z' } })).toBeNull();
  });

  it('should name the field of an unknown column, relation or operator', () => {
    expect(refusal('Group', { nmae: { eq: 'Red' } })).toEqual({ code: 'BAD_USER_INPUT', field: 'where.nmae' });
    expect(refusal('Group', { name: { eqq: 'Red' } })).toEqual({ code: 'BAD_USER_INPUT', field: 'where.name.eqq' });
    expect(refusal('Group', { memberships: { some: { userUid: { startsWith: 'a' } } } })).toEqual({ code: 'BAD_USER_INPUT', field: 'where.memberships.some.userUid.startsWith' });
    expect(refusal('Group', { memberships: { any: {} } })).toEqual({ code: 'BAD_USER_INPUT', field: 'where.memberships.any' });
    expect(refusal('Group', { and: [{ name: { eq: 'a' } }, { colour: { eq: 'red' } }] })).toEqual({ code: 'BAD_USER_INPUT', field: 'where.and[1].colour' });
  });

  it('should refuse values of the wrong kind and lists or nestings over the server\'s limits', () => {
    expect(refusal('UserGroup', { userUid: { eq: 'not-a-uid' } })).toEqual({ code: 'BAD_USER_INPUT', field: 'where.userUid.eq' });
    expect(refusal('Group', { createdAt: { lt: 'yesterday' } })).toEqual({ code: 'BAD_USER_INPUT', field: 'where.createdAt.lt' });
    expect(refusal('Group', { name: { in: 'Red' } })).toEqual({ code: 'BAD_USER_INPUT', field: 'where.name.in' });
    expect(refusal('Group', { name: { in: ['a', null] } })).toEqual({ code: 'BAD_USER_INPUT', field: 'where.name.in[1]' });
    expect(refusal('Group', { name: { in: Array.from({ length: 501 }, (_, i) => `g${i}`) } })).toEqual({ code: 'LIMIT_EXCEEDED', field: 'where.name.in' });
    let deep: Record<string, unknown> = { name: { eq: 'x' } };
    for (let i = 0; i < 8; i++) deep = { not: deep };
    expect(refusal('Group', deep)?.code).toBe('LIMIT_EXCEEDED');
  });

  it('should say what the table has when a field is unknown', () => {
    expect(() => checkWhere(schema, 'Group', { nmae: { eq: 'Red' } })).toThrow(/Group has no column or relation 'nmae' \(columns: .*name.*; relations: memberships/);
  });
});
