-- Every object an import created or found for an exported id of a region, office or room (dev.gatehouse.bulk): an id
-- may stand for several objects, one per export that used it — an organization's own object of that id, and one
-- created for each foreign export whose line of that id was created at another time (the line's created_at tells them
-- apart). import_origins keeps what the id names now (the object the last line naming it found or created), for the
-- lines that name it without a date; this table keeps the others, so that an export imported again finds the object
-- it created the first time rather than creating it once more. A node of an older build, during a rolling upgrade
-- (docs/deployment.md), keeps reading and writing import_origins alone, as before.

CREATE TABLE import_origin_objects (
    org_id       bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    object_type  text NOT NULL CHECK (object_type IN ('region', 'office', 'room')),
    exported_id  integer NOT NULL,
    local_id     integer NOT NULL,
    PRIMARY KEY (org_id, object_type, exported_id, local_id)
);

INSERT INTO import_origin_objects (org_id, object_type, exported_id, local_id)
SELECT org_id, object_type, exported_id, local_id FROM import_origins;
