package dev.gatehouse.assignment;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Principal;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.member.Member;
import dev.gatehouse.member.MemberService;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.org.OrgModels;
import dev.gatehouse.role.Role;
import dev.gatehouse.role.RoleStore;
import dev.gatehouse.store.SqlTime;
import dev.gatehouse.store.Store;
import dev.gatehouse.store.Tx;
import dev.gatehouse.store.Written;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Resource assignments: a member's role on one resource of a type the model declares. External members may
 * hold only external roles; managing assignments needs the model's permission for it and follows the
 * no-escalation rule. Each write is one row and one change record, whatever the size of the organization.
 * Thread-safe.
 */
public final class AssignmentService {

    public static final int MAX_RESOURCE_ID = 200;

    private final Store store;
    private final AssignmentStore assignments = new AssignmentStore();
    private final RoleStore roles = new RoleStore();
    private final MemberService members;
    private final OrgModels orgModels;
    private final Access access;

    public AssignmentService(Store store, MemberService members, OrgModels orgModels, Access access) {
        this.store = store;
        this.members = members;
        this.orgModels = orgModels;
        this.access = access;
    }

    /** Gives a member a role on a resource, replacing any role it had there. */
    public Written<Assignment> put(Principal principal, long orgId, String type, String resourceId, String memberRef,
                                   long roleId) {
        return store.write(Access.actor(principal), orgId, tx -> {
            Handle h = tx.handle();
            PermissionModel model = checkResource(h, orgId, type, resourceId);
            access.requirePermission(principal, orgId, model.management().assignments(), "assigning a resource role");
            Member member = members.resolve(h, orgId, memberRef);
            return put(tx, principal, model, orgId, type, resourceId, member, roleId);
        });
    }

    /**
     * Gives a member a role on a resource inside a running transaction, with every rule of {@link #put(Principal,
     * long, String, String, String, long)} except the management permission, which the caller has checked
     * (dialects whose originals gate this by other permissions, e.g. Rooms' room creator getting a room role).
     */
    public Assignment put(Tx tx, Principal principal, PermissionModel model, long orgId, String type, String resourceId,
                          Member member, long roleId) {
        Handle h = tx.handle();
        checkResource(h, orgId, type, resourceId);
        Role role = roles.find(h, orgId, roleId).orElseThrow(() ->
                InvalidInputException.field("role_id", "role " + roleId + " not found in organization " + orgId));
        if (member.external() && !role.external()) {
            throw InvalidInputException.field("role_id", "member " + member.id() + " is external and may hold only "
                    + "external roles; role " + roleId + " (\"" + role.name() + "\") is internal");
        }
        access.requireNoEscalation(principal, model, role.permissions());
        Assignment before = assignments.find(h, orgId, type, resourceId, member.id()).orElse(null);
        if (before == null) {
            tx.limits().beforeAddingAssignment(orgId, type, resourceId);
        }
        Assignment after = assignments.upsert(h, orgId, type, resourceId, member.id(), roleId, SqlTime.now());
        tx.change(orgId, "assignment", after.objectId(), before == null ? "created" : "updated",
                before == null ? null : AssignmentSnapshot.of(before), AssignmentSnapshot.of(after));
        return after;
    }

    public Assignment get(Principal principal, long orgId, String type, String resourceId, String memberRef) {
        access.requireOrg(principal, orgId);
        return store.read(h -> {
            checkResource(h, orgId, type, resourceId);
            Member member = members.resolve(h, orgId, memberRef);
            return assignments.find(h, orgId, type, resourceId, member.id()).orElseThrow(() ->
                    new NotFoundException("assignment_not_found", "member " + member.id() + " has no role on "
                            + type + " " + resourceId));
        });
    }

    public List<Assignment> listByResource(Principal principal, long orgId, String type, String resourceId,
                                           long afterMember, int limit) {
        access.requireOrg(principal, orgId);
        return store.read(h -> {
            checkResource(h, orgId, type, resourceId);
            return assignments.listByResource(h, orgId, type, resourceId, afterMember, limit);
        });
    }

