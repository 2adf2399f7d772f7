-- Offices and regions of a `rooms` organization (dev.gatehouse.office): real objects that Rooms users,
-- rooms and the native API refer to by id. Rooms ids are 32-bit integers, each kind from its own sequence.
-- Ids stored in rooms and rooms_profiles before this migration are kept as they are; new writes are checked.

CREATE SEQUENCE region_ids AS integer;

CREATE TABLE regions (
    id          integer PRIMARY KEY DEFAULT nextval('region_ids'),
    org_id      bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name        text NOT NULL,
    version     integer NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
ALTER SEQUENCE region_ids OWNED BY regions.id;
CREATE INDEX regions_org ON regions (org_id, id);

CREATE SEQUENCE office_ids AS integer;

CREATE TABLE offices (
    id            integer PRIMARY KEY DEFAULT nextval('office_ids'),
    org_id        bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name          text NOT NULL,
    -- an office in a region keeps the region from being deleted
    region_id     integer REFERENCES regions (id),
    address1      text,
    address2      text,
    city          text,
    state_id      text,
    postal_code   text,
    country_id    text,
    time_zone_id  text,
    phone         text,
    version       integer NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
ALTER SEQUENCE office_ids OWNED BY offices.id;
CREATE INDEX offices_org ON offices (org_id, id);
CREATE INDEX offices_region ON offices (region_id) WHERE region_id IS NOT NULL;

-- When the user's Rooms invitation was last sent (invite_user, reinvite); null for members added otherwise.
ALTER TABLE rooms_profiles ADD COLUMN invited_at timestamptz;
