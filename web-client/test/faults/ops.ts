/**
 * The operations of the fault test as plain data (printable, storable, replayable), and the
 * fast-check arbitrary that draws them. Rows are named by a `pick` resolved at run time against
 * what the actor then sees (modulo the number of candidates), so any subsequence of a run still
 * means something: that is what lets a failing run shrink by dropping operations.
 */
import fc from 'fast-check';

export const TABS = ['a', 'b1', 'b2', 'c', 'd'] as const;
export const DEVICES = ['a', 'b', 'c', 'd'] as const;
export type TabId = (typeof TABS)[number];
export type DeviceId = (typeof DEVICES)[number];
export type Named = 'User' | 'Group' | 'UserDocument';
export type Table = Named | 'UserGroup' | 'UserDocumentEvent';

export type Op =
  // an app writes through a tab
  | { k: 'create'; tab: TabId; table: Named; name: string }
  | { k: 'join'; tab: TabId; user: number; group: number }
  | { k: 'event'; tab: TabId; doc: number; kind: string }
  | { k: 'rename'; tab: TabId; table: Exclude<Table, 'UserGroup'>; pick: number; name: string }
  | { k: 'delete'; tab: TabId; table: Table; pick: number }
  /** An app bug: a group saved with a uid that is not a UUID (the replica should refuse it, or the server reject it alone). */
  | { k: 'badUid'; tab: TabId; name: string }
  // the app opens a document (adds a scope of its events) or closes one (removes the scope)
  | { k: 'openDoc'; tab: TabId; doc: number }
  | { k: 'closeDoc'; tab: TabId; pick: number }
  /** The app deals with a rejection record its tab lists: shown (acknowledge), keep mine (retry), keep theirs (discard). */
  | { k: 'rejection'; tab: TabId; action: 'acknowledge' | 'retry' | 'discard'; pick: number }
  // other apps: an admin's GraphQL, or SQL
  | { k: 'admin'; what: 'group' | 'join' | 'leave' | 'document' | 'event'; user: number; pick: number; name: string }
  | { k: 'admin'; what: 'rename' | 'sqlRename' | 'delete'; table: Table; pick: number; name: string }
  // faults
  | { k: 'netDown'; device: DeviceId; fault: 'refuse' | 'silent'; signal: boolean }
  | { k: 'netUp'; device: DeviceId }
  | { k: 'loseAnswer'; device: DeviceId }
  | { k: 'reload'; tab: TabId }
  | { k: 'closeLeader' }
  /** A tab of device b dies without a word (a crash, a killed browser): no goodbye, its lease and scopes left to expire. */
  | { k: 'crashTab'; pick: number }
  | { k: 'openTab' }
  | { k: 'expireToken'; device: DeviceId; seconds: number }
  | { k: 'refreshToken'; device: DeviceId }
  | { k: 'kill'; server: number }
  | { k: 'restart'; server: number }
  | { k: 'pgStop'; mode: 'fast' | 'immediate' }
  | { k: 'pgStart' }
  | { k: 'pause'; ms: number }
  | { k: 'quiesce' };

const tab = fc.constantFrom(...TABS);
const device = fc.constantFrom(...DEVICES);
const pick = fc.nat(999);
const name = fc.stringMatching(/^[a-z]{1,6}$/);
const user = fc.nat(3);

