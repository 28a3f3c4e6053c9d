/**
 * A scope's first sync, paged: instead of one answer holding the whole scope (a 100k-row scope is
 * a 30 MB JSON answer and no row on screen until it is parsed), the scope's live rows come in pages
 * of `pageSize`, in uid order (README, "Paged first sync"). Each page is stored in one IndexedDB
 * transaction with where it ended (`paging-state.ts`), so rows appear page by page, progress is
 * reported, and a drop, a reload or a new leader resumes after the last stored page. Events apply
 * meanwhile as always; after the last page the scope's reconcile (a normal sync with what it holds)
 * corrects whatever changed between pages — unless the scope came in one page, read at once.
 */
import { SCOPES_INDEX } from '../replica/replica-db.js';
import type { Replica } from '../replica/replica.js';
import type { Row, Scope, ScopeResult } from '../replica/types.js';
import type { TableSchema } from '../schema/sync-schema.js';
import type { GraphQLHttp } from '../transport/graphql-http.js';
import { newUid } from '../util/uid.js';
import { forgetPaging, isFilled, markFilled, readPaging, savePaging, type PagingState } from './paging-state.js';
import { storeServerRow } from './row-store.js';
import { forgetStamp } from './stamps.js';
import { classify, failureCode } from './sync-errors.js';
import type { RoundOutcome } from './sync-rounds.js';

export interface PageHooks {
  /** Rows received so far by a scope's first sync, and its total where the server said it. */
  progress(scopeId: string, received: number, total: number | null): void;
}

interface PageResult extends ScopeResult {
  more: boolean;
  nextAfter: string | null;
  total: number | null;
}

export type FillOutcome = { kind: 'filled'; needsReconcile: Scope[] } | Extract<RoundOutcome, { kind: 'failed' }>;

/** A page request's answer, or why it failed. */
type Fetched = { group: Scope[]; tables: TableSchema[]; answer: Record<string, PageResult[]>; results: PageResult[] } | Extract<RoundOutcome, { kind: 'failed' }>;

export class ScopePaging {
  /** Halved after the server refused a page as too large (LIMIT_EXCEEDED), as requests are. */
  private shrink = 1;

  constructor(
    private readonly replica: Replica,
    private readonly http: GraphQLHttp,
    private readonly pageSize: number,
    private readonly hooks: PageHooks,
  ) {}

  /**
   * The scopes among these whose first sync is not done: paging under way, or no row held yet and no
   * first sync done for this where (a scope the server has nothing for stays empty once filled).
   */
  async unfilled(scopes: Scope[]): Promise<Scope[]> {
    const result: Scope[] = [];
    for (const scope of scopes) {
      const paging = await readPaging(this.replica.db, scope.id);
      if (paging || ((await this.replica.db.countFromIndex(scope.table, SCOPES_INDEX, scope.id)) === 0
          && !(await isFilled(this.replica.db, scope)))) result.push(scope);
    }
    return result;
  }

  /**
   * Pages every scope to its end (several scopes share a request); stops at the first failed
   * request. The next page is asked for while the current one is stored: the network and the
   * database work side by side, and `after` is stored only with the rows it follows.
   */
  async fill(scopes: Scope[], current: () => boolean): Promise<FillOutcome | null> {
    const states = new Map<string, PagingState>();
    for (const s of scopes) {
      const state = (await readPaging(this.replica.db, s.id)) ?? { after: null, received: 0, total: null, pages: 0 };
      states.set(s.id, state);
      this.hooks.progress(s.id, state.received, state.total);
    }
    const afters = new Map<string, string | null>([...states].map(([id, state]) => [id, state.after]));
    let left = [...scopes];
    const needsReconcile: Scope[] = [];
    let next: Promise<Fetched> | null = null;
    while (left.length > 0) {
      if (!current()) return null;
      const fetched: Fetched = await (next ?? this.fetch(this.group(left), afters, states));
      next = null;
      if ('kind' in fetched) return fetched;
      for (const result of fetched.results) if (result.id !== null) afters.set(result.id, result.more ? result.nextAfter : DONE);
      const ahead = left.filter((s) => afters.get(s.id) !== DONE);
      if (ahead.length > 0 && current()) next = this.fetch(this.group(ahead), afters, states);
      await this.store(fetched, states);
      for (const s of fetched.group) {
        if (states.get(s.id)!.after !== DONE) continue;
        left = left.filter((l) => l.id !== s.id);
        if (states.get(s.id)!.pages > 1) needsReconcile.push(s);
      }
    }
    return { kind: 'filled', needsReconcile };
  }

