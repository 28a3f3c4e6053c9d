/**
 * The data every server reads, loaded with SQL into the tables Tidemark's Flyway migrations made:
 * a scope owner, the users they created (the scope: `scopeRows` users, `eqRows` of them sharing
 * one email), one group they all belong to and groups of 100 besides; an index on email (the list
 * by `eq` on an indexed column); and the NOTIFY trigger PostGraphile's subscriptions and the floor
 * listen to.
 */
import { randomUUID } from 'node:crypto';

export const TEAM_EMAIL = 'team@bench';

/** Loads the rows; returns what the queries need: the owner, the group, the email and some uids. */
export async function loadData(sql, { scopeRows, eqRows }) {
  const owner = randomUUID();
  const group = randomUUID();
  const smallGroups = Math.max(1, Math.ceil(scopeRows / 100));
  await sql.query('create index if not exists bench_app_user_email_idx on app_user (email)');
  await sql.query(`insert into app_user (uid, created_at, updated_at, name, email, created_by)
                   values ($1, now(), now(), 'scope owner', 'owner@bench', $1)`, [owner]);
  await sql.query(`insert into app_user (uid, created_at, updated_at, name, email, created_by)
                   select gen_random_uuid(), now(), now(), 'user ' || i,
                          case when i <= $2 then $3 else 'user' || i || '@bench' end, $1
                   from generate_series(1, $4::int) i`, [owner, eqRows, TEAM_EMAIL, scopeRows - 1]);
  await sql.query(`insert into app_group (uid, created_at, updated_at, name, created_by)
                   values ($1, now(), now(), 'everyone', $2)`, [group, owner]);
  await sql.query(`insert into app_group (uid, created_at, updated_at, name, created_by)
                   select gen_random_uuid(), now(), now(), 'group ' || g, $1 from generate_series(1, $2::int) g`, [owner, smallGroups]);
  await sql.query(`insert into user_group (uid, created_at, updated_at, user_uid, group_uid)
                   select gen_random_uuid(), now(), now(), uid, $2 from app_user where created_by = $1`, [owner, group]);
  await sql.query(`insert into user_group (uid, created_at, updated_at, user_uid, group_uid)
                   select gen_random_uuid(), now(), now(), u.uid, g.uid
                   from (select uid, (row_number() over (order by uid)) % $2 as slot from app_user where created_by = $1) u
                   join (select uid, row_number() over (order by uid) - 1 as slot from app_group where name like 'group %') g
                     using (slot)`, [owner, smallGroups]);
  await sql.query('analyze');
  const { rows } = await sql.query('select uid from app_user where created_by = $1 order by random() limit 100', [owner]);
  return { owner, group, teamEmail: TEAM_EMAIL, lookupUids: rows.map((r) => r.uid) };
}

/**
 * The trigger of @graphile/pg-pubsub's documentation ("Simple subscriptions"): on every write of a
 * user it NOTIFYs `postgraphile:user:<email>` (the topic a subscriber listens to) with `__node__`,
 * the node PostGraphile reads back for each subscriber, whose type identifier is taken from a node id
 * PostGraphile made (the documentation's advice); the payload also carries the row, which the floor
 * sends as it is and PostGraphile ignores.
 */
export async function createNotifyTrigger(sql, nodeType) {
  await sql.query(`create or replace function bench_notify_user() returns trigger language plpgsql as $$
    begin
      perform pg_notify('postgraphile:user:' || coalesce(new.email, ''),
        json_build_object('__node__', json_build_array(${literal(nodeType)}, new.uid), 'row', row_to_json(new))::text);
      return new;
    end $$`);
  await sql.query(`create or replace trigger bench_notify_user after insert or update on app_user
                   for each row execute function bench_notify_user()`);
}

function literal(text) {
  return `'${String(text).replace(/'/g, "''")}'`;
}

/** The load generator's writer: one insert per transaction (autocommit) into a scope, on a connection of its own. */
export class Writer {
  constructor(client) {
    this.client = client;
  }

  /** Inserts a user with `email` = scope and `name`; resolves when the commit has returned. */
  async insert(scope, name) {
    await this.client.query({
      name: 'bench-insert',
      text: 'insert into app_user (uid, created_at, updated_at, name, email) values (gen_random_uuid(), now(), now(), $1, $2)',
      values: [name, scope],
    });
  }
}
