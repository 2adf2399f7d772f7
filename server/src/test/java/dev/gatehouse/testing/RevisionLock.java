package dev.gatehouse.testing;

/**
 * Holds the change log's revision lock — the lock every write takes last, to append its records, and holds through
 * its commit — so that a test can have the server's writes stop just before they commit, having done everything else
 * ({@link HeldLock}).
 */
public final class RevisionLock extends HeldLock {

    /** {@code ChangeLogStore}'s advisory lock. */
    private static final long REVISION_LOCK = 0x6761746568L;

    private RevisionLock(TestNode node) {
        super(node.node().core().store().jdbi(), h -> h.createQuery("SELECT CAST(pg_advisory_xact_lock(:k) AS text)")
                .bind("k", REVISION_LOCK).mapTo(String.class).one());
    }

    /** Takes the revision lock in the node's database. */
    public static RevisionLock hold(TestNode node) {
        return new RevisionLock(node);
    }
}