/** Weights per thousand (about): writes dominate, each fault kind shows up a few times in 200 operations. */
export const OP: fc.Arbitrary<Op> = fc.oneof(
  { weight: 90, arbitrary: fc.record({ k: fc.constant('create' as const), tab, table: fc.constantFrom<Named>('User', 'Group', 'Group', 'UserDocument', 'UserDocument'), name }) },
  { weight: 60, arbitrary: fc.record({ k: fc.constant('join' as const), tab, user: pick, group: pick }) },
  { weight: 45, arbitrary: fc.record({ k: fc.constant('event' as const), tab, doc: pick, kind: name }) },
  { weight: 110, arbitrary: fc.record({ k: fc.constant('rename' as const), tab, table: fc.constantFrom<Exclude<Table, 'UserGroup'>>('User', 'Group', 'UserDocument', 'UserDocumentEvent'), pick, name }) },
  { weight: 70, arbitrary: fc.record({ k: fc.constant('delete' as const), tab, table: fc.constantFrom<Table>('User', 'Group', 'UserGroup', 'UserGroup', 'UserDocument', 'UserDocumentEvent'), pick }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('badUid' as const), tab, name }) },
  { weight: 40, arbitrary: fc.record({ k: fc.constant('openDoc' as const), tab, doc: pick }) },
  { weight: 25, arbitrary: fc.record({ k: fc.constant('closeDoc' as const), tab, pick }) },
  { weight: 30, arbitrary: fc.record({ k: fc.constant('rejection' as const), tab, action: fc.constantFrom('acknowledge', 'retry', 'retry', 'discard'), pick }) },
  { weight: 60, arbitrary: fc.record({ k: fc.constant('admin' as const), what: fc.constantFrom('group', 'join', 'join', 'leave', 'leave', 'document', 'event'), user, pick, name }) },
  { weight: 35, arbitrary: fc.record({ k: fc.constant('admin' as const), what: fc.constantFrom('rename', 'sqlRename', 'delete'), table: fc.constantFrom<Table>('User', 'Group', 'UserGroup', 'UserDocument', 'UserDocumentEvent'), pick, name }) },
  { weight: 40, arbitrary: fc.record({ k: fc.constant('netDown' as const), device, fault: fc.constantFrom('refuse', 'refuse', 'silent'), signal: fc.boolean() }) },
  { weight: 40, arbitrary: fc.record({ k: fc.constant('netUp' as const), device }) },
  { weight: 30, arbitrary: fc.record({ k: fc.constant('loseAnswer' as const), device }) },
  { weight: 30, arbitrary: fc.record({ k: fc.constant('reload' as const), tab }) },
  { weight: 8, arbitrary: fc.constant({ k: 'closeLeader' as const }) },
  { weight: 8, arbitrary: fc.constant({ k: 'openTab' as const }) },
  { weight: 5, arbitrary: fc.record({ k: fc.constant('crashTab' as const), pick: fc.nat(1) }) },
  { weight: 10, arbitrary: fc.record({ k: fc.constant('expireToken' as const), device, seconds: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 8, arbitrary: fc.record({ k: fc.constant('refreshToken' as const), device }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('kill' as const), server: fc.nat(1) }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('restart' as const), server: fc.nat(1) }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('pgStop' as const), mode: fc.constantFrom('fast', 'immediate') }) },
  { weight: 4, arbitrary: fc.constant({ k: 'pgStart' as const }) },
  { weight: 60, arbitrary: fc.record({ k: fc.constant('pause' as const), ms: fc.integer({ min: 0, max: 400 }) }) },
  { weight: 20, arbitrary: fc.constant({ k: 'quiesce' as const }) },
);

/** The operations of one seed: the same seed and count always give the same list. */
export function opsFor(seed: number, count: number): Op[] {
  return fc.sample(fc.array(OP, { minLength: count, maxLength: count }), { seed, numRuns: 1 })[0]!;
}

/** The fault kinds an operation injects, for the run's counts. */
export function faultOf(op: Op): string | null {
  switch (op.k) {
    case 'netDown': return `network ${op.fault}${op.signal ? ' + offline event' : ''}`;
    case 'loseAnswer': return 'sync answer lost';
    case 'badUid': return 'invalid uid saved (an app bug)';
    case 'reload': return 'reload';
    case 'closeLeader': return 'leader tab closed';
    case 'crashTab': return 'tab crashed';
    case 'expireToken': return 'token expiry';
    case 'kill': return 'kill -9 instance';
    case 'pgStop': return `PostgreSQL ${op.mode === 'immediate' ? 'crash' : 'stop'}`;
    default: return null;
  }
}

export function show(op: Op): string {
  const { k, ...rest } = op;
  return `${k} ${Object.entries(rest).map(([key, v]) => `${key}=${String(v)}`).join(' ')}`.trim();
}
