/** The demo app: users and groups with their memberships, and the user's documents with their notes, on the offline-first replica. */
import './style.css';
import { LocalWriteError, type Rejection, type Row, type TidemarkClient } from '../../src/index.js';
import { demoUser, openDemoClient } from './connect.js';
import { Documents, ensureOwner, renderDocuments } from './documents.js';
import { explain } from './rejections.js';
import { renderGroups, renderNotices, renderStatus, renderUsers, type Actions, type Editing, type Notice, type Snapshot } from './view.js';

const statusElement = document.getElementById('status')!;
const noticesElement = document.getElementById('notices')!;
const usersElement = document.getElementById('users')!;
const groupsElement = document.getElementById('groups')!;
const documentsElement = document.getElementById('documents')!;

let snapshot: Snapshot = { users: [], groups: [], memberships: [], pending: [], documents: [], events: [] };
let docs: Documents | undefined;
let editing: Editing | null = null;
let notices: Notice[] = [];
let noticeIds = 0;
/** Rejection records already shown, and how to acknowledge one once its notice is dismissed. */
const shownRejections = new Set<string>();
let acknowledge: (rejectionId: string) => void = () => undefined;
/** Names of every row ever shown, so a notice about a row the server dropped can still name it. */
const names = new Map<string, string>();

async function main(): Promise<void> {
  void registerOfflineShell();
  let client: TidemarkClient;
  const user = demoUser();
  showWho(user);
  try {
    client = await openDemoClient(user);
  } catch (e) {
    statusElement.querySelector('.label')!.textContent = 'Cannot start';
    notify('START_FAILED', `The app could not open its replica: ${(e as Error).message}`);
    return;
  }
  const actions = actionsOf(client);
  const show = (next: Snapshot): void => {
    snapshot = next;
    remember(next);
    render(actions, client);
  };
  // Opening or closing a document changes what is read: read again at once (its events follow as they come).
  docs = new Documents(client, () => void read(client).then(show));
  client.onState((state) => renderStatus(statusElement, state));
  renderStatus(statusElement, client.state);
  // Refusals are kept by the client until acknowledged: those of earlier visits too (a reload loses none).
  const showRejections = (rejections: Rejection[]): void => {
    for (const r of rejections) if (!shownRejections.has(r.id)) {
      shownRejections.add(r.id);
      notify(r.reason, explain(r, describe), r.id);
    }
  };
  client.onRejected(showRejections);
  // The server runs a newer schema: the next opening migrates the replica to it (pending changes kept).
  client.onSchemaChange(() => notify('SCHEMA_CHANGED', 'The server was updated: reload the page to use its new version.'));
  acknowledge = (id) => void client.acknowledge(id);
  client.live(() => read(client), show);
  showRejections(await client.rejections());
  bindForms(client, user);
  // Hands the leadership and the socket over at once instead of after the lease (a reload, say).
  addEventListener('pagehide', () => void client.close());
  // A page restored from the back/forward cache has a closed client: start afresh.
  addEventListener('pageshow', (e) => { if (e.persisted) location.reload(); });
}

/** Who this window acts as, and the link that opens the same person elsewhere. */
function showWho(user: string): void {
  const who = document.getElementById('who')!;
  const link = document.createElement('a');
  link.href = `${location.origin}/?user=${user}`;
  link.textContent = 'same user in another window';
  who.textContent = `Signed in as ${user.slice(0, 8)}… · `;
  who.append(link);
}

async function read(client: TidemarkClient): Promise<Snapshot> {
  const [users, groups, memberships, outbox, documents, events] = await Promise.all([
    client.list('User'), client.list('Group'), client.list('UserGroup'), client.outbox(), client.list('UserDocument'), docs?.events() ?? [],
  ]);
  return { users, groups, memberships, pending: outbox.filter((i) => i.status !== 'rejected').map((i) => `${i.table}:${i.uid}`), documents, events };
}

