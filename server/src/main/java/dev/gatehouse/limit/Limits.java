package dev.gatehouse.limit;

/**
 * The per-organization limits of a deployment: how many roles, members and groups one organization may have,
 * how many active keys one member, how many members one resource may have assignments for, how many members
 * one group may hold, how many resources one organization may record in its hierarchy, and how many rooms it may
 * have. They bound what one tenant can make the service store, keep in memory and write into a single change-log
 * row. Validated at construction with messages naming the command-line option; immutable.
 *
 * @param rolesPerOrg            roles of one organization, its model's system roles included
 * @param membersPerOrg          members of one organization, deactivated ones included
 * @param groupsPerOrg           groups of one organization
 * @param keysPerMember          active (not revoked) API keys of one member
 * @param assignmentsPerResource members holding a role on one resource
 * @param membersPerGroup        members of one group (the change log lists them all once, when the group is deleted)
 * @param resourcesPerOrg        resources one organization records in its hierarchy (each kept in every node's memory)
 * @param roomsPerOrg            rooms of one organization (the Rooms dialect's; a v5 company's are also resources of
 *                               its hierarchy)
 */
public record Limits(int rolesPerOrg, int membersPerOrg, int groupsPerOrg, int keysPerMember,
                     int assignmentsPerResource, int membersPerGroup, int resourcesPerOrg, int roomsPerOrg) {

    /** The defaults: generous for any real organization, small enough to keep one tenant from exhausting a node. */
    public static final Limits DEFAULTS = new Limits(1_000, 100_000, 1_000, 20, 10_000, 5_000, 1_000_000,
            1_000_000);

    public Limits {
        check("--max-roles-per-org", rolesPerOrg, 10_000_000);
        check("--max-members-per-org", membersPerOrg, 10_000_000);
        check("--max-groups-per-org", groupsPerOrg, 10_000_000);
        check("--max-keys-per-member", keysPerMember, 1_000);
        check("--max-assignments-per-resource", assignmentsPerResource, 10_000_000);
        check("--max-members-per-group", membersPerGroup, 100_000);
        check("--max-resources-per-org", resourcesPerOrg, 100_000_000);
        check("--max-rooms-per-org", roomsPerOrg, 100_000_000);
    }

    private static void check(String option, int value, int max) {
        if (value < 1 || value > max) {
            throw new IllegalArgumentException(option + " must be 1.." + max + ", got " + value);
        }
    }
}
