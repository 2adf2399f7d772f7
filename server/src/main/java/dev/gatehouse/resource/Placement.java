package dev.gatehouse.resource;

import dev.gatehouse.changelog.Action;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.store.Tx;
import java.util.Objects;
import java.util.Optional;

/**
 * The hierarchy written by a service that keeps its own objects there (a Rooms v5 company's company, regions,
 * offices and rooms), inside that service's running transaction and under the gates it has applied: the same row and
 * the same {@code resource} change record as {@link ResourceService#put}, without the caller's
 * {@code management.assignments} gate, which is for placing resources by hand. The calling service answers for the
 * parent's type and existence. Stateless, thread-safe.
 */
public final class Placement {

    private final ResourceStore resources = new ResourceStore();

    /** Records a resource under a parent (both null: at the top) or moves it there; nothing when it is there already. */
    public void place(Tx tx, long orgId, String type, String id, String parentType, String parentId) {
        Resource before = resources.find(tx.handle(), orgId, type, id).orElse(null);
        if (before != null && Objects.equals(before.parentType(), parentType)
                && Objects.equals(before.parentId(), parentId)) {
            return;
        }
        Resource after = resources.upsert(tx.handle(), orgId, type, id, parentType, parentId, tx.now());
        tx.change(orgId, ObjectType.RESOURCE, after.objectId(), before == null ? Action.CREATED : Action.UPDATED,
                before == null ? null : LoggedResource.of(before), LoggedResource.of(after));
    }

    /** The resource as recorded, if it is. */
    public Optional<Resource> find(Tx tx, long orgId, String type, String id) {
        return resources.find(tx.handle(), orgId, type, id);
    }

    /** Takes a resource out of the hierarchy (the caller has seen to its children); nothing when it is not recorded. */
    public void remove(Tx tx, long orgId, String type, String id) {
        Resource current = resources.find(tx.handle(), orgId, type, id).orElse(null);
        if (current == null) {
            return;
        }
        resources.delete(tx.handle(), current);
        tx.change(orgId, ObjectType.RESOURCE, current.objectId(), Action.DELETED, LoggedResource.of(current), null);
    }
}
