-- Time-bound resource assignments: a role held until `expires_at` (null: until removed). When a node's
-- clock reaches it, that node's expiry job removes the assignment as a change of its own (action `expired`), which
-- every node applies like any other change.
ALTER TABLE assignments ADD COLUMN expires_at timestamptz;
CREATE INDEX assignments_expiry ON assignments (expires_at) WHERE expires_at IS NOT NULL;
