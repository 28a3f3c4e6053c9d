/**
 * Scope stamps (docs/protocol.md, "Reconnect from the change log"): every sync answer gives each
 * scope a stamp; sent back with the next sync of that scope, the server answers from its change log
 * (what changed since) instead of comparing the whole scope. A stamp is stored in the transaction
 * that applies its answer, so it is never newer than the rows the replica holds, and it is
 * forgotten (sent no more) whenever it could be wrong: the scope's where or the identity changed,
 * the replica lost rows of the scope (evicted, migrated, a row untied from a scope not active), a
 * paged first sync, or the server refused it. A stamp answers "what changed since": it is only
 * right while the replica holds every row of the scope as of that stamp.
 */
import { META, deleteMeta } from '../replica/replica-db.js';
import type { Tx } from '../replica/replica.js';
import type { Where } from '../replica/where.js';
import { canonicalJson } from '../scopes/scope-key.js';
import { fnv1a } from './held-digest.js';

/** A scope's stamp as the replica keeps it, with what it was taken for. */
export interface StampRecord {
  table: string;
  /** The scope's where as sent (canonical JSON). */
  where: string;
  /** Who synced (`tokenIdentity`): another user's stamp is never sent. */
  identity: string | null;
  stamp: string;
  /** When the scope was last compared whole (client clock, ms): `verifyEvery` counts from it. */
  comparedAt: number;
}

/** How the server answered a scope: `CHANGE_LOG`, `COMPARISON` or `PAGE`, and why it compared. */
export interface AnswerSource {
  source: string | null;
  fallback: string | null;
}

/** Verification every 24 h by default: a stamped scope is compared whole once a day. */
export const VERIFY_EVERY_MS = 24 * 60 * 60 * 1000;

const PREFIX = 'stamp:';
const key = (scopeId: string): string => `${PREFIX}${scopeId}`;

/** Forgets stamps once per transaction and scope (a page of 10k rows may untie all of them). */
const forgotten = new WeakMap<object, Set<string>>();

export async function readStamp(tx: Tx, scopeId: string): Promise<StampRecord | undefined> {
  return ((await tx.objectStore(META).get(key(scopeId))) as { value: StampRecord } | undefined)?.value;
}

export async function saveStamp(tx: Tx, scopeId: string, record: StampRecord): Promise<void> {
  forgotten.get(tx)?.delete(scopeId);
  await tx.objectStore(META).put({ key: key(scopeId), value: record });
}

/**
 * Forgets a scope's stamp, and moves the scope's epoch: whatever made the stamp wrong (rows
 * evicted, an event that moved a row, another where) happened after any sync in flight was built,
 * so that sync's answer must not store a stamp either (see `stampEpoch`).
 */
export async function forgetStamp(tx: Tx, scopeId: string): Promise<void> {
  const done = forgotten.get(tx) ?? new Set<string>();
  forgotten.set(tx, done);
  if (done.has(scopeId)) return;
  done.add(scopeId);
  await tx.objectStore(META).delete(key(scopeId));
  await tx.objectStore(META).put({ key: `${EPOCH}${scopeId}`, value: (await stampEpoch(tx, scopeId)) + 1 });
}

/** Stored under the name it had when only events moved it. */
const EPOCH = 'moves:';

/**
 * How many times the scope's stamp was forgotten so far (compared, never interpreted). A sync
 * reads it when it reads the rows it holds, and its answer stores a stamp only if it has not moved
 * since: an answer built on rows the replica has lost since (a tab closing evicted them while the
 * sync was in flight, an event moved one) would otherwise stamp a replica that lacks them, and every
 * reconnect answered from the log after it would miss them (the fault test's seed 20261201).
 */
export async function stampEpoch(tx: Pick<Tx, 'objectStore'>, scopeId: string): Promise<number> {
  return ((await tx.objectStore(META).get(`${EPOCH}${scopeId}`)) as { value: number } | undefined)?.value ?? 0;
}

/** Forgets the stamps of scopes of these tables (their rows were cleared), or every stamp. */
export async function forgetStamps(tx: Pick<Tx, 'objectStore'>, tables?: Set<string>): Promise<void> {
  await deleteMeta<StampRecord>(tx, PREFIX, (record) => !tables || tables.has(record.table));
}

/**
 * What a scope adds to its sync input: its stamp if it was taken for this where and identity
 * (with `verify: true` once `verifyEvery` ms passed since it was last compared whole), else nothing.
 */
export function stampInput(record: StampRecord | undefined, where: Where | null, identity: string | null, now: number, verifyEvery: number): { stamp?: string; verify?: true } {
  if (!record || record.where !== canonicalJson(where ?? null) || record.identity !== identity) return {};
  return now - record.comparedAt >= verifyEvery ? { stamp: record.stamp, verify: true } : { stamp: record.stamp };
}

/**
 * Who a token syncs as: the issuer and subject of a JWT (read, not verified: the server verifies),
 * or a hash of an opaque token; null without a token. Stamps of another identity are not sent.
 */
export function tokenIdentity(token: string | undefined | null): string | null {
  if (!token) return null;
  const parts = token.split('.');
  if (parts.length === 3) {
    const payload = parts[1]!;
    try {
      const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
      const claims = JSON.parse(json) as { iss?: unknown; sub?: unknown };
      if (typeof claims.sub === 'string') return `${String(claims.iss ?? '')}|${claims.sub}`;
    } catch {
      // not a JWT after all: hashed below
    }
  }
  return `opaque:${fnv1a(token).toString(16)}`;
}
