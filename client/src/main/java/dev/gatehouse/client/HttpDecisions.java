package dev.gatehouse.client;

import dev.gatehouse.client.Transport.Safety;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@link Decisions} over the native API. Decision requests are reads sent as {@code POST}: safe to repeat. Each
 * carries the session's revision as {@code min_revision} when it has one — in the body, or as a query parameter of
 * the two {@code GET}s — so the node answering waits until it has applied the session's writes (or answers 503
 * {@code revision_not_reached}). Immutable and thread-safe.
 */
final class HttpDecisions implements Decisions {


    private final Requests requests;
    private final String orgPath;

    HttpDecisions(Requests requests, String orgPath) {
        this.requests = requests;
        this.orgPath = orgPath;
    }

    @Override
    public CheckResult check(Check check) {
        return CheckResult.from(post("/check", consistent(Objects.requireNonNull(check, "check").json())));
    }

    @Override
    public CheckResult explain(Check check) {
        return check(Objects.requireNonNull(check, "check").explained());
    }

    @Override
    public BatchResult checkAll(List<Check> checks) {
        ObjectNode body = Wire.object();
        ArrayNode items = body.putArray("checks");
        Objects.requireNonNull(checks, "checks").forEach(check -> items.add(check.json()));
        JsonNode answer = post("/check/batch", consistent(body));
        return new BatchResult(Wire.list(answer, "results", BatchItem::from), Wire.number(answer, "revision"));
    }

    @Override
    public ResourceLookup lookupResources(MemberRef member, String permission, String type) {
        Objects.requireNonNull(member, "member");
        List<String> ids = new ArrayList<>();
        String cursor = null;
        boolean allUnassigned = false;
        long revision = -1;
        do {
            ObjectNode body = Wire.object();
            member.putInto(body);
            body.put("permission", Objects.requireNonNull(permission, "permission"))
                    .put("type", Objects.requireNonNull(type, "type")).put("limit", requests.pageSize);
            Wire.putIfSet(body, "cursor", cursor);
            JsonNode page = post("/lookup/resources", consistent(body));
            ids.addAll(Wire.strings(page, "items"));
            cursor = Wire.text(page, "next_cursor");
            if (revision < 0) {
                revision = Wire.number(page, "revision");
                allUnassigned = Wire.flag(page, "all_unassigned");
            }
        } while (cursor != null);
        return new ResourceLookup(ids, allUnassigned, revision);
    }

    @Override
    public Stream<Members.Member> lookupMembers(String permission) {
        return lookupMembers(permission, null);
    }

    @Override
    public Stream<Members.Member> lookupMembers(String permission, ResourceRef resource) {
        Objects.requireNonNull(permission, "permission");
        return Requests.stream(cursor -> {
            ObjectNode body = Wire.object().put("permission", permission).put("limit", requests.pageSize);
            if (resource != null) {
                body.set("resource", resource.json());
            }
            Wire.putIfSet(body, "cursor", cursor);
            JsonNode page = post("/lookup/members", consistent(body));
            return new Requests.Page<>(Wire.list(page, "items", Members.Member::from), Wire.text(page, "next_cursor"));
        });
    }

    @Override
    public EffectivePermissions permissions(MemberRef member) {
        return EffectivePermissions.from(fresh(new Query(memberPath(member) + "/permissions")));
    }

    @Override
    public EffectivePermissions permissions(MemberRef member, ResourceRef resource) {
        Objects.requireNonNull(resource, "resource");
        return EffectivePermissions.from(fresh(new Query(memberPath(member) + "/permissions")
                .add("resource_type", resource.type()).add("resource_id", resource.id())));
    }

    @Override
    public VisibilityCheck visible(MemberRef member, Map<String, List<String>> recordFields) {
        ObjectNode body = Wire.object();
        Objects.requireNonNull(member, "member").putInto(body);
        ObjectNode fields = body.putObject("record").putObject("fields");
        Objects.requireNonNull(recordFields, "recordFields").forEach((field, users) -> fields.set(field, Wire.array(users)));
        return VisibilityCheck.from(post("/visibility/check", consistent(body)));
    }

    @Override
    public VisibilityFilter visibilityFilter(MemberRef member) {
        JsonNode answer = fresh(new Query(memberPath(member) + "/visibility-filter"));
        return VisibilityFilter.from(answer, Wire.number(answer, "revision"));
    }

    @Override
    public JsonNode preview(JsonNode change) {
        return post("/preview", Objects.requireNonNull(change, "change"));
    }

    private JsonNode post(String path, JsonNode body) {
        return requests.send("POST", orgPath + path, Safety.IDEMPOTENT, body, null);
    }

    /** {@code body} with the session's revision as {@code min_revision}, unless it has none yet. */
    private ObjectNode consistent(ObjectNode body) {
        long revision = requests.transport.revision();
        if (revision > 0) {
            body.put("min_revision", revision);
        }
        return body;
    }

    /** A {@code GET} of a decision read, with the session's revision as {@code min_revision} when it has one. */
    private JsonNode fresh(Query query) {
        long revision = requests.transport.revision();
        return requests.get((revision > 0 ? query.add("min_revision", revision) : query).toString());
    }

    private String memberPath(MemberRef member) {
        return orgPath + "/members/" + Objects.requireNonNull(member, "member").pathSegment();
    }
}
