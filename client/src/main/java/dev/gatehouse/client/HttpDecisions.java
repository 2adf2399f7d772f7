package dev.gatehouse.client;

import dev.gatehouse.client.Transport.Safety;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongFunction;
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
        ObjectNode body = Arguments.required(check, "check").json();
        return post("/check", body, CheckResult::from);
    }

    @Override
    public CheckResult explain(Check check) {
        return check(Arguments.required(check, "check").explained());
    }

    @Override
    public BatchResult checkAll(List<Check> checks) {
        List<Check> asked = Arguments.elements(checks, "checks");
        ObjectNode body = Wire.object();
        ArrayNode items = body.putArray("checks");
        asked.forEach(check -> items.add(check.json()));
        return post("/check/batch", body, answer -> {
            List<BatchItem> results = Wire.list(answer, "results", BatchItem::from);
            if (results.size() != asked.size()) {
                // the answers are matched to the checks by their place: one missing or extra matches none
                throw new IllegalArgumentException("results holds " + results.size() + " answers for "
                        + asked.size() + " checks");
            }
            return new BatchResult(results, Wire.number(answer, "revision"));
        });
    }

    /** Every page of the lookup, through {@link Requests#stream}; the first page's facts are the answer's. */
    @Override
    public ResourceLookup lookupResources(MemberRef member, String permission, String type) {
        Arguments.required(member, "member");
        Arguments.required(permission, "permission");
        Arguments.required(type, "type");
        List<LookupPage> first = new ArrayList<>(1);
        List<String> ids = Requests.stream("POST " + orgPath + "/lookup/resources", cursor -> {
            ObjectNode body = Wire.object();
            member.putInto(body);
            body.put("permission", permission).put("type", type).put("limit", requests.pageSize);
            Wire.putIfSet(body, "cursor", cursor);
            LookupPage page = post("/lookup/resources", body, answer -> new LookupPage(
                    Wire.strings(answer, "items"), Wire.text(answer, "next_cursor"), Wire.flag(answer, "all_unassigned"),
                    Wire.number(answer, "revision")));
            if (first.isEmpty()) {
                first.add(page);
            }
            return new Requests.Page<>(page.ids(), page.next());
        }).toList();
        return new ResourceLookup(ids, first.get(0).allUnassigned(), first.get(0).revision());
    }

    @Override
    public Stream<Members.Member> lookupMembers(String permission) {
        return lookupMembers(permission, null);
    }

    @Override
    public Stream<Members.Member> lookupMembers(String permission, ResourceRef resource) {
        Arguments.required(permission, "permission");
        return Requests.stream("POST " + orgPath + "/lookup/members", cursor -> {
            ObjectNode body = Wire.object().put("permission", permission).put("limit", requests.pageSize);
            if (resource != null) {
                body.set("resource", resource.json());
            }
            Wire.putIfSet(body, "cursor", cursor);
            return post("/lookup/members", body, page -> new Requests.Page<>(Wire.list(page, "items",
                    Members.Member::from), Wire.text(page, "next_cursor")));
        });
    }

    @Override
    public EffectivePermissions permissions(MemberRef member) {
        return fresh(new Query(memberPath(member) + "/permissions"), EffectivePermissions::from);
    }

    @Override
    public EffectivePermissions permissions(MemberRef member, ResourceRef resource) {
        Arguments.required(resource, "resource");
        return fresh(new Query(memberPath(member) + "/permissions").add("resource_type", resource.type())
                .add("resource_id", resource.id()), EffectivePermissions::from);
    }

    @Override
    public VisibilityCheck visible(MemberRef member, Map<String, List<String>> recordFields) {
        ObjectNode body = Wire.object();
        Arguments.required(member, "member").putInto(body);
        ObjectNode fields = body.putObject("record").putObject("fields");
        Arguments.entries(recordFields, "recordFields").forEach((field, users) ->
                fields.set(field, Wire.array(Arguments.elements(users, "recordFields[" + field + "]"))));
        return post("/visibility/check", body, VisibilityCheck::from);
    }

    @Override
    public VisibilityFilter visibilityFilter(MemberRef member) {
        return fresh(new Query(memberPath(member) + "/visibility-filter"),
                answer -> VisibilityFilter.from(answer, Wire.number(answer, "revision")));
    }

    @Override
    public JsonNode preview(JsonNode change) {
        return requests.send("POST", orgPath + "/preview", Safety.IDEMPOTENT, Arguments.required(change, "change"),
                null, answer -> answer);
    }

    /** One page of a resource lookup: its ids, the next page's cursor (null: the last), and the first page's facts. */
    private record LookupPage(List<String> ids, String next, boolean allUnassigned, long revision) {
    }

    /** A decision read sent as {@code POST}: {@code body} with the session's revision ({@link #atSessionRevision}). */
    private <T> T post(String path, ObjectNode body, Function<JsonNode, T> read) {
        return atSessionRevision(revision -> {
            if (revision > 0) {
                body.put("min_revision", revision);
            } else {
                body.remove("min_revision");
            }
            return requests.send("POST", orgPath + path, Safety.IDEMPOTENT, body, null, read);
        });
    }

    /** A {@code GET} of a decision read, with the session's revision as {@code min_revision} when it has one. */
    private <T> T fresh(Query query, Function<JsonNode, T> read) {
        String path = query.toString();
        return atSessionRevision(revision -> requests.get(revision > 0
                ? new Query(path).add("min_revision", revision).toString() : path, read));
    }

    /**
     * {@code send} at the session's revision (0: none to send), and once more at the server's last revision when
     * the server refuses that revision as one its change log never reached (see
     * {@link Transport#logEnd(InvalidInputException)}): the session's revision came from another history — the
     * base URL now names a deployment re-created by export and import, or a database restored from a backup, or a
     * token handed to {@link GatehouseClient.Builder#revision(long)} came from another deployment — and no node of
     * this one will ever reach it. The session's revision is lowered to the log's end, so later decisions reflect
     * everything this deployment had committed when it refused, and the session goes on from there.
     */
    private <T> T atSessionRevision(LongFunction<T> send) {
        long revision = requests.transport.revision();
        try {
            return send.apply(revision);
        } catch (InvalidInputException refused) {
            long logEnd = Transport.logEnd(refused);
            if (revision <= 0 || logEnd < 0 || logEnd >= revision) {
                throw refused;
            }
            requests.transport.lower(revision, logEnd);
            return send.apply(requests.transport.revision());
        }
    }

    private String memberPath(MemberRef member) {
        return orgPath + "/members/" + Arguments.required(member, "member").pathSegment();
    }
}
