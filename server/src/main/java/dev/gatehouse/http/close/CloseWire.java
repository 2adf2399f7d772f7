package dev.gatehouse.http.close;

import dev.gatehouse.closemembership.MembershipSettings;
import dev.gatehouse.group.Group;
import dev.gatehouse.group.GroupHeader;
import dev.gatehouse.json.Json;
import dev.gatehouse.member.Member;
import dev.gatehouse.org.Organization;
import dev.gatehouse.role.Role;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Close's representations of Gatehouse objects (reference: close-api.md §2, §4–§6). Field order follows
 * Close's examples. Stateless.
 */
final class CloseWire {

    /** Gatehouse offers everything Close reserves for its top plan (custom roles, lead visibility). */
    static final String PLAN_TYPE = "enterprise";

    private CloseWire() {
    }

    static String orgId(long orgId) {
        return CloseIds.encode(CloseIds.ORGANIZATION, orgId);
    }

    static String membershipId(long memberId) {
        return CloseIds.encode(CloseIds.MEMBERSHIP, memberId);
    }

    static String groupId(long groupId) {
        return CloseIds.encode(CloseIds.GROUP, groupId);
    }

    static ObjectNode role(Role role) {
        ObjectNode n = Json.object();
        n.put("id", OrgRoles.closeId(role));
        n.put("name", role.name());
        ArrayNode permissions = n.putArray("permissions");
        role.permissions().forEach(permissions::add);
        n.put("editable", !role.system());
        if (role.visibility() == null) {
            n.putNull("visibility_user_lcf_ids");
            n.putNull("visibility_user_lcf_behavior");
        } else {
            ArrayNode fields = n.putArray("visibility_user_lcf_ids");
            role.visibility().userFieldIds().forEach(fields::add);
            n.put("visibility_user_lcf_behavior", role.visibility().unassigned());
        }
        n.put("organization_id", orgId(role.orgId()));
        n.put("date_created", role.system() ? CloseTime.BUILT_IN : CloseTime.aware(role.createdAt()));
        n.put("date_updated", role.system() ? CloseTime.BUILT_IN : CloseTime.aware(role.updatedAt()));
        return n;
    }

    /** A membership as {@code /membership/} and {@code /me/} return it. */
    static ObjectNode membership(Member member, OrgRoles roles, MembershipSettings settings) {
        ObjectNode n = Json.object();
        n.put("id", membershipId(member.id()));
        n.put("organization_id", orgId(member.orgId()));
        n.put("user_id", member.userId());
        putRole(n, member, roles);
        n.put("role", n.get("role_id").stringValue());
        n.put("auto_record_calls", settings.autoRecordCalls());
        n.put("track_email_opens", settings.trackEmailOpens());
        n.put("default_caller_id", settings.defaultCallerId());
        n.put("default_caller_id_mode", settings.defaultCallerIdMode());
        n.put("hangup_recording_url", settings.hangupRecordingUrl());
        n.put("may_workflows_impersonate", settings.mayWorkflowsImpersonate());
        n.put("is_free", false);
        n.put("plan_type", PLAN_TYPE);
        n.putNull("primary_personal_number");
        return n;
    }

    /** A flat entry of an organization's {@code memberships} / {@code inactive_memberships}. */
    static ObjectNode orgMembership(Member member, OrgRoles roles, MembershipSettings settings, boolean expandUser) {
        ObjectNode n = Json.object();
        n.put("id", membershipId(member.id()));
        n.put("user_id", member.userId());
        putRole(n, member, roles);
        n.put("auto_record_calls", settings.autoRecordCalls());
        n.put("track_email_opens", settings.trackEmailOpens());
        if (expandUser) {
            n.set("user", user(member));
        } else {
            n.put("user_email", member.email());
            n.put("user_first_name", member.firstName());
            n.put("user_last_name", member.lastName());
            n.put("user_full_name", fullName(member));
            n.putNull("user_phone");
        }
        return n;
    }

    private static void putRole(ObjectNode n, Member member, OrgRoles roles) {
        Role role = member.roleId() == null ? null : roles.byId(member.roleId());
        n.put("role_id", role == null ? null : OrgRoles.closeId(role));
        ArrayNode granted = n.putArray("permissions_granted");
        if (role != null) {
            role.permissions().forEach(granted::add);
        }
    }

    /** A user (a member seen as a person); Gatehouse keeps users per organization. */
    static ObjectNode user(Member member) {
        ObjectNode n = Json.object();
        n.put("id", member.userId());
        n.put("email", member.email());
        n.put("first_name", member.firstName());
        n.put("last_name", member.lastName());
        n.putNull("image");
        n.put("date_created", CloseTime.aware(member.createdAt()));
        n.put("date_updated", CloseTime.aware(member.updatedAt()));
        n.putArray("organizations").add(orgId(member.orgId()));
        n.putNull("email_verified_at");
        n.putNull("google_profile_image_url");
        n.putNull("last_used_timezone");
        return n;
    }

    /** An organization; {@code memberships}/{@code inactive} null leaves those lists out. */
    static ObjectNode organization(Organization org, List<ObjectNode> memberships, List<ObjectNode> inactive) {
        ObjectNode n = Json.object();
        n.put("id", orgId(org.id()));
        n.put("name", org.name());
        n.putNull("created_by");
        n.put("date_created", CloseTime.aware(org.createdAt()));
        n.put("date_updated", CloseTime.aware(org.updatedAt()));
        n.putArray("lead_statuses");
        n.putArray("pipelines");
        n.put("plan_type", PLAN_TYPE);
        n.put("currency", "USD");
        if (memberships != null) {
            n.putArray("memberships").addAll(memberships);
        }
        if (inactive != null) {
            n.putArray("inactive_memberships").addAll(inactive);
        }
        return n;
    }

    static ObjectNode group(GroupHeader group) {
        ObjectNode n = Json.object();
        n.put("id", groupId(group.id()));
        n.put("name", group.name());
        n.put("organization_id", orgId(group.orgId()));
        return n;
    }

    /** A group with its members (a list of groups shows none: {@link #group(GroupHeader)}). */
    static ObjectNode group(Group group) {
        ObjectNode n = group(group.header());
        ArrayNode members = n.putArray("members");
        group.members().forEach(m -> members.addObject().put("user_id", m.userId()));
        return n;
    }

    static String fullName(Member member) {
        String first = member.firstName() == null ? "" : member.firstName().strip();
        String last = member.lastName() == null ? "" : member.lastName().strip();
        String full = (first + " " + last).strip();
        return full.isEmpty() ? null : full;
    }
}
