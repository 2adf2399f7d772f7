package dev.gatehouse.client;

import dev.gatehouse.client.Decisions.BatchItem;
import dev.gatehouse.client.Decisions.Check;
import dev.gatehouse.enginefeed.DecisionSemanticsSuite;
import dev.gatehouse.testing.Asker;
import dev.gatehouse.testing.TestNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server's decision-semantics suite asked of an in-process {@link GatehouseReplica} that follows the node which
 * wrote the scenario: every rule (company and resource roles, inheritance, the hierarchy, external and inactive
 * members, grants, visibility, lookups, batches, errors) must come out of the replica exactly as out of the server.
 * The suite asks in the native API's shapes; {@link ReplicaAsker} answers them from the replica's {@link Decisions},
 * rendering each typed answer the way the native API renders it, and each failure as its status and code.
 */
class ReplicaDecisionSemanticsIT extends DecisionSemanticsSuite {

    static GatehouseReplica replica;

    @Override
    protected void startDeciders() {
        replica = GatehouseReplica.builder().url(writer.baseUrl()).key(TestNode.SERVICE_KEY).build();
        try {
            assertThat(replica.awaitRevision(writer.appliedRevision(), Duration.ofSeconds(10))).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    protected void stopDeciders() {
        replica.close();
    }

    @Override
    protected Stream<String> engines() {
        return Stream.of("replica");
    }

    @Override
    protected Asker asker(String engine) {
        return new ReplicaAsker(replica);
    }

    /** The native decision routes the suite asks, answered by a replica. */
    static final class ReplicaAsker implements Asker {

        private static final Pattern ORG = Pattern.compile("/v1/orgs/(\\d+)(/.*)");
        private static final Pattern MEMBER = Pattern.compile("/members/([^/?]+)/(permissions|visibility-filter)"
                + "(\\?(.*))?");

        private final GatehouseReplica replica;

        ReplicaAsker(GatehouseReplica replica) {
            this.replica = replica;
        }

        @Override
        public Answer get(String path) {
            Matcher at = ORG.matcher(path);
            assertThat(at.matches()).as(path).isTrue();
            Decisions decisions = replica.decisions(Long.parseLong(at.group(1)));
            Matcher member = MEMBER.matcher(at.group(2));
            assertThat(member.matches()).as(path).isTrue();
            MemberRef ref = MemberRef.user(member.group(1));
            return answering(() -> {
                if (member.group(2).equals("visibility-filter")) {
                    return filter(decisions.visibilityFilter(ref));
                }
                Map<String, String> query = query(member.group(4));
                ResourceRef on = query.containsKey("resource_type")
                        ? ResourceRef.of(query.get("resource_type"), query.get("resource_id")) : null;
                Decisions.EffectivePermissions p = on == null ? decisions.permissions(ref)
                        : decisions.permissions(ref, on);
                ObjectNode n = Wire.object().put("member_id", p.memberId()).put("revision", p.revision());
                n.set("permissions", Wire.array(p.permissions()));
                return n;
            });
        }

        @Override
        public Answer post(String path, Object body) {
            Matcher at = ORG.matcher(path);
            assertThat(at.matches()).as(path).isTrue();
            Decisions decisions = replica.decisions(Long.parseLong(at.group(1)));
            JsonNode in = Wire.MAPPER.valueToTree(body);
            return answering(() -> switch (at.group(2)) {
                case "/check" -> check(decisions.check(check(in)));
                case "/check/batch" -> batch(decisions, in);
                case "/visibility/check" -> {
                    Map<String, List<String>> fields = new HashMap<>();
                    JsonNode record = in.get("record").get("fields");
                    record.propertyNames().forEach(f -> fields.put(f, Wire.strings(record, f)));
                    Decisions.VisibilityCheck v = decisions.visible(member(in), fields);
                    ObjectNode n = Wire.object().put("visible", v.visible()).put("revision", v.revision());
                    n.set("filter", filter(v.filter()));
                    yield n;
                }
                case "/lookup/resources" -> {
                    Decisions.ResourceLookup found = decisions.lookupResources(member(in),
                            Wire.text(in, "permission"), Wire.text(in, "type"));
                    ObjectNode n = Wire.object().put("all_unassigned", found.allUnassigned()).putNull("next_cursor");
                    n.set("items", Wire.array(found.resourceIds()));
                    yield n;
                }
                case "/lookup/members" -> {
                    JsonNode resource = in.get("resource");
                    Stream<Members.Member> found = resource == null
                            ? decisions.lookupMembers(Wire.text(in, "permission"))
                            : decisions.lookupMembers(Wire.text(in, "permission"), ResourceRef.from(resource));
                    ObjectNode n = Wire.object().putNull("next_cursor");
                    ArrayNode items = n.putArray("items");
                    found.forEach(m -> items.addObject().put("id", m.id()).put("user_id", m.userId()));
                    yield n;
                }
                default -> throw new AssertionError("the replica answers no " + path);
            });
        }

        private static Answer answering(java.util.function.Supplier<JsonNode> question) {
            try {
                return new Answer(200, question.get());
            } catch (GatehouseException e) {
                return new Answer(e.status(), Wire.object().put("status", e.status()).put("code", e.code())
                        .put("detail", e.detail()));
            }
        }

        private static MemberRef member(JsonNode in) {
            return in.has("member_id") ? MemberRef.id(in.get("member_id").longValue())
                    : MemberRef.user(Wire.text(in, "user_id"));
        }

        private static Check check(JsonNode in) {
            Check check = Check.of(member(in), Wire.text(in, "permission"));
            if (in.has("resource")) {
                check = check.on(ResourceRef.from(in.get("resource")));
            }
            return in.path("explain").asBoolean(false) ? check.explained() : check;
        }

        private static JsonNode check(Decisions.CheckResult result) {
            ObjectNode n = Wire.object().put("allowed", result.allowed()).put("revision", result.revision());
            Decisions.Explanation e = result.explanation();
            if (e != null) {
                ObjectNode x = n.putObject("explanation");
                x.put("path", e.path().name().toLowerCase(java.util.Locale.ROOT));
                x.put("role_id", e.roleId());
                if (e.ancestor() != null) {
                    x.set("ancestor", e.ancestor().json());
                }
                x.put("reason", e.reason());
                x.put("member_id", e.memberId());
            }
            return n;
        }

        private static JsonNode batch(Decisions decisions, JsonNode in) {
            List<Check> checks = new java.util.ArrayList<>();
            in.get("checks").forEach(c -> checks.add(check(c)));
            Decisions.BatchResult result = decisions.checkAll(checks);
            ObjectNode n = Wire.object().put("revision", result.revision());
            ArrayNode results = n.putArray("results");
            for (BatchItem item : result.items()) {
                if (item.error() != null) {
                    results.addObject().putObject("error").put("status", item.error().status())
                            .put("code", item.error().code()).put("detail", item.error().detail());
                } else {
                    results.add(check(item.result()));
                }
            }
            return n;
        }

        private static ObjectNode filter(Decisions.VisibilityFilter f) {
            ObjectNode n = Wire.object().put("sees_all", f.seesAll()).put("sees_none", f.seesNone())
                    .put("user_id", f.userId()).put("unassigned_visible", f.unassignedVisible())
                    .put("role_id", f.roleId()).put("revision", f.revision());
            n.set("user_field_ids", Wire.array(f.userFieldIds()));
            return n;
        }

        private static Map<String, String> query(String raw) {
            Map<String, String> params = new HashMap<>();
            if (raw != null) {
                for (String pair : raw.split("&")) {
                    int eq = pair.indexOf('=');
                    params.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            return params;
        }
    }
}
