package dev.gatehouse.bulk;

import dev.gatehouse.access.Access;
import dev.gatehouse.assignment.AssignmentService;
import dev.gatehouse.grant.GrantService;
import dev.gatehouse.group.GroupService;
import dev.gatehouse.member.MemberService;
import dev.gatehouse.model.OrgModels;
import dev.gatehouse.org.OrgService;
import dev.gatehouse.resource.ResourceService;
import dev.gatehouse.role.RoleService;
import java.util.Objects;

/** The services whose rules an import applies line by line, and the access gate it runs through. Immutable. */
public record BulkServices(Access access, OrgModels orgModels, OrgService orgs, RoleService roles, MemberService members,
                           GroupService groups, AssignmentService assignments, ResourceService resources,
                           GrantService grants) {
    public BulkServices {
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(orgModels, "orgModels");
        Objects.requireNonNull(orgs, "orgs");
        Objects.requireNonNull(roles, "roles");
        Objects.requireNonNull(members, "members");
        Objects.requireNonNull(groups, "groups");
        Objects.requireNonNull(assignments, "assignments");
        Objects.requireNonNull(resources, "resources");
        Objects.requireNonNull(grants, "grants");
    }
}
