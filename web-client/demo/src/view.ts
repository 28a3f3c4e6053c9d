/** Renders the demo's lists, status and notices from a snapshot of the replica. */
import type { ClientState, Row } from '../../src/index.js';
import { button, h } from './dom.js';

/** What the lists show: live rows of the replica and the rows with a change not yet synced. */
export interface Snapshot {
  users: Row[];
  groups: Row[];
  memberships: Row[];
  /** `<table>:<uid>` of every row with a change not yet answered by the server. */
  pending: string[];
  /** The user's documents, and the events of those open in this window. */
  documents: Row[];
  events: Row[];
}

export interface Editing {
  table: 'User' | 'Group';
  uid: string;
}

export interface Notice {
  id: number;
  reason: string;
  text: string;
  /** The client's rejection record this notice shows; dismissing it acknowledges the record. */
  rejectionId?: string;
}

export interface Actions {
  startRename(editing: Editing): void;
  rename(editing: Editing, name: string): void;
  cancelRename(): void;
  remove(table: 'User' | 'Group' | 'UserGroup', uid: string): void;
  join(userUid: string, groupUid: string): void;
}

/** A name kept for rows that are gone from the replica, so a chip or a notice can still say it. */
export type NameOf = (table: string, uid: string) => string | undefined;

export function renderStatus(element: HTMLElement, state: ClientState): void {
  const mode = !state.online ? 'offline' : state.syncing ? 'syncing' : 'online';
  element.dataset.state = mode;
  element.dataset.pending = String(state.pending);
  element.dataset.leader = String(state.leader);
  element.dataset.rejections = String(state.rejections);
  element.className = `status ${mode}`;
  element.title = state.lastError ?? '';
  const label = { offline: 'Offline', syncing: 'Syncing…', online: 'Online' }[mode];
  element.querySelector('.label')!.textContent = state.unauthenticated ? `${label} · sign-in expired` : label;
  element.querySelector('.pending')!.textContent =
    state.pending === 0 ? 'No pending changes' : `${state.pending} pending change${state.pending === 1 ? '' : 's'}`;
}

export function renderNotices(element: HTMLElement, notices: Notice[], dismiss: (id: number) => void): void {
  element.replaceChildren(...notices.map((notice) =>
    h('div', { class: 'notice', 'data-testid': 'notice', 'data-reason': notice.reason },
      h('span', { class: 'notice-text' }, notice.text),
      h('code', { class: 'reason' }, notice.reason),
      button('Dismiss', () => dismiss(notice.id), { class: 'link' }))));
}

export function renderUsers(list: HTMLElement, snapshot: Snapshot, editing: Editing | null, nameOf: NameOf, actions: Actions): void {
  const groups = new Map(snapshot.groups.map((g) => [g.uid, g]));
  list.replaceChildren(...(snapshot.users.length === 0 ? [empty('No users yet.')] : snapshot.users.map((user) => {
    const memberships = snapshot.memberships.filter((m) => m.userUid === user.uid);
    const joined = new Set(memberships.map((m) => m.groupUid));
    const chips = memberships.map((m) => {
      const group = groups.get(m.groupUid as string);
      // A live membership whose group is gone would be the seed's bug: show it, never hide it.
      const name = (group?.name as string | undefined) ?? nameOf('Group', m.groupUid as string) ?? 'unknown group';
      return chip(name, { 'data-testid': 'membership', 'data-group': name, class: group ? 'chip' : 'chip orphan' },
        isPending(snapshot, 'UserGroup', m.uid), () => actions.remove('UserGroup', m.uid), `Remove ${user.name} from ${name}`);
    });
    const choices = snapshot.groups.filter((g) => !joined.has(g.uid));
    const picker = h('select', { 'aria-label': `Add ${user.name} to a group`, 'data-testid': 'add-to-group' },
      h('option', { value: '' }, choices.length ? 'Add to group…' : snapshot.groups.length ? 'In every group' : 'No group to join'),
      ...choices.map((g) => h('option', { value: g.uid }, g.name as string))) as HTMLSelectElement;
    picker.disabled = choices.length === 0;
    picker.addEventListener('change', () => { if (picker.value) actions.join(user.uid, picker.value); });
    return item('user', 'User', user, editing, snapshot, actions,
      user.email ? h('span', { class: 'muted' }, user.email as string) : null,
      h('div', { class: 'chips' }, ...(chips.length ? chips : [h('span', { class: 'muted' }, 'No groups')]), picker));
  })));
}

