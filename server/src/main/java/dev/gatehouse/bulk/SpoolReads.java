package dev.gatehouse.bulk;

import dev.gatehouse.error.UnavailableException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * How many reads of one kind (exports, replica snapshots) fill a {@link Spool} from the database at once on one node.
 * A spooled read gives its connection back before its client reads a byte, but the read itself is heavy: an
 * organization of 100,000 members takes seconds, and as many of them at once as the node has connections (8 by
 * default, shared by every tenant's writes, the webhook deliveries and the change feed) still left nothing for
 * anyone else. So at most {@value #AT_ONCE} read at once; one more waits for its turn, first come first served, up
 * to {@value #WAIT_SECONDS} s, then is 503 with {@code Retry-After}: a node refuses a heavy read rather than delay
 * every other tenant. What is copied to the client afterwards holds no turn. Thread-safe.
 */
public final class SpoolReads {

    /** Reads of one kind at once: two exports and two snapshots leave half of the default pool to everything else. */
    static final int AT_ONCE = 2;
    /** How long a read waits for its turn before it is refused. */
    static final int WAIT_SECONDS = 10;

    private final Semaphore turns = new Semaphore(AT_ONCE, true);
    private final String code;
    private final String what;

    /** @param code the refusal's code ({@code exports_busy}); @param what the reads, named in its detail */
    public SpoolReads(String code, String what) {
        this.code = code;
        this.what = what;
    }

    /**
     * Runs {@code read} (which fills a spool and returns its revision) in its turn; 503 {@code code} when no turn
     * comes within the wait.
     */
    public long read(LongSupplier read) {
        boolean taken;
        try {
            taken = turns.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("node_stopping", "this node is stopping; ask another");
        }
        if (!taken) {
            throw new UnavailableException(code, "this node reads " + AT_ONCE + " " + what + " from the database "
                    + "already and none ended within " + WAIT_SECONDS + " s; retry later", WAIT_SECONDS);
        }
        try {
            return read.getAsLong();
        } finally {
            turns.release();
        }
    }
}
