-- Reconnect from the change log (docs/design.md, "Reconnect from the change log"): what a stamp
-- needs to be trusted. A scope's stamp names the database incarnation it was taken in, and the
-- log must still hold every entry since it; each of these objects answers one of those questions.

-- The incarnation: a random id in an UNLOGGED table. PostgreSQL empties unlogged tables when it
-- recovers from a crash, a restored base backup and a promoted standby have them empty too, so any
-- history that may have lost a tail (or may reuse transaction ids) gets a new id on first use, and
-- stamps taken before it are not trusted.
create unlogged table sync_incarnation (
    one boolean primary key default true check (one),
    id  uuid not null
);

create function sync_incarnation() returns uuid
    language plpgsql volatile as
$$
declare
    current uuid := (select id from sync_incarnation);
begin
    if current is null then
        insert into sync_incarnation (id) values (gen_random_uuid()) on conflict (one) do nothing;
        current := (select id from sync_incarnation);
    end if;
    return current;
end
$$;

-- The change log's pruned horizon: the largest transaction id whose entries were deleted. A stamp
-- whose transaction-id watermark is above it still has all its entries; anything else falls back to
-- the full comparison. Kept by triggers, so every deletion counts (the tailers' pruning, a manual
-- delete, a truncate), not only the ones the engine makes.
create table sync_log_horizon (
    one            boolean primary key default true check (one),
    pruned_through xid8 not null
);
insert into sync_log_horizon (pruned_through) values ('0'::xid8);

create function sync_log_pruned() returns trigger
    language plpgsql as
$$
begin
    update sync_log_horizon
       set pruned_through = greatest(pruned_through, coalesce((select tx from gone order by tx desc limit 1), '0'::xid8));
    return null;
end
$$;

create function sync_log_truncated() returns trigger
    language plpgsql as
$$
begin
    update sync_log_horizon set pruned_through = greatest(pruned_through, pg_current_xact_id());
    return null;
end
$$;

create trigger sync_change_pruned after delete on sync_change
    referencing old table as gone for each statement execute function sync_log_pruned();
create trigger sync_change_truncated after truncate on sync_change
    for each statement execute function sync_log_truncated();

-- Tombstone purges (sync/retention/TombstonePurger): a purge deletes rows without a log entry, so
-- a client holding one of them must be answered by the full comparison (which drops it).
create table sync_purge (
    tx         xid8        not null default pg_current_xact_id(),
    table_name text        not null,
    purged     integer     not null,
    purged_at  timestamptz not null default now()
);
create index sync_purge_tx_idx on sync_purge (table_name, tx);

-- A truncated synced table loses rows without a log entry: it moves the horizon like a truncated
-- log does. sync_enable_table (as in V22, plus that trigger) adds it to new tables; the loop below
-- to the tables enabled before.
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
    execute format('drop trigger if exists %I on %s', name || '_truncated', target);
    execute format('create trigger %I after truncate on %s for each statement execute function sync_log_truncated()',
                   name || '_truncated', target);
end
$$;

do
$$
declare
    t record;
begin
    for t in select distinct tg.tgrelid::regclass as target from pg_trigger tg join pg_proc p on p.oid = tg.tgfoid
             where p.proname = 'sync_log_change' and not tg.tgisinternal loop
        execute format('drop trigger if exists %I on %s', (select relname from pg_class where oid = t.target) || '_truncated', t.target);
        execute format('create trigger %I after truncate on %s for each statement execute function sync_log_truncated()',
                       (select relname from pg_class where oid = t.target) || '_truncated', t.target);
    end loop;
end
$$;
