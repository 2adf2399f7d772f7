-- DocuSign Rooms dialect (dev.gatehouse.room): what Rooms knows about rooms and users that Gatehouse's core
-- does not. Who holds which role in a room stays in `assignments` (resource type 'room', resource id = the
-- room id in decimal); these tables only add Rooms' metadata. Rooms ids are 32-bit integers.

CREATE SEQUENCE room_ids AS integer;

CREATE TABLE rooms (
    id                   integer PRIMARY KEY DEFAULT nextval('room_ids'),
    org_id               bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name                 text NOT NULL,
    office_id            integer,
    status               text NOT NULL CHECK (status IN ('active', 'pending', 'closed')),
    owner_ids            bigint[] NOT NULL,
    -- member ids; no foreign keys: a room outlives the member who created it
    created_by           bigint,
    transaction_side_id  text,
    template_id          integer,
    listing_source       text,
    field_data           jsonb,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL
);
ALTER SEQUENCE room_ids OWNED BY rooms.id;
CREATE INDEX rooms_org ON rooms (org_id, id);

-- Rooms' per-room user fields. While access is revoked the member's assignment is removed (so no decision
-- sees it) and the role it held is kept here, to be given back on restore.
CREATE TABLE room_users (
    room_id              integer NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    member_id            bigint NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    org_id               bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    invited_by           bigint,
    transaction_side_id  text,
    revoked_role_id      bigint REFERENCES roles (id),
    revoked_at           timestamptz,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    PRIMARY KEY (room_id, member_id),
    CHECK ((revoked_role_id IS NULL) = (revoked_at IS NULL))
);
CREATE INDEX room_users_member ON room_users (member_id);
CREATE INDEX room_users_revoked_role ON room_users (revoked_role_id) WHERE revoked_role_id IS NOT NULL;

-- Rooms' company-user fields. A member without a row here has the defaults (see RoomsProfile).
CREATE TABLE rooms_profiles (
    member_id                    bigint PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    org_id                       bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    access_level                 text NOT NULL CHECK (access_level IN ('Contributor', 'Office', 'Region', 'Company', 'Admin')),
    default_office_id            integer,
    title_id                     integer,
    offices                      integer[] NOT NULL,
    regions                      integer[] NOT NULL,
    esign_permission_profile_id  text,
    lock_reason                  text,
    created_at                   timestamptz NOT NULL,
    updated_at                   timestamptz NOT NULL
);
CREATE INDEX rooms_profiles_org ON rooms_profiles (org_id);
