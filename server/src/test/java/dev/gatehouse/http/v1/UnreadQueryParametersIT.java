package dev.gatehouse.http.v1;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every native route refuses a query parameter it does not read, and a single-valued one given twice, with one
 * answer — 400 {@code invalid_query}, each such parameter in {@code errors}, the detail listing what the route reads —
 * before it runs, so a refused write changes nothing; a typo never silently widens a list, and a repeat is never
 * silently resolved to its first value. The Close dialect and the operations routes keep taking any query.
 */
class UnreadQueryParametersIT {

    private static final String UNKNOWN = "unknown parameter";
    private static final String TWICE = "given 2 times";

    static TestNode node;
    static Fixtures fx;
    static Fixtures.Populated world;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        fx = new Fixtures(node);
        world = fx.populated();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static String org() {
        return world.org().path();
    }

    /** The answer is the common refusal, naming exactly {@code refused} with their problems. */
    private static void refused(Http.Res res, Map<String, String> refused, String reads) {
        assertThat(res.status()).as("%s", res).isEqualTo(400);
        assertThat(res.header("Content-Type")).startsWith("application/problem+json");
        assertThat(res.get("code").stringValue()).isEqualTo("invalid_query");
        assertThat(res.get("errors").propertyNames()).containsExactlyInAnyOrderElementsOf(refused.keySet());
        refused.forEach((name, problem) -> assertThat(res.get("errors").get(name).stringValue()).startsWith(problem));
        assertThat(res.get("detail").stringValue()).endsWith(reads);
    }

    @Test
    void aTypoInAListFilter_isRefused_notIgnored() {
        Http.Res res = node.service().get(org() + "/members?stauts=deactivated");
        refused(res, Map.of("stauts", UNKNOWN), "this route reads limit, cursor, status, role_id, q");
        assertThat(res.get("detail").stringValue()).startsWith("stauts: unknown parameter; ");
        refused(node.service().get(org() + "/members?status=active&status=deactivated"), Map.of("status", TWICE),
                "this route reads limit, cursor, status, role_id, q");
        refused(node.service().get(org() + "/roles?limt=1&cursor=a&cursor=b"),
                Map.of("limt", UNKNOWN, "cursor", TWICE), "this route reads limit, cursor");
        assertThat(node.service().get(org() + "/members?status=deactivated&limit=5").status()).isEqualTo(200);
    }

    /**
     * A query of many refused parameters is answered as any invalid input is: at most 50 of them named, in the detail
     * and the errors alike, the detail counting the rest — without a key too, as the query is checked first. Two long
     * names alike in their first 64 characters stay two entries.
     */
    @Test
    void manyRefusedParameters_nameAtMostFifty_theDetailCountingTheRest_distinctNamesStayDistinct() {
        StringBuilder query = new StringBuilder("x0");
        for (int i = 1; i < 1300; i++) {
            query.append("&x").append(i);
        }
        for (Http as : List.of(node.service(), node.anonymous())) {
            Http.Res res = as.get(org() + "/members?" + query);
            assertThat(res.status()).as("%s", res).isEqualTo(400);
            assertThat(res.get("code").stringValue()).isEqualTo("invalid_query");
            assertThat(res.get("errors").propertyNames()).hasSize(50).allMatch(name -> name.matches("x[0-9]+"));
            String detail = res.get("detail").stringValue();
            assertThat(detail.split("unknown parameter", -1)).hasSize(51);
            assertThat(detail).endsWith("; and 1250 more parameters; this route reads limit, cursor, status, "
                    + "role_id, q");
            assertThat(res.body().length()).isLessThan(8_000);
        }

        String head = "a".repeat(70);
        Http.Res res = node.service().get(org() + "/members?" + head + "1&" + head + "2&stauts=active");
        String shown = "a".repeat(61) + "...";
        refused(res, Map.of(shown, UNKNOWN, shown + " (2)", UNKNOWN, "stauts", UNKNOWN),
                "this route reads limit, cursor, status, role_id, q");
        assertThat(res.get("detail").stringValue()).doesNotContain("more parameter");
    }

    @Test
    void aRepeatedPosition_isRefused_notResolvedToItsFirstValue() {
        refused(node.service().get("/v1/changes?after=1&after=2&wait=0"), Map.of("after", TWICE),
                "this route reads after, org, wait, heartbeat, limit");
        refused(node.service().get(org() + "/members/" + world.member() + "/permissions?min_revision=1&min_revision=2"),
                Map.of("min_revision", TWICE), "this route reads min_revision, resource_type, resource_id");
        assertThat(node.service().get("/v1/changes?after=0&wait=0").status()).isEqualTo(200);
    }

