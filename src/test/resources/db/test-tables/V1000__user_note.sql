-- A test-only synced table (dev.tidemark.addedtable.UserNote): its table, then the engine call.
create table user_note (
    uid        uuid primary key,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    deleted_at timestamptz,
    version    bigint      not null default 0,
    user_uid   uuid        not null references app_user (uid),
    body       text        not null,
    tag        text
);

select sync_enable_table('user_note');
