-- A member may be `invited`: added, but not able to act until its invitation is accepted (Rooms' Pending).
ALTER TABLE members DROP CONSTRAINT members_status_check;
ALTER TABLE members ADD CONSTRAINT members_status_check CHECK (status IN ('active', 'deactivated', 'invited'));
