package dev.gatehouse.store;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * The organizations one long write of this node ({@link Store#commitAlone}) has the write lanes park
 * ({@link GroupCommit#aloneBegins}): its own organization before its transaction takes that lock, and every
 * organization whose lock its transaction takes as it goes ({@link Tx#lockOrganizations}: a deployment's import
 * chunk, which writes inside many), each before that lock; all of them until the write has committed or failed
 * ({@link #ends}). Parked from before the lock to after the commit, an organization's writes neither wait for the
 * long write in a batch nor overtake it; each organization's writes keep their order (the lanes put them back in it).
 *
 * <p><b>Waiting for the batches.</b> Parking waits for the batches that took a write of the organization before it
 * was parked, so that none of them waits for the long write's lock. Before its transaction begins, the long write
 * holds nothing such a batch could wait for, and waits for as long as it takes. Inside its transaction, it may hold
 * what one could (another organization's lock it took, which a deployment-level write in a batch may lock as well,
 * unknown to the lanes): there it waits {@link GroupCommit#PARKING_PATIENCE_MILLIS} at most, then takes the lock
 * beside the batch, where the database sees a cycle, if there is one, and breaks it — so the two never wait for each
 * other forever.
 *
 * <p>Not thread-safe: lives for one long write, on the thread running it.
 */
final class LongWrite {

    private final GroupCommit lanes;
    /** The organizations parked for this write, in the order parked. */
    private final Set<Long> parked = new LinkedHashSet<>();

    LongWrite(GroupCommit lanes) {
        this.lanes = lanes;
    }

    /** Parks {@code orgId} before the write's transaction begins (and takes its lock). */
    void begins(long orgId) {
        parked.add(orgId);
        lanes.aloneBegins(Set.of(orgId), Long.MAX_VALUE);
    }

    /** Parks those of {@code orgIds} not parked yet, inside the write's transaction, before it takes their locks. */
    void parks(Collection<Long> orgIds) {
        Set<Long> fresh = new TreeSet<>(orgIds);
        fresh.removeAll(parked);
        if (fresh.isEmpty()) {
            return;
        }
        // counted as parked before the wait, so that ends() lets go of them whatever the wait does
        parked.addAll(fresh);
        lanes.aloneBegins(fresh, GroupCommit.PARKING_PATIENCE_MILLIS);
    }

    /** The write has committed or failed: the lanes take its organizations' writes again. */
    void ends() {
        if (!parked.isEmpty()) {
            lanes.aloneEnds(parked);
            parked.clear();
        }
    }
}
