package dev.gatehouse.http.v1;

import dev.gatehouse.http.Auth;
import dev.gatehouse.http.Route;
import dev.gatehouse.json.Fields;
import dev.gatehouse.json.Json;
import dev.gatehouse.member.Member;
import dev.gatehouse.member.MemberInput;
import dev.gatehouse.member.MemberRef;
import dev.gatehouse.member.MemberSnapshot;
import dev.gatehouse.model.ResourceType;
import dev.gatehouse.preview.Preview;
import dev.gatehouse.preview.PreviewService;
import dev.gatehouse.preview.ProposedChange;
import dev.gatehouse.role.RoleInput;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v1/orgs/{org}/preview}: who would gain and who would lose which permissions, where, if a proposed
 * change were made ({@link PreviewService}, which rehearses the write and answers from a copy of the engine's
 * state; nothing is written). The body names exactly one change — {@code role}, {@code member} or
 * {@code assignment}, each with the fields of the write it previews (the others left out or null) — and optionally
 * {@code limit} (members listed per effect, default {@value #DEFAULT_MEMBERS}) or {@code all: true} (every member),
 * until {@link PreviewService#MAX_LISTED} members, or {@link PreviewService#MAX_EFFECTS} effects, are listed in all
 * ({@code truncated} says so; counts stay exact).
 * Refused exactly as that write would be. Offices and regions grant nothing, so a change of one is refused as
 * having nothing to preview. Thread-safe: no state of its own.
 */
final class PreviewResource {

    static final int DEFAULT_MEMBERS = 10;
    private static final Set<String> KINDS = Set.of("role", "member", "assignment");
    /** Writes that exist but have no preview: named as such rather than as unknown fields. */
    private static final List<String> DECIDE_NOTHING = List.of("office", "region");
    private static final Set<String> STATUSES = Set.of(Member.ACTIVE, Member.DEACTIVATED);

    private final PreviewService previews;
    private final Auth auth;

    PreviewResource(PreviewService previews, Auth auth) {
        this.previews = previews;
        this.auth = auth;
    }

    List<Route> routes() {
        return List.of(Route.post("/v1/orgs/{org}/preview", this::preview));
    }

    private void preview(Context ctx) {
        var principal = auth.principal(ctx);
        long orgId = V1.id(ctx, "org");
        previews.requireOrganization(principal, orgId);
        Fields f = V1.body(ctx);
        for (String name : DECIDE_NOTHING) {
            if (f.has(name)) {
                f.error(name, "an office or region change is not previewed: on rooms it decides nothing; on "
                        + "rooms_v5, where offices and regions lie in the hierarchy, moving or deleting one changes "
                        + "who reaches the rooms beneath, which a preview does not compute (preview a role, member or "
                        + "assignment change)");
            }
        }
        f.allowOnly(Set.of("role", "member", "assignment", "limit", "all"));
        Long limit = f.integer("limit", false, 0, V1.MAX_LIMIT);
        boolean all = Boolean.TRUE.equals(f.bool("all"));
        long kinds = KINDS.stream().filter(name -> given(f, name)).count();
        if (kinds != 1) {
            f.error("change", "give exactly one of role, member and assignment, got " + kinds);
            f.check();
        }
        String kind = given(f, "role") ? "role" : given(f, "member") ? "member" : "assignment";
        Fields inner = f.object(kind, true);
        f.check();
        ProposedChange change = switch (kind) {
            case "role" -> role(inner);
            case "member" -> member(inner);
            default -> assignment(inner);
        };
        Preview preview = previews.preview(principal, orgId, change,
                limit == null ? DEFAULT_MEMBERS : limit.intValue(), all);
        V1.ok(ctx, json(preview));
    }

    /**
     * Whether the body names the change {@code name}: a change sent as {@code null} is absent, as an optional field's
     * null is everywhere else ({@code {"role": {…}, "member": null}} previews the role change).
     */
    private static boolean given(Fields f, String name) {
        return f.has(name) && !f.isNull(name);
    }

    /** {@code role: {id, version?, permissions?, external?, visibility?, name?, description?}}. */
    private static ProposedChange role(Fields f) {
        Long roleId = f.id("id", true);
        Long version = f.integer("version", false, 0, Integer.MAX_VALUE);
        RoleInput input = RolesResource.input(f, false, Set.of("id", "version"));
        return new ProposedChange.RoleEdit(roleId == null ? 0L : roleId, input,
                version == null ? null : version.intValue());
    }

    /** {@code member: {member_id | user_id, role_id?, status?, version?}}. */
    private static ProposedChange member(Fields f) {
        f.allowOnly(Set.of("member_id", "user_id", "role_id", "status", "version"));
        MemberRef ref = DecisionsResource.oneMember(f, f.id("member_id", false), f.string("user_id", false, 200));
        Long roleId = f.id("role_id", false);
        String status = f.string("status", false, 32);
        if (status != null && !STATUSES.contains(status)) {
            f.error("status", "must be one of " + STATUSES);
        }
        if (roleId == null && status == null && !f.hasErrors()) {
            f.error("role_id", "give role_id, status or both: the change to preview");
        }
        Long version = f.integer("version", false, 0, Integer.MAX_VALUE);
        f.check();
        return new ProposedChange.MemberEdit(ref, new MemberInput(null, null, null, null, roleId, null, status),
                version == null ? null : version.intValue());
    }

    /**
     * {@code assignment: {resource: {type, id}, member_id | user_id, role_id, expires_at?}}; {@code role_id: null}
     * removes.
     */
    private static ProposedChange assignment(Fields f) {
        f.allowOnly(Set.of("resource", "member_id", "user_id", "role_id", "expires_at"));
        Fields resource = f.object("resource", true);
        String type = null;
        String id = null;
        if (resource != null) {
            resource.allowOnly(Set.of("type", "id"));
            type = resource.string("type", true, 64);
            id = DecisionsResource.resourceId(resource);
        }
        MemberRef ref = DecisionsResource.oneMember(f, f.id("member_id", false), f.string("user_id", false, 200));
        if (!f.has("role_id")) {
            f.error("role_id", "is required: a role id to give, or null to take the member's role away");
        }
        Long roleId = f.id("role_id", false);
        Instant expiresAt = f.instant("expires_at");
        if (roleId == null && expiresAt != null) {
            f.error("expires_at", "ends a role given with role_id; a removal (role_id null) has no end");
        }
        // a put records the resource, as the write previewed would: its id is refused as that write refuses it
        String recorded = roleId == null || id == null ? null : ResourceType.recordedIdProblem(id);
        if (recorded != null) {
            resource.error("id", recorded);
        }
        f.check();
        return roleId == null ? new ProposedChange.AssignmentRemoval(type, id, ref)
                : new ProposedChange.AssignmentPut(type, id, ref, roleId, expiresAt);
    }

    static ObjectNode json(Preview preview) {
        ObjectNode body = Json.object();
        body.put("revision", preview.revision());
        effects(body.putArray("gains"), preview.gains());
        effects(body.putArray("losses"), preview.losses());
        body.put("gains_count", preview.gainsCount());
        body.put("losses_count", preview.lossesCount());
        body.put("members_gaining", preview.membersGaining());
        body.put("members_losing", preview.membersLosing());
        members(body.putObject("visibility_changed"), preview.visibilityChanged());
        body.put("truncated", preview.truncated());
        return body;
    }

    private static void effects(ArrayNode out, List<Preview.Effect> effects) {
        for (Preview.Effect e : effects) {
            ObjectNode item = out.addObject();
            item.put("permission", e.permission());
            ObjectNode where = item.putObject("where");
            if (e.resourceType() == null) {
                where.put("scope", "organization");
            } else if (e.resourceId() == null) {
                where.put("scope", "unassigned").put("type", e.resourceType());
            } else {
                where.put("scope", "resource").put("type", e.resourceType()).put("id", e.resourceId());
            }
            members(item.putObject("members"), e.members());
        }
    }

    private static void members(ObjectNode out, Preview.Members members) {
        out.put("count", members.count());
        ArrayNode items = out.putArray("items");
        members.first().forEach(m -> items.add(MemberSnapshot.of(m)));
        out.put("complete", members.complete());
    }
}
