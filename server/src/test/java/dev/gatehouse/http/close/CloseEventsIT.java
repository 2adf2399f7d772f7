package dev.gatehouse.http.close;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import dev.gatehouse.webhook.IpNetwork;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class CloseEventsIT {

    static TestNode node;
    static CloseFixtures close;

    @BeforeAll
    static void start() {
        // webhooks reach receivers on loopback: a test compares the log with what Close's webhooks deliver
        node = TestNode.start(c -> c.withWebhooks(c.webhooks()
                .withAllowedNetworks(IpNetwork.parseList("--webhook-allowed-networks", "127.0.0.0/8"))));
        close = new CloseFixtures(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static List<String> kinds(JsonNode data) {
        List<String> out = new ArrayList<>();
        data.forEach(e -> out.add(e.get("object_type").stringValue() + "." + e.get("action").stringValue()));
        return out;
    }

    private static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Test
    void log_showsMembershipAndGroupChanges_newestFirst_inClosesShape() {
        var org = close.org();
        JsonNode created = org.admin().post("/membership/", Map.of("email", "rep@example.com", "role_id", "user")).json();
        String memb = created.get("id").stringValue();
        String user = created.get("user_id").stringValue();
        org.admin().put("/membership/" + memb + "/", Map.of("role_id", "restricteduser"));
        org.admin().put("/membership/" + memb + "/", Map.of("auto_record_calls", "enabled"));
        String group = org.admin().post("/group/", Map.of("name", "Support")).get("id").stringValue();
        org.admin().post("/group/" + group + "/member/", Map.of("user_id", user));
        org.admin().delete("/membership/" + memb + "/");
        org.admin().post("/role/", Map.of("name", "Hidden", "permissions", List.of("view_all_leads")));

        JsonNode data = org.admin().get("/event/").get("data");
        assertThat(kinds(data)).containsExactly("membership.deactivated", "group.updated", "group.created",
                "membership.updated", "membership.updated", "membership.activated", "membership.activated");

        JsonNode deactivated = data.get(0);
        assertThat(deactivated.get("id").stringValue()).matches("ev_[0-9A-Za-z]{22}");
        assertThat(deactivated.get("object_id").stringValue()).isEqualTo(memb);
        assertThat(deactivated.get("organization_id").stringValue()).isEqualTo(org.closeId());
        assertThat(deactivated.get("user_id").stringValue()).isEqualTo(org.org().json().get("admin_member").get("user_id").stringValue());
        assertThat(deactivated.get("api_key_id").stringValue()).isNotBlank();
        assertThat(deactivated.get("date_created").stringValue()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}");

        JsonNode groupUpdate = data.get(1);
        assertThat(groupUpdate.get("changed_fields")).extracting(JsonNode::stringValue).containsExactly("members");
        assertThat(groupUpdate.get("previous_data").get("members")).isEmpty();
        assertThat(groupUpdate.get("data").get("members").get(0).get("user_id").stringValue()).isEqualTo(user);

        JsonNode settings = data.get(3);
        assertThat(settings.get("changed_fields")).extracting(JsonNode::stringValue).containsExactly("auto_record_calls");
        assertThat(settings.get("previous_data").get("auto_record_calls").stringValue()).isEqualTo("unset");
        assertThat(settings.get("data").get("auto_record_calls").stringValue()).isEqualTo("enabled");
        assertThat(settings.get("object_id").stringValue()).isEqualTo(memb);

        JsonNode roleChange = data.get(4);
        assertThat(roleChange.get("changed_fields")).extracting(JsonNode::stringValue).containsExactly("role_id");
        assertThat(roleChange.get("previous_data").get("role_id").stringValue()).isEqualTo("user");
        assertThat(roleChange.get("data").get("role_id").stringValue()).isEqualTo("restricteduser");

        JsonNode provisioned = data.get(5);
        assertThat(provisioned.get("data").get("user_id").stringValue()).isEqualTo(user);
        assertThat(provisioned.get("changed_fields")).isEmpty();
        assertThat(provisioned.get("previous_data").isObject()).isTrue();
    }

    @Test
    void membershipEvents_carryTheWholeMembership_asItStoodThen() {
        var org = close.org();
        JsonNode created = org.admin().post("/membership/", Map.of("email", "whole@example.com", "role_id", "user")).json();
        String memb = created.get("id").stringValue();
        org.admin().put("/membership/" + memb + "/", Map.of("auto_record_calls", "enabled"));
        JsonNode now = org.admin().put("/membership/" + memb + "/", Map.of("role_id", "restricteduser")).json();

        JsonNode data = org.admin().get("/event/?object_id=" + memb).get("data");
        assertThat(kinds(data)).containsExactly("membership.updated", "membership.updated", "membership.activated");
        assertThat(data.get(0).get("data")).isEqualTo(now);
        assertThat(data.get(0).get("changed_fields")).extracting(JsonNode::stringValue).containsExactly("role_id");
        JsonNode settingsChange = data.get(1).get("data");
        assertThat(settingsChange.get("role_id").stringValue()).isEqualTo("user");
        assertThat(settingsChange.get("auto_record_calls").stringValue()).isEqualTo("enabled");
        assertThat(settingsChange.propertyNames()).containsExactlyInAnyOrderElementsOf(now.propertyNames());
        assertThat(data.get(2).get("data")).isEqualTo(created);
        String eventId = data.get(1).get("id").stringValue();
        assertThat(org.admin().get("/event/" + eventId + "/").get("data")).isEqualTo(settingsChange);
    }

    @Test
    void roleEvents_appearOnlyWhenAskedFor() {
        var org = close.org();
        String role = org.admin().post("/role/", Map.of("name", "Caller", "permissions", List.of("calling", "view_all_leads")))
                .get("id").stringValue();
        org.admin().put("/role/" + role + "/", Map.of("name", "Dialer"));
        assertThat(kinds(org.admin().get("/event/").get("data"))).doesNotContain("role.created", "role.updated");
        JsonNode roles = org.admin().get("/event/?object_type=role").get("data");
        assertThat(kinds(roles)).startsWith("role.updated", "role.created");
        assertThat(roles.get(0).get("object_id").stringValue()).isEqualTo(role);
        assertThat(roles.get(0).get("changed_fields")).extracting(JsonNode::stringValue).containsExactly("name");
        assertThat(roles.get(0).get("previous_data").get("name").stringValue()).isEqualTo("Caller");
        assertThat(roles.get(0).get("data").get("id").stringValue()).isEqualTo(role);
        assertThat(org.admin().get("/event/?object_type=role&object_id=" + role).get("data")).hasSize(2);
        JsonNode builtIns = org.admin().get("/event/?object_type=role&object_id=admin").get("data");
        assertThat(kinds(builtIns)).containsExactly("role.created");
        assertThat(builtIns.get(0).get("data").get("date_created").stringValue()).isEqualTo("0001-01-01T00:00:00");
    }

    @Test
    void filters_narrowByTypeObjectActionUserAndDate() {
        var org = close.org();
        String memb = org.admin().post("/membership/", Map.of("email", "a@example.com", "role_id", "user")).get("id").stringValue();
        String group = org.admin().post("/group/", Map.of("name", "G")).get("id").stringValue();
        long managerRole = close.role(org, "Manager", List.of("manage_organization", "calling", "view_all_leads"));
        Http manager = close.client(close.key(org, close.member(org, "mgr", managerRole)));
        manager.put("/group/" + group + "/", Map.of("name", "G2"));

        assertThat(kinds(org.admin().get("/event/?object_type=group").get("data"))).containsExactly("group.updated", "group.created");
        assertThat(org.admin().get("/event/?object_id=" + memb).get("data")).hasSize(1);
        assertThat(org.admin().get("/event/?object_type=group&object_id=" + memb).get("data")).isEmpty();
        assertThat(kinds(org.admin().get("/event/?object_type=membership&action=activated").get("data")))
                .containsOnly("membership.activated").hasSize(3);
        assertThat(org.admin().get("/event/?action=deactivated").get("data")).isEmpty();
        assertThat(org.admin().get("/event/?object_type=lead").get("data")).isEmpty();
        assertThat(org.admin().get("/event/?lead_id=lead_x").get("data")).isEmpty();
        JsonNode byManager = org.admin().get("/event/?user_id=mgr").get("data");
        assertThat(kinds(byManager)).containsExactly("group.updated");
        assertThat(org.admin().get("/event/?user_id=nobody").get("data")).isEmpty();

        DateTimeFormatter naive = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);
        String renamedAt = byManager.get(0).get("date_updated").stringValue();
        assertThat(kinds(org.admin().get("/event/?date_updated__gte=" + q(renamedAt)).get("data")))
                .containsExactly("group.updated");
        assertThat(org.admin().get("/event/?date_updated__gt=" + q(renamedAt)).get("data")).isEmpty();
        assertThat(org.admin().get("/event/?date_updated__lt=" + q(renamedAt)).get("data")).hasSizeGreaterThan(2);
        String future = naive.format(Instant.now().plusSeconds(3600));
        assertThat(org.admin().get("/event/?date_updated__gte=" + q(future)).get("data")).isEmpty();
        String inAnHourUtc = naive.format(Instant.now().plusSeconds(3600));
        assertThat(org.admin().get("/event/?date_updated__gte=" + q(inAnHourUtc)).get("data")).isEmpty();
        assertThat(org.admin().header("X-TZ-Offset", "5.0").get("/event/?date_updated__gte=" + q(inAnHourUtc))
                .get("data")).hasSizeGreaterThan(2);
        assertThat(org.admin().get("/event/?date_updated__gte=" + q(future + "+00:00")).get("data")).isEmpty();
        Http.Res badDate = org.admin().get("/event/?date_updated__gte=yesterday");
        assertThat(badDate.status()).isEqualTo(400);
        assertThat(badDate.get("field-errors").has("date_updated__gte")).isTrue();
    }

    /**
     * A date filter finer than the microseconds an event's time holds selects exactly the events its condition does.
     * PostgreSQL rounded such a bound to the nearest microsecond, which moved it across an event: 100 ns after one,
     * {@code __gte} still selected it; 1 ns after it, {@code __lt} no longer did.
     */
    @Test
    void dateFilters_finerThanAMicrosecond_selectExactlyWhatTheirConditionSays() {
        var org = close.org();
        org.admin().post("/group/", Map.of("name", "Timed"));
        JsonNode event = org.admin().get("/event/?object_type=group").get("data").get(0);
        Instant at = LocalDateTime.parse(event.get("date_updated").stringValue()).toInstant(ZoneOffset.UTC);
        Map<String, Boolean> selects = new LinkedHashMap<>();
        selects.put("date_updated__gte=" + q(at.plusNanos(100).toString()), false);
        selects.put("date_updated__gte=" + q(at.minusNanos(100).toString()), true);
        selects.put("date_updated__gt=" + q(at.minusNanos(100).toString()), true);
        selects.put("date_updated__gt=" + q(at.plusNanos(100).toString()), false);
        selects.put("date_updated__lt=" + q(at.plusNanos(1).toString()), true);
        selects.put("date_updated__lt=" + q(at.minusNanos(100).toString()), false);
        selects.put("date_updated__lte=" + q(at.minusNanos(1).toString()), false);
        selects.put("date_updated__lte=" + q(at.plusNanos(100).toString()), true);
        selects.forEach((filter, selected) -> assertThat(org.admin().get("/event/?object_type=group&" + filter)
                .get("data")).as(filter).hasSize(selected ? 1 : 0));
    }

    @Test
    void cursors_pageOlderWithNext_andPollNewerWithPrevious() {
        var org = close.org();
        for (int i = 0; i < 5; i++) {
            org.admin().post("/group/", Map.of("name", "G" + i));
        }
        Http.Res first = org.admin().get("/event/?object_type=group&_limit=2");
        assertThat(first.get("data")).extracting(e -> e.get("data").get("name").stringValue()).containsExactly("G4", "G3");
        List<String> names = new ArrayList<>();
        first.get("data").forEach(e -> names.add(e.get("data").get("name").stringValue()));
        String next = first.get("cursor_next").stringValue();
        while (next != null) {
            Http.Res page = org.admin().get("/event/?object_type=group&_limit=2&_cursor=" + next);
            page.get("data").forEach(e -> names.add(e.get("data").get("name").stringValue()));
            next = page.get("cursor_next").isNull() ? null : page.get("cursor_next").stringValue();
        }
        assertThat(names).containsExactly("G4", "G3", "G2", "G1", "G0");

        String poll = first.get("cursor_previous").stringValue();
        Http.Res nothingYet = org.admin().get("/event/?object_type=group&_cursor=" + poll);
        assertThat(nothingYet.get("data")).isEmpty();
        assertThat(nothingYet.get("cursor_previous").stringValue()).isEqualTo(poll);
        org.admin().post("/group/", Map.of("name", "G5"));
        org.admin().post("/group/", Map.of("name", "G6"));
        Http.Res newer = org.admin().get("/event/?object_type=group&_cursor=" + poll);
        assertThat(newer.get("data")).extracting(e -> e.get("data").get("name").stringValue()).containsExactly("G6", "G5");

        var empty = close.org();
        Http.Res none = empty.admin().get("/event/?object_type=group");
        assertThat(none.get("data")).isEmpty();
        assertThat(none.get("cursor_next").isNull()).isTrue();
        String from = none.get("cursor_previous").stringValue();
        empty.admin().post("/group/", Map.of("name", "First"));
        assertThat(empty.admin().get("/event/?object_type=group&_cursor=" + from).get("data")).hasSize(1);
    }

    @Test
    void paging_followsClosesBounds() {
        var org = close.org();
        assertThat(org.admin().get("/event/?_limit=50").status()).isEqualTo(200);
        for (String bad : List.of("0", "-1", "ten", "1.5")) {
            Http.Res refused = org.admin().get("/event/?_limit=" + bad);
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.get("field-errors").has("_limit")).as(bad).isTrue();
        }
        assertThat(org.admin().get("/event/?_skip=10").get("field-errors").has("_skip")).isTrue();
        assertThat(org.admin().get("/event/?_cursor=garbage").get("field-errors").has("_cursor")).isTrue();
    }

    /**
     * An event keeps the user id of the member who acted after that member is removed: it was read from the members
     * there are now, so it became null, and filtering by the user id found nothing. A user removed and added again
     * (a new member) is one user: its events of both memberships are found by its user id.
     */
    @Test
    void anActorRemovedSince_keepsItsUserId_andItsEventsAreStillFoundByIt() {
        var org = close.org();
        long admin = close.native_().roleId(org.org(), "Admin");
        long removed = close.member(org, "user_rm", admin);
        close.client(close.key(org, removed)).post("/group/", Map.of("name", "ByRm"));
        String event = org.admin().get("/event/?object_type=group").get("data").get(0).get("id").stringValue();
        assertThat(org.admin().get("/event/" + event + "/").get("user_id").stringValue()).isEqualTo("user_rm");
        assertThat(node.service().delete(org.path() + "/members/" + removed).status()).isEqualTo(204);

        JsonNode shown = org.admin().get("/event/" + event + "/").json();
        assertThat(shown.get("user_id").stringValue()).isEqualTo("user_rm");
        assertThat(org.admin().get("/event/?object_type=group").get("data").get(0).get("user_id").stringValue())
                .isEqualTo("user_rm");
        assertThat(org.admin().get("/event/?user_id=user_rm").get("data")).extracting(e -> e.get("id").stringValue())
                .containsExactly(event);

        long again = close.member(org, "user_rm", admin);
        close.client(close.key(org, again)).post("/group/", Map.of("name", "ByRmAgain"));
        JsonNode both = org.admin().get("/event/?user_id=user_rm").get("data");
        assertThat(both).extracting(e -> e.get("data").get("name").stringValue()).containsExactly("ByRmAgain", "ByRm");
        assertThat(both).extracting(e -> e.get("user_id").stringValue()).containsOnly("user_rm");
        assertThat(org.admin().get("/event/?user_id=user_other").get("data")).isEmpty();
    }

    /**
     * Every filter is validated, also beside one that matches nothing: a bad date (or X-TZ-Offset) was a 400 alone
     * but answered an empty page next to {@code lead_id} or an unknown type.
     */
    @Test
    void everyFilter_isValidated_alsoBesideOneThatMatchesNothing() {
        var org = close.org();
        for (String nothing : List.of("", "lead_id=x&", "request_id=x&", "object_type=lead&", "action=flown&",
                "user_id=nobody&", "object_id=group_nope&")) {
            Http.Res bad = org.admin().get("/event/?" + nothing + "date_updated__gte=garbage");
            assertThat(bad.status()).as(nothing + ": " + bad).isEqualTo(400);
            assertThat(bad.get("field-errors").has("date_updated__gte")).as(nothing).isTrue();
            Http.Res badZone = org.admin().header("X-TZ-Offset", "banana")
                    .get("/event/?" + nothing + "date_updated__gte=2026-01-01T00:00:00");
            assertThat(badZone.status()).as(nothing + ": " + badZone).isEqualTo(400);
            assertThat(badZone.body()).as(nothing).contains("X-TZ-Offset");
        }
        assertThat(org.admin().get("/event/?lead_id=x&date_updated__gte=2026-01-01").get("data")).isEmpty();
    }

    /** A cursor's revision is ASCII digits: another script's digits or a sign were read as a number. */
    @Test
    void aCursor_withOtherDigitsThanAscii_isInvalid() {
        var org = close.org();
        org.admin().post("/group/", Map.of("name", "G"));
        for (String revision : List.of("\uFF10", "\u0663", "+5", "-0", " 5", "")) {
            String cursor = Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(("ev1:n:" + revision).getBytes(StandardCharsets.UTF_8));
            Http.Res res = org.admin().get("/event/?_cursor=" + cursor);
            assertThat(res.status()).as(revision + ": " + res).isEqualTo(400);
            assertThat(res.get("field-errors").get("_cursor").stringValue()).isEqualTo("Invalid cursor.");
        }
        String valid = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("ev1:n:99999999".getBytes(StandardCharsets.UTF_8));
        assertThat(org.admin().get("/event/?object_type=group&_cursor=" + valid).get("data")).hasSize(1);
    }

    @Test
    void limitAbove50_isCappedAt50_asCloseDocuments() {
        var org = close.org();
        for (int i = 0; i < 52; i++) {
            org.admin().post("/group/", Map.of("name", "G" + i));
        }
        for (String limit : List.of("51", "1000", "99999999999999")) {
            Http.Res page = org.admin().get("/event/?object_type=group&_limit=" + limit);
            assertThat(page.status()).as(limit).isEqualTo(200);
            assertThat(page.get("data")).as(limit).hasSize(50);
            String next = page.get("cursor_next").stringValue();
            assertThat(org.admin().get("/event/?object_type=group&_limit=" + limit + "&_cursor=" + next).get("data"))
                    .as(limit).hasSize(2);
        }
    }

    @Test
    void oneEvent_byId_onlyInItsOrganization() {
        var org = close.org();
        org.admin().post("/group/", Map.of("name", "One"));
        JsonNode event = org.admin().get("/event/?_limit=1").get("data").get(0);
        Http.Res res = org.admin().get("/event/" + event.get("id").stringValue() + "/");
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.json()).isEqualTo(event);
        var other = close.org();
        assertThat(other.admin().get("/event/" + event.get("id").stringValue() + "/").status()).isEqualTo(404);
        assertThat(org.admin().get("/event/ev_nope/").status()).isEqualTo(404);
        assertThat(org.admin().get("/event/" + CloseIds.encode(CloseIds.EVENT, 1) + "/").status()).isEqualTo(404);
    }

    @Test
    void theLog_isReadableByEveryMember() {
        var org = close.org();
        Http rep = close.member(org, "rep", "Restricted User");
        assertThat(rep.get("/event/").status()).isEqualTo(200);
        assertThat(rep.get("/event/").get("data")).isNotEmpty();
    }

    @Test
    void anInvitation_isNoMembershipEvent_acceptingItIsTheActivation() {
        var org = close.org();
        long user = close.native_().roleId(org.org(), "User");
        long restricted = close.native_().roleId(org.org(), "Restricted User");
        JsonNode newestBefore = org.admin().get("/event/?_limit=1").get("data").get(0);
        Http.Res invited = node.service().post(org.path() + "/members", Map.of("user_id", "inv1",
                "email", "inv1@example.com", "role_id", user, "status", "invited"));
        assertThat(invited.status()).as(invited.toString()).isEqualTo(201);
        long member = invited.json().get("id").longValue();
        String memb = CloseIds.encode(CloseIds.MEMBERSHIP, member);
        node.service().patch(org.path() + "/members/" + member, Map.of("role_id", restricted));
        org.admin().put("/membership/" + memb + "/", Map.of("auto_record_calls", "enabled"));
        long invitedAt = node.service().get(org.path() + "/events?object_type=member&object_id=" + member
                + "&order=asc&limit=1").json().get("items").get(0).get("revision").longValue();

        assertThat(org.admin().get("/event/?_limit=1").get("data").get(0)).isEqualTo(newestBefore);
        assertThat(org.admin().get("/event/?object_id=" + memb).get("data")).isEmpty();
        assertThat(org.admin().get("/event/" + CloseIds.encode(CloseIds.EVENT, invitedAt) + "/").status())
                .isEqualTo(404);
        Http.Res oneActivation = org.admin().get("/event/?object_type=membership&action=activated&_limit=1");
        assertThat(oneActivation.get("data").get(0)).isEqualTo(newestBefore);
        assertThat(oneActivation.get("cursor_next").isNull()).isTrue();

        Http.Res accepted = node.service().post(org.path() + "/members/" + member + "/accept", Map.of());
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);
        JsonNode data = org.admin().get("/event/?object_id=" + memb).get("data");
        assertThat(kinds(data)).containsExactly("membership.activated");
        assertThat(data.get(0).get("data").get("role_id").stringValue()).isEqualTo("restricteduser");
        assertThat(data.get(0).get("data").get("auto_record_calls").stringValue()).isEqualTo("enabled");
        JsonNode activations = org.admin().get("/event/?object_type=membership&action=activated").get("data");
        assertThat(activations).extracting(e -> e.get("object_id").stringValue())
                .containsExactly(memb, newestBefore.get("object_id").stringValue());
    }

    /**
     * A native change of nothing Close shows — a member's names or email, a role's description — is no event of
     * Close's log (it would be an {@code updated} with no changed fields): neither listed, also page by page, nor found
     * by id.
     */
    @Test
    void changesOfWhatCloseDoesNotShow_areNoEvents() {
        var org = close.org();
        JsonNode created = org.admin().post("/membership/", Map.of("email", "quiet@example.com", "role_id", "user"))
                .json();
        String memb = created.get("id").stringValue();
        long member = CloseIds.decode(CloseIds.MEMBERSHIP, memb);
        long role = close.role(org, "Quiet", List.of("view_all_leads"));
        List<Long> unseen = new ArrayList<>();
        for (Map<String, Object> change : List.<Map<String, Object>>of(Map.of("first_name", "Quinn"),
                Map.of("last_name", "Lee"), Map.of("email", "quinn@example.com"))) {
            Http.Res res = node.service().patch(org.path() + "/members/" + member, change);
            assertThat(res.status()).as(res.toString()).isEqualTo(200);
            unseen.add(res.revision());
        }
        Http.Res described = node.service().patch(org.path() + "/roles/" + role, Map.of("description", "hush"));
        assertThat(described.status()).as(described.toString()).isEqualTo(200);
        unseen.add(described.revision());
        org.admin().put("/membership/" + memb + "/", Map.of("role_id", "restricteduser"));

        JsonNode data = org.admin().get("/event/").get("data");
        assertThat(kinds(data)).containsExactly("membership.updated", "membership.activated", "membership.activated");
        assertThat(data.get(0).get("changed_fields")).extracting(JsonNode::stringValue).containsExactly("role_id");
        assertThat(kinds(org.admin().get("/event/?object_type=role").get("data"))).as("the built-in roles and Quiet")
                .containsOnly("role.created");

        // page by page: the same events, and the last page says so
        List<String> paged = new ArrayList<>();
        String cursor = "";
        do {
            JsonNode page = org.admin().get("/event/?_limit=1" + (cursor.isEmpty() ? "" : "&_cursor=" + cursor)).json();
            page.get("data").forEach(e -> paged.add(e.get("id").stringValue()));
            cursor = page.get("cursor_next").isNull() ? null : page.get("cursor_next").stringValue();
        } while (cursor != null && paged.size() < 10);
        List<String> all = new ArrayList<>();
        data.forEach(e -> all.add(e.get("id").stringValue()));
        assertThat(paged).isEqualTo(all);
        for (long revision : unseen) {
            assertThat(org.admin().get("/event/" + CloseIds.encode(CloseIds.EVENT, revision) + "/").status())
                    .isEqualTo(404);
        }
    }

    @Test
    void cursors_stepOverRecordsCloseDoesNotShow() {
        var org = close.org();
        long user = close.native_().roleId(org.org(), "User");
        org.admin().post("/group/", Map.of("name", "Old"));
        for (int i = 0; i < 3; i++) {
            node.service().post(org.path() + "/members", Map.of("user_id", "inv" + i,
                    "email", "inv" + i + "@example.com", "role_id", user, "status", "invited"));
        }
        org.admin().post("/group/", Map.of("name", "New"));

        Http.Res first = org.admin().get("/event/?_limit=1");
        assertThat(first.get("data").get(0).get("data").get("name").stringValue()).isEqualTo("New");
        Http.Res second = org.admin().get("/event/?_limit=1&_cursor=" + first.get("cursor_next").stringValue());
        assertThat(second.get("data").get(0).get("data").get("name").stringValue()).isEqualTo("Old");
        Http.Res third = org.admin().get("/event/?_limit=1&_cursor=" + second.get("cursor_next").stringValue());
        assertThat(kinds(third.get("data"))).containsExactly("membership.activated");
        assertThat(third.get("cursor_next").isNull()).isTrue();

        String poll = second.get("cursor_previous").stringValue();
        Http.Res newer = org.admin().get("/event/?_limit=1&_cursor=" + poll);
        assertThat(newer.get("data").get(0).get("data").get("name").stringValue()).isEqualTo("New");
        Http.Res nothingYet = org.admin().get("/event/?_limit=1&_cursor=" + newer.get("cursor_previous").stringValue());
        assertThat(nothingYet.get("data")).isEmpty();
    }

    /**
     * Accepting an invitation begins the Close membership: its {@code activated} is a creation, the membership as it
     * then stands, however the invitation is accepted — by Close's POST of the invited email with another role, or
     * natively with a role change — and never shows what the member was while invited.
     */
    @Test
    void acceptingAnInvitationWithAnotherRole_isACreation_withNoPreviousData() {
        var org = close.org();
        long invitedRole = close.role(org, "Invited", List.of("calling", "view_all_leads"));
        long restricted = close.native_().roleId(org.org(), "Restricted User");
        List<JsonNode> activations = new ArrayList<>();
        for (String user : List.of("closeinv", "nativeinv")) {
            Http.Res invited = node.service().post(org.path() + "/members", Map.of("user_id", user,
                    "email", user + "@example.com", "role_id", invitedRole, "status", "invited"));
            assertThat(invited.status()).as(invited.toString()).isEqualTo(201);
            long member = invited.json().get("id").longValue();
            Http.Res accepted = user.equals("closeinv")
                    ? org.admin().post("/membership/", Map.of("email", user + "@example.com", "role_id", "restricteduser"))
                    : node.service().patch(org.path() + "/members/" + member, Map.of("status", "active",
                            "role_id", restricted));
            assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);
            JsonNode data = org.admin().get("/event/?object_id=" + CloseIds.encode(CloseIds.MEMBERSHIP, member))
                    .get("data");
            assertThat(kinds(data)).containsExactly("membership.activated");
            activations.add(data.get(0));
        }
        for (JsonNode activated : activations) {
            assertThat(activated.get("changed_fields")).as(activated.toString()).isEmpty();
            assertThat(activated.get("previous_data")).as(activated.toString()).isEqualTo(Json.object());
            assertThat(activated.get("data").get("role_id").stringValue()).isEqualTo("restricteduser");
            assertThat(org.admin().get("/event/" + activated.get("id").stringValue() + "/").json()).isEqualTo(activated);
        }
    }

    /**
     * One request's change of a membership is one event, as Close records one API change to one object: a role and a
     * setting changed together are one {@code updated} listing both (not the role change, then the setting's), in the
     * log — also page by page and by id — and in Close's webhooks, one delivery; the native log keeps both records.
     */
    @Test
    void aRoleAndASettingChangedByOneRequest_areOneEvent_andOneDelivery() {
        var org = close.org();
        try (CloseReceiver receiver = new CloseReceiver()) {
            Http.Res subscribed = org.admin().post("/webhook/", Map.of("url", receiver.url(), "events", List.of(
                    Map.of("object_type", "membership", "action", "updated"),
                    Map.of("object_type", "group", "action", "created"))));
            assertThat(subscribed.status()).as(subscribed.toString()).isEqualTo(201);
            JsonNode created = org.admin().post("/membership/", Map.of("email", "both@example.com", "role_id", "user"))
                    .json();
            String memb = created.get("id").stringValue();
            Http.Res put = org.admin().put("/membership/" + memb + "/", Map.of("role_id", "restricteduser",
                    "track_email_opens", true));
            assertThat(put.status()).as(put.toString()).isEqualTo(200);
            org.admin().post("/group/", Map.of("name", "After"));

            JsonNode data = org.admin().get("/event/?object_id=" + memb).get("data");
            assertThat(kinds(data)).containsExactly("membership.updated", "membership.activated");
            JsonNode updated = data.get(0);
            assertThat(updated.get("changed_fields")).extracting(JsonNode::stringValue)
                    .containsExactly("role_id", "track_email_opens");
            assertThat(updated.get("previous_data")).isEqualTo(Json.MAPPER.readTree(
                    "{\"role_id\": \"user\", \"track_email_opens\": false}"));
            assertThat(updated.get("data")).isEqualTo(put.json());
            assertThat(org.admin().get("/event/" + updated.get("id").stringValue() + "/").json()).isEqualTo(updated);
            JsonNode page = org.admin().get("/event/?object_id=" + memb + "&_limit=1").json();
            assertThat(page.get("data")).containsExactly(updated);
            JsonNode older = org.admin().get("/event/?object_id=" + memb + "&_limit=1&_cursor="
                    + page.get("cursor_next").stringValue()).get("data");
            assertThat(kinds(older)).containsExactly("membership.activated");

            // natively, still the member's change and the settings' change, one record each; the first is no Close event
            long member = CloseIds.decode(CloseIds.MEMBERSHIP, memb);
            JsonNode natives = node.service().get(org.path() + "/events?object_id=" + member
                    + "&object_type=member&object_type=close_membership_settings&order=asc").json()
                    .get("items");
            List<String> nativeKinds = new ArrayList<>();
            natives.forEach(e -> nativeKinds.add(e.get("object_type").stringValue() + "." + e.get("action").stringValue()));
            assertThat(nativeKinds).containsExactly("member.created", "member.updated", "close_membership_settings.updated");
            assertThat(org.admin().get("/event/" + CloseIds.encode(CloseIds.EVENT,
                    natives.get(1).get("revision").longValue()) + "/").status()).isEqualTo(404);

            // deliveries come in order: once the group's arrives, the membership's have all come
            Await.until(Duration.ofSeconds(30), "the group's delivery", () -> receiver.deliveries().stream()
                    .anyMatch(d -> d.event().get("object_type").stringValue().equals("group")));
            List<JsonNode> delivered = new ArrayList<>();
            receiver.deliveries().forEach(d -> delivered.add(d.event()));
            assertThat(delivered).hasSize(2);
            assertThat(delivered.get(0)).isEqualTo(updated);
        }
    }

    /**
     * A member an import creates deactivated (as an export holds one) never had a Close membership, which begins when
     * it is activated: its creation is no {@code activated} — in the log nor in Close's webhooks — and it was once
     * created active, then deactivated (two records, an {@code activated} and a {@code deactivated}); activating it
     * later is its membership's {@code activated}.
     */
    @Test
    void aMemberImportedDeactivated_isNoMembershipEvent_untilItIsActivated() {
        var org = close.org();
        try (CloseReceiver receiver = new CloseReceiver()) {
            Http.Res subscribed = org.admin().post("/webhook/", Map.of("url", receiver.url(), "events", List.of(
                    Map.of("object_type", "membership", "action", "activated"),
                    Map.of("object_type", "membership", "action", "deactivated"),
                    Map.of("object_type", "group", "action", "created"))));
            assertThat(subscribed.status()).as(subscribed.toString()).isEqualTo(201);
            JsonNode newestBefore = org.admin().get("/event/?_limit=1").get("data").get(0);
            String lines = String.join("\n", Json.writeString(Map.of("type", "header", "model", "close")),
                    Json.writeString(Map.of("type", "member", "user_id", "dead2", "email", "dead2@example.com", "role",
                            "Restricted User", "status", "deactivated"))) + "\n";
            Http.Res imported = node.service().raw("POST", org.path() + "/import", lines, "application/x-ndjson");
            assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
            org.admin().post("/group/", Map.of("name", "After"));

            JsonNode natives = node.service().get(org.path() + "/events?object_type=member&order=desc&limit=1").json()
                    .get("items");
            assertThat(natives.get(0).get("action").stringValue()).isEqualTo("created");
            assertThat(natives.get(0).get("after").get("status").stringValue()).isEqualTo("deactivated");
            long member = natives.get(0).get("object_id").asLong();
            String memb = CloseIds.encode(CloseIds.MEMBERSHIP, member);
            assertThat(org.admin().get("/event/?object_id=" + memb).get("data")).isEmpty();
            assertThat(org.admin().get("/event/?object_type=membership&_limit=1").get("data").get(0))
                    .isEqualTo(newestBefore);
            assertThat(org.admin().get("/event/" + CloseIds.encode(CloseIds.EVENT,
                    natives.get(0).get("revision").longValue()) + "/").status()).isEqualTo(404);

            // deliveries come in order: once the group's arrives, any of the member's would have come
            Await.until(Duration.ofSeconds(30), "the group's delivery", () -> receiver.deliveries().stream()
                    .anyMatch(d -> d.event().get("object_type").stringValue().equals("group")));
            List<String> delivered = new ArrayList<>();
            receiver.deliveries().forEach(d -> delivered.add(d.event().get("object_type").stringValue() + "."
                    + d.event().get("action").stringValue()));
            assertThat(delivered).containsExactly("group.created");

            Http.Res activated = node.service().patch(org.path() + "/members/" + member, Map.of("status", "active"));
            assertThat(activated.status()).as(activated.toString()).isEqualTo(200);
            assertThat(kinds(org.admin().get("/event/?object_id=" + memb).get("data")))
                    .containsExactly("membership.activated");
        }
    }

    /**
     * A membership never active has no events until it is activated, whatever happens to its member before: a member
     * whose invitation was withdrawn, then removed, or one an import added deactivated, then removed or given another
     * role, is no {@code deactivated} nor {@code updated} — in the log nor in Close's webhooks — as a member removed
     * while invited is none. Activating one later begins its membership (an {@code activated} with no previous data);
     * from then on its changes are events.
     */
    @Test
    void aMembershipNeverActive_isNoEvent_whenItsMemberIsChangedOrRemoved() {
        var org = close.org();
        long user = close.native_().roleId(org.org(), "User");
        try (CloseReceiver receiver = new CloseReceiver()) {
            Http.Res subscribed = org.admin().post("/webhook/", Map.of("url", receiver.url(), "events", List.of(
                    Map.of("object_type", "membership", "action", "activated"),
                    Map.of("object_type", "membership", "action", "deactivated"),
                    Map.of("object_type", "membership", "action", "updated"),
                    Map.of("object_type", "group", "action", "created"))));
            assertThat(subscribed.status()).as(subscribed.toString()).isEqualTo(201);
            JsonNode newestBefore = org.admin().get("/event/?object_type=membership&_limit=1").get("data").get(0);
            List<Long> members = new ArrayList<>();
            for (String invited : List.of("inv_c3", "inv_c4")) {
                Http.Res res = node.service().post(org.path() + "/members", Map.of("user_id", invited,
                        "email", invited + "@close.test", "role_id", user, "status", "invited"));
                assertThat(res.status()).as(res.toString()).isEqualTo(201);
                members.add(res.json().get("id").longValue());
            }
            Http.Res withdrawn = node.service().patch(org.path() + "/members/" + members.get(0),
                    Map.of("status", "deactivated"));
            assertThat(withdrawn.status()).as(withdrawn.toString()).isEqualTo(200);
            String lines = String.join("\n", Json.writeString(Map.of("type", "header", "model", "close")),
                    Json.writeString(Map.of("type", "member", "user_id", "dead_b", "email", "deadb@close.test",
                            "role", "Restricted User", "status", "deactivated")),
                    Json.writeString(Map.of("type", "member", "user_id", "dead_c", "email", "deadc@close.test",
                            "role", "Restricted User", "status", "deactivated"))) + "\n";
            Http.Res imported = node.service().raw("POST", org.path() + "/import", lines, "application/x-ndjson");
            assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
            Map<String, Long> importedIds = new LinkedHashMap<>();
            node.service().get(org.path() + "/events?object_type=member&order=desc&limit=2").json().get("items")
                    .forEach(e -> importedIds.put(e.get("after").get("user_id").stringValue(),
                            e.get("object_id").asLong()));
            long deadB = importedIds.get("dead_b");
            long deadC = importedIds.get("dead_c");
            members.addAll(importedIds.values());
            for (long removed : List.of(members.get(0), members.get(1), deadB)) {
                Http.Res res = node.service().delete(org.path() + "/members/" + removed);
                assertThat(res.status()).as(res.toString()).isBetween(200, 204);
            }
            Http.Res roleChanged = node.service().patch(org.path() + "/members/" + deadC, Map.of("role_id", user));
            assertThat(roleChanged.status()).as(roleChanged.toString()).isEqualTo(200);
            org.admin().post("/group/", Map.of("name", "After"));

            for (long member : members) {
                assertThat(org.admin().get("/event/?object_id=" + CloseIds.encode(CloseIds.MEMBERSHIP, member))
                        .get("data")).as("member " + member).isEmpty();
            }
            assertThat(org.admin().get("/event/?object_type=membership&_limit=1").get("data").get(0))
                    .isEqualTo(newestBefore);
            assertThat(org.admin().get("/event/" + CloseIds.encode(CloseIds.EVENT, roleChanged.revision()) + "/")
                    .status()).isEqualTo(404);
            // deliveries come in order: once the group's arrives, any of the members' would have come
            Await.until(Duration.ofSeconds(30), "the group's delivery", () -> receiver.deliveries().stream()
                    .anyMatch(d -> d.event().get("object_type").stringValue().equals("group")));
            List<String> delivered = new ArrayList<>();
            receiver.deliveries().forEach(d -> delivered.add(d.event().get("object_type").stringValue() + "."
                    + d.event().get("action").stringValue()));
            assertThat(delivered).containsExactly("group.created");

            String memb = CloseIds.encode(CloseIds.MEMBERSHIP, deadC);
            node.service().patch(org.path() + "/members/" + deadC, Map.of("status", "active"));
            node.service().patch(org.path() + "/members/" + deadC, Map.of("status", "deactivated"));
            JsonNode data = org.admin().get("/event/?object_id=" + memb).get("data");
            assertThat(kinds(data)).containsExactly("membership.deactivated", "membership.activated");
            assertThat(data.get(1).get("changed_fields")).isEmpty();
            assertThat(data.get(1).get("previous_data")).isEqualTo(Json.object());
        }
    }

    /**
     * Whether a membership had begun is read from its member's history; once retention has pruned its beginning, the
     * records kept tell: a member active before its oldest kept record had begun (its deactivation is an event), one
     * invited then had not (its invitation withdrawn, then the member removed, is none).
     */
    @Test
    void aMembershipWhoseBeginningRetentionPruned_isToldByTheRecordsKept() {
        try (TestNode pruning = TestNode.startOn(TestDatabase.freshDatabaseUrl(),
                c -> c.withChangeLog(c.changeLog().withRetentionDays(1)))) {
            CloseFixtures closeThere = new CloseFixtures(pruning);
            var org = closeThere.org();
            long user = closeThere.native_().roleId(org.org(), "User");
            long active = CloseIds.decode(CloseIds.MEMBERSHIP, org.admin().post("/membership/",
                    Map.of("email", "old@example.com", "role_id", "user")).get("id").stringValue());
            long invited = pruning.service().post(org.path() + "/members", Map.of("user_id", "oldinv",
                    "email", "oldinv@example.com", "role_id", user, "status", "invited")).get("id").longValue();
            long cut = pruning.service().post(org.path() + "/groups", Map.of("name", "Cut")).revision();
            Jdbi jdbi = pruning.node().core().store().jdbi();
            pruning.service().post(org.path() + "/groups", Map.of("name", "Young"));
            jdbi.useHandle(h -> h.createUpdate("UPDATE change_log SET occurred_at = now() - interval '2 days' "
                    + "WHERE revision <= :cut").bind("cut", cut).execute());
            assertThat(pruning.node().retention().runOnce()).isEqualTo(cut);

            pruning.service().patch(org.path() + "/members/" + active, Map.of("status", "deactivated"));
            pruning.service().patch(org.path() + "/members/" + invited, Map.of("status", "deactivated"));
            Http.Res removed = pruning.service().delete(org.path() + "/members/" + invited);
            assertThat(removed.status()).as(removed.toString()).isBetween(200, 204);

            assertThat(kinds(org.admin().get("/event/?object_id=" + CloseIds.encode(CloseIds.MEMBERSHIP, active))
                    .get("data"))).containsExactly("membership.deactivated");
            assertThat(org.admin().get("/event/?object_id=" + CloseIds.encode(CloseIds.MEMBERSHIP, invited))
                    .get("data")).isEmpty();
        }
    }

    /**
     * A filter given without a value ({@code ?action=}, {@code ?_cursor=%20}) is a 400 naming it, as {@code ?_limit=}
     * is, also in a GET sent as a POST: each was read as left out and answered the whole log.
     */
    @Test
    void aFilterGivenWithoutAValue_isA400NamingIt_neverTheWholeLog() {
        var org = close.org();
        org.admin().post("/group/", Map.of("name", "G"));
        Http override = org.admin().header(CloseApi.OVERRIDE_HEADER, "GET");
        for (String name : List.of("date_updated__gt", "date_updated__gte", "date_updated__lt", "date_updated__lte",
                "action", "object_type", "object_id", "user_id", "lead_id", "request_id", "_cursor")) {
            // also beside a filter that matches nothing
            String nothing = name.equals("lead_id") ? "request_id=x&" : "lead_id=x&";
            List<Http.Res> answers = List.of(org.admin().get("/event/?" + name + "="),
                    org.admin().get("/event/?" + name + "=%20"), org.admin().get("/event/?" + nothing + name + "="),
                    override.post("/event/", Map.of("_params", Map.of(name, ""))));
            for (Http.Res res : answers) {
                assertThat(res.status()).as(name + ": " + res).isEqualTo(400);
                assertThat(res.get("field-errors").get(name).stringValue()).as(name)
                        .isEqualTo("This field may not be blank.");
            }
        }
        assertThat(org.admin().get("/event/").get("data")).isNotEmpty();
    }
}
