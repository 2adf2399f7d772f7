-- Nodes of a build before V21_2 keep running against this schema during a rolling upgrade, and know no name_key:
-- renaming a role or group they set its name and leave its key as it was, the key of the name it had. That stale key
-- kept the old name from every other role or group of the organization (409 naming the renamed one) for good. A
-- rename that does not set the key in the same statement now clears it: the row is then keyless, as the rows an old
-- node creates are, and current nodes compare new names with it by folding its name themselves (dev.gatehouse.sql.NameKey).
-- Current nodes set the key of a renamed row themselves (RoleStore.update, GroupStore.update), in a statement of
-- their own that does not set the name.

CREATE FUNCTION renamed_without_name_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.name_key := NULL;
    RETURN NEW;
END
$$;

CREATE TRIGGER roles_renamed_without_name_key BEFORE UPDATE OF name ON roles FOR EACH ROW
    WHEN (NEW.name IS DISTINCT FROM OLD.name AND NEW.name_key IS NOT DISTINCT FROM OLD.name_key)
    EXECUTE FUNCTION renamed_without_name_key();

CREATE TRIGGER groups_renamed_without_name_key BEFORE UPDATE OF name ON groups FOR EACH ROW
    WHEN (NEW.name IS DISTINCT FROM OLD.name AND NEW.name_key IS NOT DISTINCT FROM OLD.name_key)
    EXECUTE FUNCTION renamed_without_name_key();
