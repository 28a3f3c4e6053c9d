-- Who created each user and group (set by the server from the caller's token, never by clients):
-- the demo's row policies let a creator see the users and groups they made, a group before anyone
-- joined it included (README "Identity and row policies").
alter table app_user add column created_by uuid;
alter table app_group add column created_by uuid;
create index app_user_created_by_idx on app_user (created_by);
create index app_group_created_by_idx on app_group (created_by);
