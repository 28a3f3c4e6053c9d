import { describe, expect, it } from 'vitest';
import { OUTBOX, outboxKey } from '../replica/replica-db.js';
import type { Replica } from '../replica/replica.js';
import type { Rejection } from '../replica/types.js';
import { GraphQLHttp, type FetchLike } from '../transport/graphql-http.js';
import { openReplica } from '../test-support/replica-fixture.js';
import { listRejections } from './rejections.js';
import { SyncRounds, type RoundOutcome } from './sync-rounds.js';

const groups = { id: 'g', table: 'Group', where: null };

type Change = { uid: string; name: string; baseVersion: number | null };
type Input = { syncId: string; groups: { id: string; changes: Change[] }[] };

/**
 * A server as the real one answers a sync: a change it cannot take refuses the whole request,
 * naming its input path (`named`) or not (a GraphQL validation error); otherwise every change is applied.
 */
function fakeServer(refuses: (c: Change) => 'named' | 'unnamed' | 'system' | false, log: Input[], failNext: { code?: string; message: string }[] = []): FetchLike {
  let version = 100;
  return async (_url, init) => {
    const input = (JSON.parse(init.body) as { variables: { input: Input } }).variables.input;
    log.push(input);
    const fail = failNext.shift();
    const body = (errors: unknown[]) => ({ ok: true, status: 200, json: async () => ({ errors, data: null }) });
    if (fail) return body([{ message: fail.message, extensions: fail.code ? { code: fail.code } : {} }]);
    for (const [i, scope] of input.groups.entries()) {
      for (const [j, change] of scope.changes.entries()) {
        const refusal = refuses(change);
        if (refusal === 'named') return body([{ message: 'bad value', extensions: { code: 'BAD_USER_INPUT', field: `input.groups[${i}].changes[${j}].name` } }]);
        if (refusal === 'system') return body([{ message: 'System error', extensions: { code: 'data' } }]); // what the server says of a NUL today
        if (refusal === 'unnamed') return body([{ message: 'Variable \'input\' has an invalid value', extensions: { classification: 'ValidationError' } }]);
      }
    }
    const groupsResult = input.groups.map((s) => ({
      id: s.id, drops: [], rejected: [], refreshedBuckets: null, applied: s.changes.map((c) => c.uid),
      upserts: s.changes.map((c) => ({ uid: c.uid, name: c.name, version: ++version, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', deletedAt: null })),
    }));
    return { ok: true, status: 200, json: async () => ({ data: { sync: { cursor: `${version}@x`, replayed: false, groups: groupsResult } } }) };
  };
}

async function setUp(fetch: FetchLike) {
  const replica = await openReplica([groups]);
  const rejected: Rejection[] = [];
  const rounds = new SyncRounds(replica, new GraphQLHttp('http://server/graphql', fetch), {
    rejected: (r) => rejected.push(...r),
    settled: () => undefined,
    refreshLimits: async () => false,
  });
  return { replica, rounds, rejected };
}

/** Runs rounds until one says nothing is left (or a failure stops them); returns every outcome. */
async function syncAll(rounds: SyncRounds, max = 50): Promise<RoundOutcome[]> {
  const outcomes: RoundOutcome[] = [];
  for (let i = 0; i < max; i++) {
    const outcome = await rounds.run([groups]);
    outcomes.push(outcome);
    if (outcome.kind === 'idle' || (outcome.kind === 'synced' ? !outcome.more : outcome.retry !== 'now')) return outcomes;
  }
  throw new Error(`still syncing after ${max} rounds`);
}

describe('a change the server refuses', () => {
  it('should reject a change the server refuses by its input path and sync the others', async () => {
    const log: Input[] = [];
    const { replica, rounds, rejected } = await setUp(fakeServer((c) => (c.name.includes('bad') ? 'named' : false), log));
    for (const name of ['one', 'two bad', 'three']) await replica.save('Group', { name });
    const outcomes = await syncAll(rounds);
    expect(outcomes.map((o) => o.kind)).toEqual(['failed', 'synced']);
    expect(await replica.pendingCount()).toBe(0);
    expect((await replica.list('Group')).map((g) => g.name).sort()).toEqual(['one', 'three']);
    expect(rejected.map((r) => [r.local.name, r.reason, r.field])).toEqual([['two bad', 'BAD_USER_INPUT', 'input.groups[0].changes[1].name']]);
    expect((await listRejections(replica.db)).map((r) => r.local.name)).toEqual(['two bad']);
  });

  it('should keep the newer values of a refused row edited while its sync was in flight, and send them next', async () => {
    const log: Input[] = [];
    const holder: { replica?: Replica; uid?: string } = {};
    const server = fakeServer((c) => (c.name.includes('bad') ? 'named' : false), log);
    const editing: FetchLike = async (url, init) => {
      if (log.length === 0) await holder.replica!.save('Group', { uid: holder.uid!, name: 'fixed' }); // the user corrects it meanwhile
      return server(url, init);
    };
    const { replica, rounds, rejected } = await setUp(editing);
    holder.replica = replica;
    holder.uid = (await replica.save('Group', { name: 'bad' })).uid;
    await syncAll(rounds);
    expect(rejected.map((r) => r.local.name)).toEqual(['bad']); // the refused values are reported...
    expect(log.map((i) => i.groups[0]!.changes.map((c) => c.name))).toEqual([['bad'], ['fixed']]); // ...the newer ones sent
    expect(await replica.get('Group', holder.uid)).toMatchObject({ name: 'fixed', version: 101 });
  });

  it('should find a refused change the server does not name by halving the changes, after a sync without changes went through', async () => {
    const log: Input[] = [];
    const { replica, rounds, rejected } = await setUp(fakeServer((c) => (c.name.includes('bad') ? 'unnamed' : false), log));
    for (const name of ['a', 'b', 'c', 'd', 'e bad', 'f', 'g', 'h']) await replica.save('Group', { name });
    await syncAll(rounds);
    expect(await replica.pendingCount()).toBe(0);
    expect((await replica.list('Group')).map((g) => g.name).sort()).toEqual(['a', 'b', 'c', 'd', 'f', 'g', 'h']);
    expect(rejected.map((r) => [r.local.name, r.reason])).toEqual([['e bad', 'ValidationError']]);
    expect(log[1]!.groups[0]!.changes).toEqual([]); // the probe: the rest of the request is fine
    expect(log.length).toBeLessThanOrEqual(9); // 8 changes: a handful of requests, not one per change
  });

  it('should reject without sending a stored change that the server would refuse (left by an older client)', async () => {
    const log: Input[] = [];
    const { replica, rounds, rejected } = await setUp(fakeServer(() => false, log));
    await replica.save('Group', { name: 'good' });
    await injectRaw(replica, 'Group', { uid: 'not-a-uuid', name: 'stored before validation', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', deletedAt: null, version: 0, __scopes: ['g'] });
    await syncAll(rounds);
    expect(log.map((i) => i.groups[0]!.changes.map((c) => c.name))).toEqual([['good']]);
    expect(rejected.map((r) => [r.uid, r.reason, r.field])).toEqual([['not-a-uuid', 'BAD_USER_INPUT', 'uid']]);
    expect(await replica.get('Group', 'not-a-uuid')).toBeUndefined();
    expect(await replica.pendingCount()).toBe(0);
  });

  it('should retry a server error without a code with the same sync, and suspect the changes only if it persists while a sync without them passes', async () => {
    const log: Input[] = [];
    const failNext = [{ message: 'System error' }];
    const { replica, rounds, rejected } = await setUp(fakeServer(() => false, log, failNext));
    await replica.save('Group', { name: 'fine' });
    const first = await rounds.run([groups]);
    expect(first).toMatchObject({ kind: 'failed', retry: 'backoff', code: 'SERVER_ERROR' });
    expect((await syncAll(rounds)).at(-1)).toEqual({ kind: 'synced', more: false });
    expect(log[1]!.syncId).toBe(log[0]!.syncId); // the same flight: the server may have applied it
    expect(await replica.pendingCount()).toBe(0);
    expect(rejected).toEqual([]);
  });

  it('should isolate a change that keeps failing with a code-less server error while the rest of the request passes', async () => {
    const log: Input[] = [];
    const { replica, rounds, rejected } = await setUp(fakeServer((c) => (c.name.includes('poison') ? 'system' : false), log));
    for (const name of ['x', 'poison', 'y']) await replica.save('Group', { name });
    expect(await rounds.run([groups])).toMatchObject({ kind: 'failed', retry: 'backoff' }); // could be the server's trouble: wait
    const outcomes = await syncAll(rounds);
    expect(outcomes.at(-1)).toEqual({ kind: 'synced', more: false });
    expect(rejected.map((r) => [r.local.name, r.reason])).toEqual([['poison', 'data']]);
    expect((await replica.list('Group')).map((g) => g.name).sort()).toEqual(['x', 'y']);
  });

  it('should keep the flight and wait for a new token when the token is refused', async () => {
    const log: Input[] = [];
    const { replica, rounds } = await setUp(fakeServer(() => false, log, [{ code: 'UNAUTHENTICATED', message: 'expired' }]));
    await replica.save('Group', { name: 'kept' });
    expect(await rounds.run([groups])).toMatchObject({ kind: 'failed', retry: 'token', code: 'UNAUTHENTICATED' });
    expect(await replica.pendingCount()).toBe(1);
  });

  it('should give up (until the next trigger) on a refusal without any change, rejecting nothing', async () => {
    const log: Input[] = [];
    const refusal = { code: 'BAD_USER_INPUT', message: 'bad where' };
    const { replica, rounds, rejected } = await setUp(fakeServer(() => false, log, [refusal, refusal]));
    await replica.save('Group', { name: 'innocent' });
    const outcomes = await syncAll(rounds);
    expect(outcomes.at(-1)).toMatchObject({ kind: 'failed', retry: 'never' });
    expect(log[1]!.groups[0]!.changes).toEqual([]);
    expect(rejected).toEqual([]);
    expect(await replica.pendingCount()).toBe(1);
    expect((await syncAll(rounds)).at(-1)).toEqual({ kind: 'synced', more: false }); // the next trigger: synced
  });
});

/** Writes a row and its outbox entry directly, as a replica made by a client without validation holds them. */
async function injectRaw(replica: Replica, table: string, row: Record<string, unknown>): Promise<void> {
  const tx = replica.transaction('readwrite');
  await tx.objectStore(table).put(row);
  await tx.objectStore(OUTBOX).put({ key: outboxKey(table, row.uid as string), table, uid: row.uid, baseVersion: null, seq: 0, rev: 1 });
  await tx.done;
}