    @Test
    void decisionRoutes_readTheirParametersFromTheBody_andRefuseThemInTheQuery() {
        String check = "{\"member_id\": " + world.member() + ", \"permission\": \"canViewRoomDetails\"}";
        refused(node.service().raw("POST", org() + "/check?min_revision=1&min_revision=2", check, "application/json"),
                Map.of("min_revision", UNKNOWN), "this route reads no query parameter");
        refused(node.service().raw("POST", org() + "/check?explain=true", check, "application/json"),
                Map.of("explain", UNKNOWN), "this route reads no query parameter");
        assertThat(node.service().raw("POST", org() + "/check", check, "application/json").status()).isEqualTo(200);
        refused(node.service().post(org() + "/lookup/resources?limit=5", Map.of("member_id", world.member(),
                "permission", "canViewRoomDetails", "type", "room")), Map.of("limit", UNKNOWN),
                "this route reads no query parameter");
        refused(node.service().post(org() + "/lookup/members?cursor=x", Map.of("permission", "canViewRoomDetails")),
                Map.of("cursor", UNKNOWN), "this route reads no query parameter");
        refused(node.service().get(org() + "/export?format=json"), Map.of("format", UNKNOWN),
                "this route reads no query parameter");
    }

    @Test
    void aRefusedWrite_changesNothing() {
        long before = node.appliedRevision();
        String roles = org() + "/roles?limit=1000";
        int held = node.service().get(roles).json().get("items").size();
        refused(node.service().post(org() + "/roles?dry_run=true", Map.of("name", "Refused", "permissions",
                List.of("canViewRoomDetails"))), Map.of("dry_run", UNKNOWN), "this route reads no query parameter");
        refused(node.service().delete(org() + "/roles/" + world.internalRole() + "?force=true"),
                Map.of("force", UNKNOWN), "this route reads no query parameter");
        refused(node.service().patch(org() + "/members/" + world.member() + "?status=deactivated",
                Map.of("first_name", "Refused")), Map.of("status", UNKNOWN), "this route reads no query parameter");
        refused(node.service().raw("POST", org() + "/import?from_lines=2", "{\"type\": \"role\", \"name\": \"Refused\", "
                + "\"permissions\": [\"canViewRoomDetails\"]}\n", "application/x-ndjson"),
                Map.of("from_lines", UNKNOWN), "this route reads chunk_lines, from_line");
        assertThat(node.appliedRevision()).isEqualTo(before);
        assertThat(node.service().get(roles).json().get("items").size()).isEqualTo(held);
        assertThat(node.service().get(org() + "/members/" + world.member()).get("first_name").toString())
                .doesNotContain("Refused");
    }

    @Test
    void repeatableFilters_takeSeveralValues() {
        Http.Res res = node.service().get(org() + "/events?object_type=role&object_type=member,assignment&action=created"
                + "&action=updated");
        assertThat(res.status()).as("%s", res).isEqualTo(200);
        refused(node.service().get(org() + "/events?order=asc&order=desc&object_types=role"),
                Map.of("order", TWICE, "object_types", UNKNOWN), "object_type (repeatable), object_id (repeatable), "
                        + "action (repeatable)");
    }

    /**
     * An empty element of a comma-separated filter ({@code object_type=group,}) is refused as an empty filter is,
     * never dropped: the list would answer as filtered on what remains.
     */
    @Test
    void aListFilterWithAnEmptyElement_isRefused_notDropped() {
        for (String query : List.of("object_type=group,", "object_type=,group", "object_type=group,,member",
                "object_type=group,%20,member", "object_type=group&object_type=member,", "action=created,",
                "object_id=1,")) {
            Http.Res res = node.service().get(org() + "/events?" + query);
            String name = query.substring(0, query.indexOf('='));
            assertThat(res.status()).as("%s: %s", query, res).isEqualTo(400);
            assertThat(res.get("code").stringValue()).as(query).isEqualTo("invalid_query");
            assertThat(res.get("errors").get(name).stringValue()).as(query).contains("empty value");
        }
        Http.Res listed = node.service().get(org() + "/events?object_type=group,%20member&object_type=role");
        assertThat(listed.status()).as("%s", listed).isEqualTo(200);
    }

    @Test
    void theCloseDialectAndTheOperationsRoutes_keepTakingAnyQuery() {
        Fixtures.Org close = fx.org("close");
        Http closeApi = new Http(node.baseUrl() + "/api/v1", close.adminKey());
        assertThat(closeApi.get("/me/?bogus=1&bogus=2").status()).isEqualTo(200);
        assertThat(node.anonymous().get("/healthz?bogus=1&bogus=2").status()).isEqualTo(200);
        assertThat(node.anonymous().get("/openapi.yaml?v=1").status()).isEqualTo(200);
    }
}
