package dev.gatehouse.http.v1;

import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.group.Group;
import dev.gatehouse.group.GroupMember;
import dev.gatehouse.group.GroupPage;
import dev.gatehouse.member.MemberRef;
import dev.gatehouse.group.GroupService;
import dev.gatehouse.group.GroupSnapshot;
import dev.gatehouse.http.Auth;
import dev.gatehouse.http.Route;
import dev.gatehouse.json.Fields;
import dev.gatehouse.json.Json;
import io.javalin.http.Context;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/** {@code /v1/orgs/{org}/groups}: groups and their members. */
final class GroupsResource {

    private final GroupService groups;
    private final Auth auth;

    GroupsResource(GroupService groups, Auth auth) {
        this.groups = groups;
        this.auth = auth;
    }

    List<Route> routes() {
        return List.of(
                Route.get("/v1/orgs/{org}/groups", this::list).reading(V1.PAGE),
                Route.post("/v1/orgs/{org}/groups", this::create),
                Route.get("/v1/orgs/{org}/groups/{group}", this::get),
                Route.patch("/v1/orgs/{org}/groups/{group}", this::update).readingIfMatch(),
                Route.delete("/v1/orgs/{org}/groups/{group}", this::delete).readingIfMatch(),
                Route.get("/v1/orgs/{org}/groups/{group}/members", this::listMembers).reading(V1.PAGE),
                Route.post("/v1/orgs/{org}/groups/{group}/members", this::addMember).readingIfMatch(),
                Route.delete("/v1/orgs/{org}/groups/{group}/members/{member}", this::removeMember)
                        .readingIfMatch());
    }

    private void list(Context ctx) {
        var principal = auth.principal(ctx);
        int limit = V1.limit(ctx);
        GroupPage page = groups.page(principal, V1.id(ctx, "org"), V1.after(ctx), limit);
        V1.page(ctx, "", page.groups(), limit, page.cutShort(), Group::id, GroupSnapshot::of);
    }

    private void get(Context ctx) {
        var principal = auth.principal(ctx);
        V1.object(ctx, 200, GroupSnapshot.of(groups.get(principal, V1.id(ctx, "org"), V1.id(ctx, "group"))));
    }

    private void create(Context ctx) {
        var principal = auth.principal(ctx);
        long orgId = V1.id(ctx, "org");
        Fields f = V1.body(ctx).allowOnly(Set.of("name"));
        String name = f.name("name", true, 100);
        f.check();
        var written = groups.create(principal, orgId, name);
        V1.written(ctx, 201, written, GroupSnapshot.of(written.value()));
    }

    private void update(Context ctx) {
        var principal = auth.principal(ctx);
        long orgId = V1.id(ctx, "org");
        long groupId = V1.id(ctx, "group");
        Fields f = V1.body(ctx).allowOnly(Set.of("name"));
        String name = f.name("name", true, 100);
        f.check();
        var written = groups.rename(principal, orgId, groupId, name, V1.ifMatch(ctx));
        V1.written(ctx, 200, written, GroupSnapshot.of(written.value()));
    }

    private void delete(Context ctx) {
        var principal = auth.principal(ctx);
        V1.written(ctx, 204, groups.delete(principal, V1.id(ctx, "org"), V1.id(ctx, "group"), V1.ifMatch(ctx)), null);
    }

    /** The members, ascending by member id, paged like every native list. */
    private void listMembers(Context ctx) {
        var principal = auth.principal(ctx);
        int limit = V1.limit(ctx);
        long after = V1.after(ctx);
        Group group = groups.get(principal, V1.id(ctx, "org"), V1.id(ctx, "group"));
        List<GroupMember> page = group.members().stream().filter(m -> m.memberId() > after).limit(limit).toList();
        V1.page(ctx, page, limit, GroupMember::memberId, GroupsResource::member);
    }

    /** Adds {@code {member_id}} or {@code {user_id}}: 201 when added, 200 when it already was a member. */
    private void addMember(Context ctx) {
        var principal = auth.principal(ctx);
        long orgId = V1.id(ctx, "org");
        long groupId = V1.id(ctx, "group");
        Fields f = V1.body(ctx).allowOnly(Set.of("member_id", "user_id"));
        Long memberId = f.id("member_id", false);
        String userId = f.identifier("user_id", false, MemberRef.MAX_LENGTH);
        if (memberId == null && userId == null && !f.hasErrors()) {
            f.error("member_id", "member_id or user_id is required");
        } else if (memberId != null && userId != null) {
            f.error("user_id", "give member_id or user_id, not both");
        }
        f.check();
        var written = groups.addMember(principal, orgId, groupId,
                memberId != null ? MemberRef.id(memberId) : MemberRef.userId(userId), V1.ifMatch(ctx));
        var member = written.value().member();
        V1.written(ctx, written.value().changed() ? 201 : 200, written,
                member(new GroupMember(member.id(), member.userId())));
    }

    private void removeMember(Context ctx) {
        var principal = auth.principal(ctx);
        long orgId = V1.id(ctx, "org");
        long groupId = V1.id(ctx, "group");
        var written = groups.removeMember(principal, orgId, groupId, MembersResource.ref(ctx),
                V1.ifMatch(ctx));
        if (!written.value().changed()) {
            throw new NotFoundException("group_member_not_found", "member " + written.value().member().id()
                    + " is not in group " + groupId);
        }
        V1.written(ctx, 204, written, null);
    }

    private static ObjectNode member(GroupMember m) {
        ObjectNode n = Json.object();
        n.put("member_id", m.memberId());
        n.put("user_id", m.userId());
        return n;
    }
}
