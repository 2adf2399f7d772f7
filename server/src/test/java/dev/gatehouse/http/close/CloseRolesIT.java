package dev.gatehouse.http.close;

import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class CloseRolesIT {

    static TestNode node;
    static CloseFixtures close;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        close = new CloseFixtures(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static Map<String, Object> role(String name, List<String> permissions) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("permissions", permissions);
        return body;
    }

    @Test
    void list_showsBuiltInsUnderPlainIds_notEditable_withBuiltInDates() {
        var org = close.org();
        Http.Res res = org.admin().get("/role/");
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.get("has_more").booleanValue()).isFalse();
        JsonNode data = res.get("data");
        assertThat(data).extracting(r -> r.get("id").stringValue())
                .containsExactly("admin", "superuser", "user", "restricteduser");
        for (JsonNode r : data) {
            assertThat(r.get("editable").booleanValue()).isFalse();
            assertThat(r.get("date_created").stringValue()).isEqualTo("0001-01-01T00:00:00");
            assertThat(r.get("date_updated").stringValue()).isEqualTo("0001-01-01T00:00:00");
            assertThat(r.get("organization_id").stringValue()).isEqualTo(org.closeId());
            assertThat(r.get("visibility_user_lcf_ids").isNull()).isTrue();
        }
        assertThat(data.get(3).get("permissions")).extracting(JsonNode::stringValue).containsExactly(
                "delete_own_activities", "delete_own_opportunities", "delete_own_tasks", "calling", "view_all_leads");
        assertThat(data.get(0).get("permissions")).hasSize(24);
        assertThat(data.get(1).get("permissions")).hasSize(23);
        assertThat(data.get(2).get("permissions")).hasSize(13);
        JsonNode native_ = node.service().get(org.path() + "/roles").json().get("items");
        assertThat(native_).extracting(r -> r.get("key").stringValue())
                .containsExactly("admin", "superuser", "user", "restricteduser");
    }

    @Test
    void create_is201_withACustomRoleIdInClosesFormat_andEditable() {
        var org = close.org();
        Http.Res res = org.admin().post("/role/", role("Account Manager", List.of("bulk_edit", "export", "view_all_leads")));
        assertThat(res.status()).isEqualTo(201);
        assertThat(res.get("id").stringValue()).matches("role_[0-9A-Za-z]{43}");
        assertThat(res.get("editable").booleanValue()).isTrue();
        assertThat(res.get("date_created").stringValue()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+00:00");
        assertThat(org.admin().get("/role/" + res.get("id").stringValue() + "/").get("name").stringValue())
                .isEqualTo("Account Manager");
    }

    /**
     * Names are one name ignoring case by Unicode's full case folding (ß is ss, the final ς is σ), not as PostgreSQL's
     * lower() lowers each letter: created or renamed into, such a name is refused as a taken one is, in Close's shape.
     */
    @Test
    void names_equalByFullCaseFolding_areTaken_inClosesShape() {
        var org = close.org();
        assertThat(org.admin().post("/role/", role("Stra\u00dfe", List.of("view_all_leads"))).status()).isEqualTo(201);
        String other = org.admin().post("/role/", role("Opener", List.of("view_all_leads"))).get("id").stringValue();
        JsonNode before = org.admin().get("/role/").get("data");
        Http.Res created = org.admin().post("/role/", role("STRASSE", List.of("view_all_leads")));
        assertThat(created.status()).as(created.toString()).isEqualTo(400);
        assertThat(created.get("error").stringValue()).contains("already has a role named \"Stra\u00dfe\"");
        Http.Res renamed = org.admin().put("/role/" + other + "/", Map.of("name", "STRASSE"));
        assertThat(renamed.status()).as(renamed.toString()).isEqualTo(400);
        assertThat(renamed.get("error").stringValue()).contains("already has a role named \"Stra\u00dfe\"");
        assertThat(org.admin().get("/role/").get("data")).as("nothing changed").isEqualTo(before);
    }

    /**
     * A role's name holds no invisible character but where a person writes one, created or renamed: {@code User}
     * followed by a word joiner, or with a zero-width space inside, was a second role looking exactly like the
     * built-in User. A 400 in Close's shape naming {@code name}, nothing created; no-break spaces at the ends are
     * trimmed, so the name is the built-in's, taken.
     */
    @Test
    void names_holdingAnInvisibleCharacter_areRefused_inClosesShape_withNothingCreated() {
        var org = close.org();
        JsonNode before = org.admin().get("/role/").get("data");
        for (String name : List.of("User\u2060", "Us\u200ber", "\u00a0", "\u200b")) {
            Http.Res res = org.admin().post("/role/", role(name, List.of("calling", "view_all_leads")));
            assertThat(res.status()).as(res.toString()).isEqualTo(400);
            assertThat(res.get("field-errors").propertyNames()).as(res.toString()).containsExactly("name");
        }
        Http.Res taken = org.admin().post("/role/", role("\u00a0User\u00a0", List.of("calling", "view_all_leads")));
        assertThat(taken.status()).as(taken.toString()).isEqualTo(400);
        assertThat(taken.get("error").stringValue()).contains("already has a role named \"User\"");
        assertThat(org.admin().get("/role/").get("data")).as("nothing created").isEqualTo(before);

        Http.Res created = org.admin().post("/role/", role("\u202fCaller \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
                List.of("calling", "view_all_leads")));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.get("name").stringValue()).isEqualTo("Caller \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645");
        String path = "/role/" + created.get("id").stringValue() + "/";
        Http.Res renamed = org.admin().put(path, Map.of("name", "Caller\u200b"));
        assertThat(renamed.status()).as(renamed.toString()).isEqualTo(400);
        assertThat(renamed.get("field-errors").get("name").stringValue()).as(renamed.toString()).contains("U+200B");
        assertThat(org.admin().get(path).get("name").stringValue()).startsWith("Caller ");
    }

    @Test
    void create_toleratesTheReadOnlyFieldsClosesCloneScriptSends() {
        var org = close.org();
        Map<String, Object> copy = role("Cloned", List.of("calling", "view_all_leads"));
        copy.put("editable", true);
        copy.put("date_created", "2023-05-03T10:11:12.000000+00:00");
        copy.put("date_updated", "2023-05-03T10:11:12.000000+00:00");
        copy.put("visibility_user_lcf_ids", null);
        copy.put("visibility_user_lcf_behavior", null);
        Http.Res res = org.admin().post("/role/", copy);
        assertThat(res.status()).isEqualTo(201);
        assertThat(res.get("date_created").stringValue()).doesNotStartWith("2023");
    }

    @Test
    void create_rejectsUnknownFields_andMissingOnes_asValidationErrors() {
        var org = close.org();
        Map<String, Object> body = role("Typo", List.of("view_all_leads"));
        body.put("permision", List.of("export"));
        Http.Res unknown = org.admin().post("/role/", body);
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.get("errors").isArray()).isTrue();
        assertThat(unknown.get("field-errors").get("permision").stringValue()).isEqualTo("Unknown field.");
        Http.Res missing = org.admin().post("/role/", Map.of("permissions", List.of("view_all_leads")));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.get("field-errors").has("name")).isTrue();
        assertThat(org.admin().get("/role/").get("data")).hasSize(4);
    }

    /**
     * Several bad items of one list are all reported, on the list's key, in the items' order (close.md, "Error
     * bodies"). Needs {@code Fields.strings} to go on past a bad item (it stops at the first): the json package is
     * being changed elsewhere; enable this test with that change.
     */
    @Test
    void create_severalBadItemsOfOneList_areAllReported_onTheListsKey() {
        var org = close.org();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "Y1");
        body.put("permissions", Arrays.asList(1, "nope", 2, null));
        Http.Res res = org.admin().post("/role/", body);
        assertThat(res.status()).as(res.toString()).isEqualTo(400);
        assertThat(res.get("field-errors").propertyNames()).as(res.toString()).containsExactly("permissions");
        String reason = "must be a string of at most 128 characters";
        assertThat(res.get("field-errors").get("permissions").stringValue())
                .isEqualTo("Item 0: " + reason + "; Item 2: " + reason + "; Item 3: " + reason);
        assertThat(org.admin().get("/role/").get("data")).hasSize(4);
    }

    @Test
    void create_unknownPermission_isAFieldErrorNamingIt() {
        var org = close.org();
        Http.Res res = org.admin().post("/role/", role("Flyer", List.of("view_all_leads", "fly")));
        assertThat(res.status()).isEqualTo(400);
        assertThat(res.get("field-errors").get("permissions").stringValue()).contains("fly");
    }

    @Test
    void aBadItemOfAList_isAFieldErrorKeyedByTheFieldName_withTheItemInTheReason() {
        var org = close.org();
        Map<String, Object> numbers = role("Numbers", List.of());
        numbers.put("permissions", List.of("view_all_leads", 7));
        Http.Res permission = org.admin().post("/role/", numbers);
        assertThat(permission.status()).as(permission.toString()).isEqualTo(400);
        assertThat(permission.get("field-errors").propertyNames()).as(permission.toString())
                .containsExactly("permissions");
        assertThat(permission.get("field-errors").get("permissions").stringValue()).startsWith("Item 1: ");

        Map<String, Object> limited = role("Limited", List.of("export"));
        limited.put("visibility_user_lcf_ids", List.of("cf_a", 5));
        limited.put("visibility_user_lcf_behavior", "allow_unassigned");
        Http.Res field = org.admin().post("/role/", limited);
        assertThat(field.status()).as(field.toString()).isEqualTo(400);
        assertThat(field.get("field-errors").propertyNames()).as(field.toString())
                .containsExactly("visibility_user_lcf_ids");
        assertThat(org.admin().get("/role/").get("data")).hasSize(4);
    }

    @Test
    void unknownPermission_withoutViewAllLeads_isNamedInPermissions_notHiddenBehindTheVisibilityRule() {
        var org = close.org();
        Http.Res typo = org.admin().post("/role/", role("Typo", List.of("view_all_lead")));
        assertThat(typo.status()).as(typo.toString()).isEqualTo(400);
        assertThat(typo.get("field-errors").has("permissions")).as(typo.toString()).isTrue();
        assertThat(typo.get("field-errors").get("permissions").stringValue()).contains("view_all_lead");

        String id = org.admin().post("/role/", role("Typist", List.of("view_all_leads"))).get("id").stringValue();
        Http.Res put = org.admin().put("/role/" + id + "/", Map.of("permissions", List.of("calling", "exports")));
        assertThat(put.status()).as(put.toString()).isEqualTo(400);
        assertThat(put.get("field-errors").get("permissions").stringValue()).as(put.toString()).contains("exports");
        assertThat(org.admin().get("/role/" + id + "/").get("permissions")).extracting(JsonNode::stringValue)
                .containsExactly("view_all_leads");
    }

    @Test
    void put_nullName_isRefusedLikeNullPermissions_andChangesNothing() {
        var org = close.org();
        String id = org.admin().post("/role/", role("Named", List.of("view_all_leads"))).get("id").stringValue();
        Map<String, Object> nullName = new LinkedHashMap<>();
        nullName.put("name", null);
        nullName.put("permissions", List.of("calling", "view_all_leads"));
        Http.Res res = org.admin().put("/role/" + id + "/", nullName);
        assertThat(res.status()).as(res.toString()).isEqualTo(400);
        assertThat(res.get("field-errors").get("name").stringValue()).isEqualTo("This field may not be null.");
        JsonNode after = org.admin().get("/role/" + id + "/").json();
        assertThat(after.get("name").stringValue()).isEqualTo("Named");
        assertThat(after.get("permissions")).hasSize(1);
    }

    @Test
    void create_duplicateName_isRefusedWithAnError() {
        var org = close.org();
        assertThat(org.admin().post("/role/", role("Closer", List.of("view_all_leads"))).status()).isEqualTo(201);
        Http.Res dup = org.admin().post("/role/", role("CLOSER", List.of("view_all_leads")));
        assertThat(dup.status()).isEqualTo(400);
        assertThat(dup.get("error").stringValue()).contains("Closer");
    }

    /**
     * A custom field id with whitespace or an invisible character at an end, or an invisible character inside, names
     * no custom field: stored, a member holding the role with {@code require_assignment} saw no lead. Each is a 400
     * naming the field and the character, on a create and on a PUT, and changes nothing.
     */
    /**
     * A list longer than its field holds is refused naming the list and both counts, in the reason itself — all a
     * Close client sees beside the key (it said only "must have at most 100 items").
     */
    @Test
    void aListOverItsBound_isRefusedNamingTheListAndHowManyItemsWereSent() {
        var org = close.org();
        Map<String, Object> body = role("Wide", List.of("calling"));
        body.put("visibility_user_lcf_ids", Collections.nCopies(101, "cf_owner"));
        body.put("visibility_user_lcf_behavior", "require_assignment");
        Http.Res res = org.admin().post("/role/", body);
        assertThat(res.status()).as(res.toString()).isEqualTo(400);
        assertThat(res.get("field-errors").get("visibility_user_lcf_ids").stringValue())
                .isEqualTo("lists 101 items; visibility_user_lcf_ids holds at most 100");
        String membership = org.admin().get("/me/").get("memberships").get(0).get("id").stringValue();
        Http.Res pinned = org.admin().put("/membership/" + membership + "/pinned_views/",
                Map.of("saved_view_ids", Collections.nCopies(101, "save_a")));
        assertThat(pinned.get("field-errors").get("saved_view_ids").stringValue())
                .isEqualTo("lists 101 items; saved_view_ids holds at most 100");
        assertThat(org.admin().get("/role/").get("data")).hasSize(4);
    }

    @Test
    void leadVisibility_customFieldIdsWithInvisibleCharacters_areRefused_namingTheCharacter() {
        var org = close.org();
        Map<String, Object> kept = role("Kept", List.of("calling"));
        kept.put("visibility_user_lcf_ids", List.of("cf_owner"));
        kept.put("visibility_user_lcf_behavior", "require_assignment");
        String id = org.admin().post("/role/", kept).get("id").stringValue();
        Map<String, String> refused = Map.of(" cf_owner", "U+0020", "cf_owner\u00a0", "U+00A0",
                "cf_\u200bowner", "U+200B", "\u00a0", "blank", "", "blank");
        long before = node.appliedRevision();
        for (Map.Entry<String, String> field : refused.entrySet()) {
            String ids = "[\"cf_setter\", \"" + field.getKey() + "\"]";
            Http.Res created = org.admin().raw("POST", "/role/", "{\"name\": \"Hidden\", \"permissions\": "
                    + "[\"calling\"], \"visibility_user_lcf_ids\": " + ids + ", \"visibility_user_lcf_behavior\": "
                    + "\"require_assignment\"}", "application/json");
            Http.Res put = org.admin().raw("PUT", "/role/" + id + "/", "{\"visibility_user_lcf_ids\": " + ids + "}",
                    "application/json");
            for (Http.Res res : List.of(created, put)) {
                assertThat(res.status()).as("%s: %s", field.getKey(), res).isEqualTo(400);
                assertThat(res.get("field-errors").get("visibility_user_lcf_ids").stringValue()).as("%s", res)
                        .startsWith("Custom field ids must not").contains(field.getValue());
            }
        }
        assertThat(node.appliedRevision()).isEqualTo(before);
        assertThat(org.admin().get("/role/" + id + "/").get("visibility_user_lcf_ids"))
                .extracting(JsonNode::stringValue).containsExactly("cf_owner");

        // a role stored before the rule keeps its ids through a PUT of the whole role, which sends them back
        node.node().core().store().jdbi().useHandle(h -> h.createUpdate("UPDATE roles SET visibility = "
                + "jsonb_set(visibility, '{user_field_ids,0}', '\"cf_owner\\u00a0\"') WHERE id = :id")
                .bind("id", CloseIds.decode(CloseIds.ROLE, id)).execute());
        Http.Res whole = org.admin().raw("PUT", "/role/" + id + "/", "{\"name\": \"Renamed whole\", "
                + "\"visibility_user_lcf_ids\": [\"cf_owner\\u00a0\"], \"visibility_user_lcf_behavior\": "
                + "\"allow_unassigned\"}", "application/json");
        assertThat(whole.status()).as("%s", whole).isEqualTo(200);
        assertThat(whole.get("visibility_user_lcf_ids")).extracting(JsonNode::stringValue)
                .containsExactly("cf_owner\u00a0");
        assertThat(whole.get("visibility_user_lcf_behavior").stringValue()).isEqualTo("allow_unassigned");
    }

    @Test
    void leadVisibility_requiredWithoutViewAllLeads_forbiddenWithIt_andMapsToTheNativeVisibility() {
        var org = close.org();
        Http.Res missing = org.admin().post("/role/", role("Limited", List.of("calling")));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.get("field-errors").get("visibility_user_lcf_ids").stringValue()).contains("view_all_leads");

        Map<String, Object> both = role("All", List.of("view_all_leads"));
        both.put("visibility_user_lcf_ids", List.of("cf_owner"));
        both.put("visibility_user_lcf_behavior", "require_assignment");
        Http.Res forbidden = org.admin().post("/role/", both);
        assertThat(forbidden.status()).isEqualTo(400);
        assertThat(forbidden.get("field-errors").get("visibility_user_lcf_ids").stringValue()).contains("empty");

        Map<String, Object> half = role("Half", List.of("calling"));
        half.put("visibility_user_lcf_ids", List.of("cf_owner"));
        Http.Res halfRes = org.admin().post("/role/", half);
        assertThat(halfRes.status()).isEqualTo(400);
        assertThat(halfRes.get("field-errors").has("visibility_user_lcf_behavior")).isTrue();

        Map<String, Object> bad = role("Bad", List.of("calling"));
        bad.put("visibility_user_lcf_ids", List.of("cf_owner"));
        bad.put("visibility_user_lcf_behavior", "sometimes");
        assertThat(org.admin().post("/role/", bad).get("field-errors").has("visibility_user_lcf_behavior")).isTrue();

        Map<String, Object> tooMany = role("Many", List.of("calling"));
        tooMany.put("visibility_user_lcf_ids", List.of("cf_a", "cf_b", "cf_c", "cf_d"));
        tooMany.put("visibility_user_lcf_behavior", "allow_unassigned");
        assertThat(org.admin().post("/role/", tooMany).status()).isEqualTo(400);

        Map<String, Object> limited = role("Limited", List.of("calling"));
        limited.put("visibility_user_lcf_ids", List.of("cf_owner", "cf_setter"));
        limited.put("visibility_user_lcf_behavior", "allow_unassigned");
        Http.Res ok = org.admin().post("/role/", limited);
        assertThat(ok.status()).isEqualTo(201);
        assertThat(ok.get("visibility_user_lcf_ids")).extracting(JsonNode::stringValue).containsExactly("cf_owner", "cf_setter");
        assertThat(ok.get("visibility_user_lcf_behavior").stringValue()).isEqualTo("allow_unassigned");
        JsonNode nativeRole = node.service().get(org.path() + "/roles?limit=100").json().get("items").get(4);
        assertThat(nativeRole.get("visibility").get("user_field_ids")).hasSize(2);
        assertThat(nativeRole.get("visibility").get("unassigned").stringValue()).isEqualTo("allow_unassigned");
    }

    @Test
    void put_behavesAsPatch_onlySentFieldsChange() {
        var org = close.org();
        Map<String, Object> limited = role("Setter", List.of("calling"));
        limited.put("visibility_user_lcf_ids", List.of("cf_owner"));
        limited.put("visibility_user_lcf_behavior", "require_assignment");
        String id = org.admin().post("/role/", limited).get("id").stringValue();

        Http.Res renamed = org.admin().put("/role/" + id + "/", Map.of("name", "Appointment Setter"));
        assertThat(renamed.status()).isEqualTo(200);
        assertThat(renamed.get("permissions")).extracting(JsonNode::stringValue).containsExactly("calling");
        assertThat(renamed.get("visibility_user_lcf_ids")).hasSize(1);

        Http.Res behavior = org.admin().put("/role/" + id + "/", Map.of("visibility_user_lcf_behavior", "allow_unassigned"));
        assertThat(behavior.get("visibility_user_lcf_ids")).extracting(JsonNode::stringValue).containsExactly("cf_owner");
        assertThat(behavior.get("visibility_user_lcf_behavior").stringValue()).isEqualTo("allow_unassigned");
        assertThat(behavior.get("name").stringValue()).isEqualTo("Appointment Setter");

        Map<String, Object> seeAll = new LinkedHashMap<>();
        seeAll.put("permissions", List.of("calling", "view_all_leads"));
        seeAll.put("visibility_user_lcf_ids", null);
        Http.Res widened = org.admin().put("/role/" + id + "/", seeAll);
        assertThat(widened.status()).isEqualTo(200);
        assertThat(widened.get("visibility_user_lcf_ids").isNull()).isTrue();
        assertThat(widened.get("visibility_user_lcf_behavior").isNull()).isTrue();

        Http.Res narrowedWithoutFields = org.admin().put("/role/" + id + "/", Map.of("permissions", List.of("calling")));
        assertThat(narrowedWithoutFields.status()).isEqualTo(400);
        assertThat(org.admin().get("/role/" + id + "/").get("permissions")).hasSize(2);
    }

    @Test
    void put_addingViewAllLeads_withoutVisibilityFields_clearsThem_butSentFieldsStayRefused() {
        var org = close.org();
        Map<String, Object> limited = role("Setter", List.of("calling"));
        limited.put("visibility_user_lcf_ids", List.of("cf_owner"));
        limited.put("visibility_user_lcf_behavior", "require_assignment");
        String id = org.admin().post("/role/", limited).get("id").stringValue();

        Map<String, Object> withFields = new LinkedHashMap<>();
        withFields.put("permissions", List.of("calling", "view_all_leads"));
        withFields.put("visibility_user_lcf_ids", List.of("cf_owner"));
        Http.Res refused = org.admin().put("/role/" + id + "/", withFields);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.get("field-errors").get("visibility_user_lcf_ids").stringValue()).contains("empty");
        Http.Res behaviorOnly = org.admin().put("/role/" + id + "/", Map.of("permissions",
                List.of("calling", "view_all_leads"), "visibility_user_lcf_behavior", "allow_unassigned"));
        assertThat(behaviorOnly.status()).isEqualTo(400);
        assertThat(org.admin().get("/role/" + id + "/").get("visibility_user_lcf_ids")).hasSize(1);

        Http.Res widened = org.admin().put("/role/" + id + "/", Map.of("permissions", List.of("calling", "view_all_leads")));
        assertThat(widened.status()).isEqualTo(200);
        assertThat(widened.get("permissions")).extracting(JsonNode::stringValue).contains("view_all_leads");
        assertThat(widened.get("visibility_user_lcf_ids").isNull()).isTrue();
        assertThat(widened.get("visibility_user_lcf_behavior").isNull()).isTrue();
        JsonNode stored = org.admin().get("/role/" + id + "/").json();
        assertThat(stored.get("visibility_user_lcf_ids").isNull()).isTrue();
        assertThat(stored.get("visibility_user_lcf_behavior").isNull()).isTrue();
    }

    /**
     * With {@code view_all_leads}, a non-empty visibility field is a 400 naming it even when the other field is sent
     * empty: clearing one field clears the other's stored value, never a value sent beside it. On POST and PUT alike,
     * and nothing changes.
     */
    @Test
    void leadVisibility_withViewAllLeads_aNonEmptyFieldBesideAnEmptyOne_isRefusedNamingIt() {
        var org = close.org();
        String mustBeEmpty = "Must be empty when permissions include view_all_leads.";
        Map<String, Object> behaviorSet = role("VA2", List.of("view_all_leads"));
        behaviorSet.put("visibility_user_lcf_ids", List.of());
        behaviorSet.put("visibility_user_lcf_behavior", "allow_unassigned");
        Map<String, Object> idsSet = role("VA", List.of("view_all_leads"));
        idsSet.put("visibility_user_lcf_ids", List.of("cf_x"));
        idsSet.put("visibility_user_lcf_behavior", null);
        Map<String, Object> behaviorBesideNull = role("VA3", List.of("view_all_leads"));
        behaviorBesideNull.put("visibility_user_lcf_ids", null);
        behaviorBesideNull.put("visibility_user_lcf_behavior", "require_assignment");
        for (Map<String, Object> body : List.of(behaviorSet, idsSet, behaviorBesideNull)) {
            String field = body.get("visibility_user_lcf_behavior") == null ? "visibility_user_lcf_ids"
                    : "visibility_user_lcf_behavior";
            Http.Res res = org.admin().post("/role/", body);
            assertThat(res.status()).as(body + " " + res).isEqualTo(400);
            assertThat(res.get("field-errors").propertyNames()).as(res.toString()).containsExactly(field);
            assertThat(res.get("field-errors").get(field).stringValue()).isEqualTo(mustBeEmpty);
        }
        assertThat(org.admin().get("/role/").get("data")).hasSize(4);

        Http.Res created = org.admin().post("/role/", role("Sees all", List.of("view_all_leads", "calling")));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.get("id").stringValue();
        for (Map<String, Object> body : List.of(behaviorSet, idsSet, behaviorBesideNull)) {
            Map<String, Object> put = new LinkedHashMap<>(body);
            put.remove("name");
            put.remove("permissions");
            String field = body.get("visibility_user_lcf_behavior") == null ? "visibility_user_lcf_ids"
                    : "visibility_user_lcf_behavior";
            Http.Res res = org.admin().put("/role/" + id + "/", put);
            assertThat(res.status()).as(put + " " + res).isEqualTo(400);
            assertThat(res.get("field-errors").propertyNames()).as(res.toString()).containsExactly(field);
            assertThat(res.get("field-errors").get(field).stringValue()).isEqualTo(mustBeEmpty);
        }
        JsonNode stored = org.admin().get("/role/" + id + "/").json();
        assertThat(stored.get("visibility_user_lcf_ids").isNull()).isTrue();
        assertThat(stored.get("visibility_user_lcf_behavior").isNull()).isTrue();

        Map<String, Object> bothEmpty = new LinkedHashMap<>();
        bothEmpty.put("visibility_user_lcf_ids", List.of());
        bothEmpty.put("visibility_user_lcf_behavior", null);
        assertThat(org.admin().put("/role/" + id + "/", bothEmpty).status()).isEqualTo(200);
    }

    /**
     * Without {@code view_all_leads}, ids sent beside a behaviour sent as null is a 400 naming the behaviour, as when
     * the behaviour is left out: the empty field is the one at fault.
     */
    @Test
    void leadVisibility_withoutViewAllLeads_idsBesideANullBehavior_isRefusedNamingTheBehavior() {
        var org = close.org();
        Map<String, Object> nullBehavior = role("NoVA", List.of("export"));
        nullBehavior.put("visibility_user_lcf_ids", List.of("cf_x"));
        nullBehavior.put("visibility_user_lcf_behavior", null);
        Map<String, Object> noBehavior = role("NoVA", List.of("export"));
        noBehavior.put("visibility_user_lcf_ids", List.of("cf_x"));
        for (Map<String, Object> body : List.of(nullBehavior, noBehavior)) {
            Http.Res res = org.admin().post("/role/", body);
            assertThat(res.status()).as(body + " " + res).isEqualTo(400);
            assertThat(res.get("field-errors").propertyNames()).as(res.toString())
                    .containsExactly("visibility_user_lcf_behavior");
            assertThat(res.get("field-errors").get("visibility_user_lcf_behavior").stringValue())
                    .isEqualTo("Required when visibility_user_lcf_ids is set.");
        }

        Map<String, Object> limited = role("Limited", List.of("export"));
        limited.put("visibility_user_lcf_ids", List.of("cf_owner"));
        limited.put("visibility_user_lcf_behavior", "require_assignment");
        String id = org.admin().post("/role/", limited).get("id").stringValue();
        Map<String, Object> put = new LinkedHashMap<>();
        put.put("visibility_user_lcf_ids", List.of("cf_x"));
        put.put("visibility_user_lcf_behavior", null);
        Http.Res res = org.admin().put("/role/" + id + "/", put);
        assertThat(res.status()).as(res.toString()).isEqualTo(400);
        assertThat(res.get("field-errors").propertyNames()).as(res.toString())
                .containsExactly("visibility_user_lcf_behavior");
        assertThat(org.admin().get("/role/" + id + "/").get("visibility_user_lcf_ids"))
                .extracting(JsonNode::stringValue).containsExactly("cf_owner");
    }

    @Test
    void builtInRoles_cannotBeEditedOrDeleted() {
        var org = close.org();
        Http.Res edit = org.admin().put("/role/user/", Map.of("name", "Rep"));
        assertThat(edit.status()).isEqualTo(403);
        assertThat(edit.get("error").stringValue())
                .isEqualTo("Role user (\"User\") is a built-in role and cannot be edited.");
        Http.Res delete = org.admin().delete("/role/admin/");
        assertThat(delete.status()).isEqualTo(403);
        assertThat(delete.get("error").stringValue())
                .isEqualTo("Role admin (\"Admin\") is a built-in role and cannot be deleted.");
        assertThat(org.admin().delete("/role/restricteduser/").status()).isEqualTo(403);
        assertThat(org.admin().get("/role/user/").get("name").stringValue()).isEqualTo("User");
    }

    @Test
    void delete_refusedWhileMembersHoldRole_thenAllowedOnceMovedOff() {
        var org = close.org();
        String id = org.admin().post("/role/", role("Caller", List.of("calling", "view_all_leads"))).get("id").stringValue();
        long roleId = CloseIds.decode(CloseIds.ROLE, id);
        long member = close.member(org, "caller-1", roleId);
        Http.Res refused = org.admin().delete("/role/" + id + "/");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.get("error").stringValue()).contains(id).contains("is assigned to 1 user;").contains("role_id");
        Http.Res moved = org.admin().put("/membership/" + CloseIds.encode(CloseIds.MEMBERSHIP, member) + "/",
                Map.of("role_id", "user"));
        assertThat(moved.status()).isEqualTo(200);
        Http.Res deleted = org.admin().delete("/role/" + id + "/");
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.body()).isEqualTo("{}");
        assertThat(org.admin().get("/role/" + id + "/").status()).isEqualTo(404);
    }

    @Test
    void delete_refusedWhileHeld_namesHowManyUsersHoldIt() {
        var org = close.org();
        String id = org.admin().post("/role/", role("Dialer", List.of("calling", "view_all_leads"))).get("id").stringValue();
        long roleId = CloseIds.decode(CloseIds.ROLE, id);
        close.member(org, "dialer-1", roleId);
        Http.Res one = org.admin().delete("/role/" + id + "/");
        assertThat(one.status()).isEqualTo(400);
        assertThat(one.get("error").stringValue()).isEqualTo("Role " + id + " (\"Dialer\") is assigned to 1 user; "
                + "move all users off this role first by updating their role_id.");
        close.member(org, "dialer-2", roleId);
        Http.Res refused = org.admin().delete("/role/" + id + "/");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.get("error").stringValue()).isEqualTo("Role " + id + " (\"Dialer\") is assigned to 2 users; "
                + "move all users off this role first by updating their role_id.");
    }

    @Test
    void get_unknownOrForeignRole_is404() {
        var org = close.org();
        var other = close.org();
        String foreign = other.admin().post("/role/", role("Theirs", List.of("view_all_leads"))).get("id").stringValue();
        Http.Res res = org.admin().get("/role/" + foreign + "/");
        assertThat(res.status()).isEqualTo(404);
        assertThat(res.get("error").stringValue()).contains(foreign);
        assertThat(org.admin().get("/role/role_doesnotexist/").status()).isEqualTo(404);
        assertThat(org.admin().get("/role/owner/").status()).isEqualTo(404);
        assertThat(org.admin().put("/role/" + foreign + "/", Map.of("name", "Mine")).status()).isEqualTo(404);
        assertThat(org.admin().delete("/role/" + foreign + "/").status()).isEqualTo(404);
    }

    @Test
    void writes_needManageOrganization_readsDoNot() {
        var org = close.org();
        Http superuser = close.member(org, "su-1", "Super User");
        assertThat(superuser.get("/role/").status()).isEqualTo(200);
        Http.Res create = superuser.post("/role/", role("Mine", List.of("view_all_leads")));
        assertThat(create.status()).isEqualTo(403);
        assertThat(create.get("error").stringValue()).contains("manage_organization");
        String id = org.admin().post("/role/", role("Theirs", List.of("view_all_leads"))).get("id").stringValue();
        assertThat(superuser.put("/role/" + id + "/", Map.of("name", "Mine")).status()).isEqualTo(403);
        assertThat(superuser.delete("/role/" + id + "/").status()).isEqualTo(403);
    }

    /**
     * Who may not write roles is refused 403 before the body is read, as Close refuses it: a plain user sending an
     * invalid body once got the 400 field errors a manager would, learning how the body is checked.
     */
    @Test
    void aUserWithoutManageOrganization_is403_whateverTheBodySends() {
        var org = close.org();
        Http user = close.member(org, "plain-1", "User");
        String id = org.admin().post("/role/", role("Theirs", List.of("view_all_leads"))).get("id").stringValue();
        for (Map<String, Object> body : List.of(Map.<String, Object>of(), Map.<String, Object>of("colour", "red"),
                role("", List.of("fly")), role("Mine", List.of("calling")))) {
            Http.Res create = user.post("/role/", body);
            assertThat(create.status()).as("POST %s: %s", body, create).isEqualTo(403);
            assertThat(create.get("error").stringValue()).contains("manage_organization");
            assertThat(create.json().has("field-errors")).isFalse();
            Http.Res update = user.put("/role/" + id + "/", body);
            assertThat(update.status()).as("PUT %s: %s", body, update).isEqualTo(403);
            assertThat(update.get("error").stringValue()).contains("manage_organization");
        }
        assertThat(org.admin().post("/role/", Map.of()).status()).as("a manager is told what is wrong").isEqualTo(400);
    }

    @Test
    void aManagerCannotCreateARoleBeyondItsOwnPermissions() {
        var org = close.org();
        long manager = close.role(org, "Manager", List.of("manage_organization", "calling", "view_all_leads"));
        Http key = close.client(close.key(org, close.member(org, "mgr-1", manager)));
        Http.Res escalate = key.post("/role/", role("Exporter", List.of("export", "view_all_leads")));
        assertThat(escalate.status()).isEqualTo(403);
        // in the dialect's words, naming the role, as an edit's refusal is
        assertThat(escalate.get("error").stringValue()).isEqualTo("Creating role \"Exporter\" is refused: a member may "
                + "create a role, or give one to a membership, only when its own role holds everything the role grants "
                + "(the role grants permissions the caller does not hold: [export]).");
        assertThat(key.post("/role/", role("Dialer", List.of("calling", "view_all_leads"))).status()).isEqualTo(201);
    }

    /**
     * A manager whose role sees fewer leads is refused roles beyond its own in words that say why: a rename was told
     * the role "grants permissions the caller does not hold" (it granted nothing new), a change of the lead visibility
     * alone was called a change of the permissions, and a deletion's reason was garbled.
     */
    @Test
    void aLimitedManager_isToldWhyARoleBeyondItsOwnIsRefused() {
        var org = close.org();
        long limited = close.native_().role(org.org(), Map.of("name", "LimMgr", "permissions",
                List.of("manage_organization", "calling", "export"), "visibility",
                Map.of("user_field_ids", List.of("cf_owner", "cf_rep"), "unassigned", "require_assignment")));
        Http manager = close.client(close.key(org, close.member(org, "lim-1", limited)));
        String wide = org.admin().post("/role/", role("Wide", List.of("calling", "view_all_leads"))).get("id")
                .stringValue();
        Map<String, Object> narrowBody = role("Narrow", List.of("calling"));
        narrowBody.put("visibility_user_lcf_ids", List.of("cf_owner", "cf_x"));
        narrowBody.put("visibility_user_lcf_behavior", "require_assignment");
        String narrow = org.admin().post("/role/", narrowBody).get("id").stringValue();

        Http.Res rename = manager.put("/role/" + wide + "/", Map.of("name", "Wide2"));
        assertThat(rename.status()).as(rename.toString()).isEqualTo(403);
        assertThat(rename.get("error").stringValue()).startsWith("Updating role " + wide + " is refused: ")
                .contains("even only its name", "[view_all_leads]");

        Http.Res visibility = manager.put("/role/" + narrow + "/", Map.of("visibility_user_lcf_behavior",
                "allow_unassigned"));
        assertThat(visibility.status()).as(visibility.toString()).isEqualTo(403);
        assertThat(visibility.get("error").stringValue())
                .startsWith("Changing the permissions or lead visibility of role " + narrow + " is refused: it sees ")
                .contains("[cf_x]");

        Http.Res delete = manager.delete("/role/" + wide + "/");
        assertThat(delete.status()).as(delete.toString()).isEqualTo(403);
        assertThat(delete.get("error").stringValue()).startsWith("Deleting role " + wide + " is refused: it grants "
                + "[view_all_leads] beyond your role and sees all records")
                .endsWith(". Only a member whose role holds all the role grants may delete it.");
        assertThat(org.admin().get("/role/" + wide + "/").get("name").stringValue()).isEqualTo("Wide");
    }

    /**
     * A change of a role the caller may not change is refused 403 whatever its body lacks: narrowing a role that sees
     * all leads without naming the lead custom fields it should see by was a 400 asking for them, told before the 403
     * the complete body got — a member that could never make the change was told how to complete it.
     */
    @Test
    void aLimitedManager_changingARoleBeyondItsOwn_isRefused403_beforeTheBodyIsJudged() {
        var org = close.org();
        long limited = close.native_().role(org.org(), Map.of("name", "LimMgr", "permissions",
                List.of("manage_organization", "calling", "export"), "visibility",
                Map.of("user_field_ids", List.of("cf_owner"), "unassigned", "require_assignment")));
        Http manager = close.client(close.key(org, close.member(org, "lim-2", limited)));
        String wide = org.admin().post("/role/", role("Wide", List.of("calling", "view_all_leads"))).get("id")
                .stringValue();
        JsonNode before = org.admin().get("/role/" + wide + "/").json();
        Map<String, Object> complete = new LinkedHashMap<>();
        complete.put("permissions", List.of("calling"));
        complete.put("visibility_user_lcf_ids", List.of("cf_owner"));
        complete.put("visibility_user_lcf_behavior", "require_assignment");
        for (Map<String, Object> body : List.of(Map.<String, Object>of("permissions", List.of("calling")), complete)) {
            Http.Res res = manager.put("/role/" + wide + "/", body);
            assertThat(res.status()).as("%s: %s", body, res).isEqualTo(403);
            assertThat(res.get("error").stringValue()).as("%s", body).startsWith("Changing the permissions or lead "
                    + "visibility of role " + wide + " is refused: it grants [view_all_leads] beyond your role");
        }
        assertThat(org.admin().get("/role/" + wide + "/").json()).as("unchanged").isEqualTo(before);
    }

    @Test
    void list_pagesWithSkipAndLimit_withinClosesBounds() {
        var org = close.org();
        Http.Res first = org.admin().get("/role/?_limit=3");
        assertThat(first.get("data")).hasSize(3);
        assertThat(first.get("has_more").booleanValue()).isTrue();
        Http.Res second = org.admin().get("/role/?_skip=3&_limit=3");
        assertThat(second.get("data")).extracting(r -> r.get("id").stringValue()).containsExactly("restricteduser");
        assertThat(second.get("has_more").booleanValue()).isFalse();
        for (String bad : List.of("_limit=101", "_limit=0", "_limit=x", "_skip=-1", "_skip=10001")) {
            Http.Res res = org.admin().get("/role/?" + bad);
            assertThat(res.status()).as(bad).isEqualTo(400);
            assertThat(res.get("field-errors").has(bad.substring(0, bad.indexOf('=')))).as(bad).isTrue();
        }
    }

}
