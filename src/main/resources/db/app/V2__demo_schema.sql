-- The demo domain of DESIGN.md §2. Every table carries the sync columns:
-- uid (made by the client), created_at, updated_at, deleted_at (tombstone), version.

create table app_user (
    uid        uuid primary key,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    deleted_at timestamptz,
    version    bigint      not null default 0,
    name       text        not null,
    email      text
);

create table app_group (
    uid        uuid primary key,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    deleted_at timestamptz,
    version    bigint      not null default 0,
    name       text        not null
);

create table user_group (
    uid        uuid primary key,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    deleted_at timestamptz,
    version    bigint      not null default 0,
    user_uid   uuid        not null references app_user (uid),
    group_uid  uuid        not null references app_group (uid)
);

create table user_document (
    uid        uuid primary key,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    deleted_at timestamptz,
    version    bigint      not null default 0,
    user_uid   uuid        not null references app_user (uid),
    title      text        not null
);

create table user_document_event (
    uid          uuid primary key,
    created_at   timestamptz not null,
    updated_at   timestamptz not null,
    deleted_at   timestamptz,
    version      bigint      not null default 0,
    document_uid uuid        not null references user_document (uid),
    kind         text        not null,
    payload      text
);

-- Foreign keys: scope traversal, relation fields and the tombstone cascade look rows up by them.
-- Partial indexes on live rows serve the default (includeDeleted = false) queries and the cascade.
create index user_group_user_uid_idx on user_group (user_uid);
create index user_group_group_uid_idx on user_group (group_uid);
create index user_group_user_live_idx on user_group (user_uid) where deleted_at is null;
create index user_group_group_live_idx on user_group (group_uid) where deleted_at is null;
create index user_document_user_uid_idx on user_document (user_uid);
create index user_document_event_document_uid_idx on user_document_event (document_uid);

-- "What changed since version N" for sync and for catching up after a disconnection.
create index app_user_version_idx on app_user (version);
create index app_group_version_idx on app_group (version);
create index user_group_version_idx on user_group (version);
create index user_document_version_idx on user_document (version);
create index user_document_event_version_idx on user_document_event (version);

create trigger app_user_version before insert or update on app_user
    for each row execute function sync_bump_version();
create trigger app_group_version before insert or update on app_group
    for each row execute function sync_bump_version();
create trigger user_group_version before insert or update on user_group
    for each row execute function sync_bump_version();
create trigger user_document_version before insert or update on user_document
    for each row execute function sync_bump_version();
create trigger user_document_event_version before insert or update on user_document_event
    for each row execute function sync_bump_version();
