-- Bounded change-log rows and reads.
--
-- delta: what a change did when the object's snapshot would not say it compactly; a group's member changes
-- are recorded as {"members_added": [...], "members_removed": [...]} instead of the whole member list twice.
-- size_bytes: the UTF-8 size of before, after and delta as stored, so event pages and tailer reads can stop at
-- a byte budget without reading the documents themselves.
ALTER TABLE change_log ADD COLUMN delta jsonb;
ALTER TABLE change_log ADD COLUMN size_bytes integer NOT NULL DEFAULT 0;
UPDATE change_log SET size_bytes = coalesce(octet_length(before::text), 0) + coalesce(octet_length(after::text), 0);
