package dev.gatehouse.resource;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Caller;
import dev.gatehouse.access.Principal;
import dev.gatehouse.assignment.AssignmentService;
import dev.gatehouse.assignment.HierarchyMoves;
import dev.gatehouse.changelog.Action;
import dev.gatehouse.changelog.ObjectType;
import dev.gatehouse.error.ConflictException;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.model.OrgModels;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.model.ResourceType;
import dev.gatehouse.store.Tx;
import dev.gatehouse.store.Written;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jdbi.v3.core.Handle;

/**
 * The resource hierarchy: which resource is the parent of which, for the types whose model declares a parent type
 * (a room belongs to an office, an office to a region). Recording a resource, moving it to another parent and
 * taking it out are each one row and one change record ({@code resource}), which every node's engine applies, so a
 * move takes effect in every decision at once, however many resources lie beneath.
 *
 * <p>Rules: the parent must be a recorded resource of the type's declared parent type (cycles cannot arise:
 * the model's parent types have none); a type without a parent type records resources at the top only; a resource
 * with children cannot be deleted (409); a model whose services keep where their objects lie refuses writes that
 * contradict them ({@link dev.gatehouse.assignment.AssignmentRules#requireMayPlace}); changing the hierarchy
 * changes who may act, so it needs the model's {@code management.assignments} permission, like handing out roles,
 * and a member's change is judged, like the assignment writes it amounts to, by what it changes in the roles that
 * decide ({@link HierarchyMoves}: recording a resource under a parent, moving it, taking it to the top or deleting
 * it); reading needs to see the resource (external members: where they hold a role). Assignments do not
 * depend on a record: deleting one leaves them, and leaves the resource at the top. Thread-safe.
 */
public final class ResourceService {

    private final Access access;
    private final OrgModels orgModels;
    private final AssignmentService assignments;
    private final ResourceStore resources = new ResourceStore();
    private final Placement placement = new Placement();
    private final HierarchyMoves moves;

    public ResourceService(Access access, OrgModels orgModels, AssignmentService assignments) {
        this.access = access;
        this.orgModels = orgModels;
        this.assignments = assignments;
        this.moves = new HierarchyMoves(access);
    }

    /** A parent named in a request: a resource of the type's parent type. */
    public record ParentRef(String type, String id) {
        public ParentRef {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(id, "id");
        }
    }

    /**
     * Records a resource under {@code parent} (null: at the top), or moves it there. {@code created} in the result
     * tells which.
     */
    public Written<Placement.Placed> put(Principal principal, long orgId, String type, String id, ParentRef parent) {
        return access.write(principal, orgId, (tx, caller) ->
                put(tx, caller, orgModels.model(tx.handle(), orgId), orgId, type, id, parent));
    }

    /**
     * {@link #put(Principal, long, String, String, ParentRef)} inside a running transaction of the organization (an
     * import), with every rule and gate.
     */
    public Placement.Placed put(Tx tx, Caller caller, PermissionModel model, long orgId, String type, String id, ParentRef parent) {
        Handle h = tx.handle();
        ResourceType resourceType = resourceType(model, type, id);
        caller.require(model.management().assignments(), "placing " + type + " " + id + " in the hierarchy");
        assignments.requireVisible(h, caller, orgId, type, id);
        if (parent != null) {
            requireParent(h, caller, model, orgId, resourceType, parent);
        }
        String parentType = parent == null ? null : parent.type();
        String parentId = parent == null ? null : parent.id();
        assignments.rules().requireMayPlace(h, orgId, model, resourceType, id, false, parentType, parentId);
        Resource before = resources.find(h, orgId, type, id).orElse(null);
        moves.judge(tx, caller, model, orgId, type, id, before == null ? null : before.parentType(),
                before == null ? null : before.parentId(), parentType, parentId, parent == null
                        ? "placing " + type + " " + id + " at the top of the hierarchy"
                        : "placing " + type + " " + id + " under " + parentType + " " + parentId);
        return placement.place(tx, before, orgId, type, id, parentType, parentId);
    }

    private void requireParent(Handle h, Caller caller, PermissionModel model, long orgId, ResourceType type,
                               ParentRef parent) {
        if (type.parentType() == null) {
            throw InvalidInputException.field("parent", "resource type \"" + type.key() + "\" of model "
                    + model.id() + " has no parent type; its resources have no parent");
        }
        if (!type.parentType().equals(parent.type())) {
            throw InvalidInputException.field("parent.type", "the parent of a resource of type \"" + type.key()
                    + "\" is of type \"" + type.parentType() + "\", got \"" + parent.type() + "\"");
        }
        String problem = ResourceType.idProblem(parent.id());
        if (problem != null) {
            throw InvalidInputException.field("parent.id", problem);
        }
        if (resources.find(h, orgId, parent.type(), parent.id()).isEmpty()
                || !assignments.sees(h, caller, orgId, parent.type(), parent.id())) {
            // a parent the caller does not see answers like one that is not recorded
            throw InvalidInputException.field("parent.id", parent.type() + " " + parent.id() + " is not a recorded "
                    + "resource; record it first (PUT …/resources/" + parent.type() + "/{id})");
        }
    }

