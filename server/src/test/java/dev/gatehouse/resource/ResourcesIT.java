package dev.gatehouse.resource;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Resource ids as every route that names one reads them. */
class ResourcesIT {

    /** A character outside the Basic Multilingual Plane: one character, two UTF-16 units. */
    private static final String EMOJI = "\uD83D\uDE00";

    static TestNode node;
    static Fixtures fx;

    @BeforeAll
    static void start() throws IOException {
        node = TestNode.start();
        fx = new Fixtures(node);
        try (InputStream in = ResourcesIT.class.getResourceAsStream("/models/sites.json")) {
            ObjectNode model = (ObjectNode) Json.MAPPER.readTree(in);
            model.put("id", "sites-ids");
            assertThat(node.service().post("/v1/models", model).status()).isEqualTo(201);
        }
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /**
     * A resource id is 1 to 200 characters counted as code points on every route: one of 200 emoji (400 UTF-16
     * units) is recorded, placed under, assigned on, previewed, asked about and looked up alike, and one of 201 is
     * refused alike. Recording and assigning once counted UTF-16 units (101 emoji: 400) while a check counted code
     * points (200).
     */
    @Test
    void aResourceId_countsCodePoints_onEveryRoute() {
        var org = fx.org("sites-ids");
        Http api = node.service();
        long viewer = fx.role(org, "Viewer", List.of("room.view"));
        long member = fx.member(org, "u-long-ids", fx.roleId(org, "Owner"));
        long other = fx.member(org, "u-long-ids-2", fx.roleId(org, "Owner"));
        String longest = EMOJI.repeat(200);
        String region = org.path() + "/resources/region/" + encode(longest);

        Http.Res recorded = api.put(region, Map.of());
        assertThat(recorded.status()).as("%s", recorded).isEqualTo(201);
        Http.Res placed = api.put(org.path() + "/resources/office/o-long", Map.of("parent",
                Map.of("type", "region", "id", longest)));
        assertThat(placed.status()).as("%s", placed).isEqualTo(201);
        Http.Res assigned = api.put(region + "/assignments/" + member, Map.of("role_id", viewer));
        assertThat(assigned.status()).as("%s", assigned).isIn(200, 201);
        Map<String, Object> resource = Map.of("type", "region", "id", longest);
        Http.Res preview = api.post(org.path() + "/preview", Map.of("assignment", Map.of("resource", resource,
                "member_id", other, "role_id", viewer)));
        assertThat(preview.status()).as("%s", preview).isEqualTo(200);
        long revision = assigned.revision();
        Http.Res permissions = api.get(org.path() + "/members/" + member + "/permissions?resource_type=region"
                + "&resource_id=" + encode(longest) + "&min_revision=" + revision);
        assertThat(permissions.status()).as("%s", permissions).isEqualTo(200);
        assertThat(permissions.get("permissions")).extracting(p -> p.stringValue()).containsExactly("room.view");
        Map<String, Object> check = Map.of("member_id", member, "permission", "room.edit", "resource", resource,
                "min_revision", revision);
        Http.Res checked = api.post(org.path() + "/check", check);
        assertThat(checked.status()).as("%s", checked).isEqualTo(200);
        assertThat(checked.get("allowed").booleanValue()).as("the role there decides").isFalse();
        Http.Res batch = api.post(org.path() + "/check/batch", Map.of("checks", List.of(check)));
        assertThat(batch.json().at("/results/0/allowed").isBoolean()).as("%s", batch).isTrue();
        Http.Res lookup = api.post(org.path() + "/lookup/members", Map.of("permission", "room.view",
                "resource", resource, "min_revision", revision));
        assertThat(lookup.status()).as("%s", lookup).isEqualTo(200);

        String tooLong = EMOJI.repeat(201);
        String refusedRegion = org.path() + "/resources/region/" + encode(tooLong);
        Map<String, Object> tooLongResource = Map.of("type", "region", "id", tooLong);
        refused(api.put(refusedRegion, Map.of()), "id");
        refused(api.put(org.path() + "/resources/office/o-longer", Map.of("parent", tooLongResource)), "parent.id");
        refused(api.put(refusedRegion + "/assignments/" + member, Map.of("role_id", viewer)), "id");
        refused(api.post(org.path() + "/preview", Map.of("assignment", Map.of("resource", tooLongResource,
                "member_id", other, "role_id", viewer))), "assignment.resource.id");
        refused(api.get(org.path() + "/members/" + member + "/permissions?resource_type=region&resource_id="
                + encode(tooLong)), "resource_id");
        Map<String, Object> tooLongCheck = Map.of("member_id", member, "permission", "room.view",
                "resource", tooLongResource);
        refused(api.post(org.path() + "/check", tooLongCheck), "resource.id");
        refused(api.post(org.path() + "/check/batch", Map.of("checks", List.of(tooLongCheck))),
                "checks[0].resource.id");
        refused(api.post(org.path() + "/lookup/members", Map.of("permission", "room.view",
                "resource", tooLongResource)), "resource.id");
    }

    /**
     * Resources and their assignments carry no version (no ETag answers them): their writes refuse If-Match, a
     * well-formed one or a malformed one, with 400 {@code if_match_unsupported}, and write nothing. An assignment
     * {@code PUT} with {@code If-Match: "77"} once replaced the member's role as if the header were not there.
     */
    @Test
    void resourceAndAssignmentWrites_refuseIfMatch_andWriteNothing() {
        var org = fx.org("sites-ids");
        long viewer = fx.role(org, "Viewer", List.of("room.view"));
        long member = fx.member(org, "u-if-match", fx.roleId(org, "Owner"));
        String region = org.path() + "/resources/region/r-if-match";
        assertThat(node.service().put(region, Map.of()).status()).isEqualTo(201);
        String assignment = region + "/assignments/" + member;
        long revision = node.revision();
        for (String ifMatch : List.of("\"77\"", "\"bogus", "*")) {
            Http conditional = node.service().header("If-Match", ifMatch);
            for (Http.Res refused : List.of(conditional.put(assignment, Map.of("role_id", viewer)),
                    conditional.delete(assignment), conditional.delete(region + "/assignments"),
                    conditional.delete(org.path() + "/members/" + member + "/assignments"),
                    conditional.put(region, Map.of()), conditional.delete(region))) {
                assertThat(refused.status()).as("If-Match: %s: %s", ifMatch, refused).isEqualTo(400);
                assertThat(refused.get("code").stringValue()).isEqualTo("if_match_unsupported");
                assertThat(refused.get("detail").stringValue()).contains("no version");
            }
        }
        assertThat(node.revision()).isEqualTo(revision);
        assertThat(node.service().get(assignment).status()).isEqualTo(404);
        assertThat(node.service().get(region).status()).isEqualTo(200);
        assertThat(node.service().put(assignment, Map.of("role_id", viewer)).status()).isEqualTo(200);
    }

    /**
     * {@code lookup/resources} pages through resources whose ids are as long as ids go: the cursor it answers (which
     * carries the last id, in UTF-8 and base64) is one it reads back. One after 200 emoji was longer than the 400
     * characters a cursor was allowed, so the second page could not be asked for.
     */
    @Test
    void lookupResources_pagesPastTheLongestIds() {
        var org = fx.org("sites-ids");
        Http api = node.service();
        long viewer = fx.role(org, "Viewer", List.of("room.view"));
        long member = fx.member(org, "u-pager", fx.roleId(org, "Owner"));
        List<String> ids = List.of(EMOJI.repeat(200), "\uD83D\uDE01".repeat(200));
        long revision = 0;
        for (String id : ids) {
            String region = org.path() + "/resources/region/" + encode(id);
            assertThat(api.put(region, Map.of()).status()).isEqualTo(201);
            Http.Res assigned = api.put(region + "/assignments/" + member, Map.of("role_id", viewer));
            assertThat(assigned.status()).as("%s", assigned).isIn(200, 201);
            revision = assigned.revision();
        }
        Http.Res first = api.post(org.path() + "/lookup/resources", Map.of("member_id", member,
                "permission", "room.view", "type", "region", "limit", 1, "min_revision", revision));
        assertThat(first.status()).as("%s", first).isEqualTo(200);
        Http.Res second = api.post(org.path() + "/lookup/resources", Map.of("member_id", member,
                "permission", "room.view", "type", "region", "limit", 1,
                "cursor", first.get("next_cursor").stringValue()));
        assertThat(second.status()).as("%s", second).isEqualTo(200);
        assertThat(List.of(first.json().at("/items/0").stringValue(), second.json().at("/items/0").stringValue()))
                .containsExactlyElementsOf(ids);
    }

    private static void refused(Http.Res res, String field) {
        assertThat(res.status()).as("%s", res).isEqualTo(400);
        assertThat(res.get("errors").get(field).stringValue()).as("%s", res)
                .isEqualTo("a resource id has 1 to 200 characters, got 201");
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /**
     * A cursor of a list ordered by resource — a resource's children, a member's assignments, {@code
     * lookup/resources} — is read by one rule: a position a resource can have, else 400 {@code invalid_cursor}. A
     * NUL in the id once reached PostgreSQL (400 {@code invalid_input} "a value is out of range or malformed", no
     * field named), a position without a type was {@code invalid_input}, and {@code lookup/resources} read an id of
     * one NUL as the start, answering the first page again.
     */
    @Test
    void resourceCursors_notWrittenByTheApi_areInvalidCursors() {
        var org = fx.org("sites-ids");
        Http api = node.service();
        long viewer = fx.role(org, "Viewer", List.of("room.view", "doc.read"));
        long member = fx.member(org, "u-cursors", fx.roleId(org, "Owner"));
        String folder = org.path() + "/resources/folder/f2";
        assertThat(api.put(folder, Map.of()).status()).isEqualTo(201);
        long revision = 0;
        for (String doc : List.of("d1", "d2")) {
            assertThat(api.put(org.path() + "/resources/doc/" + doc, Map.of("parent",
                    Map.of("type", "folder", "id", "f2"))).status()).isEqualTo(201);
            Http.Res assigned = api.put(org.path() + "/resources/doc/" + doc + "/assignments/" + member,
                    Map.of("role_id", viewer));
            assertThat(assigned.status()).as("%s", assigned).isIn(200, 201);
            revision = assigned.revision();
        }
        String children = folder + "/children?cursor=";
        String assignments = org.path() + "/members/" + member + "/assignments?cursor=";
        String childrenForm = listForm(api.get(folder + "/children?limit=1"));
        String assignmentsForm = listForm(api.get(org.path() + "/members/" + member + "/assignments?limit=1"));
        String lookupForm = listForm(api.post(org.path() + "/lookup/resources", Map.of("member_id", member,
                "permission", "doc.read", "type", "doc", "limit", 1, "min_revision", revision)));
        for (String position : List.of("doc/\u0000", "doc", "doc/", "/d1", "no such type/d1", "doc/\u0001")) {
            invalidCursor(api.get(children + cursor(childrenForm, position)), position);
            invalidCursor(api.get(assignments + cursor(assignmentsForm, position)), position);
        }
        for (String position : List.of("\u0000", "")) {
            invalidCursor(api.post(org.path() + "/lookup/resources", Map.of("member_id", member,
                    "permission", "doc.read", "type", "doc", "cursor", cursor(lookupForm, position),
                    "min_revision", revision)), position);
        }

        // the cursors the lists answer still lead on
        Http.Res firstChild = api.get(folder + "/children?limit=1");
        Http.Res nextChild = api.get(folder + "/children?limit=1&cursor="
                + firstChild.get("next_cursor").stringValue());
        assertThat(nextChild.json().at("/items/0/id").stringValue()).as("%s", nextChild).isEqualTo("d2");
        Http.Res firstHeld = api.get(org.path() + "/members/" + member + "/assignments?limit=1");
        Http.Res nextHeld = api.get(org.path() + "/members/" + member + "/assignments?limit=1&cursor="
                + firstHeld.get("next_cursor").stringValue());
        assertThat(nextHeld.json().at("/items/0/resource/id").stringValue()).as("%s", nextHeld).isEqualTo("d2");
        Http.Res found = api.post(org.path() + "/lookup/resources", Map.of("member_id", member,
                "permission", "doc.read", "type", "doc", "limit", 1, "cursor", cursor(lookupForm, "d1"),
                "min_revision", revision));
        assertThat(found.json().at("/items/0").stringValue()).as("%s", found).isEqualTo("d2");
    }

    /**
     * The form of the cursors of the list that answered {@code page}: its {@code next_cursor} decoded, up to the
     * position (the list's tag, which ties a cursor to the list, and a colon).
     */
    private static String listForm(Http.Res page) {
        assertThat(page.status()).as("%s", page).isEqualTo(200);
        String text = new String(java.util.Base64.getUrlDecoder().decode(page.get("next_cursor").stringValue()),
                StandardCharsets.UTF_8);
        return text.substring(0, text.indexOf(':', text.indexOf(':') + 1) + 1);
    }

    /** A cursor as the API writes one for a list of {@code form}, for a position of the caller's choosing. */
    private static String cursor(String form, String position) {
        return java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString((form + position).getBytes(StandardCharsets.UTF_8));
    }

    private static String printable(String position) {
        return dev.gatehouse.json.Text.printable(position);
    }

    private static void invalidCursor(Http.Res res, String position) {
        assertThat(res.status()).as("%s -> %s", printable(position), res).isEqualTo(400);
        assertThat(res.get("code").stringValue()).as("%s -> %s", printable(position), res)
                .isEqualTo("invalid_cursor");
        assertThat(res.get("errors").get("cursor").stringValue()).as("%s", res).isEqualTo("invalid");
    }
}
