-- The index on assignments.role_id served one question: which assignments hold a role, asked when a role is
-- deleted or changes between internal and external (rare, under the organization's lock). Every assignment
-- written kept it up: a bulk import's COPY took 8.2 µs per row without it against 9.0 with it. The question
-- now walks the organization's own assignments by their primary key (org_id first); the member's index stays.
DROP INDEX assignments_role;
