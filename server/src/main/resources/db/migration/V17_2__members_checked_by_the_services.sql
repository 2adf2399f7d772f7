-- A member's organization and company role are checked by the services that write it, under the organization's
-- row lock that every write of the organization takes (the role is found in the organization in the same
-- transaction; a role a member holds is not deleted, role_in_use; a deleted organization's members are deleted
-- just before its row, and their keys, grants, groups and room places with them, by the keys to members that stay).
-- PostgreSQL's two foreign keys checked the same again for every row, each check a lookup and a row lock: about
-- 8 of the 15 µs a row of a bulk import's COPY cost it. They go; the index on role_id stays for the holders' count.
ALTER TABLE members
    DROP CONSTRAINT members_org_id_fkey,
    DROP CONSTRAINT members_role_id_fkey;
