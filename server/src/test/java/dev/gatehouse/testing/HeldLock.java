package dev.gatehouse.testing;

import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * A lock of the node's database held from a test's own transaction, so that a test can have the server's writes
 * wait for it in a known order and watch them wait, instead of relying on timing; releasing it lets them go. The
 * locks themselves are {@link OrgRowLock} and {@link RevisionLock}. Not thread-safe; one test thread owns it.
 */
public abstract class HeldLock implements AutoCloseable {

    final Jdbi jdbi;
    private final Handle handle;
    private boolean held = true;

    /** Opens the test's transaction and takes the lock with {@code take}, run in it. */
    HeldLock(Jdbi jdbi, Consumer<Handle> take) {
        this.jdbi = jdbi;
        this.handle = jdbi.open();
        handle.begin();
        take.accept(handle);
    }

    /** How many of the server's statements wait for a lock of any kind right now (a row's, an advisory one). */
    public int lockWaits() {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                + "current_database() AND wait_event_type = 'Lock'").mapTo(Integer.class).one());
    }

    /** Commits the test's transaction: the waiting writes proceed, in the order they waited. */
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
