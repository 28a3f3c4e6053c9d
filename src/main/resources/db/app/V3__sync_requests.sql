-- Outcomes of past syncs, by the client-made sync id, so that a replayed sync (its answer was
-- lost) re-applies nothing and reports the same outcome (invariant I4).
create table sync_request (
    sync_id     text primary key,
    fingerprint text        not null,
    outcomes    text,
    created_at  timestamptz not null default now()
);
create index sync_request_created_at_idx on sync_request (created_at);

-- Text compares by code point ("C" collation) everywhere: in SQL, in the engine's in-memory scope
-- matching and in clients, so a row is in or out of a scope the same way for all of them.
alter table app_user alter column name type text collate "C", alter column email type text collate "C";
alter table app_group alter column name type text collate "C";
alter table user_document alter column title type text collate "C";
alter table user_document_event alter column kind type text collate "C", alter column payload type text collate "C";

-- Tombstone purge looks rows up by deletion time.
create index app_user_deleted_at_idx on app_user (deleted_at) where deleted_at is not null;
create index app_group_deleted_at_idx on app_group (deleted_at) where deleted_at is not null;
create index user_group_deleted_at_idx on user_group (deleted_at) where deleted_at is not null;
create index user_document_deleted_at_idx on user_document (deleted_at) where deleted_at is not null;
create index user_document_event_deleted_at_idx on user_document_event (deleted_at) where deleted_at is not null;
