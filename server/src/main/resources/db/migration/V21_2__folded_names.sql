-- Role and group names are unique per organization ignoring case by full case folding (dev.gatehouse.sql.NameKey:
-- Straße is STRASSE, ΟΔΟΣ is οδος), which PostgreSQL's lower() is not. The node computes each name's key and stores
-- it beside the name; the unique indexes below hold it under concurrent writes. A null key is a row whose key is not
-- stored: one written by a previous build (which knows no key) during a rolling upgrade, or one whose name folds to
-- a key another row of its organization already held when V21_3 computed the keys (both rows are kept). The node
-- still compares new names with such rows, folding their names itself.
-- The unique indexes on lower(name) (roles_org_name, groups_org_name) stay: a previous build relies on them, and
-- names lower() calls equal remain one name.

ALTER TABLE roles ADD COLUMN name_key text;
CREATE UNIQUE INDEX roles_org_name_key ON roles (org_id, name_key) WHERE name_key IS NOT NULL;

ALTER TABLE groups ADD COLUMN name_key text;
CREATE UNIQUE INDEX groups_org_name_key ON groups (org_id, name_key) WHERE name_key IS NOT NULL;
