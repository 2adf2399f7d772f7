package dev.gatehouse.bulk;

import dev.gatehouse.member.Member;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The members an import's committed chunks resolved by user id (each present or absent, as its caller sees it), and
 * the organization's revision they stand at. A chunk that finds the organization still at that revision — nothing
 * else was written in it since: every write of an organization records a change under its lock — resolves those
 * user ids from here instead of reading them again; one that finds it moved on reads them all again. Keeps at most
 * {@link #MAX} user ids beyond one chunk's, so an import's memory stays bounded whatever its size.
 *
 * <p>Not thread-safe: a chunk reads it on the thread that writes it, the import adds a committed chunk's on its own
 * thread after that chunk is done, one after the other.
 */
final class KnownMembers {

    static final int MAX = 100_000;
    /**
     * The revision of a chunk that did not read where the organization stood: one sharing its transaction with other
     * writes, which may have changed the organization before it without a record in the log yet.
     */
    static final long UNKNOWN = -1;

    private final Map<String, Optional<Member>> members = new HashMap<>();
    /** The organization's revision {@link #members} stand at. */
    private long revision = UNKNOWN;

    /** What a chunk resolved and where it found the organization ({@link #UNKNOWN}: it did not look), for {@link #take}. */
    record Resolved(Map<String, Optional<Member>> members, long seenRevision, boolean recorded) {
    }

    /** The members known when the organization stands at {@code orgRevision}; empty when they may be stale. */
    Map<String, Optional<Member>> at(long orgRevision) {
        return orgRevision == revision && revision != UNKNOWN ? members : Map.of();
    }

    /**
     * Takes in what a committed chunk resolved: the organization now stands at the chunk's last record's revision
     * ({@code writtenRevision}) or, when the chunk recorded nothing, where the chunk found it.
     */
    void take(Resolved chunk, long writtenRevision) {
        boolean carried = chunk.seenRevision() != UNKNOWN && chunk.seenRevision() == revision;
        if (!carried || members.size() + chunk.members().size() > MAX) {
            members.clear();
        }
        if (chunk.seenRevision() == UNKNOWN) {
            revision = UNKNOWN;
            return;
        }
        members.putAll(chunk.members());
        revision = chunk.recorded() ? writtenRevision : chunk.seenRevision();
    }
}
