package dev.gatehouse.http.close;

import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class CloseMembershipsIT {

    static TestNode node;
    static CloseFixtures close;

    @BeforeAll
    static void start() {
        // a budget no race exhausts: one admin's hundreds of role writes in a second are about races, not the rate limit
        node = TestNode.start(c -> c.withCloseRateLimit(new RateLimit(1_000_000, 1)));
        close = new CloseFixtures(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static List<String> strings(JsonNode array) {
        return array.valueStream().map(JsonNode::stringValue).toList();
    }

    private static List<String> rolePermissions(CloseFixtures.Org org, String roleId) {
        return strings(org.admin().get("/role/" + roleId + "/").get("permissions"));
    }

    @Test
    void create_byEmail_addsANewPersonWithACloseUserId() {
        var org = close.org();
        Http.Res res = org.admin().post("/membership/", Map.of("email", "new.rep@example.com", "role_id", "user"));
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.get("id").stringValue()).matches("memb_[0-9A-Za-z]{43}");
        assertThat(res.get("user_id").stringValue()).matches("user_[0-9A-Za-z]{43}");
        assertThat(res.get("organization_id").stringValue()).isEqualTo(org.closeId());
        assertThat(res.get("role_id").stringValue()).isEqualTo("user");
        assertThat(strings(res.get("permissions_granted"))).isEqualTo(rolePermissions(org, "user"));
        JsonNode member = node.service().get(org.path() + "/members/" + res.get("user_id").stringValue()).json();
        assertThat(member.get("email").stringValue()).isEqualTo("new.rep@example.com");
        assertThat(member.get("status").stringValue()).isEqualTo("active");
        assertThat(member.get("role_id").longValue()).isEqualTo(close.native_().roleId(org.org(), "User"));
    }

    @Test
    void create_acceptsACustomRoleId() {
        var org = close.org();
        String role = org.admin().post("/role/", Map.of("name", "Caller", "permissions", List.of("calling", "view_all_leads")))
                .get("id").stringValue();
        Http.Res res = org.admin().post("/membership/", Map.of("email", "caller@example.com", "role_id", role));
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.get("role_id").stringValue()).isEqualTo(role);
        assertThat(strings(res.get("permissions_granted"))).containsExactly("calling", "view_all_leads");
    }

    @Test
    void create_reactivatesADeactivatedMember_keepingItsMembership() {
        var org = close.org();
        String id = org.admin().post("/membership/", Map.of("email", "back@example.com", "role_id", "user")).get("id").stringValue();
        assertThat(org.admin().delete("/membership/" + id + "/").status()).isEqualTo(200);
        Http.Res again = org.admin().post("/membership/", Map.of("email", "BACK@example.com", "role_id", "restricteduser"));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.get("id").stringValue()).isEqualTo(id);
        assertThat(again.get("role_id").stringValue()).isEqualTo("restricteduser");
        JsonNode orgJson = org.admin().get("/organization/" + org.closeId() + "/").json();
        assertThat(orgJson.get("memberships")).extracting(m -> m.get("id").stringValue()).contains(id);
        assertThat(orgJson.get("inactive_memberships")).isEmpty();
    }

    @Test
    void create_refusedForAnActiveMember() {
        var org = close.org();
        Http.Res res = org.admin().post("/membership/", Map.of("email", "admin" + "@example.com", "role_id", "user"));
        assertThat(res.status()).isEqualTo(200);
        Http.Res again = org.admin().post("/membership/", Map.of("email", "admin@example.com", "role_id", "user"));
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.get("error").stringValue()).contains("already an active member");
    }

    @Test
    void create_withARoleThatManagesTheOrganization_isForbidden() {
        var org = close.org();
        Http.Res res = org.admin().post("/membership/", Map.of("email", "boss@example.com", "role_id", "admin"));
        assertThat(res.status()).isEqualTo(403);
        assertThat(res.get("error").stringValue()).contains("manage_organization");
        assertThat(node.service().get(org.path() + "/members").json().get("items")).hasSize(1);
    }

    @Test
    void create_validatesItsTwoFields() {
        var org = close.org();
        Http.Res missing = org.admin().post("/membership/", Map.of("email", "x@example.com"));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.get("field-errors").has("role_id")).isTrue();
        Http.Res extra = org.admin().post("/membership/", Map.of("email", "x@example.com", "role_id", "user",
                "first_name", "X"));
        assertThat(extra.get("field-errors").get("first_name").stringValue()).isEqualTo("Unknown field.");
        assertThat(org.admin().post("/membership/", Map.of("email", "not-an-email", "role_id", "user"))
                .get("field-errors").has("email")).isTrue();
        assertThat(org.admin().post("/membership/", Map.of("email", "x@example.com", "role_id", "role_nope"))
                .get("field-errors").has("role_id")).isTrue();
        assertThat(node.service().get(org.path() + "/members").json().get("items")).hasSize(1);
    }

    /**
     * One rule for an email, one message: an address without a dot in its domain, which Close refuses beyond the rule
     * every API shares, said {@code "Not a valid email address."} where one without an {@code @} said the shared rule's
     * words.
     */
    @Test
    void create_refusesEveryEmailNotShapedAsOne_inOneMessage() {
        var org = close.org();
        for (String email : List.of("a@b", "x@@acme.test", "not-an-email", "ada@localhost")) {
            Http.Res res = org.admin().post("/membership/", Map.of("email", email, "role_id", "user"));
            assertThat(res.status()).as(email + " " + res).isEqualTo(400);
            assertThat(res.get("field-errors").get("email").stringValue()).as(email)
                    .isEqualTo("must be an email address, got \"" + email + "\"");
        }
        assertThat(node.service().get(org.path() + "/members").json().get("items")).hasSize(1);
    }

    @Test
    void managingMemberships_needsManageOrganization() {
        var org = close.org();
        Http superuser = close.member(org, "su-1", "Super User");
        Http.Res res = superuser.post("/membership/", Map.of("email", "friend@example.com", "role_id", "user"));
        assertThat(res.status()).isEqualTo(403);
        String admin = org.admin().get("/me/").get("memberships").get(0).get("id").stringValue();
        assertThat(superuser.put("/membership/" + admin + "/", Map.of("track_email_opens", true)).status()).isEqualTo(403);
        assertThat(superuser.delete("/membership/" + admin + "/").status()).isEqualTo(403);
    }

    @Test
    void update_changesRoleAndSettings_andPermissionsGrantedFollowTheRole() {
        var org = close.org();
        String id = org.admin().post("/membership/", Map.of("email", "rep@example.com", "role_id", "user")).get("id").stringValue();
        Http.Res res = org.admin().put("/membership/" + id + "/", Map.of("role_id", "superuser", "auto_record_calls",
                "enabled", "track_email_opens", true, "default_caller_id", "phon_123", "default_caller_id_mode", "fixed",
                "hangup_recording_url", "https://example.com/bye.mp3", "may_workflows_impersonate", true));
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.get("role_id").stringValue()).isEqualTo("superuser");
        assertThat(strings(res.get("permissions_granted"))).isEqualTo(rolePermissions(org, "superuser"));
        assertThat(res.get("auto_record_calls").stringValue()).isEqualTo("enabled");
        assertThat(res.get("track_email_opens").booleanValue()).isTrue();
        assertThat(res.get("default_caller_id").stringValue()).isEqualTo("phon_123");
        assertThat(res.get("default_caller_id_mode").stringValue()).isEqualTo("fixed");
        assertThat(res.get("hangup_recording_url").stringValue()).isEqualTo("https://example.com/bye.mp3");
        assertThat(res.get("may_workflows_impersonate").booleanValue()).isTrue();

        Http.Res settingsOnly = org.admin().put("/membership/" + id + "/", Map.of("auto_record_calls", "disabled"));
        assertThat(settingsOnly.get("role_id").stringValue()).isEqualTo("superuser");
        assertThat(settingsOnly.get("auto_record_calls").stringValue()).isEqualTo("disabled");
        assertThat(settingsOnly.get("default_caller_id").stringValue()).isEqualTo("phon_123");
        JsonNode entry = org.admin().get("/organization/" + org.closeId() + "/").get("memberships").get(1);
        assertThat(entry.get("auto_record_calls").stringValue()).isEqualTo("disabled");
        assertThat(entry.get("track_email_opens").booleanValue()).isTrue();
    }

    @Test
    void update_rejectsUnknownFieldsAndBadValues_changingNothing() {
        var org = close.org();
        String id = org.admin().post("/membership/", Map.of("email", "rep@example.com", "role_id", "user")).get("id").stringValue();
        Http.Res unknown = org.admin().put("/membership/" + id + "/", Map.of("role_id", "restricteduser", "email", "x@y.z"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.get("field-errors").get("email").stringValue()).isEqualTo("Unknown field.");
        assertThat(org.admin().put("/membership/" + id + "/", Map.of("auto_record_calls", "sometimes"))
                .get("field-errors").has("auto_record_calls")).isTrue();
        assertThat(org.admin().put("/membership/" + id + "/", Map.of("track_email_opens", "yes"))
                .get("field-errors").has("track_email_opens")).isTrue();
        assertThat(org.admin().put("/membership/" + id + "/", Map.of("role_id", "owner"))
                .get("field-errors").has("role_id")).isTrue();
        JsonNode entry = org.admin().get("/organization/" + org.closeId() + "/").get("memberships").get(1);
        assertThat(entry.get("role_id").stringValue()).isEqualTo("user");
        assertThat(org.admin().put("/membership/memb_unknown/", Map.of("role_id", "user")).status()).isEqualTo(404);
    }

    /** Close's settings hold an http(s) URL with a host: "https://" alone names nothing to fetch. */
    @Test
    void update_hangupRecordingUrl_mustNameAHost() {
        var org = close.org();
        String id = org.admin().post("/membership/", Map.of("email", "rep@example.com", "role_id", "user")).get("id").stringValue();
        String path = "/membership/" + id + "/";
        assertThat(org.admin().put(path, Map.of("hangup_recording_url", "https://example.com/a.mp3")).status())
                .isEqualTo(200);
        for (String url : List.of("https://", "http://", "http:///bye.mp3", "https://:443/bye.mp3", "ftp://example.com/x",
                "example.com/bye.mp3", "https://exa mple.com/")) {
            Http.Res res = org.admin().put(path, Map.of("hangup_recording_url", url));
            assertThat(res.status()).as(url + " " + res).isEqualTo(400);
            assertThat(res.get("field-errors").get("hangup_recording_url").stringValue()).startsWith("Must be an http(s) URL");
        }
        Http.Res kept = org.admin().put(path, Map.of("auto_record_calls", "enabled"));
        assertThat(kept.get("hangup_recording_url").stringValue()).isEqualTo("https://example.com/a.mp3");
        Http.Res upper = org.admin().put(path, Map.of("hangup_recording_url", "HTTP://example.com:8080/b.mp3"));
        assertThat(upper.status()).as(upper.toString()).isEqualTo(200);
        assertThat(upper.get("hangup_recording_url").stringValue()).isEqualTo("HTTP://example.com:8080/b.mp3");
    }

    /**
     * A hang-up recording URL's port, when given, is one a connection can use: 1 to 65535. Java's URI reads any run of
     * digits as the port, so 99999 passed as a URL with a host. Alike on a single and a bulk update.
     */
    @Test
    void update_hangupRecordingUrl_portBeyond65535_isA400() {
        var org = close.org();
        String id = org.admin().post("/membership/", Map.of("email", "rep@example.com", "role_id", "user")).get("id").stringValue();
        String path = "/membership/" + id + "/";
        for (String url : List.of("http://example.com:99999/", "https://example.com:65536/bye.mp3",
                "http://example.com:0/", "http://example.com:2147483647/")) {
            Http.Res res = org.admin().put(path, Map.of("hangup_recording_url", url));
            assertThat(res.status()).as(url + " " + res).isEqualTo(400);
            assertThat(res.get("field-errors").get("hangup_recording_url").stringValue()).contains("65535");
            Http.Res bulk = org.admin().put("/membership/", Map.of("_params", Map.of("id__in", id),
                    "hangup_recording_url", url));
            assertThat(bulk.status()).as(url + " " + bulk).isEqualTo(400);
            assertThat(bulk.get("field-errors").has("hangup_recording_url")).as(bulk.toString()).isTrue();
        }
        JsonNode settings = org.admin().get("/organization/" + org.closeId() + "/").json();
        assertThat(settings.toString()).doesNotContain("example.com:");
        Http.Res highest = org.admin().put(path, Map.of("hangup_recording_url", "https://example.com:65535/bye.mp3"));
        assertThat(highest.status()).as(highest.toString()).isEqualTo(200);
        assertThat(highest.get("hangup_recording_url").stringValue()).isEqualTo("https://example.com:65535/bye.mp3");
    }

    /**
     * A typo'd id, or an id of another type, in a bulk update is a 404 as on {@code PUT /membership/{id}/}, and
     * nothing changes, also for the ids listed before it.
     */
    @Test
    void bulkUpdate_withATypoedId_is404_likeASingleUpdate_andChangesNothing() {
        var org = close.org();
        String a = org.admin().post("/membership/", Map.of("email", "a@example.com", "role_id", "user")).get("id").stringValue();
        String b = org.admin().post("/membership/", Map.of("email", "b@example.com", "role_id", "user")).get("id").stringValue();
        String typo = b.substring(0, b.length() - 1) + (b.endsWith("A") ? "B" : "A");
        Http.Res single = org.admin().put("/membership/" + typo + "/", Map.of("track_email_opens", true));
        assertThat(single.status()).as(single.toString()).isEqualTo(404);
        String group = org.admin().post("/group/", Map.of("name", "G")).get("id").stringValue();
        for (String bad : List.of(typo, group, "role_x", "nonsense")) {
            Http.Res res = org.admin().put("/membership/", Map.of("_params", Map.of("id__in", a + "," + bad),
                    "track_email_opens", true));
            assertThat(res.status()).as(bad + " " + res).isEqualTo(404);
            assertThat(res.get("error").stringValue()).as(res.toString()).contains(bad);
        }
        assertThat(org.admin().put("/membership/", Map.of("_params", Map.of("id__in", a + "," + typo),
                "track_email_opens", true)).json()).isEqualTo(single.json());
        JsonNode members = org.admin().get("/organization/" + org.closeId() + "/").get("memberships");
        assertThat(members).filteredOn(m -> !m.get("role_id").stringValue().equals("admin"))
                .extracting(m -> m.get("track_email_opens").booleanValue()).containsExactly(false, false);
    }

    /** The limit of 1000 counts the ids as listed: repeating one id 1001 times is over it; count is distinct ones. */
    @Test
    void bulkUpdate_limitCountsIdsAsListed() {
        var org = close.org();
        String a = org.admin().post("/membership/", Map.of("email", "a@example.com", "role_id", "user")).get("id").stringValue();
        Http.Res over = org.admin().put("/membership/", Map.of("_params", Map.of("id__in", Collections.nCopies(1001, a)),
                "track_email_opens", true));
        assertThat(over.status()).as(over.toString()).isEqualTo(400);
        assertThat(over.get("field-errors").get("_params.id__in").stringValue()).contains("1000", "1001");
        Http.Res atLimit = org.admin().put("/membership/", Map.of("_params", Map.of("id__in", Collections.nCopies(1000, a)),
                "track_email_opens", true));
        assertThat(atLimit.status()).as(atLimit.toString()).isEqualTo(200);
        assertThat(atLimit.get("count").intValue()).isEqualTo(1);
    }

    /** Null for {@code _params} (bulk) or {@code saved_view_ids} (pinned views) is refused as null, as on every PUT. */
    @Test
    void put_nullForARequiredField_isRefusedAsNull() {
        var org = close.org();
        String id = org.admin().get("/me/").get("memberships").get(0).get("id").stringValue();
        Map<String, Object> bulk = new HashMap<>();
        bulk.put("_params", null);
        bulk.put("track_email_opens", true);
        Http.Res res = org.admin().put("/membership/", bulk);
        assertThat(res.status()).as(res.toString()).isEqualTo(400);
        assertThat(res.get("field-errors").get("_params").stringValue()).isEqualTo("This field may not be null.");
        Map<String, Object> views = new HashMap<>();
        views.put("saved_view_ids", null);
        Http.Res pinned = org.admin().put("/membership/" + id + "/pinned_views/", views);
        assertThat(pinned.status()).as(pinned.toString()).isEqualTo(400);
        assertThat(pinned.get("field-errors").get("saved_view_ids").stringValue()).isEqualTo("This field may not be null.");
    }

    @Test
    void bulkUpdate_changesEveryListedMembership_inOneTransaction() {
        var org = close.org();
        String a = org.admin().post("/membership/", Map.of("email", "a@example.com", "role_id", "user")).get("id").stringValue();
        String b = org.admin().post("/membership/", Map.of("email", "b@example.com", "role_id", "user")).get("id").stringValue();
        Http.Res res = org.admin().put("/membership/", Map.of("_params", Map.of("id__in", a + "," + b),
                "role_id", "restricteduser"));
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.get("count").intValue()).isEqualTo(2);
        JsonNode members = org.admin().get("/organization/" + org.closeId() + "/").get("memberships");
        assertThat(members).filteredOn(m -> !m.get("role_id").stringValue().equals("admin"))
                .extracting(m -> m.get("role_id").stringValue()).containsExactly("restricteduser", "restricteduser");

        String foreign = CloseIds.encode(CloseIds.MEMBERSHIP, 999_999);
        Http.Res partial = org.admin().put("/membership/", Map.of("_params", Map.of("id__in", List.of(a, foreign)),
                "role_id", "user"));
        assertThat(partial.status()).isEqualTo(404);
        assertThat(org.admin().get("/organization/" + org.closeId() + "/").get("memberships"))
                .filteredOn(m -> m.get("id").stringValue().equals(a))
                .extracting(m -> m.get("role_id").stringValue()).containsExactly("restricteduser");
        assertThat(org.admin().put("/membership/", Map.of("role_id", "user")).get("field-errors").has("_params")).isTrue();
        assertThat(org.admin().put("/membership/", Map.of("_params", Map.of("email", "a@example.com"), "role_id", "user"))
                .status()).isEqualTo(400);
    }

    @Test
    void bulkUpdate_readsItsIdsFromTheBody_only_andRefusesNestedLists() {
        var org = close.org();
        String a = org.admin().post("/membership/", Map.of("email", "a@example.com", "role_id", "user")).get("id").stringValue();
        String b = org.admin().post("/membership/", Map.of("email", "b@example.com", "role_id", "user")).get("id").stringValue();
        Http.Res res = org.admin().put("/membership/?id__in=" + b, Map.of("_params", Map.of("id__in", a),
                "role_id", "restricteduser"));
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        assertThat(res.get("count").intValue()).isEqualTo(1);
        Http.Res nested = org.admin().put("/membership/", Map.of("_params", Map.of("id__in", List.of(List.of(b))),
                "role_id", "restricteduser"));
        assertThat(nested.status()).as(nested.toString()).isEqualTo(400);
        assertThat(nested.get("field-errors").has("_params.id__in")).as(nested.toString()).isTrue();
        JsonNode members = org.admin().get("/organization/" + org.closeId() + "/").get("memberships");
        assertThat(members).filteredOn(m -> m.get("id").stringValue().equals(a))
                .extracting(m -> m.get("role_id").stringValue()).containsExactly("restricteduser");
        assertThat(members).filteredOn(m -> m.get("id").stringValue().equals(b))
                .extracting(m -> m.get("role_id").stringValue()).containsExactly("user");
    }

    /**
     * An id list that names no membership — empty, null, commas, blanks of spaces of any kind, nulls — is a parameter
     * given without a value, "This field may not be blank." as on every endpoint (close.md, "Parameters without a
     * value"), never count 0; left out it is required. Both once answered "This field is required.", and a no-break
     * space was read as an id (a 404).
     */
    @Test
    void bulkUpdate_withAnIdListThatNamesNothing_isA400() {
        var org = close.org();
        org.admin().post("/membership/", Map.of("email", "a@example.com", "role_id", "user"));
        Map<String, Object> nullValue = new HashMap<>();
        nullValue.put("id__in", null);
        List<Map<String, Object>> nones = new ArrayList<>(List.of(nullValue));
        for (Object none : List.of("", ",", " , ,", Arrays.asList((Object) null), List.of(" "), "\u00a0",
                "\u00a0,\u3000")) {
            nones.add(Map.of("id__in", none));
        }
        for (Map<String, Object> params : nones) {
            Http.Res res = org.admin().put("/membership/", Map.of("_params", params, "role_id", "restricteduser"));
            assertThat(res.status()).as(params + " " + res).isEqualTo(400);
            assertThat(res.get("field-errors").get("_params.id__in").stringValue()).as(params + " " + res)
                    .isEqualTo("This field may not be blank.");
        }
        Http.Res missing = org.admin().put("/membership/", Map.of("_params", Map.of(), "role_id", "restricteduser"));
        assertThat(missing.get("field-errors").get("_params.id__in").stringValue()).isEqualTo("This field is required.");
        assertThat(org.admin().get("/organization/" + org.closeId() + "/").get("memberships"))
                .extracting(m -> m.get("role_id").stringValue()).containsExactlyInAnyOrder("admin", "user");
    }

    /**
     * Ids in {@code id__in} are taken verbatim, as in a path: {@code " memb_…"} and the second id of {@code "a, b"}
     * name no membership (404, nothing changes), as {@code PUT /membership/%20memb_…/} names none; they were stripped
     * and accepted.
     */
    @Test
    void bulkUpdate_takesIdsVerbatim_asAPathDoes() {
        var org = close.org();
        String a = org.admin().post("/membership/", Map.of("email", "a@example.com", "role_id", "user")).get("id").stringValue();
        String b = org.admin().post("/membership/", Map.of("email", "b@example.com", "role_id", "user")).get("id").stringValue();
        assertThat(org.admin().put("/membership/%20" + a + "/", Map.of("track_email_opens", true)).status())
                .isEqualTo(404);
        for (String listed : List.of(" " + a, a + " ", a + ", " + b, a + " ," + b)) {
            Http.Res res = org.admin().put("/membership/", Map.of("_params", Map.of("id__in", listed),
                    "track_email_opens", true));
            assertThat(res.status()).as("\"" + listed + "\" " + res).isEqualTo(404);
            assertThat(res.get("error").stringValue()).as(res.toString()).startsWith("Membership \"").endsWith(" not found.");
        }
        assertThat(org.admin().put("/membership/", Map.of("_params", Map.of("id__in", a + ",," + b + ","),
                "track_email_opens", true)).get("count").intValue()).as("empty items hold no id").isEqualTo(2);
        JsonNode members = org.admin().get("/organization/" + org.closeId() + "/").get("memberships");
        assertThat(members).filteredOn(m -> !m.get("role_id").stringValue().equals("admin"))
                .extracting(m -> m.get("track_email_opens").booleanValue()).containsExactly(true, true);
    }

    /**
     * A role deleted while an update gives it — after the dialect found it, before the service did — is named by its
     * Close id, as a role never found is ({@code Unknown role "role_…".}), on a single and on a bulk update: the
     * service's refusal answered {@code "role 82 not found in organization 1"}. The race is run many times; every
     * refusal of the role must read as the dialect's own.
     */
    @Test
    void update_racingTheRolesDeletion_namesTheRoleByItsCloseId() throws Exception {
        var org = close.org();
        String memb = org.admin().post("/membership/", Map.of("email", "racer@example.com", "role_id", "user"))
                .get("id").stringValue();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 150; i++) {
                String role = org.admin().post("/role/", Map.of("name", "Racing " + i, "permissions", List.of("calling",
                        "view_all_leads"))).get("id").stringValue();
                Map<String, Object> body = i % 2 == 0 ? Map.of("role_id", role)
                        : Map.of("_params", Map.of("id__in", memb), "role_id", role);
                String path = i % 2 == 0 ? "/membership/" + memb + "/" : "/membership/";
                CountDownLatch start = new CountDownLatch(1);
                Future<Http.Res> update = pool.submit(() -> {
                    start.await();
                    return org.admin().put(path, body);
                });
                Future<Http.Res> delete = pool.submit(() -> {
                    start.await();
                    return org.admin().delete("/role/" + role + "/");
                });
                start.countDown();
                Http.Res updated = update.get(30, TimeUnit.SECONDS);
                delete.get(30, TimeUnit.SECONDS);
                if (updated.status() == 400) {
                    assertThat(updated.get("field-errors").get("role_id").stringValue()).as(updated.toString())
                            .isEqualTo("Unknown role \"" + role + "\".");
                } else {
                    assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
                    org.admin().put("/membership/" + memb + "/", Map.of("role_id", "user"));
                    org.admin().delete("/role/" + role + "/");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void delete_deactivatesTheMembership_andItsKeyStopsWorking() {
        var org = close.org();
        long role = close.native_().roleId(org.org(), "User");
        long member = close.member(org, "leaver", role);
        Http leaver = close.client(close.key(org, member));
        assertThat(leaver.get("/me/").status()).isEqualTo(200);
        String id = CloseIds.encode(CloseIds.MEMBERSHIP, member);
        Http.Res res = org.admin().delete("/membership/" + id + "/");
        assertThat(res.status()).isEqualTo(200);
        assertThat(node.service().get(org.path() + "/members/" + member).json().get("status").stringValue())
                .isEqualTo("deactivated");
        JsonNode orgJson = org.admin().get("/organization/" + org.closeId() + "/").json();
        assertThat(orgJson.get("inactive_memberships")).extracting(m -> m.get("id").stringValue()).containsExactly(id);
        assertThat(leaver.get("/me/").status()).isEqualTo(401);
        assertThat(org.admin().delete("/membership/" + id + "/").status()).isEqualTo(200);
    }

    @Test
    void delete_ofAnInvitedMembership_deactivatesIt_soItsInvitationCanNoLongerBeAccepted() {
        var org = close.org();
        long role = close.native_().roleId(org.org(), "User");
        Http.Res invited = node.service().post(org.path() + "/members", Map.of("user_id", "invitee",
                "email", "invitee@example.com", "role_id", role, "status", "invited"));
        assertThat(invited.status()).as(invited.toString()).isEqualTo(201);
        long member = invited.json().get("id").longValue();
        String id = CloseIds.encode(CloseIds.MEMBERSHIP, member);

        Http.Res res = org.admin().delete("/membership/" + id + "/");
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        assertThat(node.service().get(org.path() + "/members/" + member).json().get("status").stringValue())
                .isEqualTo("deactivated");
        Http.Res accept = node.service().post(org.path() + "/members/" + member + "/accept", Map.of());
        assertThat(accept.status()).as(accept.toString()).isEqualTo(409);
        assertThat(node.service().get(org.path() + "/members/" + member).json().get("status").stringValue())
                .isEqualTo("deactivated");
    }

    /**
     * Removing a member (through the native API) deletes its Close settings and pinned views as recorded changes
     * (action {@code deleted}, the object as {@code before}), by the removing write just before the member's own
     * record: their rows vanished with the member, unrecorded, so a reader mirroring them from the events or the
     * webhooks kept them. A member with neither stored records neither. Close's log shows the removal as the
     * membership's one deactivation, with the settings it had.
     */
    @Test
    void removingAMember_recordsItsSettingsAndPinnedViewsAsDeleted_inTheSameWrite() {
        var org = close.org();
        Http.Res created = org.admin().post("/membership/", Map.of("email", "pv@example.com", "role_id", "user"));
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        String id = created.get("id").stringValue();
        String userId = created.get("user_id").stringValue();
        assertThat(org.admin().put("/membership/" + id + "/pinned_views/", Map.of("saved_view_ids", List.of("save_a1")))
                .status()).isEqualTo(200);
        assertThat(org.admin().put("/membership/" + id + "/", Map.of("track_email_opens", true)).status())
                .isEqualTo(200);
        long plain = close.member(org, "plain", close.native_().roleId(org.org(), "User"));

        Http.Res removed = node.service().delete(org.path() + "/members/" + userId);
        assertThat(removed.status()).as(removed.toString()).isEqualTo(204);
        assertThat(node.service().delete(org.path() + "/members/" + plain).status()).isEqualTo(204);

        JsonNode pinned = node.service().get(org.path() + "/events?object_type=close_pinned_views&action=deleted")
                .json().get("items");
        assertThat(pinned).as("%s", pinned).hasSize(1);
        assertThat(strings(pinned.get(0).get("before").get("saved_view_ids"))).containsExactly("save_a1");
        assertThat(pinned.get(0).get("before").get("user_id").stringValue()).isEqualTo(userId);
        assertThat(pinned.get(0).get("after").isNull()).isTrue();
        JsonNode settings = node.service()
                .get(org.path() + "/events?object_type=close_membership_settings&action=deleted").json().get("items");
        assertThat(settings).as("%s", settings).hasSize(1);
        assertThat(settings.get(0).get("before").get("track_email_opens").booleanValue()).isTrue();
        assertThat(settings.get(0).get("after").isNull()).isTrue();
        assertThat(List.of(pinned.get(0).get("revision").longValue(), settings.get(0).get("revision").longValue()))
                .as("recorded by the removing write, just before the member")
                .containsExactly(removed.revision() - 2, removed.revision() - 1);

        JsonNode shown = org.admin().get("/event/?object_id=" + id).get("data");
        assertThat(shown).extracting(e -> e.get("action").stringValue())
                .containsExactly("deactivated", "updated", "activated");
        assertThat(shown.get(0).get("data").get("track_email_opens").booleanValue()).isTrue();
    }

    @Test
    void theLastMemberAbleToManageRoles_cannotBeDeactivatedOrDemoted() {
        var org = close.org();
        String me = org.admin().get("/me/").get("memberships").get(0).get("id").stringValue();
        Http.Res deactivate = org.admin().delete("/membership/" + me + "/");
        assertThat(deactivate.status()).isEqualTo(400);
        assertThat(deactivate.get("error").stringValue()).contains("last");
        assertThat(org.admin().put("/membership/" + me + "/", Map.of("role_id", "user")).status()).isEqualTo(400);
        assertThat(org.admin().get("/me/").get("memberships").get(0).get("role_id").stringValue()).isEqualTo("admin");
    }

    @Test
    void aManagerCannotHandOutARoleBeyondItsOwnPermissions() {
        var org = close.org();
        long manager = close.role(org, "Manager", List.of("manage_organization", "calling", "view_all_leads"));
        Http key = close.client(close.key(org, close.member(org, "mgr", manager)));
        String rep = org.admin().post("/membership/", Map.of("email", "rep@example.com", "role_id", "restricteduser"))
                .get("id").stringValue();
        Http.Res res = key.put("/membership/" + rep + "/", Map.of("role_id", "superuser"));
        assertThat(res.status()).isEqualTo(403);
        assertThat(key.post("/membership/", Map.of("email", "x@example.com", "role_id", "user")).status()).isEqualTo(403);
    }

    @Test
    void pinnedViews_areReplacedInOrder_byTheMemberOrAManager() {
        var org = close.org();
        long role = close.native_().roleId(org.org(), "User");
        long member = close.member(org, "pinner", role);
        Http pinner = close.client(close.key(org, member));
        String id = CloseIds.encode(CloseIds.MEMBERSHIP, member);
        String path = "/membership/" + id + "/pinned_views/";
        assertThat(pinner.get(path).get("saved_view_ids")).isEmpty();
        Http.Res set = pinner.put(path, Map.of("saved_view_ids", List.of("save_b", "save_a", "save_c")));
        assertThat(set.status()).isEqualTo(200);
        assertThat(strings(pinner.get(path).get("saved_view_ids"))).containsExactly("save_b", "save_a", "save_c");
        assertThat(strings(org.admin().put(path, Map.of("saved_view_ids", List.of("save_a"))).get("saved_view_ids")))
                .containsExactly("save_a");
        assertThat(strings(org.admin().get(path).get("saved_view_ids"))).containsExactly("save_a");

        assertThat(pinner.put(path, Map.of("saved_view_ids", List.of("lead_x"))).status()).isEqualTo(400);
        assertThat(pinner.put(path, Map.of("saved_view_ids", List.of("save_a", "save_a"))).status()).isEqualTo(400);
        Http.Res twoBad = pinner.put(path, Map.of("saved_view_ids", List.of("lead_x", "save_b", "view_y")));
        assertThat(twoBad.status()).as(twoBad.toString()).isEqualTo(400);
        assertThat(twoBad.get("field-errors").get("saved_view_ids").stringValue()).as(twoBad.toString())
                .isEqualTo("Item 0: Not a saved view id: \"lead_x\"; Item 2: Not a saved view id: \"view_y\".");
        assertThat(pinner.put(path, Map.of("views", List.of())).status()).isEqualTo(400);
        Http other = close.member(org, "other", "User");
        assertThat(other.get(path).status()).isEqualTo(403);
        assertThat(other.put(path, Map.of("saved_view_ids", List.of())).status()).isEqualTo(403);
        assertThat(strings(pinner.get(path).get("saved_view_ids"))).containsExactly("save_a");
    }

    /**
     * Who may not manage memberships is refused 403 before the body is read: a restricted user once got the 400 a
     * manager gets for an empty body (a create, a bulk update), learning how bodies are checked. Setting another
     * member's pinned views is refused before its list is read too; one's own list is still checked.
     */
    @Test
    void aMemberWithoutManageOrganization_is403_whateverItSends() {
        var org = close.org();
        long role = close.native_().roleId(org.org(), "Restricted User");
        long member = close.member(org, "restricted", role);
        Http restricted = close.client(close.key(org, member));
        String admin = org.admin().get("/me/").get("memberships").get(0).get("id").stringValue();
        List<Http.Res> refused = List.of(
                restricted.post("/membership/", Map.of()),
                restricted.raw("POST", "/membership/", "{bad", "application/json"),
                restricted.post("/membership/", Map.of("email", "not-an-address", "role_id", "nope")),
                restricted.put("/membership/", Map.of()),
                restricted.put("/membership/", Map.of("_params", Map.of("id__in", "memb_nope"), "role_id", "nope")),
                restricted.put("/membership/" + admin + "/", Map.of("colour", "red")),
                restricted.put("/membership/memb_nope/", Map.of()),
                restricted.delete("/membership/memb_nope/"),
                restricted.put("/membership/" + admin + "/pinned_views/", Map.of("saved_view_ids", List.of("lead_x"))),
                restricted.put("/membership/" + admin + "/pinned_views/", Map.of()));
        for (Http.Res res : refused) {
            assertThat(res.status()).as(res.toString()).isEqualTo(403);
            assertThat(res.json().has("field-errors")).as(res.toString()).isFalse();
        }
        String own = "/membership/" + CloseIds.encode(CloseIds.MEMBERSHIP, member) + "/pinned_views/";
        assertThat(restricted.put(own, Map.of("saved_view_ids", List.of("lead_x"))).status()).isEqualTo(400);
        assertThat(org.admin().post("/membership/", Map.of()).status()).as("a manager is told what is wrong")
                .isEqualTo(400);
    }

    /** A manager whose role sees only the records naming it in {@code cf_owner}, and a member seeing all of them. */
    private record LimitedAndWide(Http manager, String wide) {
    }

    /**
     * {@link LimitedAndWide} in {@code org}: the manager's role holds {@code permissions}; {@code name} tells the pairs
     * of one organization apart.
     */
    private static LimitedAndWide limitedManagerAndWideMember(CloseFixtures.Org org, String name,
                                                              List<String> permissions) {
        long limited = close.native_().role(org.org(), Map.of("name", "Limited " + name, "permissions", permissions,
                "visibility", Map.of("user_field_ids", List.of("cf_owner"), "unassigned", "require_assignment")));
        Http manager = close.client(close.key(org, close.member(org, "limited-" + name, limited)));
        String seesAll = org.admin().post("/role/", Map.of("name", "Wide " + name, "permissions", List.of("calling",
                "view_all_leads"))).get("id").stringValue();
        String wide = org.admin().post("/membership/", Map.of("email", "wide-" + name + "@example.com", "role_id",
                seesAll)).get("id").stringValue();
        return new LimitedAndWide(manager, wide);
    }

    /**
     * Who may not set another member's pinned views is refused 403 before its parameters, the body or the id in the
     * path are read: a restricted user was told its {@code _fields} was blank, or that the membership it named did not
     * exist, and a manager refused for a member that sees more was told about its {@code _fields}. Its own membership,
     * named as written, is still read and checked.
     */
    @Test
    void settingAnotherMembersPinnedViews_isRefusedBeforeParametersIdOrBody() {
        var org = close.org();
        var other = close.org();
        long restrictedRole = close.native_().roleId(org.org(), "Restricted User");
        long member = close.member(org, "restricted-pins", restrictedRole);
        Http restricted = close.client(close.key(org, member));
        LimitedAndWide pair = limitedManagerAndWideMember(org, "pins", List.of("manage_organization", "calling"));
        Http manager = pair.manager();
        String wide = pair.wide();
        String theirs = other.admin().get("/me/").get("memberships").get(0).get("id").stringValue();
        Map<String, List<String>> none = Map.of("saved_view_ids", List.of());
        List<Http.Res> refused = List.of(
                restricted.put("/membership/" + wide + "/pinned_views/?_fields=", none),
                restricted.put("/membership/memb_nope/pinned_views/", none),
                restricted.put("/membership/" + theirs + "/pinned_views/", none),
                restricted.raw("PUT", "/membership/memb_nope/pinned_views/?_fields=", "{bad", "application/json"),
                manager.put("/membership/" + wide + "/pinned_views/?_fields=", none),
                manager.put("/membership/" + wide + "/pinned_views/", Map.of("saved_view_ids", "save_a")));
        for (Http.Res res : refused) {
            assertThat(res.status()).as(res.toString()).isEqualTo(403);
            assertThat(res.json().has("field-errors")).as(res.toString()).isFalse();
        }
        assertThat(refused.get(0).get("error").stringValue()).startsWith(
                "Setting another member's pinned views needs the permission \"manage_organization\"");
        assertThat(refused.get(4).get("error").stringValue()).startsWith(
                "Setting another member's pinned views is refused: membership " + wide);

        String own = "/membership/" + CloseIds.encode(CloseIds.MEMBERSHIP, member) + "/pinned_views/";
        Http.Res ownBlankFields = restricted.put(own + "?_fields=", none);
        assertThat(ownBlankFields.status()).as(ownBlankFields.toString()).isEqualTo(400);
        assertThat(ownBlankFields.get("field-errors").has("_fields")).isTrue();
        assertThat(strings(restricted.put(own, Map.of("saved_view_ids", List.of("save_a"))).get("saved_view_ids")))
                .containsExactly("save_a");
        assertThat(manager.put("/membership/memb_nope/pinned_views/", none).status())
                .as("a manager is told the membership does not exist").isEqualTo(404);
        assertThat(org.admin().put("/membership/" + wide + "/pinned_views/?_fields=", none).status())
                .as("a manager is told what is wrong").isEqualTo(400);
    }

    /**
     * A saved view id is {@code save_} followed by letters and digits, as Close writes its ids: a line break, a tab,
     * an invisible character or a trailing space after the prefix was stored.
     */
    @Test
    void pinnedViews_idsAreSaveFollowedByLettersAndDigits() {
        var org = close.org();
        String path = "/membership/" + org.admin().get("/me/").get("memberships").get(0).get("id").stringValue()
                + "/pinned_views/";
        for (String bad : List.of("save_\n", "save_\t", "save_\u200b", "save_a ", " save_a", "save_", "save_a-b",
                "save_\u00e9", "save_\u0661")) {
            Http.Res res = org.admin().put(path, Map.of("saved_view_ids", List.of("save_ok", bad)));
            assertThat(res.status()).as(res.toString()).isEqualTo(400);
            assertThat(res.get("field-errors").propertyNames()).as(res.toString()).containsExactly("saved_view_ids");
            assertThat(res.get("field-errors").get("saved_view_ids").stringValue()).as(res.toString())
                    .startsWith("Item 1: ");
        }
        assertThat(org.admin().get(path).get("saved_view_ids")).isEmpty();
        String closeShaped = "save_" + "aZ09".repeat(10) + "xyz";
        assertThat(strings(org.admin().put(path, Map.of("saved_view_ids", List.of(closeShaped, "save_b")))
                .get("saved_view_ids"))).containsExactly(closeShaped, "save_b");
    }

    /** A role id is taken verbatim, as every id is: {@code " admin"} was trimmed into {@code admin}. */
    @Test
    void aRoleId_isTakenVerbatim_paddedItNamesNoRole() {
        var org = close.org();
        String memb = org.admin().post("/membership/", Map.of("email", "pad@example.com", "role_id", "user"))
                .get("id").stringValue();
        for (String padded : List.of(" restricteduser", "restricteduser ", "\u00A0restricteduser", "")) {
            Http.Res update = org.admin().put("/membership/" + memb + "/", Map.of("role_id", padded));
            assertThat(update.status()).as("[" + padded + "] " + update).isEqualTo(400);
            assertThat(update.get("field-errors").get("role_id").stringValue()).startsWith("Unknown role");
            Http.Res create = org.admin().post("/membership/", Map.of("email", "pad2@example.com", "role_id", padded));
            assertThat(create.status()).as("[" + padded + "] " + create).isEqualTo(400);
            assertThat(create.get("field-errors").get("role_id").stringValue()).startsWith("Unknown role");
        }
        assertThat(org.admin().put("/membership/", Map.of("_params", Map.of("id__in", memb), "role_id", " user"))
                .get("field-errors").get("role_id").stringValue()).startsWith("Unknown role");
        assertThat(org.admin().put("/membership/" + memb + "/", Map.of("role_id", "restricteduser")).get("role_id")
                .stringValue()).isEqualTo("restricteduser");
    }

    @Test
    void pinnedViews_everyBadItemIsNamed_repeatsAndNonStringsToo() {
        var org = close.org();
        String path = "/membership/" + org.admin().get("/me/").get("memberships").get(0).get("id").stringValue()
                + "/pinned_views/";
        String notAString = "must be a string of at most 200 characters";
        Http.Res mixed = org.admin().put(path, Map.of("saved_view_ids", List.of("save_1", "bad", "save_1", 5)));
        assertThat(mixed.status()).as(mixed.toString()).isEqualTo(400);
        assertThat(mixed.get("field-errors").propertyNames()).containsExactly("saved_view_ids");
        assertThat(mixed.get("field-errors").get("saved_view_ids").stringValue()).isEqualTo(
                "Item 1: Not a saved view id: \"bad\"; Item 2: Already pinned as item 0 (a view may be pinned once); "
                        + "Item 3: " + notAString);
        Http.Res strings = org.admin().put(path, Map.of("saved_view_ids", List.of("save_1", "bad", "save_1", "also")));
        assertThat(strings.get("field-errors").get("saved_view_ids").stringValue()).isEqualTo(
                "Item 1: Not a saved view id: \"bad\"; Item 2: Already pinned as item 0 (a view may be pinned once); "
                        + "Item 3: Not a saved view id: \"also\".");
        Http.Res repeats = org.admin().put(path, Map.of("saved_view_ids", List.of("save_a", "save_b", "save_a", "save_a")));
        assertThat(repeats.get("field-errors").get("saved_view_ids").stringValue()).isEqualTo(
                "Item 2: Already pinned as item 0 (a view may be pinned once); "
                        + "Item 3: Already pinned as item 0 (a view may be pinned once).");
        assertThat(org.admin().get(path).get("saved_view_ids")).isEmpty();
    }

    @Test
    void membershipsOfAnotherOrganization_areNotFound() {
        var org = close.org();
        var other = close.org();
        String theirs = other.admin().post("/membership/", Map.of("email", "t@example.com", "role_id", "user"))
                .get("id").stringValue();
        assertThat(org.admin().put("/membership/" + theirs + "/", Map.of("role_id", "restricteduser")).status()).isEqualTo(404);
        assertThat(org.admin().delete("/membership/" + theirs + "/").status()).isEqualTo(404);
        assertThat(org.admin().get("/membership/" + theirs + "/pinned_views/").status()).isEqualTo(404);
        assertThat(org.admin().put("/membership/", Map.of("_params", Map.of("id__in", theirs), "role_id", "user"))
                .status()).isEqualTo(404);
    }

    @Test
    void membershipsHaveNoGet() {
        var org = close.org();
        String me = org.admin().get("/me/").get("memberships").get(0).get("id").stringValue();
        Http.Res res = org.admin().get("/membership/" + me + "/");
        assertThat(res.status()).isEqualTo(405);
        assertThat(res.get("error").isString()).isTrue();
    }

    /**
     * Giving a membership a role beyond the caller's own is refused in the dialect's words, naming the membership and
     * the role, on every write that gives one: adding, updating one and updating in bulk answered the service's bare
     * "the role grants permissions the caller does not hold".
     */
    @Test
    void givingARoleBeyondTheCallersOwn_isRefusedInTheDialectsWords_onEveryWrite() {
        var org = close.org();
        long manager = close.role(org, "Manager", List.of("manage_organization", "calling", "view_all_leads"));
        Http key = close.client(close.key(org, close.member(org, "mgr-3", manager)));
        String bulk = org.admin().post("/role/", Map.of("name", "Bulk", "permissions", List.of("bulk_edit",
                "view_all_leads"))).get("id").stringValue();
        String dialer = org.admin().post("/role/", Map.of("name", "Dialer", "permissions", List.of("calling",
                "view_all_leads"))).get("id").stringValue();
        String rep = org.admin().post("/membership/", Map.of("email", "rep@example.com", "role_id", dialer))
                .get("id").stringValue();
        String rule = " is refused: a member may create a role, or give one to a membership, only when its own role "
                + "holds everything the role grants (the role grants permissions the caller does not hold: [bulk_edit]).";
        Http.Res added = key.post("/membership/", Map.of("email", "new@example.com", "role_id", bulk));
        Http.Res updated = key.put("/membership/" + rep + "/", Map.of("role_id", bulk));
        Http.Res updatedInBulk = key.put("/membership/", Map.of("_params", Map.of("id__in", rep), "role_id", bulk));
        for (Http.Res res : List.of(added, updated, updatedInBulk)) {
            assertThat(res.status()).as(res.toString()).isEqualTo(403);
        }
        assertThat(added.get("error").stringValue())
                .isEqualTo("Adding a membership for new@example.com with role " + bulk + rule);
        assertThat(updated.get("error").stringValue()).isEqualTo("Updating membership " + rep + " to role " + bulk + rule);
        assertThat(updatedInBulk.get("error").stringValue())
                .isEqualTo("Updating membership " + rep + " to role " + bulk + rule);
    }

    /**
     * A refusal to act on a membership whose role sees more records says so in one voice: it ended "…while the
     * caller's role sees only records naming it in [cf_owner], which your role does not."
     */
    @Test
    void aRefusalOverWiderVisibility_speaksToTheCallerInOneVoice() {
        var org = close.org();
        LimitedAndWide pair = limitedManagerAndWideMember(org, "voice", List.of("manage_organization", "calling",
                "export"));
        Http manager = pair.manager();
        String wide = pair.wide();
        Http.Res res = manager.put("/membership/" + wide + "/", Map.of("track_email_opens", true));
        assertThat(res.status()).as(res.toString()).isEqualTo(403);
        assertThat(res.get("error").stringValue()).isEqualTo("Updating a membership is refused: membership " + wide
                + " holds the permissions [view_all_leads], which your role does not, and a role that sees all records, "
                + "while your role sees only records naming it in [cf_owner].");
    }
}
