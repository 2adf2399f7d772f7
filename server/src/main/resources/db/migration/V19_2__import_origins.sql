-- Where an import created a Rooms object anew (dev.gatehouse.bulk): regions, offices and rooms are numbered by
-- deployment-wide sequences, so an export's ids cannot be kept in the organization it is imported into. An object line
-- that creates its object records here which exported id it came from, and every later line of the organization that
-- names that id (an office's region, a room's office, an assignment on the room, a profile's offices) names the new
-- object; an import of the same lines again finds it here rather than creating it twice.

CREATE TABLE import_origins (
    org_id       bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    object_type  text NOT NULL CHECK (object_type IN ('region', 'office', 'room')),
    exported_id  integer NOT NULL,
    local_id     integer NOT NULL,
    PRIMARY KEY (org_id, object_type, exported_id)
);
