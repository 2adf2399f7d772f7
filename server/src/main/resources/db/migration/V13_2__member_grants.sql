-- Per-member grants (dev.gatehouse.grant): permissions one member holds beside its company role, within the bounds
-- of its organization's model (model JSON member_grants: which permissions, to members of which system roles).
-- One row per member holding at least one grant; the set is replaced whole, so a write is one row and one
-- 'member_grants' change record. Removing the member removes its row.

CREATE TABLE member_grants (
    org_id      bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    member_id   bigint NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    permissions text[] NOT NULL CHECK (cardinality(permissions) > 0),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (org_id, member_id)
);
CREATE INDEX member_grants_member ON member_grants (member_id);