    /**
     * A resource the caller sees; its parent is shown only when the caller sees that too (an outsider holding a role
     * on a room learns nothing of the region above it, which answers it 404), else it reads as at the top.
     */
    public Resource get(Principal principal, long orgId, String type, String id) {
        return access.read(principal, orgId, (h, caller) -> {
            Resource resource = visible(h, caller, orgId, type, id);
            if (resource.parentId() == null
                    || assignments.sees(h, caller, orgId, resource.parentType(), resource.parentId())) {
                return resource;
            }
            return new Resource(resource.orgId(), resource.type(), resource.id(), null, null, resource.createdAt(),
                    resource.updatedAt());
        });
    }

    /**
     * The children of a resource (of every type whose parent type is its type), by (type, id) after a position;
     * those the caller does not see are left out, and the page's last position is always one it sees.
     */
    public Children children(Principal principal, long orgId, String type, String id, String afterType,
                             String afterId, int limit) {
        return access.read(principal, orgId, (h, caller) -> {
            visible(h, caller, orgId, type, id);
            List<Resource> read = resources.children(h, orgId, type, id, afterType, afterId, limit,
                    seenChildren(h, caller, orgModels.model(h, orgId), type, id));
            return new Children(read, read.size() == limit ? read.get(limit - 1) : null);
        });
    }

    /**
     * Which children of a resource the caller sees, filtered as they are read so that a page, and the position it
     * ends at, hold only those (null: all). A caller sees a resource when it sees its whole type or holds a role on
     * it or above ({@link AssignmentService#sees}): above a child lies the resource itself, so a role there shows
     * every child; else a child is seen by its type, or by the caller's own role on it.
     */
    private ResourceStore.SeenChildren seenChildren(Handle h, Caller caller, PermissionModel model, String type,
                                                    String id) {
        if (caller.holdsRoleOn(h, type, id)) {
            return null;
        }
        List<ResourceType> childTypes = model.resourceTypes().stream()
                .filter(child -> type.equals(child.parentType())).toList();
        List<String> whole = childTypes.stream().filter(child -> assignments.seesAll(caller, model, child))
                .map(ResourceType::key).toList();
        return whole.size() == childTypes.size() ? null : new ResourceStore.SeenChildren(caller.memberId(), whole);
    }

    /**
     * One page of children.
     *
     * @param lastRead the last child read for a full page (the next page starts after it), null on the last page
     */
    public record Children(List<Resource> items, Resource lastRead) {
        public Children {
            items = List.copyOf(items);
        }
    }

    /** Takes a resource out of the hierarchy; 409 while it has children. Its assignments stay. */
    public Written<Resource> delete(Principal principal, long orgId, String type, String id) {
        return access.write(principal, orgId, (tx, caller) -> {
            Handle h = tx.handle();
            PermissionModel model = orgModels.model(h, orgId);
            resourceType(model, type, id);
            caller.require(model.management().assignments(), "taking " + type + " " + id
                    + " out of the hierarchy");
            Resource current = visible(h, caller, orgId, type, id);
            delete(tx, caller, model, current);
            return current;
        });
    }

    /**
     * Takes a resource out of the hierarchy inside a running transaction (an import), with every rule and gate;
     * false when it is not recorded (or the caller does not see it).
     */
    public boolean delete(Tx tx, Caller caller, PermissionModel model, long orgId, String type, String id) {
        resourceType(model, type, id);
        caller.require(model.management().assignments(), "taking " + type + " " + id + " out of the hierarchy");
        Handle h = tx.handle();
        if (!assignments.sees(h, caller, orgId, type, id)) {
            return false;
        }
        Resource current = resources.find(h, orgId, type, id).orElse(null);
        if (current == null) {
            return false;
        }
        delete(tx, caller, model, current);
        return true;
    }

    private void delete(Tx tx, Caller caller, PermissionModel model, Resource current) {
        Handle h = tx.handle();
        long orgId = current.orgId();
        String type = current.type();
        String id = current.id();
        assignments.rules().requireMayPlace(h, orgId, model, resourceType(model, type, id), id, true, null, null);
        int children = resources.countChildren(h, orgId, type, id);
        if (children > 0) {
            throw new ConflictException("resource_has_children", type + " " + id + " has " + children
                    + " child resource(s); move or delete them first",
                    Map.<String, Object>of("children", children));
        }
        // its roles stay and it has no children: deleting it is taking it to the top
        moves.judge(tx, caller, model, orgId, type, id, current.parentType(), current.parentId(), null, null,
                "taking " + type + " " + id + " out of the hierarchy");
        placement.remove(tx, current);
    }

    /** The recorded resource; 404 when it is not recorded, or the caller does not see it (the same 404). */
    private Resource visible(Handle h, Caller caller, long orgId, String type, String id) {
        resourceType(orgModels.model(h, orgId), type, id);
        assignments.requireVisible(h, caller, orgId, type, id);
        return resources.find(h, orgId, type, id).orElseThrow(() -> new NotFoundException("resource_not_found",
                type + " " + id + " is not a recorded resource"));
    }

    private static ResourceType resourceType(PermissionModel model, String type, String id) {
        ResourceType resourceType = model.resourceType(type).orElseThrow(() -> new InvalidInputException(
                "unknown_resource_type", "model " + model.id() + " has no resource type \"" + type + "\"; it has "
                + model.resourceTypes().stream().map(ResourceType::key).toList(),
                Map.of("type", "unknown resource type")));
        String problem = ResourceType.idProblem(id);
        if (problem != null) {
            throw InvalidInputException.field("id", problem);
        }
        return resourceType;
    }
}
