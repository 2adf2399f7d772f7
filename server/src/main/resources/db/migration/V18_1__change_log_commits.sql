-- The last revision of the transaction that wrote the record: the records of one commit (a member's removal with its
-- assignments, an import chunk, the writes a group commit shares) carry the same value, so every reader of the log
-- can apply them as the one unit they were committed as. NULL in rows written before this column: each such row
-- counts as a commit of its own.
ALTER TABLE change_log ADD COLUMN commit_last bigint;
