-- Replica keys: read-only keys for GET /v1/snapshot and GET /v1/changes, for every organization (org_id NULL) or
-- one (org_id set). Like a service key they belong to no member; only member keys have a member_id.
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT conname FROM pg_constraint WHERE conrelid = 'api_keys'::regclass AND contype = 'c' LOOP
        EXECUTE format('ALTER TABLE api_keys DROP CONSTRAINT %I', c.conname);
    END LOOP;
END $$;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_kind_check CHECK (kind IN ('service', 'member', 'replica'));
ALTER TABLE api_keys ADD CONSTRAINT api_keys_member_check CHECK ((kind = 'member') = (member_id IS NOT NULL));
ALTER TABLE api_keys ADD CONSTRAINT api_keys_replica_check CHECK (kind <> 'service' OR org_id IS NULL);
CREATE INDEX api_keys_replica ON api_keys (id) WHERE kind = 'replica';
