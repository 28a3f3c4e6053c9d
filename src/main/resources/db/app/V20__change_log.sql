-- Change log for realtime (DESIGN §5): one row per written synced row, in the same transaction
-- as the write, so an event is never lost after a commit nor sent for a rolled-back write.

create table sync_change (
    id          bigint generated always as identity primary key,
    -- The writing transaction: tailers read by transaction-id watermark, never by "id > last seen",
    -- because ids are taken at write time but become visible at commit (graphql-engine #8632).
    tx          xid8        not null default pg_current_xact_id(),
    table_name  text        not null,
    row_uid     uuid        not null,
    row_version bigint      not null,
    deleted     boolean     not null,
    -- The row before an update (null for an insert): lets subscribers learn that a row left their scope.
    old_row     jsonb,
    changed_at  timestamptz not null default clock_timestamp()
);

create index sync_change_tx_idx on sync_change (tx);
create index sync_change_changed_at_idx on sync_change (changed_at);

-- One generic function for every synced table; adding a table means one "create trigger" line below.
-- The notification carries the transaction id only (never row data), once per transaction
-- (PostgreSQL folds identical notifications of one transaction), and is delivered at commit.
create function sync_log_change() returns trigger
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

create trigger app_user_change after insert or update on app_user
    for each row execute function sync_log_change();
create trigger app_group_change after insert or update on app_group
    for each row execute function sync_log_change();
create trigger user_group_change after insert or update on user_group
    for each row execute function sync_log_change();
create trigger user_document_change after insert or update on user_document
    for each row execute function sync_log_change();
create trigger user_document_event_change after insert or update on user_document_event
    for each row execute function sync_log_change();
