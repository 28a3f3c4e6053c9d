/**
 * The fate of every local change (I2: applied, or reported to the app with its reason, never gone
 * silently). It records each write an app made through a tab (a retried rejection is a write too),
 * each sync request a device sent and the server's answer to it (seen through the client's fetch),
 * each rejection a tab reported, and each record the app discarded; once the outboxes are empty it
 * decides each write's fate — applied, rejected and reported, folded into a later write, or
 * discarded by the app (never sent, given up with a record of its row) — and checks that no tab was
 * told of a conflict against the device's own change (a replay the server did not recognise as one).
 */

export interface LocalWrite {
  device: string;
  tab: string;
  op: number;
  table: string;
  uid: string;
  kind: 'save' | 'delete';
  /** The values the app passed (save), compared with what the sync carried. */
  values: Record<string, unknown>;
  at: number;
}

interface SentSync {
  device: string;
  /** The tab whose engine sent it (tabs of one device share its outbox). */
  tab: string;
  syncId: string;
  at: number;
  /** Per row key (`Table:uid`), the values the change carried. */
  changes: Map<string, Record<string, unknown>>;
  answer?: { at: number; applied: Set<string>; rejected: Map<string, string>; replayed: boolean } | { at: number; error: string };
}

interface Told {
  device: string;
  tab: string;
  at: number;
  key: string;
  reason: string;
  serverRow: Record<string, unknown> | null;
}

export interface Finding {
  invariant: string;
  detail: string;
}

export const key = (table: string, uid: string): string => `${table}:${uid.toLowerCase()}`;

export class Ledger {
  private writes: LocalWrite[] = [];
  private readonly syncs: SentSync[] = [];
  private readonly reported: Told[] = [];
  /** Rejection records the app discarded ("keep theirs"): with them, the row's changes not yet sent. */
  private readonly discards: { device: string; key: string; at: number }[] = [];
  private checkedTold = 0;
  /** Whole syncs the server refused, by error code (diagnostics for the run's summary). */
  readonly refusedSyncs = new Map<string, number>();
  answeredCount = 0;
  /** How the server answered the scopes of answered syncs (`CHANGE_LOG`, `COMPARISON (NO_STAMP)`...): stamps in use. */
  readonly sources = new Map<string, number>();
  lost = 0;
  decided = { applied: 0, rejected: 0, coalesced: 0, discarded: 0, alreadyDeleted: 0 };

  /** @param tables the table of each sync input field (`groups` → `Group`), from the sync schema */
  constructor(
    private readonly tables: Map<string, string>,
    private readonly dataColumns: Map<string, string[]>,
  ) {}

  wrote(write: LocalWrite): void {
    this.writes.push(write);
  }

  sending(device: string, input: Record<string, unknown>, tab = device): SentSync {
    const changes = new Map<string, Record<string, unknown>>();
    for (const [field, table] of this.tables) {
      for (const scope of (input[field] as { changes?: Record<string, unknown>[] }[] | undefined) ?? []) {
        for (const change of scope.changes ?? []) changes.set(key(table, String(change.uid)), change);
      }
    }
    const sync: SentSync = { device, tab, syncId: String(input.syncId), at: Date.now(), changes };
    this.syncs.push(sync);
    return sync;
  }

  noAnswer(sync: SentSync): void {
    this.lost++;
    sync.answer = { at: Date.now(), error: 'no answer (network)' };
  }

