-- A subscription's format: how its requests look and are signed, and which events it wants beyond its
-- object types and actions. 'gatehouse' is the native format; 'close' is Close's (subscriptions made through
-- the Close dialect's /api/v1/webhook/). options: the format's own settings as its API takes them (for
-- 'close': the event filters and verify_ssl), null for 'gatehouse'. created_by, updated_by: the member who
-- created, and who last changed, the subscription (null for a service key and for the system).
ALTER TABLE webhooks
    ADD COLUMN format text NOT NULL DEFAULT 'gatehouse' CHECK (format IN ('gatehouse', 'close')),
    ADD COLUMN options jsonb,
    ADD COLUMN created_by bigint,
    ADD COLUMN updated_by bigint;
