/**
 * The demo's documents: the user's own are in the replica from the start (a scope declared at
 * `open`); a document's notes (its events) are not, until the user opens it: opening adds a scope
 * of its events at runtime (`client.scope`), which the client subscribes and syncs alone, and
 * closing removes it, which evicts those events from the replica (unless another tab of this
 * browser has the document open too: the tabs' scopes are one union). Which documents are open is
 * this tab's own state; closing the tab releases its scopes.
 */
import type { Row, ScopeHandle, ScopeProgress, TidemarkClient } from '../../src/index.js';
import { button, h } from './dom.js';

export interface DocumentActions {
  toggle(uid: string): void;
  remove(uid: string): void;
  addNote(documentUid: string, text: string): void;
  removeEvent(uid: string): void;
}

export class Documents {
  private readonly open = new Map<string, ScopeHandle>();
  private readonly ready = new Set<string>();

  constructor(private readonly client: TidemarkClient, private readonly changed: () => void) {}

  /** Opens a closed document (its events come in), closes an open one (they leave the replica). */
  toggle(uid: string): void {
    const open = this.open.get(uid);
    if (open) {
      open.remove();
      this.open.delete(uid);
      this.ready.delete(uid);
    } else {
      const handle = this.client.scope('UserDocumentEvent', { documentUid: { eq: uid } });
      this.open.set(uid, handle);
      // Rejected when closed before its notes came (nothing to show), or refused by the server (lastError says why).
      handle.ready.then(() => { if (this.open.get(uid) === handle) { this.ready.add(uid); this.changed(); } }, () => undefined);
    }
    this.changed();
  }

  isOpen(uid: string): boolean {
    return this.open.has(uid);
  }

  isReady(uid: string): boolean {
    return this.ready.has(uid);
  }

  /** How far the first sync of an open document's events is (rows received, and the total when the server said it). */
  progress(uid: string): ScopeProgress | undefined {
    const handle = this.open.get(uid);
    return handle ? this.client.state.progress[handle.id] : undefined;
  }

  /** The events of the open documents, oldest first. */
  async events(): Promise<Row[]> {
    const uids = [...this.open.keys()];
    return uids.length === 0 ? [] : this.client.list('UserDocumentEvent', { where: { documentUid: { in: uids } } });
  }
}

/**
 * The User row a document belongs to: the person's own, made the first time they add a document
 * (the server refuses a document whose user it does not have). When the replica does not hold it,
 * it waits for the users to be synced first, so that a row made on another device is found rather
 * than overwritten.
 */
export async function ensureOwner(client: TidemarkClient, user: string, users: ScopeHandle): Promise<void> {
  if (await client.get('User', user)) return;
  await users.ready;
  if (await client.get('User', user)) return;
  await client.save('User', { uid: user, name: `Me (${user.slice(0, 8)})` });
}

export function renderDocuments(list: HTMLElement, documents: Row[], events: Row[], pending: string[], docs: Documents, actions: DocumentActions): void {
  // A re-render (a note arriving from elsewhere) must not eat a note being typed.
  const drafts = new Map(Array.from(list.querySelectorAll<HTMLInputElement>('input[name="note"]')).map((i) => [i.dataset.document!, i]));
  const focused = document.activeElement instanceof HTMLInputElement ? document.activeElement.dataset.document : undefined;
  list.replaceChildren(...(documents.length === 0 ? [h('li', { class: 'empty muted' }, 'No documents yet.')] : documents.map((doc) => {
    const title = doc.title as string;
    const open = docs.isOpen(doc.uid);
    const head = h('div', { class: 'item-head' },
      h('span', { class: 'name' }, title),
      pending.includes(`UserDocument:${doc.uid}`) ? h('span', { class: 'badge', 'data-testid': 'pending' }, 'not synced yet') : null,
      h('span', { class: 'actions' },
        button(open ? 'Close' : 'Open', () => actions.toggle(doc.uid), { class: 'secondary', 'aria-label': `${open ? 'Close' : 'Open'} ${title}` }),
        button('Delete', () => actions.remove(doc.uid), { class: 'danger', 'aria-label': `Delete ${title}` })));
    const notes = events.filter((e) => e.documentUid === doc.uid);
    return h('li', { class: 'item', 'data-testid': 'document', 'data-uid': doc.uid, 'data-name': title, 'data-open': String(open) },
      head, open ? panel(doc, notes, pending, docs, actions) : null);
  })));
  for (const input of Array.from(list.querySelectorAll<HTMLInputElement>('input[name="note"]'))) {
    const before = drafts.get(input.dataset.document!);
    if (before) input.value = before.value;
    if (input.dataset.document === focused) input.focus();
  }
}

function panel(doc: Row, events: Row[], pending: string[], docs: Documents, actions: DocumentActions): HTMLElement {
  const title = doc.title as string;
  const ready = docs.isReady(doc.uid);
  const input = h('input', { name: 'note', placeholder: 'A note', 'aria-label': `Note for ${title}`, 'data-document': doc.uid, required: '' }) as HTMLInputElement;
  const form = h('form', { class: 'new' }, input, h('button', { type: 'submit' }, 'Add note'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (input.value.trim()) actions.addNote(doc.uid, input.value.trim());
    input.value = '';
  });
  const rows = events.map((event) => {
    const payload = String(event.payload ?? '');
    return h('li', { class: 'event', 'data-testid': 'event', 'data-payload': payload },
      h('span', { class: 'muted' }, `${event.kind as string} · ${new Date(event.createdAt).toLocaleString()}`), ' ',
      h('span', {}, payload),
      pending.includes(`UserDocumentEvent:${event.uid}`) ? h('span', { class: 'dot-pending', title: 'not synced yet' }, '•') : null,
      button('×', () => actions.removeEvent(event.uid), { class: 'chip-remove', 'aria-label': `Remove note ${payload}` }));
  });
  const status = !ready ? loading(docs.progress(doc.uid)) : rows.length === 0 ? 'No notes yet.' : null;
  return h('div', { class: 'document-events', 'data-testid': 'document-events', 'data-ready': String(ready) },
    h('ul', { class: 'events' }, ...rows, status ? h('li', { class: 'muted' }, status) : null),
    form);
}

/** "Loading its notes…", with how many came so far once the first page is in. */
function loading(progress: ScopeProgress | undefined): string {
  if (!progress || progress.received === 0) return 'Loading its notes…';
  return `Loading its notes… ${progress.received}${progress.total !== null ? ` of ${progress.total}` : ''}`;
}
