package dev.gatehouse.engine;

/**
 * Which role decides what a member may do, here — the one place the rule is written (DESIGN §3); check,
 * explain, effective permissions, visibility, both lookups and what-ifs all ask {@link #of}:
 * <ol>
 *   <li>a deactivated member: no role;</li>
 *   <li>on a resource where the member holds an assignment: that role, entirely (stronger or weaker than the
 *       company role);</li>
 *   <li>on a resource without one: the member's assignment on the nearest ancestor that holds one (its parent,
 *       then the parent's parent, along the catalog's parent types), which then decides just as entirely;</li>
 *   <li>with no assignment on the resource or any ancestor: the company role where the resource's type inherits
 *       it, else no role;</li>
 *   <li>organization-wide: the company role; external members have none.</li>
 * </ol>
 * Where the company role decides and that role takes grants (the model names the roles whose members may be
 * given grants), the member's per-member grants are added to it: {@link #allows} and {@link #bits} answer for
 * role ∪ grants. An assignment, on the resource or an ancestor, still decides alone: grants extend the company
 * role, never a resource role.
 *
 * <p>The answer is a {@code long}, so that asking allocates nothing on the check path: {@link #NONE} for no
 * role, a role id ({@code > 0}) for a role assigned on the resource or an ancestor, a negated role id
 * ({@code < 0}) for the company role. {@link #roleId} and {@link #onResource} read it; a {@link Source} passed
 * in learns which resource's assignment decided. Cost: per level of the hierarchy one map read for the
 * resource's assignments, one search in them and one map read for its parent — O(depth), and the depth is
 * at most the number of the catalog's resource types. Stateless.
 */
final class DecidingRole {

    /** No role applies: every permission is denied. */
    static final long NONE = 0L;

    private static final long[] NO_GRANTS = new long[0];

    private DecidingRole() {
    }

    /**
     * @param member     the member's word in its organization's {@link MemberTable} (role id and flags)
     * @param index      the resource type's index, null for an organization-wide question
     * @param resourceId the resource asked about (null when the question is organization-wide)
     */
    static long of(long memberId, long member, ResourceIndex index, String resourceId) {
        return of(memberId, member, index, resourceId, null);
    }

    /**
     * As {@link #of(long, long, ResourceIndex, String)}, with the member's role on the resource itself already read
     * ({@code assigned}: {@code index.roleOf(resourceId, memberId)}, 0 for none), so that a caller can read it
     * before the member's word and let the two lookups' cache misses overlap. {@code index} must not be null.
     */
    static long of(long memberId, long member, ResourceIndex index, String resourceId, long assigned) {
        if (!MemberTable.active(member)) {
            return NONE;
        }
        if (assigned != 0L) {
            return assigned;
        }
        return fromAncestors(memberId, member, index, resourceId == null ? null : index.parentOf(resourceId),
                index.parent, null);
    }

    /** As {@link #of(long, long, ResourceIndex, String)}; {@code source}, when given, learns where it decided. */
    static long of(long memberId, long member, ResourceIndex index, String resourceId, Source source) {
        if (!MemberTable.active(member)) {
            return NONE;
        }
        if (index == null) {
            return -MemberTable.roleId(member);
        }
        return fromAncestors(memberId, member, index, resourceId, index, source);
    }

    /**
     * The walk of {@link #of}: from resource {@code id} of type {@code at} up the hierarchy, the first assignment
     * of the member; else the company role where {@code index} (the type asked about) inherits it, else none.
     */
    private static long fromAncestors(long memberId, long member, ResourceIndex index, String id, ResourceIndex at,
                                      Source source) {
        while (at != null && id != null) {
            long assigned = at.roleOf(id, memberId);
            if (assigned != 0L) {
                if (source != null) {
                    source.index = at;
                    source.resourceId = id;
                }
                return assigned;
            }
            id = at.parentOf(id);
            at = at.parent;
        }
        return index.inheritsCompanyRole ? -MemberTable.roleId(member) : NONE;
    }

    /** The id of the deciding role, 0 for {@link #NONE}. */
    static long roleId(long decided) {
        return decided < 0 ? -decided : decided;
    }

    /** Whether the deciding role is an assignment, on the resource or an ancestor (not the company role). */
    static boolean onResource(long decided) {
        return decided > 0;
    }

    /**
     * Whether the member may do the permission (by number) where {@code decided} was found: the deciding role
     * grants it, or the company role decides, takes grants, and the member holds a grant of it. A role no longer
     * held grants nothing (and takes no grants). No allocation.
     */
    static boolean allows(OrgState org, long memberId, long member, long decided, int permission) {
        if (decided == NONE) {
            return false;
        }
        RoleEntry role = org.roles.get(roleId(decided));
        return role != null && (role.grants(permission) || (decided < 0 && role.takesGrants()
                && RoleEntry.isSet(grantsOf(org, memberId, member), permission)));
    }

    /** Whether {@link #allows} holds only through a grant: the deciding role itself lacks the permission. */
    static boolean byGrant(OrgState org, long memberId, long member, long decided, int permission) {
        RoleEntry role = role(org, decided);
        return role != null && !role.grants(permission) && allows(org, memberId, member, decided, permission);
    }

    /** Role ∪ grants where {@code decided} was found, as permission bits; null when no role decides. */
    static long[] bits(OrgState org, long memberId, long member, long decided) {
        RoleEntry role = role(org, decided);
        if (role == null) {
            return null;
        }
        long[] grants = decided < 0 && role.takesGrants() ? grantsOf(org, memberId, member) : NO_GRANTS;
        if (grants.length == 0) {
            return role.bits();
        }
        long[] union = role.bits().clone();
        for (int word = 0; word < union.length && word < grants.length; word++) {
            union[word] |= grants[word];
        }
        return union;
    }

    /**
     * The member's per-member grants (an empty array for none); the array is shared, never to be changed. The
     * word's grants flag spares the map read for the members who hold none.
     */
    static long[] grantsOf(OrgState org, long memberId, long member) {
        if (!MemberTable.hasGrants(member)) {
            return NO_GRANTS;
        }
        long[] grants = org.grants.get(memberId);
        return grants == null ? NO_GRANTS : grants;
    }

    /** The deciding role's entry, or null when no role decides (or it is no longer held). */
    static RoleEntry role(OrgState org, long decided) {
        return decided == NONE ? null : org.roles.get(roleId(decided));
    }

    /** Where an assignment decided: the resource's index and id. Mutable; one per question, not shared. */
    static final class Source {
        ResourceIndex index;
        String resourceId;
    }
}
