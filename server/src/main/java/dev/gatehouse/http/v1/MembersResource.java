package dev.gatehouse.http.v1;

import dev.gatehouse.apikey.ApiKey;
import dev.gatehouse.apikey.KeySnapshot;
import dev.gatehouse.http.Auth;
import dev.gatehouse.http.Route;
import dev.gatehouse.json.Digits;
import dev.gatehouse.json.Fields;
import dev.gatehouse.json.Json;
import dev.gatehouse.member.Member;
import dev.gatehouse.member.MemberInput;
import dev.gatehouse.member.MemberKeyService;
import dev.gatehouse.member.MemberRef;
import dev.gatehouse.member.MemberService;
import dev.gatehouse.member.MemberSnapshot;
import io.javalin.http.Context;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /v1/orgs/{org}/members}: members and their API keys. {@code {member}} is a {@link MemberRef}: a member
 * id, a user id, {@code id:<member id>} or {@code user:<user id>}.
 */
final class MembersResource {

    /** Every status, for the list filter; a new member's; a change's (invited is left by accepting). */
    private static final Set<String> STATUSES = Set.of(Member.ACTIVE, Member.DEACTIVATED, Member.INVITED);
    private static final Set<String> NEW_STATUSES = Set.of(Member.ACTIVE, Member.INVITED);
    private static final Set<String> UPDATED_STATUSES = Set.of(Member.ACTIVE, Member.DEACTIVATED);

    private final MemberService members;
    private final MemberKeyService keys;
    private final Auth auth;

    MembersResource(MemberService members, MemberKeyService keys, Auth auth) {
        this.members = members;
        this.keys = keys;
        this.auth = auth;
    }

    List<Route> routes() {
        return List.of(
                Route.get("/v1/orgs/{org}/members", this::list).reading(V1.PAGE.and("status", "role_id", "q")),
                Route.post("/v1/orgs/{org}/members", this::create),
                Route.get("/v1/orgs/{org}/members/{member}", this::get),
                Route.patch("/v1/orgs/{org}/members/{member}", this::update).readingIfMatch(),
                Route.delete("/v1/orgs/{org}/members/{member}", this::delete).readingIfMatch(),
                Route.post("/v1/orgs/{org}/members/{member}/accept", this::accept).readingIfMatch(),
                Route.get("/v1/orgs/{org}/members/{member}/keys", this::listKeys).reading(V1.PAGE),
                Route.post("/v1/orgs/{org}/members/{member}/keys", this::createKey),
                Route.delete("/v1/orgs/{org}/members/{member}/keys/{key}", this::revokeKey));
    }

    private void list(Context ctx) {
        var principal = auth.principal(ctx);
        int limit = V1.limit(ctx);
        String status = ctx.queryParam("status");
        if (status != null && !STATUSES.contains(status)) {
            throw dev.gatehouse.error.InvalidInputException.field("status", "must be one of " + STATUSES);
        }
        String role = ctx.queryParam("role_id");
        Long roleId = null;
        if (role != null) {
            roleId = Digits.id(role);
            if (roleId <= 0) {
                throw dev.gatehouse.error.InvalidInputException.field("role_id", "must be a positive integer id");
            }
        }
        String search = ctx.queryParam("q");
        if (search != null && (search.isBlank() || search.length() > 200)) {
            throw dev.gatehouse.error.InvalidInputException.field("q", "must hold 1 to 200 characters to search for");
        }
        search = search == null ? null : Fields.composed(search); // as names and emails are stored
        // the filters are the list's variant: a position among one filter's members would start another's page
        String variant = V1.variant("status", status, "role_id", roleId, "q", search);
        V1.page(ctx, variant, members.list(principal, V1.id(ctx, "org"), V1.after(ctx, variant), limit, status, roleId,
                search), limit, false, Member::id, MemberSnapshot::of);
    }

    private void get(Context ctx) {
        var principal = auth.principal(ctx);
        V1.object(ctx, 200, MemberSnapshot.of(members.get(principal, V1.id(ctx, "org"), ref(ctx))));
    }

