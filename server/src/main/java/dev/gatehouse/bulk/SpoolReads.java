package dev.gatehouse.bulk;

import dev.gatehouse.limit.Places;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How many reads of one kind (exports, replica snapshots) fill a {@link Spool} from the database at once on one node.
 * A spooled read gives its connection back before its client reads a byte, but the read itself is heavy: an
 * organization of 100,000 members takes seconds, and as many of them at once as the node has connections (8 by
 * default, shared by every tenant's writes, the webhook deliveries and the change feed) still left nothing for
 * anyone else. So at most {@value #AT_ONCE} read at once; up to {@value #MAX_WAITING} more wait for their turn, first
 * come first served, each up to {@value #WAIT_SECONDS} s, then are 503 with {@code Retry-After}, and beyond those one
 * is refused at once ({@link Places}): a node refuses a heavy read rather than delay every other tenant, or hold its
 * request threads. What is copied to the client afterwards holds no turn. Thread-safe.
 */
public final class SpoolReads {

    /** Reads of one kind at once: two exports and two snapshots leave half of the default pool to everything else. */
    static final int AT_ONCE = 2;
    /** Reads of one kind that may wait for their turn at once (of the node's 250 request threads). */
    static final int MAX_WAITING = 16;
    /** How long a read waits for its turn before it is refused. */
    static final int WAIT_SECONDS = 10;

    private final Places turns;

    /** @param code the refusal's code ({@code exports_busy}); @param what the reads, named in its detail */
    public SpoolReads(String code, String what) {
        this.turns = new Places(AT_ONCE, MAX_WAITING, Duration.ofSeconds(WAIT_SECONDS), code,
                "reads " + AT_ONCE + " " + what + " from the database");
    }

    /**
     * Runs {@code read} (which fills a spool and returns its revision) in its turn; 503 {@code code} when no turn
     * comes in time, or too many wait already.
     */
    public long read(LongSupplier read) {
        return turns.hold(read::getAsLong);
    }
}
