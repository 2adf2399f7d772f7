-- The expiry job deletes one organization's ended assignments at a time. With only `assignments_expiry`
-- (expires_at) to go by, PostgreSQL planned that delete — for any parameters, as it plans a statement run often —
-- as a walk of all the organization's assignments by primary key. This index holds only time-bound assignments,
-- like the other, so it costs nothing to the rest.
CREATE INDEX assignments_org_expiry ON assignments (org_id, expires_at) WHERE expires_at IS NOT NULL;
