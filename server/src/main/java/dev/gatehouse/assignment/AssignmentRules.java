package dev.gatehouse.assignment;

import dev.gatehouse.access.Caller;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.member.Member;
import dev.gatehouse.model.PermissionModel;
import dev.gatehouse.model.ResourceType;
import dev.gatehouse.role.Role;
import dev.gatehouse.store.Tx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jdbi.v3.core.Handle;

/**
 * Which resources exist and who may see them and hand out roles on them: the rules {@link AssignmentService}
 * applies, whichever API calls it. The defaults (any model): resources are not tracked (any id may be
 * addressed); internal members see every resource, external members only those they hold a role on; managing
 * assignments needs the model's {@code management.assignments} permission. A model may bring its own rules
 * (the {@code rooms} model: rooms must exist, are seen by their users and with {@code autoAccessToRooms}, the
 * caller's room role gates who may be added, changed and removed, and a user hidden in the room is seen only by
 * some: {@link #concealment}), chosen by model id with
 * {@link #byModel}. Service keys see everything and pass every gate. Implementations read what they need
 * through the handle of the request's transaction. Thread-safe.
 */
public interface AssignmentRules {

    /** The defaults of the class comment. */
    AssignmentRules GENERIC = new AssignmentRules() {
    };

    /** 404 ({@link #notFound}) when the model tracks the type's resources and this one does not exist. */
    default void requireExists(Handle h, long orgId, PermissionModel model, ResourceType type, String resourceId) {
    }

    /** A resource of an organization whose model is {@code model}, one of many asked about at once ({@link #missing}). */
    record Addressed(long orgId, PermissionModel model, ResourceType type, String resourceId) {
    }

    /**
     * {@link #requireExists} for many resources at once, of one organization or several: for each, in order, the 404
     * it would get, or null where it exists. The default asks {@link #requireExists} about each; a model whose
     * resources are rows of its own reads them in one query.
     */
    default List<NotFoundException> missing(Handle h, List<Addressed> resources) {
        List<NotFoundException> missing = new ArrayList<>(resources.size());
        for (Addressed r : resources) {
            try {
                requireExists(h, r.orgId(), r.model(), r.type(), r.resourceId());
                missing.add(null);
            } catch (NotFoundException e) {
                missing.add(e);
            }
        }
        return missing;
    }

    /** What a resource that does not exist, or that the caller may not see, answers: the same 404. */
    default NotFoundException notFound(PermissionModel model, ResourceType type, String resourceId) {
        return new NotFoundException("resource_not_found", type.key() + " " + resourceId + " not found");
    }

    /** Whether the caller sees every resource of the type (else only those it holds a role on). */
    default boolean seesAll(Caller caller, PermissionModel model, ResourceType type) {
        return !caller.external();
    }

    /** Whether the caller sees an existing resource. */
    default boolean sees(Handle h, Caller caller, PermissionModel model, ResourceType type, String resourceId) {
        return seesAll(caller, model, type) || caller.holdsRoleOn(h, type.key(), resourceId);
    }

    /**
     * Whom the caller does not see holding a role on a resource of the type, on a resource it does see: the
     * {@link Concealment}'s rule, applied by every read of {@link AssignmentService} (one role, by resource, by member)
     * and its writes, to which such a role answers exactly as no role would; null: it sees every holder (the default,
     * and every service key). The {@code rooms} models hide the users whose room role has {@code isHiddenInRoom}.
     */
    default Concealment concealment(Caller caller, PermissionModel model, ResourceType type) {
        return null;
    }

    /**
     * The role a member holding none on a resource is still known there by (its id), which {@link #concealment} judges
     * as a role held: a write on it by a caller that may not see that role answers as one on a member holding none,
     * and changes nothing. Null: none (the default). The {@code rooms} models keep the room role of a user whose access
     * to the room is revoked, for restoring it.
     */
    default Long keptRole(Handle h, PermissionModel model, long orgId, ResourceType type, String resourceId,
                          long memberId) {
        return null;
    }

    /**
     * A holder whose role on a resource grants {@code hiding} is seen there only by itself and by a caller whose own
     * permissions on the resource (its role there, else on the nearest ancestor holding one, else its company role
     * where the type inherits it) include {@code revealing}.
     */
    record Concealment(String hiding, String revealing) {
        public Concealment {
            Objects.requireNonNull(hiding, "hiding");
            Objects.requireNonNull(revealing, "revealing");
        }
    }

    /** 403 unless the caller may change assignments at all; checked before anything is looked up. */
    default void requireMayManage(Caller caller, PermissionModel model, String what) {
        caller.require(model.management().assignments(), what);
    }

    /**
     * 403 unless the caller may give {@code member} a role on a resource that exists and that it sees (the service
     * checked both first, so implementations need not read the resource again; {@code replacing}: the member
     * holds one there already; {@code endsAt}: when the role given ends, null for never, as stored — what that does to
     * the end held there is {@link EndChange}'s to say).
     */
    default void requireMayAssign(Handle h, Caller caller, PermissionModel model, ResourceType type,
                                  String resourceId, Member member, boolean replacing, Instant endsAt, String what) {
    }

    /**
     * Refuses giving {@code member} {@code role} on a resource (of type {@code type}) in place of the role
     * {@code replaced} it holds there (null: none) once both are known: after {@link #requireMayAssign} and the role's
     * own rules, on every path that gives one (a put, a joint put, an import's line, the services built on them), for
     * a member's write (a service key passes every gate); by default nothing is refused. The {@code rooms} models
     * keep a room owner able to manage access to its room and to delete it.
     */
    default void requireMayGive(Handle h, Caller caller, PermissionModel model, String type, String resourceId,
                                Member member, Role replaced, Role role, String what) {
    }

