/**
 * Users with their groups, groups with their members, and the memberships between them: the seed's
 * tables, read live from the replica (a deleted group's memberships leave with it: the local
 * cascade here, the server's tombstones on every other device once this one syncs).
 */
import { useState, type ReactNode } from 'react';
import { AddForm, Card, RenameForm } from './forms.js';
import { useClient, useLiveQuery } from './hooks.js';
import { useUnsynced } from './changes.js';
import { useWrite } from './notices.js';
import type { Group, User, UserGroup } from './tidemark-types.js';

interface People {
  users: User[];
  groups: Group[];
  memberships: UserGroup[];
}

function usePeople(): People {
  const { data } = useLiveQuery(async (db) => {
    const [users, groups, memberships] = await Promise.all([db.list('User'), db.list('Group'), db.list('UserGroup')]);
    return { users, groups, memberships };
  }, []);
  return data ?? { users: [], groups: [], memberships: [] };
}

export function UsersCard(): ReactNode {
  const client = useClient();
  const write = useWrite();
  const people = usePeople();
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <Card id="users" title="Users">
      <AddForm id="new-user" submit="Add user" onAdd={(v) => write(() => client.save('User', { name: v.name!, email: v.email || null }))} fields={[
        { name: 'name', label: "New user's name", placeholder: 'Name', required: true },
        { name: 'email', label: "New user's email", placeholder: 'Email (optional)', type: 'email' },
      ]} />
      <ul className="items" data-testid="users">
        {people.users.length === 0 ? <li className="empty muted">No users yet.</li> : people.users.map((user) => (
          <Person key={user.uid} user={user} people={people} editing={editing === user.uid} setEditing={setEditing} />
        ))}
      </ul>
    </Card>
  );
}

function Person({ user, people, editing, setEditing }: { user: User; people: People; editing: boolean; setEditing(uid: string | null): void }): ReactNode {
  const client = useClient();
  const write = useWrite();
  const unsynced = useUnsynced();
  const memberships = people.memberships.filter((m) => m.userUid === user.uid);
  const joined = new Set(memberships.map((m) => m.groupUid));
  const choices = people.groups.filter((g) => !joined.has(g.uid));
  return (
    <Item kind="user" uid={user.uid} name={user.name} editing={editing} setEditing={setEditing}
      rename={(name) => write(() => client.save('User', { uid: user.uid, name }))} remove={() => write(() => client.delete('User', user.uid))}
      detail={user.email}>
      <div className="chips">
        {memberships.length === 0 ? <span className="muted">No groups</span> : memberships.map((m) => {
          const group = people.groups.find((g) => g.uid === m.groupUid);
          // A live membership whose group is gone would be the seed's bug: show it, never hide it.
          const name = group?.name ?? 'unknown group';
          return <Chip key={m.uid} label={name} testid="membership" data={{ 'data-group': name }} orphan={!group} pending={unsynced.has(`UserGroup:${m.uid}`)}
            removeLabel={`Remove ${user.name} from ${name}`} onRemove={() => write(() => client.delete('UserGroup', m.uid))} />;
        })}
        <select aria-label={`Add ${user.name} to a group`} data-testid="add-to-group" value="" disabled={choices.length === 0}
          onChange={(e) => { const groupUid = e.target.value; if (groupUid) write(() => client.save('UserGroup', { userUid: user.uid, groupUid })); }}>
          <option value="">{choices.length ? 'Add to group…' : people.groups.length ? 'In every group' : 'No group to join'}</option>
          {choices.map((g) => <option key={g.uid} value={g.uid}>{g.name}</option>)}
        </select>
      </div>
    </Item>
  );
}

export function GroupsCard(): ReactNode {
  const client = useClient();
  const write = useWrite();
  const unsynced = useUnsynced();
  const people = usePeople();
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <Card id="groups" title="Groups">
      <AddForm id="new-group" submit="Add group" onAdd={(v) => write(() => client.save('Group', { name: v.name! }))}
        fields={[{ name: 'name', label: "New group's name", placeholder: 'Name', required: true }]} />
      <ul className="items" data-testid="groups">
        {people.groups.length === 0 ? <li className="empty muted">No groups yet.</li> : people.groups.map((group) => {
          const members = people.memberships.filter((m) => m.groupUid === group.uid);
          return (
            <Item key={group.uid} kind="group" uid={group.uid} name={group.name} editing={editing === group.uid} setEditing={setEditing}
              rename={(name) => write(() => client.save('Group', { uid: group.uid, name }))} remove={() => write(() => client.delete('Group', group.uid))}
              detail={`${members.length} member${members.length === 1 ? '' : 's'}`}>
              <div className="chips">
                {members.length === 0 ? <span className="muted">No members</span> : members.map((m) => {
                  const name = people.users.find((u) => u.uid === m.userUid)?.name ?? 'unknown user';
                  return <Chip key={m.uid} label={name} testid="member" data={{ 'data-user': name }} pending={unsynced.has(`UserGroup:${m.uid}`)}
                    removeLabel={`Remove ${name} from ${group.name}`} onRemove={() => write(() => client.delete('UserGroup', m.uid))} />;
                })}
              </div>
            </Item>
          );
        })}
      </ul>
    </Card>
  );
}

interface ItemProps {
  kind: 'user' | 'group';
  uid: string;
  name: string;
  editing: boolean;
  setEditing(uid: string | null): void;
  rename(name: string): void;
  remove(): void;
  /** A line under the name (a user's email, a group's member count). */
  detail: string | null;
  children: ReactNode;
}

/** A user's or a group's row: its name (or the rename box), a "not synced yet" badge, its actions, then its chips. */
function Item({ kind, uid, name, editing, setEditing, rename, remove, detail, children }: ItemProps): ReactNode {
  const unsynced = useUnsynced();
  return (
    <li className="item" data-testid={kind} data-uid={uid} data-name={name}>
      {editing ? <RenameForm name={name} onCancel={() => setEditing(null)} onSave={(n) => { setEditing(null); rename(n); }} /> : (
        <div className="item-head">
          <span className="name">{name}</span>
          {unsynced.has(`${kind === 'user' ? 'User' : 'Group'}:${uid}`) ? <Badge /> : null}
          <span className="actions">
            <button type="button" className="secondary" aria-label={`Rename ${name}`} onClick={() => setEditing(uid)}>Rename</button>
            <button type="button" className="danger" aria-label={`Delete ${name}`} onClick={remove}>Delete</button>
          </span>
        </div>
      )}
      {detail ? <div className="item-detail muted">{detail}</div> : null}
      {children}
    </li>
  );
}

export function Badge(): ReactNode {
  return <span className="badge" data-testid="pending">not synced yet</span>;
}

interface ChipProps {
  label: string;
  testid: string;
  data: Record<string, string>;
  orphan?: boolean;
  pending: boolean;
  removeLabel: string;
  onRemove(): void;
}

function Chip({ label, testid, data, orphan, pending, removeLabel, onRemove }: ChipProps): ReactNode {
  return (
    <span className={orphan ? 'chip orphan' : 'chip'} data-testid={testid} {...data}>
      <span className="chip-label">{label}</span>
      {pending ? <span className="dot-pending" title="not synced yet">•</span> : null}
      <button type="button" className="chip-remove" aria-label={removeLabel} title={removeLabel} onClick={onRemove}>×</button>
    </span>
  );
}
