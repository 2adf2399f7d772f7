package dev.gatehouse.http.close;

import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.NotFoundException;
import dev.gatehouse.group.Group;
import dev.gatehouse.group.GroupHeader;
import dev.gatehouse.group.GroupService;
import dev.gatehouse.http.close.CloseApi.Endpoint;
import dev.gatehouse.http.close.CloseApi.Permission;
import dev.gatehouse.json.Fields;
import dev.gatehouse.json.Json;
import dev.gatehouse.member.Member;
import dev.gatehouse.member.MemberRef;
import dev.gatehouse.member.MemberService;
import java.util.List;
import java.util.function.Supplier;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /group/}: Close's groups over {@link GroupService} (managing them needs {@code manage_organization};
 * adding and removing members is idempotent, as in Close). Members are addressed by Close user id.
 *
 * <p>Thread-safe: no state of its own.
 */
final class GroupsResource {

    private final GroupService groups;
    private final MemberService members;

    GroupsResource(GroupService groups, MemberService members) {
        this.groups = groups;
        this.members = members;
    }

    List<Endpoint> endpoints() {
        return List.of(
                Endpoint.get("/group/", this::list),
                Endpoint.post("/group/", this::create)
                        .needs(Permission.MANAGE_ORGANIZATION, "creating a group"),
                Endpoint.get("/group/{id}/", this::get),
                Endpoint.put("/group/{id}/", this::rename)
                        .needs(Permission.MANAGE_ORGANIZATION, "renaming a group"),
                Endpoint.delete("/group/{id}/", this::delete)
                        .needs(Permission.MANAGE_ORGANIZATION, "deleting a group"),
                Endpoint.post("/group/{id}/member/", this::addMember)
                        .needs(Permission.MANAGE_ORGANIZATION, "adding a group member"),
                Endpoint.delete("/group/{id}/member/{user_id}/", this::removeMember)
                        .needs(Permission.MANAGE_ORGANIZATION, "removing a group member"));
    }

    private void list(CloseRequest req) {
        int skip = req.skip();
        int limit = req.limit(CloseRequest.MAX_LIMIT);
        List<GroupHeader> page = groups.headers(req.caller(), req.orgId(), 0L, skip + limit + 1);
        CloseReply.list(req, page.stream().skip(skip).limit(limit).map(CloseWire::group).toList(),
                page.size() > skip + limit);
    }

    private void get(CloseRequest req) {
        long id = groupId(req);
        CloseReply.object(req, 200, CloseWire.group(inGroup(req, () -> groups.get(req.caller(), req.orgId(), id))));
    }

    private void create(CloseRequest req) {
        String name = name(req.fields(), true);
        var written = groups.create(req.caller(), req.orgId(), name);
        CloseReply.object(req, 201, CloseWire.group(written.value()));
    }

    /** Only the fields sent change, as every Close PUT: {@code {}} answers the group as it is. */
    private void rename(CloseRequest req) {
        long id = groupId(req);
        Fields f = req.fields();
        CloseFields.notNull(f, "name");
        String name = name(f, false);
        if (name == null) {
            get(req);
            return;
        }
        var written = inGroup(req, () -> groups.rename(req.caller(), req.orgId(), id, name, null));
        CloseReply.object(req, 200, CloseWire.group(written.value()));
    }

    private void delete(CloseRequest req) {
        long id = groupId(req);
        inGroup(req, () -> groups.delete(req.caller(), req.orgId(), id, null));
        CloseReply.noContent(req);
    }

    /**
     * {@code {"user_id"}} → 201 {@code {"user_id"}}, also when the user already was a member. Only a user of the
     * organization — an active member, whom {@code /user/} lists — may be added: a deactivated or invited member is
     * a 400 on {@code user_id} naming it and its status, and the group is left as it was. The rule is about letting
     * someone in: a member already in the group (deactivated since, or let in by an older build or the native API) is
     * answered 201 as any member added twice, nothing written, so a client re-syncing its groups is not refused.
     */
    private void addMember(CloseRequest req) {
        long id = groupId(req);
        Fields f = req.fields();
        for (String name : f.node().propertyNames()) {
            if (!name.equals("user_id")) {
                f.error(name, "Unknown field.");
            }
        }
        String userId = f.identifier("user_id", true, MemberRef.MAX_LENGTH);
        f.check();
        Member member = user(req, userId);
        if (member.active()) {
            inGroup(req, () -> groups.addMember(req.caller(), req.orgId(), id, MemberRef.id(member.id())));
        } else if (!inGroup(req, () -> groups.get(req.caller(), req.orgId(), id)).hasMember(member.id())) {
            throw InvalidInputException.field("user_id", "User \"" + Fields.abbreviate(userId) + "\" is not an active "
                    + "user of this organization (its membership is " + member.status() + "); only active users can be "
                    + "added to a group.");
        }
        ObjectNode body = Json.object();
        body.put("user_id", member.userId());
        CloseReply.object(req, 201, body);
    }

    /**
     * 204, also when the user was not a member. A deactivated member may still be removed: deactivating a member
     * leaves it in its groups, and this is how a group is rid of it.
     */
    private void removeMember(CloseRequest req) {
        long id = groupId(req);
        Member member = user(req, req.path("user_id"));
        inGroup(req, () -> groups.removeMember(req.caller(), req.orgId(), id, MemberRef.id(member.id())));
        CloseReply.noContent(req);
    }

    private Member user(CloseRequest req, String userId) {
        return members.find(req.caller(), req.orgId(), MemberRef.userId(userId)).orElseThrow(() ->
                new NotFoundException("user_not_found", "User \"" + Fields.abbreviate(userId) + "\" not found."));
    }

    private static String name(Fields f, boolean required) {
        for (String field : f.node().propertyNames()) {
            if (!field.equals("name")) {
                f.error(field, "Unknown field.");
            }
        }
        String name = f.name("name", required, 100);
        f.check();
        return name;
    }

    /** Runs a group operation, reporting an unknown group by its Close id. */
    private static <T> T inGroup(CloseRequest req, Supplier<T> operation) {
        try {
            return operation.get();
        } catch (NotFoundException e) {
            if ("group_not_found".equals(e.code())) {
                throw notFound(req.path("id"));
            }
            throw e;
        }
    }

    private static NotFoundException notFound(String id) {
        return new NotFoundException("group_not_found", "Group \"" + Fields.abbreviate(id) + "\" not found.");
    }

    private static long groupId(CloseRequest req) {
        String raw = req.path("id");
        long id = CloseIds.decode(CloseIds.GROUP, raw);
        if (id < 0) {
            throw notFound(raw);
        }
        return id;
    }
}
