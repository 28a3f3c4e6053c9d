/**
 * The outbox as the user sees it: the changes waiting to be sent (or sent, their answer awaited),
 * and the changes the server refused or overrode, each with what can be done about it: "keep mine"
 * (retry: the refused values written again over the server's), "keep theirs" (discard) or dismiss.
 * Both read the replica, so they are the same in every tab and survive reloads.
 */
import type { OutboxItem, RejectionRecord } from '@tidemark/web-client';
import { useMemo, type ReactNode } from 'react';
import { Card } from './forms.js';
import { useLiveQuery, usePending, useRejections } from './hooks.js';
import { describeRow, describeValues, type Table } from './names.js';
import { useWrite } from './notices.js';
import { explain, retryable } from './rejections.js';

/** `<table>:<uid>` of every row with a change the server has not answered yet (its "not synced yet" badge). */
export function useUnsynced(): Set<string> {
  const { items } = usePending();
  return useMemo(() => new Set(items.filter((i) => i.status !== 'rejected').map((i) => `${i.table}:${i.uid}`)), [items]);
}

export function ChangesCard(): ReactNode {
  const { items } = usePending();
  const { rejections } = useRejections();
  const waiting = items.filter((i) => i.status !== 'rejected');
  return (
    <Card id="changes" title="Changes" className="changes">
      <div className="changes-grid">
        <div data-testid="pending-panel" data-count={waiting.length}>
          <h3>Waiting to sync <span className="count">{waiting.length}</span></h3>
          {waiting.length === 0 ? <p className="muted">Everything is synced.</p> : (
            <ul className="changes-list">{waiting.map((item) => <Waiting key={`${item.table}:${item.uid}`} item={item} />)}</ul>
          )}
        </div>
        <div data-testid="rejections-panel" data-count={rejections.length}>
          <h3>Refused by the server <span className={rejections.length ? 'count bad' : 'count'}>{rejections.length}</span></h3>
          {rejections.length === 0 ? <p className="muted">None.</p> : (
            <ul className="changes-list">{rejections.map((r) => <Refused key={r.id} rejection={r} />)}</ul>
          )}
        </div>
      </div>
    </Card>
  );
}

function Waiting({ item }: { item: OutboxItem<Table> }): ReactNode {
  const { data: what } = useLiveQuery((db) => describeRow(db, item.table, item.uid), [item.table, item.uid]);
  const verb = item.kind === 'delete' ? 'Delete' : item.baseVersion === null ? 'New' : 'Change to';
  return (
    <li className="change" data-testid="pending-item" data-status={item.status} data-table={item.table}>
      <span>{verb} {what ?? '…'}</span>
      <span className={`tag ${item.status}`}>{item.status === 'sent' ? 'sending' : 'waiting'}</span>
    </li>
  );
}

function Refused({ rejection }: { rejection: RejectionRecord }): ReactNode {
  const { retry, discard, acknowledge } = useRejections();
  const write = useWrite();
  const { data: what } = useLiveQuery((db) => describeValues(db, rejection.table as Table, rejection.local), [rejection.id]);
  return (
    <li className="change refused" data-testid="rejection" data-reason={rejection.reason} data-id={rejection.id}>
      <p className="rejection-text">{what ? explain(rejection, what) : '…'} <code className="reason">{rejection.reason}</code></p>
      <div className="rejection-actions">
        {retryable(rejection) ? (
          <button type="button" onClick={() => write(() => retry(rejection.id))}>Retry (keep mine)</button>
        ) : null}
        <button type="button" className="secondary" onClick={() => write(() => discard(rejection.id))}>Discard (keep theirs)</button>
        <button type="button" className="link" onClick={() => write(() => acknowledge(rejection.id))}>Dismiss</button>
      </div>
    </li>
  );
}
