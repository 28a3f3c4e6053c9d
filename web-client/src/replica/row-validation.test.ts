import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type SyncSchema } from '../schema/sync-schema.js';
import { openReplica, uid } from '../test-support/replica-fixture.js';
import { demoSchema } from '../test-support/demo-schema.js';
import { isDateTime } from './row-validation.js';

describe('values the server would refuse', () => {
  it('should refuse them at once with the column at fault, writing nothing (the outbox stays sendable)', async () => {
    const replica = await openReplica();
    const refused = async (table: string, values: Record<string, unknown>) => {
      const error = await replica.save(table, values).then(() => null, (e: { code: string; field: string | null }) => e);
      return error && [error.code, error.field];
    };
    expect(await refused('Group', { uid: 'not-a-uuid', name: 'Bad uid' })).toEqual(['BAD_USER_INPUT', 'uid']);
    expect(await refused('Group', { uid: 42, name: 'Number uid' })).toEqual(['BAD_USER_INPUT', 'uid']);
    expect(await refused('Group', {})).toEqual(['BAD_USER_INPUT', 'name']); // required
    expect(await refused('Group', { name: null })).toEqual(['BAD_USER_INPUT', 'name']);
    expect(await refused('Group', { name: 7 })).toEqual(['BAD_USER_INPUT', 'name']);
    expect(await refused('Group', { name: 'a\u0000b' })).toEqual(['BAD_USER_INPUT', 'name']); // PostgreSQL text holds no NUL
    expect(await refused('Group', { name: 'half \ud83d emoji' })).toEqual(['BAD_USER_INPUT', 'name']);
    expect(await refused('Group', { name: 'Old', createdAt: '2026-02-30T00:00:00Z' })).toEqual(['BAD_USER_INPUT', 'createdAt']);
    expect(await refused('UserGroup', { userUid: 'someone', groupUid: uid(1) })).toEqual(['BAD_USER_INPUT', 'userUid']);
    expect(await refused('UserGroup', { userUid: uid(2) })).toEqual(['BAD_USER_INPUT', 'groupUid']);
    expect(await refused('Group', { name: 'Fine 🙂', createdAt: '2026-02-28T23:59:59.123456+01:00' })).toBeNull();
    expect(await refused('User', { name: 'No email', email: null })).toBeNull(); // nullable
    expect(await replica.pendingCount()).toBe(2);
  });

  it('should refuse a row over half the server\'s request body limit', async () => {
    const schema: SyncSchema = { ...demoSchema, limits: { ...DEFAULT_LIMITS, maxBodyBytes: 10_000 } };
    const replica = await openReplica(undefined, undefined, schema);
    await expect(replica.save('Group', { name: 'x'.repeat(6000) })).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' });
    await expect(replica.save('Group', { name: 'x'.repeat(4000) })).resolves.toMatchObject({ version: 0 });
  });

  it('should take ISO-8601 date-times with an offset and every part in range only', () => {
    for (const ok of ['2026-11-30T19:08:06Z', '2026-11-30T19:08:06.285580Z', '2024-02-29T00:00:00+05:30', '0001-01-01T00:00Z']) expect(isDateTime(ok)).toBe(true);
    for (const bad of ['2026-13-01T00:00:00Z', '2025-02-29T00:00:00Z', '2026-11-30T24:00:00Z', '2026-11-30 19:08:06Z', '2026-11-30T19:08:06', '+010000-01-01T00:00:00Z', '0000-01-01T00:00:00Z', 1700000000000]) {
      expect(isDateTime(bad)).toBe(false);
    }
  });
});