  private group(scopes: Scope[]): Scope[] {
    return scopes.slice(0, Math.max(1, this.replica.schema.limits.maxSyncScopes));
  }

  /**
   * Asks for the next page of each scope of the group (never rejects: a failure is its outcome).
   * A scope's first page is a tenth of the others (at least 100 rows): its first rows show sooner.
   */
  private async fetch(group: Scope[], afters: Map<string, string | null>, states: Map<string, PagingState>): Promise<Fetched> {
    const limits = this.replica.schema.limits;
    const size = Math.max(1, Math.floor(Math.min(this.pageSize, limits.maxSyncPageSize) * this.shrink / group.length));
    const tables = this.replica.schema.tables.filter((t) => group.some((s) => s.table === t.name));
    try {
      const input: Record<string, unknown> = { syncId: newUid(), cutoff: await this.replica.cursor() };
      for (const table of tables) {
        input[table.queryField] = group.filter((s) => s.table === table.name).map((s) => ({
          id: s.id, where: s.where, after: afters.get(s.id) ?? null, changes: [],
          pageSize: afters.get(s.id) === null ? Math.min(size, Math.max(FIRST_PAGE_MIN, Math.ceil(size / 10))) : size,
        }));
      }
      const answer = (await this.http.request<{ sync: Record<string, PageResult[]> }>(pageDocument(this.replica, tables), { input })).sync;
      return { group, tables, answer, results: tables.flatMap((t) => answer[t.queryField] ?? []) };
    } catch (e) {
      return this.failed(e as Error);
    }
  }

  private async store({ tables, group, answer }: Extract<Fetched, { answer: unknown }>, states: Map<string, PagingState>): Promise<void> {
    const active = new Set(this.replica.scopes.map((s) => s.id));
    const tx = this.replica.transaction('readwrite');
    const touched = new Set<string>();
    const done: string[] = [];
    for (const table of tables) {
      for (const result of answer[table.queryField] ?? []) {
        const scope = group.find((s) => s.id === result.id);
        if (!scope || !active.has(scope.id)) continue; // removed meanwhile: its rows are not wanted
        for (const row of result.upserts as Row[]) if (await storeServerRow(tx, table, scope.id, row, new Map(), active)) touched.add(table.name);
        await forgetStamp(tx, scope.id); // a paged scope holds part of its rows: it has no stamp until its reconcile
        const before = states.get(scope.id)!;
        const state: PagingState = { after: result.nextAfter ?? before.after, received: before.received + result.upserts.length, total: before.total ?? result.total ?? null, pages: before.pages + 1 };
        if (result.more) await savePaging(tx, scope.id, state);
        else {
          await forgetPaging(tx, scope.id);
          await markFilled(tx, scope);
        }
        states.set(scope.id, result.more ? state : { ...state, after: DONE });
        done.push(scope.id);
      }
    }
    await tx.done;
    this.replica.notify(touched);
    for (const id of done) this.hooks.progress(id, states.get(id)!.received, states.get(id)!.total);
    // A scope the answer left out (removed meanwhile) is done with.
    for (const s of group) if (!done.includes(s.id)) states.set(s.id, { ...states.get(s.id)!, after: DONE, pages: 0 });
  }

  private async failed(error: Error): Promise<Extract<RoundOutcome, { kind: 'failed' }>> {
    const failure = classify(error);
    const out = (retry: 'now' | 'link' | 'backoff' | 'token' | 'never') => ({ kind: 'failed' as const, failure, code: failureCode(error), error, retry });
    switch (failure) {
      case 'network': return out('link');
      case 'unauthenticated': return out('token');
      case 'limit':
        this.shrink /= 2;
        return out(this.shrink < 1 / 1024 ? 'never' : 'now');
      case 'refused': return out('never');
      default: return out('backoff');
    }
  }
}

/** The smallest first page: a scope that small comes in one page, read at once (no reconcile needed). */
const FIRST_PAGE_MIN = 100;

/** The `after` of a scope whose last page is stored. */
const DONE = '\u0000done';

function pageDocument(replica: Replica, tables: TableSchema[]): string {
  const parts = tables.map((t) => `${t.queryField} { id more nextAfter total upserts { ${replica.schema.selection(t)} } }`);
  return `mutation SyncPage($input: SyncInput!) { sync(input: $input) { cursor ${parts.join(' ')} } }`;
}
