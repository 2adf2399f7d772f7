package dev.gatehouse.engine;

import java.util.function.Function;

/**
 * The state one engine holds: every organization's indexes and the revision of the last change applied, plus
 * the lookups every query and write starts with, which refuse unknown names with an {@link EngineException}.
 *
 * <p>Thread rules: the organization map and the revision are volatile fields; {@link EngineWriter} is the only
 * code that changes them, serialized on its own monitor, and replaces {@link #orgs} as a whole only when it takes
 * over a reloaded state. Readers take no lock: they read {@link #orgs} once per question and then see each
 * single write atomically (an entry is replaced, never mutated).
 */
final class EngineState {

    /** Finds a catalog by id; asked only when an organization is added or changes catalog. */
    final Function<String, Catalog> catalogs;
    volatile LongMap<OrgState> orgs = new LongMap<>(1024);
    volatile long revision;

    EngineState(Function<String, Catalog> catalogs) {
        this.catalogs = catalogs;
    }

    OrgState org(long orgId) {
        OrgState org = orgs.get(orgId);
        if (org == null) {
            throw new EngineException.UnknownOrganization(orgId);
        }
        return org;
    }

    /** The member's word in the organization's {@link MemberTable}: its company role and flags. */
    static long member(OrgState org, long memberId) {
        long member = org.members.word(memberId);
        if (member == 0L) {
            throw new EngineException.UnknownMember(org.id, memberId);
        }
        return member;
    }

    /** The number of a permission in the organization's catalog. */
    static int permission(OrgState org, String permission) {
        int number = org.catalog.numberOf(permission);
        if (number < 0) {
            throw new EngineException.UnknownPermission(permission, org.catalog.id());
        }
        return number;
    }

    /** The number of a permission asked without a resource, which must apply organization-wide. */
    static int organizationWidePermission(OrgState org, String permission) {
        int number = permission(org, permission);
        if (!org.catalog.organizationWide(number)) {
            throw new EngineException.PermissionNotApplicable(permission, null);
        }
        return number;
    }

    /** The index of a resource type; a permission ({@code >= 0}, else unchecked) must apply on that type. */
    static ResourceIndex resourceIndex(OrgState org, String resourceType, int permission) {
        ResourceIndex index = org.resources.get(resourceType);
        if (index == null) {
            throw new EngineException.UnknownResourceType(resourceType, org.catalog.id());
        }
        if (permission >= 0 && !index.applies(permission)) {
            throw new EngineException.PermissionNotApplicable(org.catalog.permissions().get(permission).key(),
                    resourceType);
        }
        return index;
    }
}
