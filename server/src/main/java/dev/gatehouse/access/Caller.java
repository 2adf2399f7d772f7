package dev.gatehouse.access;

import dev.gatehouse.error.ForbiddenException;
import dev.gatehouse.model.ResourceType;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The caller of one management request as the database shows it inside that request's own transaction: a
 * service key, or a member key whose key is not revoked and whose member exists and is active, with its
 * member's company role as it stands there. Built only by {@link Access} ({@link Access#write},
 * {@link Access#read}); inside a write it is read after the organization's lock, so every check made with it
 * is made against the state the write is serialized after — a demotion, deactivation or key revocation that
 * committed before the write took the lock is seen, on any node, whatever this node's engine has applied.
 *
 * <p>Immutable; valid for the transaction it was read in.
 */
public final class Caller {

    private final Principal principal;
    private final long orgId;
    private final boolean external;
    private final Long roleId;
    private final Grant grant;

    private Caller(Principal principal, long orgId, boolean external, Long roleId, Grant grant) {
        this.principal = principal;
        this.orgId = orgId;
        this.external = external;
        this.roleId = roleId;
        this.grant = grant;
    }

    static Caller service(Principal.Service principal, long orgId) {
        return new Caller(principal, orgId, false, null, null);
    }

    /**
     * A service key's caller in organization {@code orgId}: for a deployment-level write that writes inside
     * organizations (a deployment's import), as {@link Access#write} would admit the service key there.
     */
    public Caller inOrganization(long orgId) {
        if (!(principal instanceof Principal.Service s)) {
            throw new IllegalStateException("only a service key writes inside several organizations");
        }
        return service(s, orgId);
    }

    static Caller member(Principal.Member principal, boolean external, Long roleId, Grant grant) {
        return new Caller(principal, principal.orgId(), external, roleId, grant);
    }

    public Principal principal() {
        return principal;
    }

    public long orgId() {
        return orgId;
    }

    public boolean isService() {
        return principal instanceof Principal.Service;
    }

    /** The calling member's id; null for a service key. */
    public Long memberId() {
        return principal instanceof Principal.Member m ? m.memberId() : null;
    }

    /** Whether the caller is the member {@code memberId} itself. */
    public boolean is(long memberId) {
        return principal instanceof Principal.Member m && m.memberId() == memberId;
    }

    /** An external member (no company role); false for service keys. */
    public boolean external() {
        return external;
    }

    /** The company role's id; null for external members and service keys. */
    public Long roleId() {
        return roleId;
    }

    /** What the company role grants; null for a service key, which is above every grant. */
    public Grant grant() {
        return grant;
    }

    /** Whether the company role grants {@code permission} (a service key holds every permission). */
    public boolean has(String permission) {
        return grant == null || grant.permissions().contains(permission);
    }

    /**
     * 403 {@code permission_required} unless the company role (or the member's grants beside it) grants
     * {@code permission}: a role the member holds on a resource counts for nothing here, though a check on that
     * resource may answer that it holds the permission there, and the message says so.
     */
    public void require(String permission, String what) {
        if (!has(permission)) {
            throw ForbiddenException.about(new MissingPermission(permission, what, memberId()), "permission_required",
                    what + " needs the permission \"" + permission + "\", which member " + memberId()
                            + " does not have from its company role or grants (a role held on a resource does not "
                            + "count)");
        }
    }

    /**
     * The caller's permissions on one resource, read in this transaction by the decision rule (DESIGN §3): its
     * role assigned there decides entirely; without one, its role on the nearest ancestor holding one (the
     * resource hierarchy); without either, an internal member's company role applies where the type inherits
     * company roles; else none. A service key gets null (every permission).
     */
    public Set<String> permissionsOn(Handle h, ResourceType type, String resourceId) {
        if (grant == null) {
            return null;
        }
        Set<String> assigned = CallerStore.assignedPermissions(h, orgId, memberId(), type.key(), resourceId);
        if (assigned != null) {
            return assigned;
        }
        return !external && type.inheritsCompanyRole() ? grant.permissions() : Set.of();
    }

    /** Whether the caller holds a role on the resource or one of its ancestors (service keys: always). */
    public boolean holdsRoleOn(Handle h, String type, String resourceId) {
        return grant == null || CallerStore.assignedPermissions(h, orgId, memberId(), type, resourceId) != null;
    }
}
