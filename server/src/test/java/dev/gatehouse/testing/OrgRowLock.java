package dev.gatehouse.testing;

/**
 * Holds an organization's row lock — the lock every write of that organization takes first — so that a test can
 * queue the server's writes behind it in a known order and watch them wait ({@link HeldLock}).
 */
public final class OrgRowLock extends HeldLock {

    private OrgRowLock(TestNode node, long orgId) {
        super(node.node().core().store().jdbi(), h -> h.createQuery("SELECT 1 FROM organizations WHERE id = :id FOR "
                + "UPDATE").bind("id", orgId).mapTo(Integer.class).one());
    }

    /** Takes the row lock of {@code orgId} in the node's database. */
    public static OrgRowLock hold(TestNode node, long orgId) {
        return new OrgRowLock(node, orgId);
    }

    /** How many of the server's transactions wait for an organization's row lock right now. */
    public int waiters() {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                        + "current_database() AND wait_event_type = 'Lock' AND query LIKE '%FROM organizations WHERE "
                        + "id = % FOR UPDATE%'").mapTo(Integer.class).one());
    }
}