    /**
     * What follows when {@code caller} gave a member a role on a resource where it held none ({@code given}), inside
     * the transaction that wrote it, on every path that writes one; by default nothing. The {@code rooms} models
     * record the caller as the user's inviter into the room, as Rooms' invitation does.
     */
    default void given(Tx tx, Caller caller, PermissionModel model, Assignment given) {
    }

    /**
     * 403 unless the caller may take {@code member}'s role on a resource that exists and that it sees away (null:
     * everyone's); like {@link #requireMayAssign}, the resource is not read again.
     */
    default void requireMayUnassign(Handle h, Caller caller, PermissionModel model, ResourceType type,
                                    String resourceId, Member member, String what) {
    }

    /**
     * Refuses recording a resource in the hierarchy under {@code parentType}/{@code parentId} (null: at the top), or
     * taking it out ({@code unplace}), where the model's own services keep where it lies and this would contradict
     * them (the {@code rooms_v5} model: a region lies under the company, an office under its region, a room under its
     * office). Checked after the resource service's rules and gates; the defaults allow everything.
     */
    default void requireMayPlace(Handle h, long orgId, PermissionModel model, ResourceType type, String resourceId,
                                 boolean unplace, String parentType, String parentId) {
    }

    /**
     * A time-bound assignment's end has come: {@link AssignmentExpiry} removed it, inside {@code tx} (which records
     * the removal). A model that keeps state of its own about assignments brings it in line here (Rooms remembers
     * the role of a user whose room access ended, for restoring it).
     */
    default void expired(Tx tx, PermissionModel model, Assignment assignment) {
    }

    /** The rules of each model by id, {@link #GENERIC} for any other model. */
    static AssignmentRules byModel(Map<String, AssignmentRules> rules) {
        Map<String, AssignmentRules> copy = Map.copyOf(rules);
        return new AssignmentRules() {
            private AssignmentRules of(PermissionModel model) {
                return copy.getOrDefault(model.id(), GENERIC);
            }

            @Override
            public void requireExists(Handle h, long orgId, PermissionModel model, ResourceType type,
                                      String resourceId) {
                of(model).requireExists(h, orgId, model, type, resourceId);
            }

            @Override
            public List<NotFoundException> missing(Handle h, List<Addressed> resources) {
                Map<AssignmentRules, List<Integer>> byRules = new LinkedHashMap<>();
                for (int i = 0; i < resources.size(); i++) {
                    byRules.computeIfAbsent(of(resources.get(i).model()), r -> new ArrayList<>()).add(i);
                }
                List<NotFoundException> missing = new ArrayList<>(Collections.nCopies(resources.size(), null));
                byRules.forEach((rules, indexes) -> {
                    List<NotFoundException> found = rules.missing(h, indexes.stream().map(resources::get).toList());
                    for (int i = 0; i < indexes.size(); i++) {
                        missing.set(indexes.get(i), found.get(i));
                    }
                });
                return missing;
            }

            @Override
            public NotFoundException notFound(PermissionModel model, ResourceType type, String resourceId) {
                return of(model).notFound(model, type, resourceId);
            }

            @Override
            public boolean seesAll(Caller caller, PermissionModel model, ResourceType type) {
                return of(model).seesAll(caller, model, type);
            }

            @Override
            public boolean sees(Handle h, Caller caller, PermissionModel model, ResourceType type, String resourceId) {
                return of(model).sees(h, caller, model, type, resourceId);
            }

            @Override
            public Concealment concealment(Caller caller, PermissionModel model, ResourceType type) {
                return of(model).concealment(caller, model, type);
            }

            @Override
            public Long keptRole(Handle h, PermissionModel model, long orgId, ResourceType type, String resourceId,
                                 long memberId) {
                return of(model).keptRole(h, model, orgId, type, resourceId, memberId);
            }

            @Override
            public void requireMayManage(Caller caller, PermissionModel model, String what) {
                of(model).requireMayManage(caller, model, what);
            }

            @Override
            public void requireMayAssign(Handle h, Caller caller, PermissionModel model, ResourceType type,
                                         String resourceId, Member member, boolean replacing, Instant endsAt,
                                         String what) {
                of(model).requireMayAssign(h, caller, model, type, resourceId, member, replacing, endsAt, what);
            }

            @Override
            public void requireMayGive(Handle h, Caller caller, PermissionModel model, String type,
                                       String resourceId, Member member, Role replaced, Role role, String what) {
                of(model).requireMayGive(h, caller, model, type, resourceId, member, replaced, role, what);
            }

            @Override
            public void given(Tx tx, Caller caller, PermissionModel model, Assignment given) {
                of(model).given(tx, caller, model, given);
            }

            @Override
            public void requireMayUnassign(Handle h, Caller caller, PermissionModel model, ResourceType type,
                                           String resourceId, Member member, String what) {
                of(model).requireMayUnassign(h, caller, model, type, resourceId, member, what);
            }

            @Override
            public void requireMayPlace(Handle h, long orgId, PermissionModel model, ResourceType type,
                                        String resourceId, boolean unplace, String parentType, String parentId) {
                of(model).requireMayPlace(h, orgId, model, type, resourceId, unplace, parentType, parentId);
            }

            @Override
            public void expired(Tx tx, PermissionModel model, Assignment assignment) {
                of(model).expired(tx, model, assignment);
            }
        };
    }
}
