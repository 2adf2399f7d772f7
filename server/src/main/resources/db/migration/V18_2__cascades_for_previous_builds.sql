-- Nodes of the previous builds keep running against this schema during a rolling upgrade (docs/deployment.md,
-- "Upgrading"), and they delete as the foreign keys that V16_3 and V17_2 dropped had them delete: an organization
-- by its assignments and its row (its members followed by cascade), a member by its row (its assignments followed).
-- Against the schema without those keys such a deletion left the members and assignments of a deleted organization
-- behind, or a deleted member's assignments; a start then failed on them. The cascades come back as triggers, one
-- statement per deleting statement over the rows it deleted (not one per row): the current services delete those
-- rows themselves before the row they belong to, so each trigger's delete finds nothing, through an index that
-- starts with the deleted row's id (members_org_user, the assignments' primary key, assignments_member). A member's
-- keys, grants, groups and room places follow it by their own foreign keys, which stay.

-- what such deletions left before this migration
DELETE FROM members m WHERE NOT EXISTS (SELECT 1 FROM organizations o WHERE o.id = m.org_id);
DELETE FROM assignments a
WHERE NOT EXISTS (SELECT 1 FROM organizations o WHERE o.id = a.org_id)
   OR NOT EXISTS (SELECT 1 FROM members m WHERE m.id = a.member_id);

CREATE FUNCTION organizations_deleted_cascade() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM assignments a USING deleted_organizations d WHERE a.org_id = d.id;
    DELETE FROM members m USING deleted_organizations d WHERE m.org_id = d.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER organizations_deleted_cascade AFTER DELETE ON organizations
    REFERENCING OLD TABLE AS deleted_organizations
    FOR EACH STATEMENT EXECUTE FUNCTION organizations_deleted_cascade();

CREATE FUNCTION members_deleted_cascade() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM assignments a USING deleted_members d WHERE a.org_id = d.org_id AND a.member_id = d.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER members_deleted_cascade AFTER DELETE ON members
    REFERENCING OLD TABLE AS deleted_members
    FOR EACH STATEMENT EXECUTE FUNCTION members_deleted_cascade();
