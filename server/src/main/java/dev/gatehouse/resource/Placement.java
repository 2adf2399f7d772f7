package dev.gatehouse.resource;

import dev.gatehouse.changelog.Action;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.store.Tx;
import java.util.Objects;
import java.util.Optional;

/**
 * The one writer of the hierarchy's rows, inside a running transaction and under the gates its caller has applied:
 * {@link ResourceService} after its rules for placing resources by hand (the {@code management.assignments} gate,
 * the parent's type and existence, what the move changes in the roles that decide), and a service that keeps its
 * own objects there (a Rooms v5 company's company, regions, offices and rooms) after its own. Each change is one row
 * and one {@code resource} change record; a resource recorded anew passes the organization's
 * {@code resources_per_org} limit. Stateless, thread-safe.
 */
public final class Placement {

    private final ResourceStore resources = new ResourceStore();

    /** Records a resource under a parent (both null: at the top) or moves it there; nothing when it is there already. */
    public Placed place(Tx tx, long orgId, String type, String id, String parentType, String parentId) {
        return place(tx, resources.find(tx.handle(), orgId, type, id).orElse(null), orgId, type, id, parentType,
                parentId);
    }

    /** {@link #place} of a resource read in this transaction ({@code before}, null: not recorded). */
    Placed place(Tx tx, Resource before, long orgId, String type, String id, String parentType, String parentId) {
        if (before != null && Objects.equals(before.parentType(), parentType)
                && Objects.equals(before.parentId(), parentId)) {
            return new Placed(before, false, false);
        }
        if (before == null) {
            tx.limits().beforeAddingResource(orgId);
        }
        Resource after = resources.upsert(tx.handle(), orgId, type, id, parentType, parentId, tx.now());
        tx.change(orgId, ObjectType.RESOURCE, after.objectId(), before == null ? Action.CREATED : Action.UPDATED,
                before == null ? null : LoggedResource.of(before), LoggedResource.of(after));
        return new Placed(after, before == null, true);
    }

    /** A resource as recorded, whether this write recorded it first, and whether it changed anything. */
    public record Placed(Resource resource, boolean created, boolean changed) {
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
        remove(tx, current);
    }

    /** Takes a recorded resource out of the hierarchy (the caller has seen to its children). */
    void remove(Tx tx, Resource current) {
        resources.delete(tx.handle(), current);
        tx.change(current.orgId(), ObjectType.RESOURCE, current.objectId(), Action.DELETED,
                LoggedResource.of(current), null);
    }
}