  answered(sync: SentSync, status: number, text: string): void {
    const at = Date.now();
    let body: { data?: { sync?: Record<string, unknown> }; errors?: { message: string; extensions?: { code?: string } }[] };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      body = { errors: [{ message: `HTTP ${status}`, extensions: { code: `HTTP_${status}` } }] };
    }
    const result = body.data?.sync;
    if (!result) {
      const code = body.errors?.[0]?.extensions?.code ?? `HTTP_${status}`;
      this.refusedSyncs.set(code, (this.refusedSyncs.get(code) ?? 0) + 1);
      sync.answer = { at, error: `${code}: ${body.errors?.[0]?.message ?? ''}` };
      return;
    }
    this.answeredCount++;
    const applied = new Set<string>();
    const rejected = new Map<string, string>();
    for (const [field, table] of this.tables) {
      for (const scope of (result[field] as { applied: string[]; rejected: { uid: string; reason: string }[]; source?: string; fallback?: string | null }[] | undefined) ?? []) {
        const source = scope.source && `${scope.source}${scope.fallback ? ` (${scope.fallback})` : ''}`;
        if (source) this.sources.set(source, (this.sources.get(source) ?? 0) + 1);
        for (const uid of scope.applied) applied.add(key(table, uid));
        for (const r of scope.rejected) rejected.set(key(table, r.uid), r.reason);
      }
    }
    sync.answer = { at, applied, rejected, replayed: result.replayed === true };
  }

  /** The app of a device discarded a record of the row `key` at `at` (before any write after it). */
  discarded(device: string, key: string, at: number): void {
    this.discards.push({ device, key: key.replace(/:(.*)$/, (_m, uid: string) => `:${uid.toLowerCase()}`), at });
  }

  told(device: string, tab: string, rejections: { table: string; uid: string; reason: string; serverRow: Record<string, unknown> | null }[]): void {
    const at = Date.now();
    for (const r of rejections) this.reported.push({ device, tab, at, key: key(r.table, r.uid), reason: r.reason, serverRow: r.serverRow });
  }

  /** The rows (`table`, `uid`) deleted by writes of these devices still to be decided: the caller asks the server which are tombstones. */
  deletedRows(devices: Set<string>): { table: string; uid: string }[] {
    return this.writes.filter((w) => w.kind === 'delete' && devices.has(w.device)).map((w) => ({ table: w.table, uid: w.uid.toLowerCase() }));
  }

  /**
   * Decides the fate of every write of the given devices (their outboxes are empty); returns what
   * went wrong. `tombstones`: keys (`Table:uid`) of rows the server holds deleted, for deletes that
   * found the row already tombstoned in the replica (by another device's delete that reached it
   * first): those send nothing, and their effect holds when the server's row is deleted.
   */
  settle(devices: Set<string>, tombstones: Set<string> = new Set()): Finding[] {
    const findings: Finding[] = [...this.ownConflicts()];
    const open: LocalWrite[] = [];
    for (const write of this.writes) {
      if (!devices.has(write.device)) {
        open.push(write);
        continue;
      }
      const problem = this.fate(write, tombstones);
      if (problem) findings.push({ invariant: 'I2 no lost writes', detail: `${describe(write)}: ${problem}` });
    }
    this.writes = open;
    return findings;
  }

  /** Null when the write was applied, reported, or folded into a later write of the same row. */
  private fate(write: LocalWrite, tombstones: Set<string>): string | null {
    const k = key(write.table, write.uid);
    const later = this.writes.slice(this.writes.indexOf(write) + 1).filter((w) => w.device === write.device && key(w.table, w.uid) === k);
    const candidates = this.syncs.filter((s) => s.device === write.device && s.at >= write.at && s.changes.has(k) && s.answer);
    let unreported: string | undefined;
    for (let i = 0; i < candidates.length; i++) {
      const sync = candidates[i]!;
      const change = sync.changes.get(k)!;
      if (!this.carries(write, change)) {
        if (later.some((w) => this.carries(w, change))) {
          this.decided.coalesced++;
          return null; // sent as the later write's values: its fate is that write's
        }
        continue; // built from the row before this write committed
      }
      const answer = sync.answer!;
      if ('error' in answer) continue; // not answered: the change stayed in the outbox
      if (answer.applied.has(k)) {
        this.decided.applied++;
        return null;
      }
      const reason = answer.rejected.get(k);
      if (reason === undefined) return `sync ${sync.syncId} carried it and its answer neither applied nor rejected it`;
      if (this.reported.some((t) => t.device === write.device && t.key === k && t.at >= answer.at)) {
        this.decided.rejected++;
        return null;
      }
      const untold = `rejected by the server (${reason}, sync ${sync.syncId}) but no tab of ${write.device} reported it to the app`;
      if (candidates.slice(i + 1).some((s) => this.carries(write, s.changes.get(k)!))) {
        unreported = untold; // unless the answer was not applied (a tab closing) and the change went again
        continue;
      }
      return `${untold}; syncs that carried the row: ${this.history(write.device, k)}`;
    }
    // Never answered: the app discarded a record of the row after this write, giving its pending change up with it.
    if (unreported === undefined && this.discards.some((d) => d.device === write.device && d.key === k && d.at >= write.at)) {
      this.decided.discarded++;
      return null;
    }
    // Never sent: a delete of a row someone else's tombstone had reached first (the replica sends
    // nothing for it). A delete lost from the outbox would leave the server's row alive.
    if (unreported === undefined && write.kind === 'delete' && tombstones.has(k) && !candidates.some((s) => this.carries(write, s.changes.get(k)!))) {
      this.decided.alreadyDeleted++;
      return null;
    }
    return `${unreported ?? 'it left the outbox, but no sync answer applied or rejected it'}; syncs that carried the row: ${this.history(write.device, k)}`;
  }

  /** The syncs of a device that carried a row: id, base version, tombstone, answer. */
  private history(device: string, k: string): string {
    const carried = this.syncs.filter((s) => s.device === device && s.changes.has(k));
    return carried.map((s) => {
      const change = s.changes.get(k)!;
      const fate = s.answer && 'applied' in s.answer ? (s.answer.applied.has(k) ? 'applied' : s.answer.rejected.get(k) ?? 'not answered for it') : fateOf(s);
      return `${s.syncId.slice(0, 8)} (${s.tab}) base=${String(change.baseVersion)}${change.deletedAt ? ' tombstone' : ''} → ${fate}`;
    }).join('; ') || 'none';
  }

  /** The change carried the write's values (a delete: a tombstone). */
  private carries(write: LocalWrite, change: Record<string, unknown>): boolean {
    if (write.kind === 'delete') return change.deletedAt != null;
    return Object.entries(write.values).every(([column, value]) => same(change[column], value));
  }

  /** A rejection whose server row is a change this device itself sent: its own replay counted as a conflict. */
  private *ownConflicts(): Generator<Finding> {
    for (; this.checkedTold < this.reported.length; this.checkedTold++) {
      const t = this.reported[this.checkedTold]!;
      if (!t.serverRow) continue;
      const columns = [...(this.dataColumns.get(t.key.split(':')[0]!) ?? []), 'updatedAt', 'deletedAt'];
      const own = this.syncs.find((s) => s.device === t.device && s.at <= t.at && s.changes.has(t.key)
        && columns.every((c) => same(s.changes.get(t.key)![c], t.serverRow![c])));
      if (own) {
        const by = this.syncs.filter((s) => s.device === t.device && s.answer && 'applied' in s.answer && s.answer.rejected.has(t.key) && s.answer.at <= t.at).at(-1);
        yield {
          invariant: 'no conflict against its own change',
          detail: `${t.device}/${t.tab} was told ${t.reason} for ${t.key}, but the server's row is the change it sent itself in sync ${own.syncId} `
            + `(${fateOf(own)}); the rejection came from sync ${by?.syncId ?? '?'}${by ? ` (${fateOf(by)})` : ''}`,
        };
      }
    }
  }
}

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d/;

/** Equal as the server stores them: uids in any case, timestamps as instants. */
export function same(a: unknown, b: unknown): boolean {
  const norm = (v: unknown): unknown => {
    if (typeof v !== 'string') return v ?? null;
    return TIMESTAMP.test(v) ? Date.parse(v) : v.toLowerCase();
  };
  return norm(a) === norm(b);
}

function fateOf(sync: SentSync): string {
  const a = sync.answer;
  const by = `sent by ${sync.tab}, `;
  if (!a) return `${by}no answer yet`;
  if ('error' in a) return `${by}${a.error}`;
  return `${by}${a.replayed ? 'answered as a replay' : 'answered'}`;
}

function describe(w: LocalWrite): string {
  return `op #${w.op} ${w.device}/${w.tab} ${w.kind} ${w.table} ${w.uid}${w.kind === 'save' ? ` ${JSON.stringify(w.values)}` : ''}`;
}