    public List<Assignment> listByMember(Principal principal, long orgId, String memberRef, String afterType,
                                         String afterId, int limit) {
        access.requireOrg(principal, orgId);
        return store.read(h -> {
            orgModels.model(h, orgId);
            Member member = members.resolve(h, orgId, memberRef);
            return assignments.listByMember(h, orgId, member.id(), afterType, afterId, limit);
        });
    }

    public Written<Assignment> remove(Principal principal, long orgId, String type, String resourceId, String memberRef) {
        return store.write(Access.actor(principal), orgId, tx -> {
            Handle h = tx.handle();
            PermissionModel model = checkResource(h, orgId, type, resourceId);
            access.requirePermission(principal, orgId, model.management().assignments(), "removing a resource role");
            Member member = members.resolve(h, orgId, memberRef);
            return remove(tx, orgId, type, resourceId, member);
        });
    }

    /**
     * Removes a member's role on a resource inside a running transaction (404 when it has none); the caller
     * has checked the permission gating it.
     */
    public Assignment remove(Tx tx, long orgId, String type, String resourceId, Member member) {
        Handle h = tx.handle();
        checkResource(h, orgId, type, resourceId);
        Assignment current = assignments.find(h, orgId, type, resourceId, member.id()).orElseThrow(() ->
                new NotFoundException("assignment_not_found", "member " + member.id() + " has no role on "
                        + type + " " + resourceId));
        assignments.delete(h, current);
        record(tx, List.of(current));
        return current;
    }

    /** Removes every assignment on one resource (the resource was deleted); returns how many. */
    public Written<Integer> removeResource(Principal principal, long orgId, String type, String resourceId) {
        return store.write(Access.actor(principal), orgId, tx -> {
            Handle h = tx.handle();
            PermissionModel model = checkResource(h, orgId, type, resourceId);
            access.requirePermission(principal, orgId, model.management().assignments(), "removing resource roles");
            return removeResource(tx, orgId, type, resourceId).size();
        });
    }

    /**
     * Removes every assignment on one resource inside a running transaction; the caller has checked the
     * permission gating it (e.g. deleting a Rooms room).
     */
    public List<Assignment> removeResource(Tx tx, long orgId, String type, String resourceId) {
        checkResource(tx.handle(), orgId, type, resourceId);
        List<Assignment> removed = assignments.deleteByResource(tx.handle(), orgId, type, resourceId);
        record(tx, removed);
        return removed;
    }

    /** Removes every assignment of one member; returns how many. */
    public Written<Integer> removeMember(Principal principal, long orgId, String memberRef) {
        return store.write(Access.actor(principal), orgId, tx -> {
            Handle h = tx.handle();
            PermissionModel model = orgModels.model(h, orgId);
            access.requirePermission(principal, orgId, model.management().assignments(), "removing resource roles");
            Member member = members.resolve(h, orgId, memberRef);
            List<Assignment> removed = assignments.deleteByMember(h, orgId, member.id());
            record(tx, removed);
            return removed.size();
        });
    }

    private static void record(Tx tx, List<Assignment> removed) {
        for (Assignment a : removed) {
            tx.change(a.orgId(), "assignment", a.objectId(), "deleted", AssignmentSnapshot.of(a), null);
        }
    }

    private PermissionModel checkResource(Handle h, long orgId, String type, String resourceId) {
        PermissionModel model = orgModels.model(h, orgId);
        if (model.resourceType(type).isEmpty()) {
            throw new InvalidInputException("unknown_resource_type", "model " + model.id() + " has no resource type \""
                    + type + "\"; it has " + model.resourceTypes().stream().map(t -> t.key()).toList(),
                    java.util.Map.of("type", "unknown resource type"));
        }
        if (resourceId.isEmpty() || resourceId.length() > MAX_RESOURCE_ID) {
            throw InvalidInputException.field("id", "a resource id has 1 to " + MAX_RESOURCE_ID + " characters");
        }
        return model;
    }
}
