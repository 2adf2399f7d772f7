package dev.gatehouse.engine;

import java.util.List;
import java.util.Objects;

/**
 * One change to the engine's state, as a value: the only thing {@link EngineWriter} applies. A {@code Put…}
 * creates or replaces an object whole; a {@code Remove…} of something absent changes nothing. Ids are positive.
 * Gatehouse's server derives these from its change log (one decoder) and from its tables at startup (the same
 * operations), so state rebuilt from the tables and state kept up to date change by change cannot drift.
 */
public sealed interface EngineOp {

    /** The organization the operation belongs to. */
    long orgId();

    /** Adds an organization using the catalog {@code catalogId}; an existing one keeps its state unless the catalog changed. */
    record PutOrganization(long orgId, String catalogId) implements EngineOp {
        public PutOrganization {
            positive(orgId, "orgId");
            Objects.requireNonNull(catalogId, "catalogId");
        }
    }

    /** Drops an organization and everything in it. */
    record RemoveOrganization(long orgId) implements EngineOp {
        public RemoveOrganization {
            positive(orgId, "orgId");
        }
    }

    /**
     * Creates or replaces a role. Permission keys the catalog does not know are ignored (a role never grants
     * what its model lacks).
     *
     * @param visibility  null when the role sees all records
     * @param key        the model's key of a system role, null for a custom role; members holding a system role
     *                   the catalog names ({@link Catalog.MemberGrants#roles()}) as company role gain their
     *                   per-member grants ({@link PutGrants}) where it decides
     */
    record PutRole(long orgId, long roleId, String name, List<String> permissions, boolean external,
                   Visibility visibility, String key) implements EngineOp {
        public PutRole {
            positive(orgId, "orgId");
            positive(roleId, "roleId");
            Objects.requireNonNull(name, "name");
            permissions = List.copyOf(permissions);
        }

        /** A custom role (no system key). */
        public PutRole(long orgId, long roleId, String name, List<String> permissions, boolean external,
                       Visibility visibility) {
            this(orgId, roleId, name, permissions, external, visibility, null);
        }
    }

    record RemoveRole(long orgId, long roleId) implements EngineOp {
        public RemoveRole {
            positive(orgId, "orgId");
            positive(roleId, "roleId");
        }
    }

    /**
     * Creates or replaces a member.
     *
     * @param roleId the company role; 0 for an external member, which has none
     * @param active false for a deactivated member, which is denied everything
     */
    record PutMember(long orgId, long memberId, String userId, long roleId, boolean external, boolean active)
            implements EngineOp {
        public PutMember {
            positive(orgId, "orgId");
            positive(memberId, "memberId");
            Objects.requireNonNull(userId, "userId");
            if (roleId < 0) {
                throw new IllegalArgumentException("roleId must be positive, or 0 for none: " + roleId);
            }
        }
    }

    /** Drops a member and every assignment and grant it holds. */
    record RemoveMember(long orgId, long memberId) implements EngineOp {
        public RemoveMember {
            positive(orgId, "orgId");
            positive(memberId, "memberId");
        }
    }

    /** Gives a member a role on one resource, replacing the role it held there. */
    record PutAssignment(long orgId, String resourceType, String resourceId, long memberId, long roleId)
            implements EngineOp {
        public PutAssignment {
            positive(orgId, "orgId");
            Objects.requireNonNull(resourceType, "resourceType");
            Objects.requireNonNull(resourceId, "resourceId");
            positive(memberId, "memberId");
            positive(roleId, "roleId");
        }
    }

    record RemoveAssignment(long orgId, String resourceType, String resourceId, long memberId) implements EngineOp {
        public RemoveAssignment {
            positive(orgId, "orgId");
            Objects.requireNonNull(resourceType, "resourceType");
            Objects.requireNonNull(resourceId, "resourceId");
            positive(memberId, "memberId");
        }
    }

    /**
     * Replaces a member's per-member grants: permissions it holds beside its company role, wherever that role
     * decides and is one the catalog lets take grants ({@link Catalog.MemberGrants}). An empty list removes them
     * all. Keys the catalog does not allow as grants are ignored, as a role ignores unknown keys.
     */
    record PutGrants(long orgId, long memberId, List<String> permissions) implements EngineOp {
        public PutGrants {
            positive(orgId, "orgId");
            positive(memberId, "memberId");
            permissions = List.copyOf(permissions);
        }
    }

    /**
     * Records a resource's place in the hierarchy: its parent (a resource of its type's parent type), or none.
     * Moving a resource is this one operation; every question follows the new link at once.
     *
     * @param parentId null for a resource without a parent
     */
    record PutResource(long orgId, String resourceType, String resourceId, String parentId) implements EngineOp {
        public PutResource {
            positive(orgId, "orgId");
            Objects.requireNonNull(resourceType, "resourceType");
            Objects.requireNonNull(resourceId, "resourceId");
        }
    }

    /** Forgets a resource's parent (the resource was deleted); its assignments and its children's links stay. */
    record RemoveResource(long orgId, String resourceType, String resourceId) implements EngineOp {
        public RemoveResource {
            positive(orgId, "orgId");
            Objects.requireNonNull(resourceType, "resourceType");
            Objects.requireNonNull(resourceId, "resourceId");
        }
    }

    private static void positive(long id, String name) {
        if (id <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + id);
        }
    }
}
