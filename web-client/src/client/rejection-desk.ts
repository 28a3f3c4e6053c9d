/**
 * The client's rejection records as the app deals with them: the listeners told of new rejections,
 * the durable records, and the app's three answers to one (acknowledge, retry "keep mine", discard
 * "keep theirs"), each told to the other tabs.
 */
import { acknowledgeRejection, discardRejection, retryRejection } from '../outbox/rejection-actions.js';
import type { WriteResult } from '../outbox/write-tracker.js';
import type { LocalWrite } from '../replica/local-writes.js';
import type { Replica } from '../replica/replica.js';
import type { Rejection, RejectionRecord } from '../replica/types.js';
import { listRejections } from '../sync/rejections.js';
import type { TabRelay } from './tab-relay.js';

export class RejectionDesk {
  private readonly listeners = new Set<(rejections: Rejection[]) => void>();

  constructor(
    private readonly replica: Replica,
    private readonly relay: () => TabRelay,
    private readonly write: (write: Promise<LocalWrite>, after: () => Promise<void>) => WriteResult,
  ) {}

  onRejected(listener: (rejections: Rejection[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** New rejections reached this tab: every listener hears them. */
  told(rejections: Rejection[]): void {
    if (rejections.length > 0) for (const listener of [...this.listeners]) listener(rejections);
  }

  list(): Promise<RejectionRecord[]> {
    return listRejections(this.replica.db);
  }

  async acknowledge(id: string): Promise<boolean> {
    const found = await acknowledgeRejection(this.replica, id);
    await this.relay().recorded();
    return found;
  }

  retry(id: string): WriteResult {
    return this.write(retryRejection(this.replica, id), () => this.relay().recorded());
  }

  async discard(id: string): Promise<boolean> {
    const done = await discardRejection(this.replica, id);
    if (done) this.relay().settle(done.settlements);
    await this.relay().recorded();
    return done !== undefined;
  }
}