export function renderGroups(list: HTMLElement, snapshot: Snapshot, editing: Editing | null, actions: Actions): void {
  const users = new Map(snapshot.users.map((u) => [u.uid, u]));
  list.replaceChildren(...(snapshot.groups.length === 0 ? [empty('No groups yet.')] : snapshot.groups.map((group) => {
    const memberships = snapshot.memberships.filter((m) => m.groupUid === group.uid);
    const chips = memberships.map((m) => {
      const name = (users.get(m.userUid as string)?.name as string | undefined) ?? 'unknown user';
      return chip(name, { 'data-testid': 'member', 'data-user': name, class: 'chip' },
        isPending(snapshot, 'UserGroup', m.uid), () => actions.remove('UserGroup', m.uid), `Remove ${name} from ${group.name}`);
    });
    const count = h('span', { class: 'muted' }, `${memberships.length} member${memberships.length === 1 ? '' : 's'}`);
    return item('group', 'Group', group, editing, snapshot, actions, count,
      h('div', { class: 'chips' }, ...(chips.length ? chips : [h('span', { class: 'muted' }, 'No members')])));
  })));
}

function item(kind: string, table: 'User' | 'Group', row: Row, editing: Editing | null, snapshot: Snapshot, actions: Actions,
  detail: Node | null, body: Node): HTMLElement {
  const name = row.name as string;
  const target = { table, uid: row.uid };
  const head = editing?.table === table && editing.uid === row.uid
    ? renameForm(name, target, actions)
    : h('div', { class: 'item-head' },
      h('span', { class: 'name' }, name),
      isPending(snapshot, table, row.uid) ? h('span', { class: 'badge', 'data-testid': 'pending' }, 'not synced yet') : null,
      detail,
      h('span', { class: 'actions' },
        button('Rename', () => actions.startRename(target), { class: 'secondary', 'aria-label': `Rename ${name}` }),
        button('Delete', () => actions.remove(table, row.uid), { class: 'danger', 'aria-label': `Delete ${name}` })));
  return h('li', { class: 'item', 'data-testid': kind, 'data-uid': row.uid, 'data-name': name }, head, body);
}

function renameForm(name: string, target: Editing, actions: Actions): HTMLElement {
  const input = h('input', { class: 'rename', 'aria-label': `New name for ${name}`, 'data-testid': 'rename-input' }) as HTMLInputElement;
  input.value = name;
  const form = h('form', { class: 'item-head editing' }, input,
    h('button', { type: 'submit' }, 'Save'),
    button('Cancel', () => actions.cancelRename(), { class: 'secondary' }));
  form.addEventListener('submit', (e) => { e.preventDefault(); if (input.value.trim()) actions.rename(target, input.value.trim()); });
  input.addEventListener('keydown', (e) => { if (e.key === 'Escape') actions.cancelRename(); });
  return form;
}

function chip(label: string, attributes: Record<string, string>, pending: boolean, onRemove: () => void, removeLabel: string): HTMLElement {
  return h('span', attributes, label, pending ? h('span', { class: 'dot-pending', title: 'not synced yet' }, '•') : null,
    button('×', onRemove, { class: 'chip-remove', 'aria-label': removeLabel, title: removeLabel }));
}

function empty(text: string): HTMLElement {
  return h('li', { class: 'empty muted' }, text);
}

function isPending(snapshot: Snapshot, table: string, uid: string): boolean {
  return snapshot.pending.includes(`${table}:${uid}`);
}
