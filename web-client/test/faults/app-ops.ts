/**
 * What the apps of the fault test do besides writing: open a document (a scope of its events,
 * added at runtime) and close it (the scope removed), and deal with the rejection records their
 * tab lists — acknowledge one, retry it ("keep mine", a new write whose fate the ledger follows) or
 * discard it ("keep theirs": the write given up is the app's decision, its fate in the ledger).
 */
import type { TidemarkClient } from '../../src/index.js';
import { LocalWriteError } from '../../src/replica/types.js';
import { docScope, type Device, type Tab } from './device.js';
import type { Finding } from './ledger.js';
import type { Op } from './ops.js';
import type { World } from './world.js';

type OpenDoc = Extract<Op, { k: 'openDoc' }>;
type CloseDoc = Extract<Op, { k: 'closeDoc' }>;
type RejectionOp = Extract<Op, { k: 'rejection' }>;

export class AppOps {
  /** Scopes whose `ready` settled, by tab and document (the quiescence waits for the others). */
  readonly settledScopes = new WeakSet<object>();
  retried = 0;
  discarded = 0;
  acknowledged = 0;

  constructor(private readonly world: World) {}

  /** Opens one of the documents the tab shows (its own and the ones shared with it). */
  async openDoc(op: OpenDoc): Promise<boolean> {
    const { tab } = this.find(op.tab);
    if (!tab.client) return false;
    const docs = await tab.client.list('UserDocument');
    if (docs.length === 0) return false;
    this.open(tab, docs[op.doc % docs.length]!.uid);
    return true;
  }

  /** The document is shown in the tab (opened once more if it already is). */
  open(tab: Tab & { client: TidemarkClient | null }, doc: string): void {
    const { table, where } = docScope(doc);
    const handle = tab.client!.scope(table, where);
    const entry = tab.docs.get(doc) ?? { handle, uses: 0 };
    entry.uses++;
    tab.docs.set(doc, entry);
    const settled = (): void => void this.settledScopes.add(handle);
    handle.ready.then(settled, settled);
  }

  closeDoc(op: CloseDoc): boolean {
    const { tab } = this.find(op.tab);
    const docs = [...tab.docs.keys()];
    if (!tab.client || docs.length === 0) return false;
    const doc = docs[op.pick % docs.length]!;
    const entry = tab.docs.get(doc)!;
    entry.handle.remove();
    if (--entry.uses === 0) tab.docs.delete(doc);
    return true;
  }

  /** Deals with one of the records the tab lists; a retry is a write of the app (the ledger follows its fate). */
  async rejection(op: RejectionOp, index: number): Promise<Finding[] | false> {
    const { device, tab } = this.find(op.tab);
    const client = tab.client;
    if (!client) return false;
    const records = await client.rejections();
    const record = records[op.pick % Math.max(1, records.length)];
    if (!record) return false;
    const key = `${record.table}:${record.uid}`;
    if (op.action === 'acknowledge') {
      if (await client.acknowledge(record.id)) this.acknowledged++;
    } else if (op.action === 'discard') {
      const at = Date.now();
      if (await client.discard(record.id)) {
        this.discarded++;
        this.world.ledger.discarded(device.name, key, at);
      }
    } else {
      const at = Date.now();
      try {
        const row = await client.retry(record.id);
        this.retried++;
        const kind = record.local.deletedAt != null ? 'delete' : 'save';
        const values = kind === 'delete' ? {} : this.dataValues(record.table, record.local);
        this.world.ledger.wrote({ device: device.name, tab: op.tab, op: index, table: record.table, uid: row.uid, kind, values, at });
      } catch (e) {
        if (!(e instanceof LocalWriteError)) return [{ invariant: 'local write', detail: `op #${index} ${op.tab} retry of ${key}: ${(e as Error).message}` }];
        this.world.refusedLocally++; // the row is a tombstone now, its parent was deleted, no scope holds its table...
      }
    }
    return [];
  }

  private dataValues(table: string, local: Record<string, unknown>): Record<string, unknown> {
    const columns = this.world.schema.dataColumns.get(table) ?? [];
    return Object.fromEntries(columns.filter((c) => c !== 'uid' && c in local).map((c) => [c, local[c]]));
  }

  private find(tabId: string): { device: Device; tab: Tab } {
    const device = this.world.device(tabId as never);
    return { device, tab: device.tabs.find((t) => t.name === tabId)! };
  }
}
