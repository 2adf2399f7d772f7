package dev.gatehouse.client;

import dev.gatehouse.client.Transport.Safety;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
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
        return post("/check", consistent(Objects.requireNonNull(check, "check").json()), CheckResult::from);
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
        return post("/check/batch", consistent(body), answer -> {
            List<BatchItem> results = Wire.list(answer, "results", BatchItem::from);
            if (results.size() != checks.size()) {
                // the answers are matched to the checks by their place: one missing or extra matches none
                throw new IllegalArgumentException("results holds " + results.size() + " answers for "
                        + checks.size() + " checks");
            }
            return new BatchResult(results, Wire.number(answer, "revision"));
        });
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
            LookupPage page = post("/lookup/resources", consistent(body), answer -> new LookupPage(
                    Wire.strings(answer, "items"), Wire.text(answer, "next_cursor"), Wire.flag(answer, "all_unassigned"),
                    Wire.number(answer, "revision")));
            ids.addAll(page.ids());
            cursor = page.next();
            if (revision < 0) {
                revision = page.revision();
                allUnassigned = page.allUnassigned();
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
            return post("/lookup/members", consistent(body), page -> new Requests.Page<>(Wire.list(page, "items",
                    Members.Member::from), Wire.text(page, "next_cursor")));
        });
    }

    @Override
    public EffectivePermissions permissions(MemberRef member) {
        return fresh(new Query(memberPath(member) + "/permissions"), EffectivePermissions::from);
    }

    @Override
    public EffectivePermissions permissions(MemberRef member, ResourceRef resource) {
        Objects.requireNonNull(resource, "resource");
        return fresh(new Query(memberPath(member) + "/permissions").add("resource_type", resource.type())
                .add("resource_id", resource.id()), EffectivePermissions::from);
    }

    @Override
    public VisibilityCheck visible(MemberRef member, Map<String, List<String>> recordFields) {
        ObjectNode body = Wire.object();
        Objects.requireNonNull(member, "member").putInto(body);
        ObjectNode fields = body.putObject("record").putObject("fields");
        Objects.requireNonNull(recordFields, "recordFields").forEach((field, users) -> fields.set(field, Wire.array(users)));
        return post("/visibility/check", consistent(body), VisibilityCheck::from);
    }

    @Override
    public VisibilityFilter visibilityFilter(MemberRef member) {
        return fresh(new Query(memberPath(member) + "/visibility-filter"),
                answer -> VisibilityFilter.from(answer, Wire.number(answer, "revision")));
    }

    @Override
    public JsonNode preview(JsonNode change) {
        return post("/preview", Objects.requireNonNull(change, "change"), answer -> answer);
    }

    /** One page of a resource lookup: its ids, the next page's cursor (null: the last), and the first page's facts. */
    private record LookupPage(List<String> ids, String next, boolean allUnassigned, long revision) {
    }

    private <T> T post(String path, JsonNode body, Function<JsonNode, T> read) {
        return requests.send("POST", orgPath + path, Safety.IDEMPOTENT, body, null, read);
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
    private <T> T fresh(Query query, Function<JsonNode, T> read) {
        long revision = requests.transport.revision();
        return requests.get((revision > 0 ? query.add("min_revision", revision) : query).toString(), read);
    }

    private String memberPath(MemberRef member) {
        return orgPath + "/members/" + Objects.requireNonNull(member, "member").pathSegment();
    }
}
