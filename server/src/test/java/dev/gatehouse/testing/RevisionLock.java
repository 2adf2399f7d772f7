package dev.gatehouse.testing;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Holds the change log's revision lock — the lock every write takes last, to append its records, and holds through
 * its commit — from a test's own transaction, so that a test can have the server's writes stop just before they
 * commit, having done everything else, and watch them wait, instead of relying on timing. Not thread-safe; one test
 * thread owns it.
 */
public final class RevisionLock implements AutoCloseable {

    /** {@code ChangeLogStore}'s advisory lock. */
    private static final long REVISION_LOCK = 0x6761746568L;

    private final Jdbi jdbi;
    private final Handle handle;
    private boolean held = true;

    private RevisionLock(Jdbi jdbi) {
        this.jdbi = jdbi;
        this.handle = jdbi.open();
        handle.begin();
        handle.createQuery("SELECT CAST(pg_advisory_xact_lock(:k) AS text)").bind("k", REVISION_LOCK)
                .mapTo(String.class).one();
    }

    /** Takes the revision lock in the node's database. */
    public static RevisionLock hold(TestNode node) {
        return new RevisionLock(node.node().core().store().jdbi());
    }

    /** How many of the server's statements wait for a lock right now (this one, a row's, or any other). */
    public int waiters() {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                + "current_database() AND wait_event_type = 'Lock'").mapTo(Integer.class).one());
    }

    /** Commits the test's transaction: the waiting writes commit, in the order they took the lock. */
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
