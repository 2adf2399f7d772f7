-- The identity of this deployment's change log: one random id, created with the database, that every node sends with
-- the snapshot and the change stream (Gatehouse-Deployment; replication/ReplicationService). Revisions number one
-- history; a follower that finds another id behind the same URL (a deployment re-created by export and import, a new
-- cluster) loads a fresh snapshot instead of applying another history's revisions on top of what it holds. A database
-- restored from a backup keeps the id of the deployment it was taken from.
CREATE TABLE deployment (
    one_row     boolean PRIMARY KEY DEFAULT true CHECK (one_row),
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    created_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO deployment DEFAULT VALUES;