function render(actions: Actions, client: TidemarkClient): void {
  // A re-render must not eat what the user is typing in a rename box.
  const typing = document.querySelector<HTMLInputElement>('input.rename');
  const draft = typing?.value;
  const focused = typing !== null && document.activeElement === typing;
  renderUsers(usersElement, snapshot, editing, (table, uid) => names.get(`${table}:${uid}`), actions);
  renderGroups(groupsElement, snapshot, editing, actions);
  if (docs) renderDocuments(documentsElement, snapshot.documents, snapshot.events, snapshot.pending, docs, {
    toggle: (uid) => docs!.toggle(uid),
    remove: (uid) => void write(() => client.delete('UserDocument', uid)),
    addNote: (documentUid, text) => void write(() => client.save('UserDocumentEvent', { documentUid, kind: 'note', payload: text })),
    removeEvent: (uid) => void write(() => client.delete('UserDocumentEvent', uid)),
  });
  const input = document.querySelector<HTMLInputElement>('input.rename');
  if (input && draft !== undefined) input.value = draft;
  if (input && (focused || draft === undefined)) input.focus();
}

function actionsOf(client: TidemarkClient): Actions {
  const actions: Actions = {
    startRename: (target) => { editing = target; render(actions, client); },
    cancelRename: () => { editing = null; render(actions, client); },
    rename: (target, name) => { editing = null; render(actions, client); void write(() => client.save(target.table, { uid: target.uid, name })); },
    remove: (table, uid) => void write(() => client.delete(table, uid)),
    join: (userUid, groupUid) => void write(() => client.save('UserGroup', { userUid, groupUid })),
  };
  return actions;
}

function bindForms(client: TidemarkClient, user: string): void {
  onSubmit('new-user', (values) => write(() => client.save('User', { name: values.name, email: values.email || null })));
  onSubmit('new-group', (values) => write(() => client.save('Group', { name: values.name })));
  // The same scope as the one declared at open: the same handle, whose `ready` says the users are synced.
  const users = client.scope('User');
  onSubmit('new-document', (values) => write(async () => {
    await ensureOwner(client, user, users);
    return client.save('UserDocument', { userUid: user, title: values.name });
  }));
}

function onSubmit(id: string, save: (values: { name: string; email: string }) => Promise<unknown>): void {
  const form = document.getElementById(id) as HTMLFormElement;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const values = { name: String(data.get('name') ?? '').trim(), email: String(data.get('email') ?? '').trim() };
    if (!values.name) return;
    form.reset();
    void save(values);
  });
}

/** Local writes apply at once; the replica refuses some (a deleted parent): say so, never fail silently. */
async function write(change: () => Promise<Row>): Promise<void> {
  try {
    await change();
  } catch (e) {
    const code = e instanceof LocalWriteError ? e.code : 'ERROR';
    notify(code, `Your change was not made: ${(e as Error).message}.`);
  }
}

function notify(reason: string, text: string, rejectionId?: string): void {
  notices = [...notices, { id: ++noticeIds, reason, text, rejectionId }];
  renderNotices(noticesElement, notices, dismiss);
}

function dismiss(id: number): void {
  const rejectionId = notices.find((n) => n.id === id)?.rejectionId;
  if (rejectionId) acknowledge(rejectionId);
  notices = notices.filter((n) => n.id !== id);
  renderNotices(noticesElement, notices, dismiss);
}

function remember(s: Snapshot): void {
  for (const u of s.users) names.set(`User:${u.uid}`, u.name as string);
  for (const g of s.groups) names.set(`Group:${g.uid}`, g.name as string);
  for (const d of s.documents) names.set(`UserDocument:${d.uid}`, d.title as string);
  for (const e of s.events) names.set(`UserDocumentEvent:${e.uid}`, `the note “${String(e.payload ?? '')}”`);
  for (const m of s.memberships) {
    const user = names.get(`User:${m.userUid as string}`) ?? 'a user';
    const group = names.get(`Group:${m.groupUid as string}`) ?? 'a group';
    names.set(`UserGroup:${m.uid}`, `${user}'s membership in “${group}”`);
  }
}

function describe(table: string, uid: string): string {
  const name = names.get(`${table}:${uid}`);
  if (table === 'UserGroup') return name ?? 'a membership';
  if (table === 'UserDocumentEvent') return name ?? 'a note';
  const kind = table === 'Group' ? 'group' : table === 'User' ? 'user' : table === 'UserDocument' ? 'document' : table;
  return name ? `${kind} “${name}”` : `a ${kind}`;
}

/** A service worker keeps the page and its assets, so the app opens offline on its replica. */
async function registerOfflineShell(): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  try {
    await navigator.serviceWorker.register('/sw.js');
    await navigator.serviceWorker.ready;
    document.documentElement.dataset.offlineReady = 'true';
  } catch {
    // No offline shell (a non-secure origin): the app still works while the page is loaded.
  }
}

void main();
