package dev.gatehouse.testing;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Holds an organization's row lock — the lock every write of that organization takes first — from a test's
 * own transaction, so that a test can queue the server's writes behind it in a known order and watch them
 * wait, instead of relying on timing. Not thread-safe; one test thread owns it.
 */
public final class OrgRowLock implements AutoCloseable {

    private final Jdbi jdbi;
    private final Handle handle;
    private boolean held = true;

    private OrgRowLock(Jdbi jdbi, long orgId) {
        this.jdbi = jdbi;
        this.handle = jdbi.open();
        handle.begin();
        handle.createQuery("SELECT 1 FROM organizations WHERE id = :id FOR UPDATE").bind("id", orgId)
                .mapTo(Integer.class).one();
    }

    /** Takes the row lock of {@code orgId} in the node's database. */
    public static OrgRowLock hold(TestNode node, long orgId) {
        return new OrgRowLock(node.node().core().store().jdbi(), orgId);
    }

    /** How many of the server's transactions wait for an organization's row lock right now. */
    public int waiters() {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                        + "current_database() AND wait_event_type = 'Lock' AND query LIKE '%FROM organizations WHERE "
                        + "id = % FOR UPDATE%'").mapTo(Integer.class).one());
    }

    /** How many of the server's statements wait for a lock of any row right now (a foreign key's check too). */
    public int lockWaits() {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                + "current_database() AND wait_event_type = 'Lock'").mapTo(Integer.class).one());
    }

    /** Commits the test's transaction: the queued writes proceed, in the order they queued. */
    public void release() {
        if (held) {
            held = false;
            handle.commit();
            handle.close();
        }
    }

    @Override
    public void close() {
        release();
    }
}
