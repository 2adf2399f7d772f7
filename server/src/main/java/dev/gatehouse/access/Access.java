package dev.gatehouse.access;

import dev.gatehouse.changelog.Actor;
import dev.gatehouse.engine.DecisionEngine;
import dev.gatehouse.error.ForbiddenException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.error.UnauthenticatedException;
import dev.gatehouse.model.PermissionModel;
import java.util.List;
import java.util.Set;

/**
 * Authorization of the management API itself: who may read and change what. Service keys may do
 * everything; member keys act inside their own organization only (any other organization looks as if it
 * did not exist) with the permissions of their member's company role, read from the engine. Thread-safe.
 */
public final class Access {

    private final DecisionEngine engine;

    public Access(DecisionEngine engine) {
        this.engine = engine;
    }

    public static Actor actor(Principal principal) {
        return principal instanceof Principal.Member m ? Actor.member(m.memberId(), m.keyId())
                : Actor.service(principal.keyId());
    }

    public void requireService(Principal principal, String what) {
        if (!(principal instanceof Principal.Service)) {
            throw new ForbiddenException("service_key_required", what + " needs a service key");
        }
    }

    /** The caller may see the organization at all (a member key only its own). */
    public void requireOrg(Principal principal, long orgId) {
        if (principal instanceof Principal.Member m) {
            if (m.orgId() != orgId) {
                throw new NotFoundException("organization_not_found", "organization " + orgId + " not found");
            }
            requireActive(m);
        }
    }

    /** The caller may see the organization and holds {@code permission} there (service keys always do). */
    public void requirePermission(Principal principal, long orgId, String permission, String what) {
        requireOrg(principal, orgId);
        if (principal instanceof Principal.Member m && !engine.check(orgId, m.memberId(), permission)) {
            throw new ForbiddenException("permission_required", what + " needs the permission \"" + permission
                    + "\", which member " + m.memberId() + " does not have");
        }
    }

    private void requireActive(Principal.Member m) {
        if (!engine.isActive(m.orgId(), m.memberId())) {
            throw new UnauthenticatedException("key_member_inactive",
                    "the key's member " + m.memberId() + " is deactivated or removed");
        }
    }

    /**
     * No privilege escalation: a member may only create or hand out a role whose permissions are all its
     * own. Service keys are exempt.
     */
    public void requireNoEscalation(Principal principal, PermissionModel model, List<String> rolePermissions) {
        if (principal instanceof Principal.Member m) {
            Set<String> own = Set.copyOf(engine.permissions(m.orgId(), m.memberId(), null, null));
            List<String> beyond = model.canonical(rolePermissions).stream().filter(p -> !own.contains(p)).toList();
            if (!beyond.isEmpty()) {
                throw new ForbiddenException("privilege_escalation", "the role grants permissions the caller "
                        + "does not hold: " + beyond);
            }
        }
    }

}
