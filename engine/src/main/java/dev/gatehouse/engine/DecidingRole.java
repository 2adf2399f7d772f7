package dev.gatehouse.engine;

/**
 * Which role decides what a member may do, here — the one place the rule is written (DESIGN §3); check,
 * explain, effective permissions, visibility and both lookups all ask {@link #of}:
 * <ol>
 *   <li>a deactivated member: no role;</li>
 *   <li>on a resource where the member holds an assignment: that role, entirely (stronger or weaker than the
 *       company role);</li>
 *   <li>on a resource without one: the company role where the resource type inherits it, else no role;</li>
 *   <li>organization-wide: the company role; external members have none.</li>
 * </ol>
 *
 * <p>The answer is a {@code long}, so that asking allocates nothing on the check path: {@link #NONE} for no
 * role, a role id ({@code > 0}) for a role assigned on the resource, a negated role id ({@code < 0}) for the
 * company role. {@link #roleId} and {@link #onResource} read it. Stateless.
 */
final class DecidingRole {

    /** No role applies: every permission is denied. */
    static final long NONE = 0L;

    private DecidingRole() {
    }

    /**
     * @param index    the resource type's index, null for an organization-wide question
     * @param resource the assignments on the resource asked about, null when it has none (or the question is
     *                 organization-wide)
     */
    static long of(MemberEntry member, ResourceIndex index, ResourceEntry resource) {
        if (!member.active()) {
            return NONE;
        }
        if (index != null) {
            long assigned = resource == null ? 0L : resource.roleOf(member.id());
            if (assigned != 0L) {
                return assigned;
            }
            if (!index.inheritsCompanyRole) {
                return NONE;
            }
        }
        return -member.roleId();
    }

    /** The id of the deciding role, 0 for {@link #NONE}. */
    static long roleId(long decided) {
        return decided < 0 ? -decided : decided;
    }

    /** Whether the deciding role is the member's assignment on the resource (not its company role). */
    static boolean onResource(long decided) {
        return decided > 0;
    }

    /** Whether the deciding role grants the permission (by number); a role no longer held grants nothing. */
    static boolean grants(OrgState org, long decided, int permission) {
        if (decided == NONE) {
            return false;
        }
        RoleEntry role = org.roles.get(roleId(decided));
        return role != null && role.grants(permission);
    }

    /** The deciding role's entry, or null when no role decides (or it is no longer held). */
    static RoleEntry role(OrgState org, long decided) {
        return decided == NONE ? null : org.roles.get(roleId(decided));
    }
}
