package dev.gatehouse.enginefeed;

import dev.gatehouse.engine.EngineOp;
import dev.gatehouse.engine.Visibility;
import dev.gatehouse.member.MemberStatus;
import dev.gatehouse.role.RoleVisibility;
import java.util.List;

/**
 * The engine operations of Gatehouse's objects, built from typed values: the one place where the server's
 * vocabulary becomes the engine's (a member's status becomes "active", a missing company role becomes 0, a
 * role's unassigned-records behaviour becomes a flag). {@link ChangeDecoder} (from change records) and
 * {@link EngineLoader} (from the tables) both build their operations here, so the two can only differ in where
 * they read a value, never in what it means. Stateless.
 */
final class EngineOps {

    private EngineOps() {
    }

    static EngineOp organization(long orgId, String modelId) {
        return new EngineOp.PutOrganization(orgId, modelId);
    }

    /**
     * @param systemKey  the model's key of a system role, null for a custom role (the model's member grants name
     *                   the system roles whose members' grants count)
     * @param visibility null when the role sees all records
     */
    static EngineOp role(long orgId, long roleId, String systemKey, String name, List<String> permissions,
                         boolean external, RoleVisibility visibility) {
        return new EngineOp.PutRole(orgId, roleId, name, permissions, external, visibility == null ? null
                : new Visibility(visibility.userFieldIds(),
                        RoleVisibility.ALLOW_UNASSIGNED.equals(visibility.unassigned())), systemKey);
    }

    /** @param roleId the company role, null for an external member */
    static EngineOp member(long orgId, long memberId, String userId, Long roleId, boolean external,
                           MemberStatus status) {
        return new EngineOp.PutMember(orgId, memberId, userId, roleId == null ? 0L : roleId, external,
                status == MemberStatus.ACTIVE);
    }

    /** @param parentId null for a resource at the top of the hierarchy */
    static EngineOp resource(long orgId, String resourceType, String resourceId, String parentId) {
        return new EngineOp.PutResource(orgId, resourceType, resourceId, parentId);
    }

    static EngineOp resourceRemoved(long orgId, String resourceType, String resourceId) {
        return new EngineOp.RemoveResource(orgId, resourceType, resourceId);
    }

    /** A member's per-member grants, replaced whole (empty: none). */
    static EngineOp grants(long orgId, long memberId, List<String> permissions) {
        return new EngineOp.PutGrants(orgId, memberId, permissions);
    }

    static EngineOp assignment(long orgId, String resourceType, String resourceId, long memberId, long roleId) {
        return new EngineOp.PutAssignment(orgId, resourceType, resourceId, memberId, roleId);
    }
}
