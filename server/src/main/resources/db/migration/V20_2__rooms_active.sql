-- Every room is active: Gatehouse has no review or closing flow for rooms (docs/dialects/rooms.md), and an import's
-- room line of another status is refused. Builds before this one stored such lines as given, and those rooms then
-- dropped out of their owners' lists and made the organization's export impossible to import; they become active.
-- Their last snapshot in the change log still shows the status they were imported with. A node of an older build
-- may still store one during a rolling upgrade (docs/deployment.md).
UPDATE rooms SET status = 'active' WHERE status <> 'active';
