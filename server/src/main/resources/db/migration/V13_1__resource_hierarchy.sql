-- The resource hierarchy (dev.gatehouse.resource): a resource of a type whose model declares a parent type may
-- name its parent, a resource of that type (a room its office, an office its region). A member's role on the
-- parent applies on the child unless the member holds a role on the child itself. Moving a resource is an update
-- of its one row. Resources that are not recorded here have no parent; assignments do not need a row here.

CREATE TABLE resources (
    org_id         bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    resource_type  text NOT NULL,
    resource_id    text NOT NULL,
    -- both null for a resource at the top; a parent with children cannot be deleted
    parent_type    text,
    parent_id      text,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (org_id, resource_type, resource_id),
    CHECK ((parent_type IS NULL) = (parent_id IS NULL)),
    FOREIGN KEY (org_id, parent_type, parent_id) REFERENCES resources (org_id, resource_type, resource_id)
);
CREATE INDEX resources_children ON resources (org_id, parent_type, parent_id, resource_type, resource_id)
    WHERE parent_id IS NOT NULL;
