package dev.gatehouse.app;

import dev.gatehouse.assignment.AssignmentRules;
import dev.gatehouse.assignment.AssignmentService;
import dev.gatehouse.closemembership.CloseMembershipService;
import dev.gatehouse.grant.GrantService;
import dev.gatehouse.group.GroupService;
import dev.gatehouse.member.MemberKeyService;
import dev.gatehouse.member.MemberRules;
import dev.gatehouse.member.MemberService;
import dev.gatehouse.org.OrgService;
import dev.gatehouse.role.RoleChangeRules;
import dev.gatehouse.role.RoleService;
import dev.gatehouse.room.RoomsRules;

/**
 * The management domain every API shares: organizations, their roles, members and members' keys, groups and
 * resource assignments, with the rules a model adds to members, assignments and changes of roles. Immutable; its
 * services are thread-safe.
 */
public record Directory(OrgService orgs, RoleService roles, MemberService members, MemberKeyService memberKeys,
                        GroupService groups, AssignmentService assignments) {

    static Directory wire(Core core, MemberRules memberRules, AssignmentRules assignmentRules,
                          RoleChangeRules roleRules) {
        MemberService members = new MemberService(core.access(), core.orgModels(), memberRules, core.keys(),
                (tx, orgId, member) -> {
                    RoomsRules.requireOwnsNoRoom(tx, orgId, member);
                    GroupService.leaveAll(tx, orgId, member);
                    GrantService.dropAll(tx, orgId, member);
                    AssignmentService.dropAll(tx, orgId, member);
                    CloseMembershipService.dropAll(tx, orgId, member);
                });
        return new Directory(
                new OrgService(core.store(), core.orgModels(), members, core.keys(), core.access()),
                new RoleService(core.orgModels(), core.access(), roleRules),
                members,
                new MemberKeyService(core.access(), members, core.keys(), core.orgModels()),
                new GroupService(core.orgModels(), members, core.access()),
                new AssignmentService(core.access(), members, core.orgModels(), assignmentRules));
    }
}
