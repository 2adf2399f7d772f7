package dev.gatehouse.app;

import dev.gatehouse.limit.Limits;
import picocli.CommandLine.Option;

/** The {@code serve} options of the per-organization {@link Limits}, each with its {@code GATEHOUSE_*} variable. */
final class LimitOptions {

    @Option(names = "--max-roles-per-org", defaultValue = "${env:GATEHOUSE_MAX_ROLES_PER_ORG:-1000}", description = "roles one organization may have, system roles included (GATEHOUSE_MAX_ROLES_PER_ORG, default 1000)")
    int rolesPerOrg;

    @Option(names = "--max-members-per-org", defaultValue = "${env:GATEHOUSE_MAX_MEMBERS_PER_ORG:-100000}", description = "members one organization may have, deactivated ones included (GATEHOUSE_MAX_MEMBERS_PER_ORG, default 100000)")
    int membersPerOrg;

    @Option(names = "--max-groups-per-org", defaultValue = "${env:GATEHOUSE_MAX_GROUPS_PER_ORG:-1000}", description = "groups one organization may have (GATEHOUSE_MAX_GROUPS_PER_ORG, default 1000)")
    int groupsPerOrg;

    @Option(names = "--max-keys-per-member", defaultValue = "${env:GATEHOUSE_MAX_KEYS_PER_MEMBER:-20}", description = "active API keys one member may have (GATEHOUSE_MAX_KEYS_PER_MEMBER, default 20)")
    int keysPerMember;

    @Option(names = "--max-assignments-per-resource", defaultValue = "${env:GATEHOUSE_MAX_ASSIGNMENTS_PER_RESOURCE:-10000}", description = "members holding a role on one resource (GATEHOUSE_MAX_ASSIGNMENTS_PER_RESOURCE, default 10000)")
    int assignmentsPerResource;

    @Option(names = "--max-members-per-group", defaultValue = "${env:GATEHOUSE_MAX_MEMBERS_PER_GROUP:-5000}", description = "members one group may hold (GATEHOUSE_MAX_MEMBERS_PER_GROUP, default 5000)")
    int membersPerGroup;

    @Option(names = "--max-resources-per-org", defaultValue = "${env:GATEHOUSE_MAX_RESOURCES_PER_ORG:-1000000}", description = "resources one organization may record in its hierarchy (GATEHOUSE_MAX_RESOURCES_PER_ORG, default 1000000)")
    int resourcesPerOrg;

    @Option(names = "--max-rooms-per-org", defaultValue = "${env:GATEHOUSE_MAX_ROOMS_PER_ORG:-1000000}", description = "rooms one organization may have (GATEHOUSE_MAX_ROOMS_PER_ORG, default 1000000)")
    int roomsPerOrg;

    /** The limits; an {@link IllegalArgumentException} naming the option when one is out of range. */
    Limits limits() {
        return new Limits(rolesPerOrg, membersPerOrg, groupsPerOrg, keysPerMember, assignmentsPerResource,
                membersPerGroup, resourcesPerOrg, roomsPerOrg);
    }
}
