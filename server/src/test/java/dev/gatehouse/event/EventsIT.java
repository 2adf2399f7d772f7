package dev.gatehouse.event;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class EventsIT {

    static TestNode node;
    static Fixtures fx;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        fx = new Fixtures(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /**
     * A member's status change is named for where it goes: withdrawing an invitation (invited → deactivated) is a
     * {@code deactivated} event, as deactivating an active member is, and accepting it an {@code activated} one; a
     * change that keeps the status is {@code updated}.
     */
    @Test
    void withdrawingAnInvitation_isADeactivation() {
        var org = fx.org("close");
        long user = fx.roleId(org, "User");
        long invited = node.service().post(org.path() + "/members", Map.of("user_id", "inv", "email", "inv@example.com",
                "role_id", user, "status", "invited")).get("id").longValue();
        long accepted = node.service().post(org.path() + "/members", Map.of("user_id", "acc", "email", "acc@example.com",
                "role_id", user, "status", "invited")).get("id").longValue();
        node.service().patch(org.path() + "/members/" + invited, Map.of("first_name", "Ina"));
        node.service().patch(org.path() + "/members/" + invited, Map.of("status", "deactivated"));
        node.service().patch(org.path() + "/members/" + accepted, Map.of("status", "active"));
        assertThat(items(node.service().get(org.path() + "/events?object_type=member&order=asc&object_id=" + invited)))
                .extracting(e -> e.get("action").stringValue()).containsExactly("created", "updated", "deactivated");
        assertThat(items(node.service().get(org.path() + "/events?object_type=member&order=asc&object_id=" + accepted)))
                .extracting(e -> e.get("action").stringValue()).containsExactly("created", "activated");
    }

    /** An event of one object has no objects to list: the 404 names its kind, with its article ("an organization"). */
    @Test
    void theObjectsOfAnEventOfOneObject_are404_namingItsKind() {
        var org = fx.org("close");
        fx.member(org, "listed", fx.roleId(org, "User"));
        Map<String, String> expected = Map.of("organization", "is an organization event", "member", "is a member event");
        expected.forEach((type, words) -> {
            long revision = items(node.service().get(org.path() + "/events?object_type=" + type + "&order=asc&limit=1"))
                    .get(0).get("revision").longValue();
            Http.Res objects = node.service().get(org.path() + "/events/" + revision + "/objects");
            assertThat(objects.status()).as(objects.toString()).isEqualTo(404);
            assertThat(objects.get("detail").stringValue()).contains("at revision " + revision + " " + words);
        });
    }

    private static List<JsonNode> items(Http.Res res) {
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        res.get("items").forEach(out::add);
        return out;
    }

    @Test
    void everyWrite_isAnEvent_newestFirst_withActorFieldsAndSnapshots() {
        var org = fx.org("close");
        Http.Res created = node.service().post(org.path() + "/roles", Map.of("name", "Caller", "permissions",
                List.of("calling", "view_all_leads")));
        long role = created.json().get("id").longValue();
        Http.Res renamed = node.service().patch(org.path() + "/roles/" + role, Map.of("name", "Dialer"));
        Http.Res deleted = node.service().delete(org.path() + "/roles/" + role);

        List<JsonNode> events = items(node.service().get(org.path() + "/events?object_type=role&object_id=" + role));
        assertThat(events).extracting(e -> e.get("action").stringValue()).containsExactly("deleted", "updated", "created");
        assertThat(events).extracting(e -> e.get("revision").longValue())
                .containsExactly(deleted.revision(), renamed.revision(), created.revision());
        JsonNode update = events.get(1);
        assertThat(update.get("org_id").longValue()).isEqualTo(org.id());
        assertThat(update.get("object_type").stringValue()).isEqualTo("role");
        assertThat(update.get("object_id").stringValue()).isEqualTo(String.valueOf(role));
        assertThat(update.get("changed_fields")).extracting(JsonNode::stringValue).containsExactly("name");
        assertThat(update.get("before").get("name").stringValue()).isEqualTo("Caller");
        assertThat(update.get("after").get("name").stringValue()).isEqualTo("Dialer");
        assertThat(update.get("actor").get("type").stringValue()).isEqualTo("service");
        assertThat(update.get("actor").get("key_id").stringValue()).isNotEmpty();
        assertThat(Instant.parse(update.get("occurred_at").stringValue())).isBefore(Instant.now().plusSeconds(5));
        assertThat(events.get(0).get("after").isNull()).isTrue();
        assertThat(events.get(2).get("before").isNull()).isTrue();

        JsonNode one = node.service().get(org.path() + "/events/" + renamed.revision()).json();
        assertThat(one).isEqualTo(update);
    }

    @Test
    void memberWrites_recordTheMemberAndTheKeyUsed() {
        var org = fx.org("close");
        Http.Res res = org.admin().post(org.path() + "/roles", Map.of("name", "Closer", "permissions",
                List.of("view_all_leads")));
        JsonNode event = node.service().get(org.path() + "/events/" + res.revision()).json();
        assertThat(event.get("actor").get("type").stringValue()).isEqualTo("member");
        assertThat(event.get("actor").get("member_id").longValue()).isEqualTo(org.adminId());
        String keyId = event.get("actor").get("key_id").stringValue();
        assertThat(org.adminKey()).contains(keyId);

        assertThat(items(node.service().get(org.path() + "/events?actor_type=member&actor_id=" + org.adminId())))
                .extracting(e -> e.get("revision").longValue()).containsExactly(res.revision());
        assertThat(items(node.service().get(org.path() + "/events?key_id=" + keyId))).hasSize(1);
        assertThat(items(node.service().get(org.path() + "/events?actor_type=service"))).isNotEmpty()
                .allSatisfy(e -> assertThat(e.get("actor").get("type").stringValue()).isEqualTo("service"));
    }

    @Test
    void filters_combineObjectTypesActionsAndTimeRange() {
        var org = fx.org("close");
        long user = fx.roleId(org, "User");
        Instant before = Instant.now().truncatedTo(ChronoUnit.MICROS);
        long m1 = fx.member(org, "f1", user);
        long m2 = fx.member(org, "f2", user);
        node.service().patch(org.path() + "/members/" + m1, Map.of("status", "deactivated"));
        Instant after = Instant.now().plusSeconds(1);

        assertThat(items(node.service().get(org.path() + "/events?object_type=member&action=created")))
                .extracting(e -> e.get("object_id").stringValue())
                .containsExactly(String.valueOf(m2), String.valueOf(m1), String.valueOf(org.adminId()));
        for (String empty : List.of("object_type=", "action=", "object_id=%20", "object_type=,")) {
            Http.Res res = node.service().get(org.path() + "/events?" + empty);
            assertThat(res.status()).as("%s: %s", empty, res).isEqualTo(400);
            assertThat(res.get("detail").stringValue()).as(empty).contains("is empty");
        }
        assertThat(items(node.service().get(org.path() + "/events?action=deactivated,created&object_type=member"
                + "&object_id=" + m1))).extracting(e -> e.get("action").stringValue())
                .containsExactly("deactivated", "created");
        assertThat(items(node.service().get(org.path() + "/events?object_type=member&object_type=organization"
                + "&order=asc&limit=1"))).extracting(e -> e.get("object_type").stringValue())
                .containsExactly("organization");
        String range = "&since=" + enc(before.toString()) + "&until=" + enc(after.toString());
        assertThat(items(node.service().get(org.path() + "/events?object_type=member" + range))).hasSize(3);
        assertThat(items(node.service().get(org.path() + "/events?object_type=member&until=" + enc(before.toString()))))
                .hasSize(1);
        assertThat(items(node.service().get(org.path() + "/events?since=" + enc(after.toString())))).isEmpty();
    }

    /**
     * A time bound finer than the microseconds an event's time holds selects exactly the events its condition does
     * ({@code since <= occurred_at < until}). PostgreSQL rounded such a bound to the nearest microsecond, which moved
     * it across an event: {@code since} 100 ns after one still selected it, {@code until} 1 ns after it no longer did.
     */
    @Test
    void timeBounds_finerThanAMicrosecond_selectExactlyWhatTheirConditionSays() {
        var org = fx.org("close");
        long role = fx.role(org, "Timed", List.of("view_all_leads"));
        String events = org.path() + "/events?object_type=role&object_id=" + role;
        Instant at = Instant.parse(items(node.service().get(events)).get(0).get("occurred_at").stringValue());
        Map<String, Boolean> selects = new LinkedHashMap<>();
        selects.put("since=" + enc(at.plusNanos(100).toString()), false);
        selects.put("since=" + enc(at.minusNanos(100).toString()), true);
        selects.put("until=" + enc(at.plusNanos(1).toString()), true);
        selects.put("until=" + enc(at.minusNanos(100).toString()), false);
        selects.put("since=" + enc(at.minusNanos(1).toString()) + "&until=" + enc(at.plusNanos(1).toString()), true);
        selects.forEach((bounds, selected) -> assertThat(items(node.service().get(events + "&" + bounds)))
                .as(bounds).hasSize(selected ? 1 : 0));
    }

    /**
     * {@code since} and {@code until} are RFC 3339 date-times, as the API's description says: what only a looser
     * ISO-8601 reader takes is a 400 naming the parameter.
     */
    @Test
    void timeBounds_notInRfc3339_are400_namingTheParameter() {
        var org = fx.org("close");
        for (String bad : List.of("2030-01-01T00:00:00.Z", "2030-01-01T00:00:00+01", "2030-01-01T00:00:00+01:00:30",
                "2030-01-01T00:00Z", "+10000-01-01T00:00:00Z")) {
            for (String name : List.of("since", "until")) {
                Http.Res res = node.service().get(org.path() + "/events?" + name + "=" + enc(bad));
                assertThat(res.status()).as("%s=%s: %s", name, bad, res).isEqualTo(400);
                assertThat(res.get("errors").get(name).stringValue()).as(bad).contains("RFC 3339", bad);
            }
        }
        // a + left unencoded in the query reads as a space: the answer says to write it %2B
        Http.Res spaced = node.service().get(org.path() + "/events?since=2030-01-01T00:00:00+01:00");
        assertThat(spaced.status()).as("%s", spaced).isEqualTo(400);
        assertThat(spaced.get("errors").get("since").stringValue()).contains("2030-01-01T00:00:00 01:00", "%2B");
        for (String good : List.of("2030-01-01t00:00:00z", "2030-01-01T00:00:00.123456789+14:00",
                "2030-01-01T00:00:00-12:00", "9999-12-31T23:59:59Z")) {
            Http.Res res = node.service().get(org.path() + "/events?since=" + enc(good));
            assertThat(res.status()).as("%s: %s", good, res).isEqualTo(200);
        }
    }

    @Test
    void pages_coverEveryEventOnce_inBothOrders() {
        var org = fx.org("close");
        for (int i = 0; i < 7; i++) {
            fx.role(org, "R" + i, List.of("view_all_leads"));
        }
        List<JsonNode> all = items(node.service().get(org.path() + "/events?limit=1000"));
        assertThat(all.size()).isGreaterThan(10);
        List<Long> desc = collect(org.path() + "/events?limit=3");
        List<Long> asc = collect(org.path() + "/events?limit=4&order=asc");
        List<Long> expected = all.stream().map(e -> e.get("revision").longValue()).toList();
        assertThat(desc).containsExactlyElementsOf(expected);
        assertThat(asc).containsExactlyElementsOf(reversed(expected));

        long middle = expected.get(5);
        assertThat(items(node.service().get(org.path() + "/events?order=asc&after_revision=" + middle)))
                .extracting(e -> e.get("revision").longValue()).containsExactlyElementsOf(reversed(expected.subList(0, 5)));
        assertThat(items(node.service().get(org.path() + "/events?before_revision=" + middle)))
                .extracting(e -> e.get("revision").longValue())
                .containsExactlyElementsOf(expected.subList(6, expected.size()));
    }

    private static List<Long> collect(String first) {
        List<Long> out = new ArrayList<>();
        String path = first;
        for (int guard = 0; guard < 100; guard++) {
            Http.Res res = node.service().get(path);
            items(res).forEach(e -> out.add(e.get("revision").longValue()));
            JsonNode next = res.get("next_cursor");
            if (next == null || next.isNull()) {
                return out;
            }
            path = first + "&cursor=" + next.stringValue();
        }
        throw new AssertionError("pagination did not end");
    }

    @Test
    void organizations_seeOnlyTheirOwnEvents() {
        var a = fx.org("close");
        var b = fx.org("close");
        long revisionOfB = node.service().post(b.path() + "/roles", Map.of("name", "B only", "permissions",
                List.of("view_all_leads"))).revision();
        assertThat(items(a.admin().get(a.path() + "/events?limit=1000")))
                .allSatisfy(e -> assertThat(e.get("org_id").longValue()).isEqualTo(a.id()));
        assertThat(a.admin().get(b.path() + "/events").status()).isEqualTo(404);
        assertThat(a.admin().get(b.path() + "/events/" + revisionOfB).status()).isEqualTo(404);
        Http.Res foreign = node.service().get(a.path() + "/events/" + revisionOfB);
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.get("code").stringValue()).isEqualTo("event_not_found");
        assertThat(node.service().get("/v1/orgs/999999/events").status()).isEqualTo(404);
        assertThat(node.anonymous().get(a.path() + "/events").status()).isEqualTo(401);
    }

    @Test
    void memberKeys_needTheRoleManagementPermission() {
        var org = fx.org("close");
        Http user = fx.keyFor(org, fx.member(org, "plain", fx.roleId(org, "User")));
        Http.Res refused = user.get(org.path() + "/events");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.get("code").stringValue()).isEqualTo("permission_required");
        assertThat(refused.get("detail").stringValue()).contains("manage_organization");
        assertThat(org.admin().get(org.path() + "/events").status()).isEqualTo(200);
    }

    @Test
    void historyOutlivesADeletedOrganization_forServiceKeys() {
        var org = fx.org("close");
        long deleted = node.service().delete(org.path()).revision();
        List<JsonNode> events = items(node.service().get(org.path() + "/events"));
        assertThat(events.get(0).get("revision").longValue()).isEqualTo(deleted);
        assertThat(events.get(0).get("object_type").stringValue()).isEqualTo("organization");
        assertThat(events.get(0).get("action").stringValue()).isEqualTo("deleted");
    }

    @Test
    void badQueries_are400_namingEveryParameter() {
        var org = fx.org("close");
        Http.Res res = node.service().get(org.path() + "/events?order=sideways&since=yesterday&actor_id=x"
                + "&object_type=Role!&actor_type=robot");
        assertThat(res.status()).isEqualTo(400);
        assertThat(res.get("code").stringValue()).isEqualTo("invalid_query");
        assertThat(res.get("errors").propertyNames()).containsExactlyInAnyOrder("order", "since", "actor_id",
                "object_type", "actor_type");
        // names are checked before any value, as on every native route: unknown and repeated ones are named alone
        Http.Res names = node.service().get(org.path() + "/events?order=sideways&colour=blue&actor_type=member"
                + "&actor_type=system&object_type=role&object_type=member");
        assertThat(names.status()).isEqualTo(400);
        assertThat(names.get("code").stringValue()).isEqualTo("invalid_query");
        assertThat(names.get("errors").propertyNames()).containsExactlyInAnyOrder("colour", "actor_type");
        assertThat(node.service().get(org.path() + "/events?limit=0").status()).isEqualTo(400);
        assertThat(node.service().get(org.path() + "/events?cursor=bogus").status()).isEqualTo(400);
        assertThat(node.service().get(org.path() + "/events/abc").status()).isEqualTo(400);
        assertThat(node.service().get(org.path() + "/events/123456789").get("code").stringValue())
                .isEqualTo("event_not_found");
    }

    /**
     * A filter given is never ignored: an empty value is a 400 for every parameter of the list (it used to read as
     * absent for the single-valued ones, and so list everything), and an object type or action the change log does
     * not know is a 400 naming those it does, as for a webhook's filters — it would never match, and a typo answered
     * with an empty page as if nothing had happened.
     */
    @Test
    void emptyValues_andUnknownObjectTypesOrActions_are400() {
        var org = fx.org("close");
        for (String name : List.of("object_type", "object_id", "action", "actor_type", "actor_id", "key_id", "since",
                "until", "after_revision", "before_revision", "order", "cursor")) {
            Http.Res res = node.service().get(org.path() + "/events?" + name + "=");
            assertThat(res.status()).as(name + ": " + res).isEqualTo(400);
            assertThat(res.get("code").stringValue()).isEqualTo("invalid_query");
            assertThat(res.get("errors").propertyNames()).as(name).containsExactly(name);
            assertThat(res.get("errors").get(name).stringValue()).as(name).startsWith("is empty");
        }
        Http.Res types = node.service().get(org.path() + "/events?object_type=role,nope&action=exploded");
        assertThat(types.status()).as(types.toString()).isEqualTo(400);
        assertThat(types.get("errors").get("object_type").stringValue()).contains("\"nope\"", "role", "webhook");
        assertThat(types.get("errors").get("action").stringValue()).contains("\"exploded\"", "created", "resumed");
        assertThat(items(node.service().get(org.path() + "/events?object_type=organization&action=created")))
                .isNotEmpty();
    }

    /** A revision written in digits but beyond what any revision can be is told so, not that it is no integer. */
    @Test
    void aRevisionBeyondTheLargest_isToldItIsTooLarge() {
        var org = fx.org("close");
        for (String name : List.of("after_revision", "before_revision")) {
            Http.Res res = node.service().get(org.path() + "/events?" + name + "=99999999999999999999");
            assertThat(res.status()).as(name + ": " + res).isEqualTo(400);
            assertThat(res.get("errors").get(name).stringValue()).as(name)
                    .startsWith("must be at most 9223372036854775807");
            assertThat(node.service().get(org.path() + "/events?" + name + "=-1").get("errors").get(name)
                    .stringValue()).as(name).startsWith("must be an integer of 0 or more");
        }
        Http.Res changes = node.service().get("/v1/changes?after=99999999999999999999");
        assertThat(changes.status()).as(changes.toString()).isEqualTo(400);
        assertThat(changes.get("errors").get("after").stringValue()).isEqualTo("must be at most 9223372036854775807");
    }

    private static List<Long> reversed(List<Long> list) {
        List<Long> copy = new ArrayList<>(list);
        java.util.Collections.reverse(copy);
        return copy;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
