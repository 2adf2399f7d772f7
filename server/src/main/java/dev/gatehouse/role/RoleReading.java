package dev.gatehouse.role;

import dev.gatehouse.access.Access;
import dev.gatehouse.access.Caller;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.model.PermissionModel;
import org.jdbi.v3.core.Handle;

/**
 * Which roles a caller may read, and what a write's refusal says of a role to a caller that may not: one rule for
 * every API's reads and every refusal of a role given. Service keys and internal members read every role of their
 * organization; an external member only the roles it holds on resources ({@code GET roles/{id}} answers 404 for any
 * other). A refusal names a role's name, kind or permissions only to a caller that may read the role. To any other
 * caller, a role that could never be given in the write (an internal role, to an outsider or an external member)
 * answers exactly as a role that does not exist ({@link #notFound}), and a role granting more than the caller holds
 * is refused without saying what it grants ({@link #requireNoEscalation}). Stateless; thread-safe.
 */
public final class RoleReading {

    private static final RoleStore ROLES = new RoleStore();

    private RoleReading() {
    }

    /** Whether {@code caller} may read role {@code roleId} of its organization (see the class comment). */
    public static boolean mayRead(Handle h, Caller caller, long roleId) {
        return !caller.external() || ROLES.isHeldOnResource(h, roleId, caller.memberId());
    }

    /**
     * The refusal of a write giving role {@code roleId}, which organization {@code orgId} does not have (also one
     * deleted since the request named it), on field {@code role_id}.
     */
    public static InvalidInputException notFound(long orgId, long roleId) {
        return InvalidInputException.field("role_id", "role " + roleId + " not found in organization " + orgId);
    }

    /**
     * 400 unless {@code role} may be given to member {@code memberId} ({@code memberExternal}: an outsider) by
     * {@code caller}: an internal role to an external member is refused, in words naming the role (the caller, an
     * internal member or a service key, may read it); to an external caller, which can never read an internal role,
     * an internal role is exactly a role that does not exist ({@link #notFound}), whoever the member — the answer
     * tells nothing of which ids are company roles. External roles pass (the caller's other gates judge them).
     */
    public static void requireGivable(Caller caller, long memberId, boolean memberExternal, Role role) {
        if (!givableBy(caller, role)) {
            throw notFound(role.orgId(), role.id());
        }
        if (memberExternal && !role.external()) {
            throw InvalidInputException.field("role_id", "member " + memberId + " is external and may hold only "
                    + "external roles; role " + role.id() + " (\"" + role.name() + "\") is internal");
        }
    }

    /**
     * Whether {@code role} is one {@code caller} could ever give, to anyone: any role, but an internal one to an
     * external caller, which may neither give nor read one — to it such a role is one that does not exist.
     */
    public static boolean givableBy(Caller caller, Role role) {
        return role.external() || !caller.external();
    }

    /**
     * No privilege escalation by giving {@code role} ({@link Access#requireNoEscalation}): the refusal lists the
     * permissions, and the records, the role grants beyond the caller's only to a caller that may read the role.
     */
    public static void requireNoEscalation(Handle h, Access access, Caller caller, PermissionModel model, Role role) {
        access.requireNoEscalation(caller, model, mayRead(h, caller, role.id()) ? Access.HandedOut.ROLE
                : Access.HandedOut.UNREADABLE_ROLE, role.grant());
    }
}