    private void create(Context ctx) {
        var principal = auth.principal(ctx);
        long orgId = V1.id(ctx, "org");
        Fields f = V1.body(ctx).allowOnly(Set.of("user_id", "email", "first_name", "last_name", "role_id", "external",
                "status"));
        String status = f.string("status", false, 32);
        if (status != null && !NEW_STATUSES.contains(status)) {
            f.error("status", "must be one of " + NEW_STATUSES);
        }
        MemberInput in = new MemberInput(f.identifier("user_id", true, MemberRef.MAX_LENGTH), f.email("email", true),
                f.nameOrEmpty("first_name", 200), f.nameOrEmpty("last_name", 200), f.id("role_id", false),
                f.bool("external"), status);
        f.check();
        var written = members.create(principal, orgId, in);
        V1.written(ctx, 201, written, MemberSnapshot.of(written.value()));
    }

    private void update(Context ctx) {
        var principal = auth.principal(ctx);
        long orgId = V1.id(ctx, "org");
        Fields f = V1.body(ctx).allowOnly(Set.of("user_id", "email", "first_name", "last_name", "role_id", "external",
                "status")).rejectNulls("user_id", "email", "first_name", "last_name", "role_id", "external", "status");
        String status = f.string("status", false, 32);
        if (status != null && !UPDATED_STATUSES.contains(status)) {
            f.error("status", "must be one of " + UPDATED_STATUSES);
        }
        MemberInput in = new MemberInput(f.identifier("user_id", false, MemberRef.MAX_LENGTH), f.email("email", false),
                f.nameOrEmpty("first_name", 200), f.nameOrEmpty("last_name", 200), f.id("role_id", false),
                f.bool("external"), status);
        f.check();
        var written = members.update(principal, orgId, ref(ctx), in, V1.ifMatch(ctx));
        V1.written(ctx, 200, written, MemberSnapshot.of(written.value()));
    }

    /** Marks an invited member's invitation accepted: it becomes active. No body, or an empty object. */
    private void accept(Context ctx) {
        var principal = auth.principal(ctx);
        if (ctx.bodyAsBytes().length > 0) {
            V1.body(ctx).allowOnly(Set.of()).check();
        }
        var written = members.accept(principal, V1.id(ctx, "org"), ref(ctx), V1.ifMatch(ctx));
        V1.written(ctx, 200, written, MemberSnapshot.of(written.value()));
    }

    private void delete(Context ctx) {
        var principal = auth.principal(ctx);
        V1.written(ctx, 204, members.delete(principal, V1.id(ctx, "org"), ref(ctx), V1.ifMatch(ctx)), null);
    }

    private void listKeys(Context ctx) {
        var principal = auth.principal(ctx);
        int limit = V1.limit(ctx);
        String after = V1.afterText(ctx);
        List<ApiKey> page = keys.list(principal, V1.id(ctx, "org"), ref(ctx), after, limit);
        ObjectNode body = Json.object();
        ArrayNode items = body.putArray("items");
        page.forEach(k -> items.add(KeySnapshot.of(k)));
        body.put("next_cursor", page.size() == limit ? V1.cursor(ctx, page.get(page.size() - 1).keyId()) : null);
        V1.ok(ctx, body);
    }

    private void createKey(Context ctx) {
        var principal = auth.principal(ctx);
        long orgId = V1.id(ctx, "org");
        MemberRef member = ref(ctx);
        String name = null;
        if (ctx.bodyAsBytes().length > 0) {
            Fields f = V1.body(ctx).allowOnly(Set.of("name"));
            name = f.optional("name", 200);
            f.check();
        }
        var written = keys.create(principal, orgId, member, name);
        ObjectNode body = KeySnapshot.of(written.value().key());
        body.put("key", written.value().token());
        V1.written(ctx, 201, written, body);
    }

    private void revokeKey(Context ctx) {
        var principal = auth.principal(ctx);
        V1.written(ctx, 204, keys.revoke(principal, V1.id(ctx, "org"), ref(ctx), ctx.pathParam("key")), null);
    }

    static MemberRef ref(Context ctx) {
        return MemberRef.parse(ctx.pathParam("member"), "member");
    }
}
