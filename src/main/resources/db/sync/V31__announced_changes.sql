-- Announced changes (docs/design.md, "Announced changes"): the change-log trigger's notification carries
-- the entry and the row it wrote, so a tailer can deliver a small transaction without reading the log.
--
-- Each of a transaction's first 16 entries is announced as one JSON object: its transaction (x), log
-- id (i), ordinal in the transaction (n, counted in a transaction-local setting, which a rolled-back
-- savepoint rolls back with the entries and notifications it made), table (t), uid (u), version (v),
-- time (a), the row before the write (o) and after it (r). An entry past the 16th, or whose
-- announcement would not fit PostgreSQL's 8000-byte payload, is announced by its transaction id only,
-- as before (sent once: PostgreSQL folds identical notifications of a transaction). At the commit a
-- deferred trigger, queued by the first entry only, announces "end <tx> <entries>". Notifications
-- reach listeners after the commit, in commit order, each transaction's together; a tailer that lacks
-- any part of a transaction (or finds an entry after its end: SET CONSTRAINTS ... IMMEDIATE ran the end
-- early) reads the log as before.
--
-- A notification's payload can be read by any role that can connect to the database (LISTEN needs no
-- privilege on the tables). Where such roles must not see synced rows, turn the rows out of the
-- payloads: alter database <db> set tidemark.announce_rows = off (or per role / session); transactions
-- are then announced by their id only, and every tailer reads the log, as before these announcements.
create or replace function sync_log_change() returns trigger
    language plpgsql as
$$
declare
    n       integer := coalesce(nullif(current_setting('tidemark.logged', true), ''), '0')::integer + 1;
    old_row jsonb   := case when tg_op = 'UPDATE' then to_jsonb(old) end;
    entry   bigint;
    at      timestamptz;
    payload text;
begin
    perform set_config('tidemark.logged', n::text, true);
    insert into sync_change (table_name, row_uid, row_version, deleted, old_row)
    values (tg_table_name, new.uid, new.version, new.deleted_at is not null, old_row)
    returning id, changed_at into entry, at;
    if n <= 16 and coalesce(current_setting('tidemark.announce_rows', true), '') <> 'off' then
        payload := json_build_object('x', pg_current_xact_id()::text, 'i', entry, 'n', n, 't', tg_table_name,
                                     'u', new.uid, 'v', new.version, 'a', at, 'o', old_row, 'r', to_jsonb(new))::text;
    end if;
    if payload is null or octet_length(payload) > 7900 then
        payload := pg_current_xact_id()::text;
    end if;
    perform pg_notify('sync_change', payload);
    return null;
end
$$;

create function sync_log_end() returns trigger
    language plpgsql as
$$
begin
    perform pg_notify('sync_change', 'end ' || pg_current_xact_id()::text || ' ' || current_setting('tidemark.logged', true));
    return null;
end
$$;

create constraint trigger sync_change_end after insert on sync_change deferrable initially deferred
    for each row when (current_setting('tidemark.logged', true) = '1') execute function sync_log_end();
