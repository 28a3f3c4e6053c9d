/**
 * "Other apps" of the fault test: an admin's GraphQL writes (bypassing row policies: groups made
 * for the actors, memberships added and removed behind their backs, documents given to them,
 * renames and cascading deletes) and plain SQL renames (the triggers version and log them). They
 * act on this run's rows only, found by the run's name prefix.
 */
import type { Op, Table } from './ops.js';
import type { World } from './world.js';

type AdminOp = Extract<Op, { k: 'admin' }>;

export class OtherApp {
  constructor(private readonly world: World) {}

  /** Returns false when there was nothing to act on. */
  async run(op: AdminOp): Promise<boolean> {
    const { cluster, tag, users } = this.world;
    const name = `${tag}${op.name}`;
    switch (op.what) {
      case 'group': {
        const uid = crypto.randomUUID();
        await this.save('Group', { uid, name });
        const members = users.filter((_, i) => i === op.user || ((op.pick >> i) & 1) === 1);
        for (const user of members) await this.world.adminJoin(user, uid);
        return true;
      }
      case 'join': {
        const group = pickFrom(await this.rows('Group'), op.pick);
        if (!group) return false;
        await this.world.adminJoin(users[op.user]!, group);
        return true;
      }
      case 'leave': {
        const membership = pickFrom(await this.rows('UserGroup'), op.pick);
        if (!membership) return false;
        await this.delete('UserGroup', membership);
        return true;
      }
      case 'document':
        await this.save('UserDocument', { uid: crypto.randomUUID(), userUid: users[op.user]!, title: name });
        return true;
      case 'event': {
        const doc = pickFrom(await this.rows('UserDocument'), op.pick);
        if (!doc) return false;
        await this.save('UserDocumentEvent', { uid: crypto.randomUUID(), documentUid: doc, kind: op.name, payload: name });
        return true;
      }
      case 'rename': case 'sqlRename': {
        if (op.table === 'UserGroup') return false;
        const uid = pickFrom(await this.rows(op.table), op.pick);
        if (!uid) return false;
        const label = this.world.schema.labelOf(op.table);
        if (op.what === 'rename') await this.save(op.table, { uid, [label]: name });
        else {
          const t = this.world.schema.table(op.table);
          const column = t.columns.find((c) => c.name === label)!.column;
          await cluster.sql(`update ${t.table} set ${column} = $1, updated_at = now() where uid = $2`, [name, uid]);
        }
        return true;
      }
      case 'delete': {
        const rows = (await this.rows(op.table)).filter((uid) => op.table !== 'User' || !users.includes(uid));
        const uid = pickFrom(rows, op.pick);
        if (!uid) return false;
        await this.delete(op.table, uid);
        return true;
      }
    }
  }

  private async save(table: Table, input: Record<string, unknown>): Promise<void> {
    const t = this.world.schema.table(table);
    await this.world.cluster.gql(`mutation($input: ${table}Input!) { ${t.saveMutation}(input: $input) { uid } }`, { input });
  }

  private async delete(table: Table, uid: string): Promise<void> {
    const t = this.world.schema.table(table);
    await this.world.cluster.gql(`mutation($uid: String!) { ${t.deleteMutation}(uid: $uid) { uid } }`, { uid });
  }

  /** Live rows of this run, oldest first. */
  private async rows(table: Table): Promise<string[]> {
    const like = `${this.world.tag}%`;
    const sql: Record<Table, string> = {
      User: 'select uid::text from app_user where name like $1 and deleted_at is null order by created_at, uid',
      Group: 'select uid::text from app_group where name like $1 and deleted_at is null order by created_at, uid',
      UserDocument: 'select uid::text from user_document where title like $1 and deleted_at is null order by created_at, uid',
      UserGroup: `select m.uid::text from user_group m join app_group g on g.uid = m.group_uid
                  where g.name like $1 and m.deleted_at is null order by m.created_at, m.uid`,
      UserDocumentEvent: `select e.uid::text from user_document_event e join user_document d on d.uid = e.document_uid
                  where d.title like $1 and e.deleted_at is null order by e.created_at, e.uid`,
    };
    return (await this.world.cluster.sql<{ uid: string }>(sql[table], [like])).map((r) => r.uid);
  }
}

function pickFrom<T>(rows: T[], n: number): T | undefined {
  return rows.length ? rows[n % rows.length] : undefined;
}
