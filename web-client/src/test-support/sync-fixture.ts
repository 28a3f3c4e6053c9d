/** Rows, scopes and sync answers the sync tests share. */
import type { Row, SyncResult } from '../replica/types.js';
import { serverRow, uid } from './replica-fixture.js';

export const red = serverRow({ uid: uid(3), version: 12, name: 'Red' });
export const blue = serverRow({ uid: uid(4), version: 13, name: 'Blue' });
export const groups = { id: 'Group:all', table: 'Group', where: null };
export const reds = { id: 'reds', table: 'Group', where: { name: { startsWith: 'R' } } };

/** A sync answer for one Group scope. */
export function result(upserts: Row[], extra: Partial<{ applied: string[]; drops: string[]; rejected: unknown[] }> = {}, id = 'Group:all'): SyncResult {
  return { cursor: '99@2026-01-01T00:00:00Z', replayed: false, groups: [{ id, upserts, applied: [], drops: [], rejected: [], ...extra } as never] };
}
