import { describe, expect, it } from 'vitest';
import type { Replica } from '../replica/replica.js';
import type { Row, SyncResult } from '../replica/types.js';
import { evictScopes } from '../scopes/eviction.js';
import { freshName, openReplica, seed, serverRow, uid } from '../test-support/replica-fixture.js';
import { blue, groups, red, reds, result } from '../test-support/sync-fixture.js';
import { dropFlight } from './flight.js';
import { GraphQLHttp, type FetchLike } from '../transport/graphql-http.js';
import { applyEvent, applySyncResult } from './sync-apply.js';
import { SyncRounds } from './sync-rounds.js';
import { buildSyncPlan, type PlanOptions } from './sync-plan.js';
import { tokenIdentity } from './stamps.js';

type ScopeInput = { id: string; stamp?: string; verify?: boolean; held?: string[]; heldDigest?: string };

/** An answer for one Group scope with a stamp and how it was answered. */
function stamped(stamp: string | null, upserts: Row[] = [], extra: Record<string, unknown> = {}, id = 'Group:all'): SyncResult {
  const answer = result(upserts, {}, id);
  Object.assign((answer.groups as object[])[0]!, { stamp, source: 'COMPARISON', fallback: 'NO_STAMP', ...extra });
  return answer;
}

/** The first scope of the request a sync would send now (its flight dropped again, as if refused). */
async function sent(replica: Replica, options: PlanOptions = {}): Promise<ScopeInput> {
  const plan = await buildSyncPlan(replica, options);
  await dropFlight(replica, plan.syncId);
  return (plan.input.groups as ScopeInput[])[0]!;
}

/** Syncs once with this answer and returns the plan that carried it. */
async function syncWith(replica: Replica, answer: SyncResult, options: PlanOptions = {}) {
  const plan = await buildSyncPlan(replica, options);
  await applySyncResult(replica, plan, answer);
  return plan;
}

