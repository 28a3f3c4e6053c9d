-- Engine objects shared by every synced table.

-- One counter for the whole database: every write of any synced row takes the next value,
-- so versions order all changes the server made, whatever the client clocks say.
create sequence sync_version_seq;

-- Assigns a fresh version on every insert and update, for every write path
-- (Hibernate, bulk updates, cascades, manual SQL).
create function sync_bump_version() returns trigger
    language plpgsql as
$$
begin
    new.version := nextval('sync_version_seq');
    return new;
end
$$;
