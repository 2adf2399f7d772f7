package dev.gatehouse.changelog;

/**
 * The newest revision that the database reads of the request a thread serves could have seen. A node's engine may
 * lag the database by a moment, so an answer read from the tables can hold changes newer than the node's applied
 * revision; its {@code Gatehouse-Revision} must cover them, or a {@code min_revision} taken from it would ask for
 * state older than the answer (a member just read, then not found by a check). The edge records around each
 * request ({@link #begin}, {@link #end}); a read of the store notes the log's newest revision after its query
 * ({@link #saw}), only while recording, so reads outside requests cost nothing more.
 *
 * <p>Per thread: a request is served by one thread from {@link #begin} to {@link #end}.
 */
public final class ReadRevision {

    private static final long NOT_RECORDING = -1;
    private static final ThreadLocal<long[]> SEEN = ThreadLocal.withInitial(() -> new long[] {NOT_RECORDING});

    private ReadRevision() {
    }

    /** Starts recording for the request this thread now serves. */
    public static void begin() {
        SEEN.get()[0] = 0;
    }

    /** Whether this thread serves a request whose reads are recorded. */
    public static boolean recording() {
        return SEEN.get()[0] != NOT_RECORDING;
    }

    /** A read of this request could have seen every change up to {@code revision}. */
    public static void saw(long revision) {
        long[] seen = SEEN.get();
        if (seen[0] != NOT_RECORDING && revision > seen[0]) {
            seen[0] = revision;
        }
    }

    /** Stops recording: the newest revision this request's reads could have seen, 0 when it read nothing. */
    public static long end() {
        long[] seen = SEEN.get();
        long newest = Math.max(0, seen[0]);
        seen[0] = NOT_RECORDING;
        return newest;
    }
}