describe('scope stamps', () => {
  it('should send the stamp of the last applied answer with the next sync, beside the rows held', async () => {
    const replica = await openReplica([groups]);
    await seed(replica, 'Group', red);
    expect((await sent(replica)).stamp).toBeUndefined();
    await syncWith(replica, stamped('s1'));
    expect(await sent(replica)).toMatchObject({ id: 'Group:all', stamp: 's1', held: [`${red.uid}:12`] });
    const digest = await sent(replica, { digestFrom: 1 });
    expect(digest.stamp).toBe('s1');
    expect(digest.heldDigest).toBeTypeOf('string');
    expect(digest.verify).toBeUndefined();
  });

  it('should keep the stamp with the rows: an answer that fails to apply leaves the previous stamp and rows', async () => {
    const name = freshName();
    const replica = await openReplica([groups], name);
    await syncWith(replica, stamped('s1', [red]));
    const broken = stamped('s2', [blue, { ...red, version: 2 ** 60 } as Row]);
    const plan = await buildSyncPlan(replica);
    await expect(applySyncResult(replica, plan, broken)).rejects.toThrow(RangeError);
    const reopened = await openReplica([groups], name);
    expect(await reopened.get('Group', blue.uid)).toBeUndefined();
    expect((await sent(reopened)).stamp).toBe('s1');
  });

  it('should forget the stamp when the answer has none, send none for another where or another identity', async () => {
    const replica = await openReplica([groups]);
    const alice = { identity: tokenIdentity(jwt({ sub: 'alice' })) };
    await syncWith(replica, stamped('s1'), alice);
    expect((await sent(replica, alice)).stamp).toBe('s1');
    expect((await sent(replica, { identity: tokenIdentity(jwt({ sub: 'bob' })) })).stamp).toBeUndefined();
    replica.setScopes([{ ...groups, where: { name: { eq: 'Red' } } }]); // same id, another where
    expect((await sent(replica, alice)).stamp).toBeUndefined();
    replica.setScopes([groups]);
    await syncWith(replica, stamped(null), alice);
    expect((await sent(replica, alice)).stamp).toBeUndefined();
  });

  it('should forget the stamp of an evicted scope, and of a scope that lost a row while not active', async () => {
    const replica = await openReplica([groups, reds]);
    await syncWith(replica, { ...stamped('g1', [red]), groups: [...stamped('g1', [red]).groups as object[], ...stamped('r1', [red], {}, 'reds').groups as object[]] } as SyncResult);
    const stampOf = async (id: string) => {
      const plan = await buildSyncPlan(replica);
      await dropFlight(replica, plan.syncId);
      return (plan.input.groups as ScopeInput[]).find((s) => s.id === id)?.stamp;
    };
    expect([await stampOf('Group:all'), await stampOf('reds')]).toEqual(['g1', 'r1']);
    replica.setScopes([groups]); // reds released: a row written now loses its tie to reds
    await syncWith(replica, stamped('g2', [{ ...red, version: 13 }]));
    replica.setScopes([groups, reds]);
    expect([await stampOf('Group:all'), await stampOf('reds')]).toEqual(['g2', undefined]);
    await evictScopes(replica, ['Group:all']);
    expect(await stampOf('Group:all')).toBeUndefined();
  });

  it('should forget the stamps of the other scopes that held a row dropped with its refused change', async () => {
    const replica = await openReplica([groups, reds]);
    const both = (g: string, r: string, extra: Record<string, unknown> = {}, rows: Row[] = [red]) =>
      ({ ...stamped(g, rows), groups: [...stamped(g, rows).groups as object[], ...stamped(r, rows, extra, 'reds').groups as object[]] } as SyncResult);
    await syncWith(replica, both('g1', 'r1'));
    await replica.save('Group', { uid: red.uid, name: 'Rouge' });
    const refused = { drops: [red.uid], rejected: [{ uid: red.uid, reason: 'OUT_OF_SCOPE', field: null, message: 'not in this scope' }] };
    const plan = await buildSyncPlan(replica, { scopes: [replica.scopes.find((s) => s.id === 'reds')!] });
    await applySyncResult(replica, plan, stamped('r2', [], refused, 'reds'));
    expect(await replica.get('Group', red.uid)).toBeUndefined();
    expect((await sent(replica)).stamp, 'Group:all held the row: compared whole next time').toBeUndefined();
  });

  it('should store no stamp from an answer to a sync built before its scope was evicted', async () => {
    // The fault test's seed 20261201: a tab reloaded while its sync was in flight; closing, it
    // released its scopes and (no TTL) evicted their rows, then the answer, compared against the
    // rows held before, arrived and stored its stamp. The replica now lacked rows its stamp said it
    // held, and every reconnect answered from the change log after it missed them for good.
    const replica = await openReplica([groups]);
    await syncWith(replica, stamped('s1', [red, blue]));
    const plan = await buildSyncPlan(replica);
    await evictScopes(replica, ['Group:all']);
    expect(await replica.get('Group', red.uid)).toBeUndefined();
    await applySyncResult(replica, plan, stamped('s2', [], { source: 'CHANGE_LOG', fallback: null }));
    expect((await sent(replica)).stamp, 'the answer knew nothing of the eviction').toBeUndefined();
    await syncWith(replica, stamped('s3', [red, blue]));
    expect((await sent(replica)).stamp, 'the next answer, built after it, stamps the scope again').toBe('s3');
  });

  it('should forget the stamp when an event moves a row into or out of the scope (it may predate the answer), and keep it for a newer version of a held row', async () => {
    // The fault test's seed 20261202: an answer dropped a user who had left the scope, then the
    // UPSERT event of that user, published before the answer, brought it back; the stamped
    // reconnects that followed saw nothing in the log since the stamp and never dropped it again.
    const replica = await openReplica([groups]);
    const scope = replica.scopes.find((s) => s.id === 'Group:all')!;
    const event = (operation: 'UPSERT' | 'LEAVE_SCOPE', row: Row) => ({ operation, uid: row.uid, version: row.version, cursor: '1@2026-12-02T00:00:00Z', row: operation === 'UPSERT' ? row : null });
    await syncWith(replica, stamped('s1', [red]));
    await applyEvent(replica, scope, event('UPSERT', { ...red, version: 13 } as Row));
    expect((await sent(replica)).stamp, 'a newer version of a held row keeps the stamp').toBe('s1');
    await applyEvent(replica, scope, event('UPSERT', blue));
    expect((await sent(replica)).stamp, 'a row that entered by an event').toBeUndefined();
    await syncWith(replica, stamped('s2', [red, blue]));
    await applyEvent(replica, scope, event('LEAVE_SCOPE', { ...blue, version: 99 } as Row));
    expect(await replica.get('Group', blue.uid)).toBeUndefined();
    expect((await sent(replica)).stamp, 'a row that left by an event').toBeUndefined();

    // The same event while a sync is in flight: its answer, built without knowing it, stores no stamp.
    await syncWith(replica, stamped('s3', [red]));
    const plan = await buildSyncPlan(replica);
    await applyEvent(replica, scope, event('UPSERT', { ...blue, version: 100 } as Row));
    await applySyncResult(replica, plan, stamped('s4', [red]));
    expect((await sent(replica)).stamp, 'an answer to a request built before the event').toBeUndefined();
  });

  it('should ask for verification once verifyEvery passed since the last comparison, and count from comparisons only', async () => {
    let now = 1_000_000;
    const replica = await openReplica([groups], freshName(), undefined, () => new Date(now));
    const at = (t: number) => ({ verifyEvery: 1000, now: () => t });
    await syncWith(replica, stamped('s1'), at(now));
    expect(await sent(replica, at(now + 999))).toMatchObject({ stamp: 's1' });
    expect((await sent(replica, at(now + 999))).verify).toBeUndefined();
    now += 1500;
    await syncWith(replica, stamped('s2', [], { source: 'CHANGE_LOG', fallback: null }), at(now));
    expect(await sent(replica, at(now))).toMatchObject({ stamp: 's2', verify: true }); // a log answer is no check
    await syncWith(replica, stamped('s3', [], { source: 'COMPARISON', fallback: 'VERIFY_REQUESTED' }), at(now));
    expect((await sent(replica, at(now + 999))).verify).toBeUndefined();
    expect((await sent(replica, { now: () => now + 23 * 3600 * 1000 })).verify).toBeUndefined(); // 24 h by default
    expect((await sent(replica, { now: () => now + 24 * 3600 * 1000 })).verify).toBe(true);
  });

  it('should apply a digest answer from the change log as upserts and drops only: repeated rows kept, unheld tombstones not stored', async () => {
    const replica = await openReplica([groups]);
    const rows = Array.from({ length: 6 }, (_, i) => serverRow({ uid: uid(20 + i), version: 30 + i, name: `G${i}` }));
    await seed(replica, 'Group', ...rows);
    await syncWith(replica, stamped('s1'), { digestFrom: 1 });
    const tombstone = serverRow({ uid: uid(90), version: 7, name: 'Gone', deletedAt: '2026-01-02T00:00:00.000Z' });
    const renamed = { ...rows[1]!, version: 77, name: 'Renamed' };
    const plan = await syncWith(replica, stamped('s2', [rows[0]!, renamed, tombstone], { source: 'CHANGE_LOG', fallback: null, refreshedBuckets: [], drops: [rows[2]!.uid] }), { digestFrom: 1 });
    expect(plan.digests.has('Group:all')).toBe(true);
    expect(await replica.get('Group', tombstone.uid)).toBeUndefined();
    expect(await replica.list('Group', { includeDeleted: true })).toEqual([rows[0], renamed, ...rows.slice(3)]);
    expect((await sent(replica, { digestFrom: 1 })).stamp).toBe('s2');
  });

  it('should forget a stamp the server refuses and sync again at once without it, reporting the refusal', async () => {
    const replica = await openReplica([groups]);
    await syncWith(replica, stamped('forged'));
    const stamps: (string | undefined)[] = [];
    const fetch: FetchLike = async (_url, init) => {
      const scope = (JSON.parse(init.body) as { variables: { input: { groups: ScopeInput[] } } }).variables.input.groups[0]!;
      stamps.push(scope.stamp);
      const body = scope.stamp === 'forged'
        ? { data: null, errors: [{ message: 'not a stamp this server issued', extensions: { code: 'BAD_USER_INPUT', field: 'input.groups[0].stamp' } }] }
        : { data: { sync: stamped('issued') } };
      return { ok: true, status: 200, json: async () => body };
    };
    const answered: unknown[] = [];
    const rounds = new SyncRounds(replica, new GraphQLHttp('http://server/graphql', fetch), {
      rejected: () => undefined, settled: () => undefined, refreshLimits: async () => false, answered: (s) => answered.push(...s.values()),
    });
    expect(await rounds.run([groups])).toMatchObject({ kind: 'failed', code: 'BAD_USER_INPUT', retry: 'now' });
    expect(answered).toEqual([{ source: null, fallback: 'STAMP_REFUSED' }]);
    expect(await rounds.run([groups])).toMatchObject({ kind: 'synced' });
    expect(await rounds.run([groups])).toMatchObject({ kind: 'synced' });
    expect(stamps).toEqual(['forged', undefined, 'issued']);
  });

  it('should tell a JWT\'s subject apart and hash an opaque token', () => {
    expect(tokenIdentity(jwt({ sub: 'alice', iss: 'tidemark' }))).toBe('tidemark|alice');
    expect(tokenIdentity(jwt({ sub: 'alice', iss: 'tidemark', exp: 2 }))).toBe('tidemark|alice'); // a refreshed token: same identity
    expect(tokenIdentity('opaque-token')).toMatch(/^opaque:[0-9a-f]+$/);
    expect(tokenIdentity(undefined)).toBeNull();
  });
});

function jwt(claims: Record<string, unknown>): string {
  const part = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${part({ alg: 'none' })}.${part(claims)}.sig`;
}
