-- The engine's objects for every app, and sync_enable_table: adding a synced table is its
-- "create table" plus "select sync_enable_table('<table>');" in the app's migrations (docs/adding-a-table.md).
--
-- sync_request and sync_change were first created by the demo's migrations V3 and V20 (written
-- before engine and app migrations were split; Flyway checks the checksums of applied migrations,
-- so they stay as they are). Hence "if not exists" here: a no-op for the demo, the creation for any other app.

create table if not exists sync_request (
    sync_id     text primary key,
    fingerprint text        not null,
    outcomes    text,
    created_at  timestamptz not null default now()
);
create index if not exists sync_request_created_at_idx on sync_request (created_at);

create table if not exists sync_change (
    id          bigint generated always as identity primary key,
    tx          xid8        not null default pg_current_xact_id(),
    table_name  text        not null,
    row_uid     uuid        not null,
    row_version bigint      not null,
    deleted     boolean     not null,
    old_row     jsonb,
    changed_at  timestamptz not null default clock_timestamp()
);
create index if not exists sync_change_tx_idx on sync_change (tx);
create index if not exists sync_change_changed_at_idx on sync_change (changed_at);

-- One row per written synced row, in the writing transaction; the notification carries the
-- transaction id only, once per transaction, delivered at commit (docs: README "Realtime").
create or replace function sync_log_change() returns trigger
    language plpgsql as
$$
begin
    insert into sync_change (table_name, row_uid, row_version, deleted, old_row)
    values (tg_table_name, new.uid, new.version, new.deleted_at is not null,
            case when tg_op = 'UPDATE' then to_jsonb(old) end);
    perform pg_notify('sync_change', pg_current_xact_id()::text);
    return null;
end
$$;

-- Makes a table synced: checks its sync columns, makes its text columns compare by code point
-- ("C", as the engine's in-memory scope matching and clients do), indexes what the engine looks
-- rows up by (version, tombstones, each single-column foreign key), and adds the version and
-- change-log triggers. Idempotent: call it again after adding columns or foreign keys.
create or replace function sync_enable_table(target regclass) returns void
    language plpgsql as
$$
declare
    name      text := (select relname from pg_class where oid = target);
    c_oid     oid  := (select oid from pg_collation where collname = 'C' and collnamespace = 'pg_catalog'::regnamespace);
    required  text[][] := array[['uid', 'uuid'], ['created_at', 'timestamp with time zone'],
                                ['updated_at', 'timestamp with time zone'], ['deleted_at', 'timestamp with time zone'],
                                ['version', 'bigint']];
    col       record;
begin
    for i in 1 .. array_length(required, 1) loop
        if not exists (select 1 from pg_attribute
                       where attrelid = target and attname = required[i][1] and not attisdropped
                         and format_type(atttypid, atttypmod) = required[i][2]) then
            raise exception 'sync_enable_table(%): the table needs the column % %', target, required[i][1], required[i][2]
                using hint = 'every synced table has uid uuid primary key, created_at, updated_at, deleted_at timestamptz and version bigint not null default 0';
        end if;
    end loop;
    if not exists (select 1 from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
                   where c.conrelid = target and c.contype = 'p' and array_length(c.conkey, 1) = 1 and a.attname = 'uid') then
        raise exception 'sync_enable_table(%): uid must be the primary key', target;
    end if;

    for col in select attname, format_type(atttypid, atttypmod) as type from pg_attribute
               where attrelid = target and attnum > 0 and not attisdropped
                 and atttypid in ('text'::regtype, 'varchar'::regtype, 'bpchar'::regtype) and attcollation <> c_oid loop
        execute format('alter table %s alter column %I type %s collate "C"', target, col.attname, col.type);
    end loop;

    execute format('create index if not exists %I on %s (version)', name || '_version_idx', target);
    execute format('create index if not exists %I on %s (deleted_at) where deleted_at is not null',
                   name || '_deleted_at_idx', target);
    for col in select a.attname from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
               where c.conrelid = target and c.contype = 'f' and array_length(c.conkey, 1) = 1 loop
        execute format('create index if not exists %I on %s (%I)', name || '_' || col.attname || '_idx', target, col.attname);
        execute format('create index if not exists %I on %s (%I) where deleted_at is null',
                       name || '_' || col.attname || '_live_idx', target, col.attname);
    end loop;

    execute format('drop trigger if exists %I on %s', name || '_version', target);
    execute format('create trigger %I before insert or update on %s for each row execute function sync_bump_version()',
                   name || '_version', target);
    execute format('drop trigger if exists %I on %s', name || '_change', target);
    execute format('create trigger %I after insert or update on %s for each row execute function sync_log_change()',
                   name || '_change', target);
end
$$;
