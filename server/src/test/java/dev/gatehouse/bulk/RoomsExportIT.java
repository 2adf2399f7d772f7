package dev.gatehouse.bulk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Exports of {@code rooms} and {@code rooms_v5} organizations carry the Rooms dialect's regions, offices, rooms, room
 * users' rows and company users' profiles: importing one into a new organization creates them anew, every line naming
 * them following them to their new ids — streamed, in chunks that part a room from its assignments, resumed, and in a
 * deployment's copy —, so that every member decides the same on every room and the Rooms reads show the same; and
 * importing the same lines again changes nothing, into the copy or into the organization exported.
 */
class RoomsExportIT {

    static final List<String> PERMISSIONS = List.of("canViewRoomDetails", "canAddUsersToRooms", "isHiddenInRoom");
    static final List<String> USERS = List.of("bob", "cat", "dan");
    static final String ENDS = "2099-01-01T00:00:00Z";

    /** Runs with the system clock; a test moves it ahead past a role's end rather than waiting for it. */
    static final TestClock clock = new TestClock();
    static TestNode node;
    static Fixtures fx;

    @BeforeAll
    static void start() {
        node = TestNode.startOn(TestDatabase.freshDatabaseUrl(), UnaryOperator.identity(), clock);
        fx = new Fixtures(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /**
     * A company: region North, offices Oslo and Bergen in it; rooms Harbour (Oslo) and Fjord (Bergen) owned by the
     * admin; bob a viewer in Harbour, revoked in Fjord; cat hidden in Harbour until {@link #ENDS}; dan working in Oslo
     * (on {@code rooms_v5}, its manager: the Manager role on the office).
     */
    private static Fixtures.Org source(String model) {
        Fixtures.Org org = fx.org(model);
        String base = "/restapi/v2/accounts/" + org.accountId();
        int north = created(node.service().post(org.path() + "/regions", Map.of("name", "North")));
        int oslo = created(node.service().post(org.path() + "/offices", Map.of("name", "Oslo", "region_id", north,
                "city", "Oslo")));
        int bergen = created(node.service().post(org.path() + "/offices", Map.of("name", "Bergen", "region_id",
                north, "phone", "+47 55")));
        boolean classic = model.equals("rooms_v5");
        long admin = fx.roleId(org, classic ? "Admin" : "Default Admin");
        int harbour = room(org, "Harbour", admin, oslo);
        int fjord = room(org, "Fjord", admin, bergen);
        long viewer = fx.role(org, "Viewer", List.of("canViewRoomDetails"));
        long silent = fx.role(org, "Silent", List.of("canViewRoomDetails", "isHiddenInRoom"));
        long bob = fx.member(org, "bob", viewer);
        long cat = fx.member(org, "cat", viewer);
        long dan = fx.member(org, "dan", classic ? fx.roleId(org, "Manager") : viewer);
        fx.assign(org, Integer.toString(harbour), bob, viewer);
        fx.assign(org, Integer.toString(fjord), bob, viewer);
        ok(node.service().post(base + "/rooms/" + fjord + "/users/" + bob + "/revoke_access", Map.of()));
        ok(node.service().put(org.path() + "/resources/room/" + harbour + "/assignments/" + cat,
                Map.of("role_id", silent, "expires_at", ENDS)));
        ok(node.service().post(base + "/users/" + dan + "/add_to_office", Map.of("officeId", oslo)));
        if (classic) {
            ok(node.service().put(org.path() + "/resources/office/" + oslo + "/assignments/" + dan,
                    Map.of("role_id", fx.roleId(org, "Manager"))));
        }
        return org;
    }

    private static int room(Fixtures.Org org, String name, long roleId, int office) {
        return node.service().post("/restapi/v2/accounts/" + org.accountId() + "/rooms", Map.of("name", name,
                "roleId", roleId, "ownerId", org.adminId(), "officeId", office)).json().get("roomId").intValue();
    }

    private static int created(Http.Res res) {
        assertThat(res.status()).as("%s", res).isEqualTo(201);
        return res.get("id").intValue();
    }

    private static void ok(Http.Res res) {
        assertThat(res.status() / 100).as("%s", res).isEqualTo(2);
    }

    /**
     * What members decide and the Rooms reads show, with every id of a region, office, room, member or role written
     * as its name: equal in a faithful copy.
     */
    private static Map<String, Object> seen(Fixtures.Org org) {
        String base = "/restapi/v2/accounts/" + org.accountId();
        Map<String, Object> out = new TreeMap<>();
        Map<Integer, String> regions = new HashMap<>();
        for (JsonNode r : items(node.service().get(base + "/regions").json())) {
            regions.put(r.get("regionId").intValue(), r.get("name").stringValue());
        }
        out.put("regions", new ArrayList<>(regions.values()).stream().sorted().toList());
        Map<Integer, String> offices = new HashMap<>();
        List<String> officeViews = new ArrayList<>();
        for (JsonNode o : items(node.service().get(base + "/offices").json())) {
            offices.put(o.get("officeId").intValue(), o.get("name").stringValue());
            officeViews.add(o.get("name").stringValue() + " in " + regions.get(o.path("regionId").intValue())
                    + " " + o.path("city") + " " + o.path("phone"));
        }
        out.put("offices", officeViews.stream().sorted().toList());
        Map<Long, String> userIds = new HashMap<>();
        for (JsonNode m : items(node.service().get(org.path() + "/members").json())) {
            userIds.put(m.get("id").longValue(), m.get("user_id").stringValue());
        }
        for (JsonNode r : items(node.service().get(base + "/rooms").json())) {
            int id = r.get("roomId").intValue();
            String name = r.get("name").stringValue();
            JsonNode room = node.service().get(base + "/rooms/" + id).json();
            List<String> owners = new ArrayList<>();
            room.get("roomOwnerIds").forEach(o -> owners.add(userIds.get(o.longValue())));
            out.put("room " + name, offices.get(room.path("officeId").intValue()) + " owners " + owners + " created "
                    + room.path("createdDate"));
            List<String> users = new ArrayList<>();
            for (JsonNode u : items(node.service().get(base + "/rooms/" + id + "/users").json())) {
                users.add(u.get("email").stringValue() + " " + u.get("roleName").stringValue());
            }
            out.put("room users " + name, users.stream().sorted().toList());
            for (Map.Entry<Long, String> member : userIds.entrySet()) {
                for (String permission : PERMISSIONS) {
                    Http.Res check = node.service().post(org.path() + "/check", Map.of("user_id", member.getValue(),
                            "permission", permission, "resource", Map.of("type", "room", "id",
                                    Integer.toString(id))));
                    assertThat(check.status()).as("%s", check).isEqualTo(200);
                    out.put("check " + member.getValue() + " " + permission + " " + name,
                            check.get("allowed").booleanValue());
                }
            }
        }
        for (Map.Entry<Long, String> member : userIds.entrySet()) {
            Http.Res user = node.service().get(base + "/users/" + member.getKey());
            if (user.status() == 200) {
                List<String> worksIn = new ArrayList<>();
                user.get("offices").forEach(o -> worksIn.add(offices.get(o.intValue())));
                out.put("user " + member.getValue(), user.get("accessLevel").stringValue() + " " + worksIn);
            }
        }
        return out;
    }

    /** The items of a list answer: its one array. */
    private static List<JsonNode> items(JsonNode answer) {
        List<JsonNode> out = new ArrayList<>();
        (answer.isArray() ? answer : answer.properties().stream().map(Map.Entry::getValue).filter(JsonNode::isArray)
                .findFirst().orElseThrow(() -> new AssertionError("no list in " + answer))).forEach(out::add);
        return out;
    }

    private static String body(List<JsonNode> lines) {
        StringBuilder b = new StringBuilder();
        for (JsonNode line : lines) {
            b.append(Json.writeString(line)).append('\n');
        }
        return b.toString();
    }

    /** Every kind of line left unchanged: nothing created, updated or deleted. */
    private static void nothingChanged(Http.Res res) {
        assertThat(res.status()).as("%s", res).isEqualTo(200);
        res.get("counts").properties().forEach(kind -> assertThat(kind.getValue().get("created").longValue()
                + kind.getValue().get("updated").longValue() + kind.getValue().get("deleted").longValue())
                .as(kind.getKey() + " in " + res).isZero());
    }

    /** Without the lines a new organization brings itself (its admin, the model's header). */
    private static Map<String, Object> withoutAdmins(Map<String, Object> seen, Fixtures.Org... orgs) {
        Map<String, Object> out = new TreeMap<>(seen);
        for (Fixtures.Org org : orgs) {
            String admin = org.json().get("admin_member").get("user_id").stringValue();
            out.keySet().removeIf(k -> k.contains(" " + admin + " ") || k.endsWith(" " + admin));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"rooms", "rooms_v5"})
    void exportIntoNewOrganization_sameDecisionsAndRoomsReads(String model) {
        Fixtures.Org source = source(model);
        Map<String, Object> original = seen(source);
        assertThat(original).containsEntry("check cat isHiddenInRoom Harbour", true)
                .containsEntry("check bob canViewRoomDetails Harbour", true)
                .containsEntry("check bob canViewRoomDetails Fjord", false)
                .containsEntry("check dan canViewRoomDetails Harbour", model.equals("rooms_v5"))
                .containsEntry("check dan canViewRoomDetails Fjord", false)
                .containsEntry("user dan", "Contributor [Oslo]");
        assertThat((String) original.get("room Harbour")).startsWith("Oslo owners [admin-");
        assertThat(original.get("offices")).isEqualTo(List.of("Bergen in North  \"+47 55\"",
                "Oslo in North \"Oslo\" "));
        List<JsonNode> lines = Bulk.export(node.service(), source.id());
        assertThat(lines.stream().map(l -> l.get("type").stringValue()))
                .contains("region", "office", "rooms_profile", "room", "room_user");

        // one line per chunk: every room in a chunk before those of its users and assignments
        Fixtures.Org copy = fx.org(model);
        Http.Res imported = Bulk.importBody(node.service(), copy.id(), "chunk_lines=1", body(lines));
        assertThat(imported.status()).as("%s", imported).isEqualTo(200);
        assertThat(imported.get("counts").get("room").get("created").longValue()).isEqualTo(2);
        assertThat(imported.get("counts").get("office").get("created").longValue()).isEqualTo(2);
        assertThat(imported.get("counts").get("region").get("created").longValue()).isEqualTo(1);
        // every room user's row is new in the copy
        assertThat(imported.get("counts").get("room_user").get("created").longValue())
                .isEqualTo(lines.stream().filter(l -> l.get("type").stringValue().equals("room_user")).count());
        assertThat(imported.get("counts").get("room_user").get("updated").longValue()).isZero();
        assertThat(withoutAdmins(seen(copy), copy)).isEqualTo(withoutAdmins(seen(source), copy));

        // the same lines again, into the copy and into the organization exported: nothing changes
        nothingChanged(Bulk.importBody(node.service(), copy.id(), "", body(lines)));
        nothingChanged(Bulk.importBody(node.service(), source.id(), "", body(lines)));
        assertThat(withoutAdmins(seen(copy), copy)).isEqualTo(withoutAdmins(seen(source), copy));

        // bob's revoked access to Fjord travelled with the role it kept: restored alike
        restore(copy, "Fjord", "bob");
        restore(source, "Fjord", "bob");
        assertThat(withoutAdmins(seen(copy), copy)).isEqualTo(withoutAdmins(seen(source), copy))
                .containsEntry("check bob canViewRoomDetails Fjord", true)
                .containsEntry("room users Fjord", List.of("admin" + source.json().get("admin_member").get("user_id")
                        .stringValue().substring("admin-".length()) + "@example.com Default Admin",
                        "bob@example.com Viewer").stream().map(u -> model.equals("rooms") ? u
                        : u.replace("Default Admin", "Admin")).toList());
    }

    /**
     * The Rooms objects' lines are written as exported, not judged as the Rooms requests that make them are, so they
     * are a service key's: a member key's export leaves them out (and imports back into its organization unchanged),
     * and a member key's import of one is 403 {@code service_key_required}, changing nothing.
     */
    @ParameterizedTest
    @ValueSource(strings = {"rooms", "rooms_v5"})
    void roomsObjectLines_areAServiceKeysOnly(String model) {
        Fixtures.Org source = source(model);
        List<JsonNode> own = Bulk.export(source.admin(), source.id());
        assertThat(own.stream().map(l -> l.get("type").stringValue()))
                .doesNotContain("region", "office", "rooms_profile", "room", "room_user");
        nothingChanged(Bulk.importBody(source.admin(), source.id(), "", body(own)));

        Map<String, Object> before = seen(source);
        List<JsonNode> region = Bulk.export(node.service(), source.id()).stream()
                .filter(l -> l.get("type").stringValue().equals("region")).toList();
        Http.Res refused = Bulk.importBody(source.admin(), source.id(), "", body(region));
        assertThat(refused.status()).as("%s", refused).isEqualTo(403);
        assertThat(refused.body()).contains("service_key_required");
        assertThat(seen(source)).isEqualTo(before);
    }

    /** A room line naming an owner twice is refused whole, naming {@code owners}: it was stored with the owner twice. */
    @Test
    void aRoomLine_namingAnOwnerTwice_isRefused() {
        Fixtures.Org org = fx.org("rooms");
        String admin = org.json().get("admin_member").get("user_id").stringValue();
        Map<String, Object> before = seen(org);
        Http.Res refused = Bulk.importBody(node.service(), org.id(), "", "{\"type\": \"room\", \"id\": 9001, \"name\": "
                + "\"Twice\", \"status\": \"active\", \"owners\": [\"" + admin + "\", \"" + admin + "\"]}\n");
        assertThat(refused.status()).as("%s", refused).isEqualTo(400);
        assertThat(refused.body()).contains("owners").contains("names a user twice");
        assertThat(seen(org)).isEqualTo(before);
    }

    /**
     * On a v5 company a Manager's offices are its reach: a {@code rooms_profile} line moves its Manager role on the
     * offices with them in the same write, as the Rooms API's add_to_office and remove_from_office do — when restoring
     * an older export after the Manager was moved through the Rooms API, and when a line moves it elsewhere — so that
     * it edits room roles in the rooms of the offices its profile lists, and only there, and the Rooms API moves it on
     * from there. Before, the line rewrote the profile alone: the Manager kept its role on the office it left and got
     * none on the one it joined, and removing it from the office it left answered 204 and changed nothing.
     */
    @Test
    void aRoomsProfileLine_movesAV5ManagersReach_asTheRoomsApiDoes() {
        Fixtures.Org org = fx.org("rooms_v5");
        String base = "/restapi/v2/accounts/" + org.accountId();
        int north = created(node.service().post(org.path() + "/regions", Map.of("name", "North")));
        int oslo = created(node.service().post(org.path() + "/offices", Map.of("name", "Oslo", "region_id", north)));
        int bergen = created(node.service().post(org.path() + "/offices", Map.of("name", "Bergen", "region_id",
                north)));
        long admin = fx.roleId(org, "Admin");
        int harbour = room(org, "Harbour", admin, oslo);
        int fjord = room(org, "Fjord", admin, bergen);
        Http.Res invited = node.service().post(base + "/users/invite_classic_manager", Map.of("firstName", "Max",
                "lastName", "Manager", "email", "max@classic.test", "defaultOfficeId", oslo, "titleId", 7,
                "accessLevel", "Office", "permissions", Map.of(), "offices", List.of(oslo), "regions", List.of()));
        assertThat(invited.status()).as("%s", invited).isEqualTo(201);
        long max = invited.get("userId").longValue();
        ok(node.service().post(org.path() + "/members/" + max + "/accept", Map.of()));
        String userId = node.service().get(org.path() + "/members/" + max).get("user_id").stringValue();
        assertThat(editsRoles(org, max, harbour)).isTrue();
        assertThat(editsRoles(org, max, fjord)).isFalse();
        List<JsonNode> older = Bulk.export(node.service(), org.id());

        // moved to Bergen through the Rooms API; the older export puts it back in Oslo, and Oslo alone
        ok(node.service().post(base + "/users/" + max + "/add_to_office", Map.of("officeId", bergen)));
        ok(node.service().post(base + "/users/" + max + "/remove_from_office", Map.of("officeId", oslo)));
        assertThat(editsRoles(org, max, harbour)).isFalse();
        assertThat(editsRoles(org, max, fjord)).isTrue();
        Http.Res restored = Bulk.importBody(node.service(), org.id(), "", body(older));
        assertThat(restored.status()).as("%s", restored).isEqualTo(200);
        assertThat(editsRoles(org, max, harbour)).as("reach follows the profile restored").isTrue();
        assertThat(editsRoles(org, max, fjord)).as("reach follows the profile restored").isFalse();

        // a line moving it to Bergen moves its reach there; the Rooms API then moves it on from there
        Http.Res moved = Bulk.importLines(node.service(), org.id(), "", List.of(Bulk.line("type", "rooms_profile",
                "user_id", userId, "access_level", "Office", "default_office_id", bergen, "title_id", 7, "offices",
                List.of(bergen), "regions", List.of())));
        assertThat(moved.status()).as("%s", moved).isEqualTo(200);
        assertThat(moved.get("counts").get("rooms_profile").get("updated").longValue()).isEqualTo(1);
        assertThat(editsRoles(org, max, harbour)).as("no reach left in the office it left").isFalse();
        assertThat(editsRoles(org, max, fjord)).as("reach in the office it joined").isTrue();
        ok(node.service().post(base + "/users/" + max + "/add_to_office", Map.of("officeId", oslo)));
        ok(node.service().post(base + "/users/" + max + "/remove_from_office", Map.of("officeId", bergen)));
        assertThat(editsRoles(org, max, harbour)).isTrue();
        assertThat(editsRoles(org, max, fjord)).as("removed from Bergen: its reach there goes").isFalse();
        assertThat(node.service().get(org.path() + "/resources/office/" + bergen + "/assignments/" + max).status())
                .isEqualTo(404);
    }

    /** The native decision: may the member edit any room role in the room (a Manager of the room may)? */
    private static boolean editsRoles(Fixtures.Org org, long memberId, int roomId) {
        Http.Res res = node.service().post(org.path() + "/check", Map.of("member_id", memberId, "permission",
                "canEditAnyRoomRole", "resource", Map.of("type", "room", "id", Integer.toString(roomId))));
        assertThat(res.status()).as("%s", res).isEqualTo(200);
        return res.get("allowed").booleanValue();
    }

    /**
     * A foreign line of an id the organization's own objects have creates its object anew and records where it came
     * from; the organization's own export imported after it still names its own objects (their {@code created_at}
     * tells them apart), and so do the lines naming them after it (room users, assignments): nothing changes. Before,
     * the recorded origin came first, and the own export's room was written over the foreign one, with its users and
     * their roles: access to a room they never had.
     */
    @Test
    void ownExport_afterAForeignLineOfTheSameId_changesNothing() {
        Fixtures.Org org = source("rooms");
        String admin = org.json().get("admin_member").get("user_id").stringValue();
        List<JsonNode> own = Bulk.export(node.service(), org.id());
        JsonNode harbourLine = own.stream().filter(l -> l.get("type").stringValue().equals("room")
                && l.get("name").stringValue().equals("Harbour")).findFirst().orElseThrow();
        int harbour = harbourLine.get("id").intValue();
        int north = own.stream().filter(l -> l.get("type").stringValue().equals("region")).findFirst().orElseThrow()
                .get("id").intValue();
        Http.Res foreign = Bulk.importLines(node.service(), org.id(), "", List.of(
                Bulk.line("type", "region", "id", north, "name", "Elsewhere", "created_at", "2020-01-01T00:00:00Z"),
                Bulk.line("type", "room", "id", harbour, "name", "Foreign", "office_id",
                        harbourLine.get("office_id").intValue(), "status", "active", "owners", List.of(admin),
                        "created_at", "2020-01-01T00:00:00Z")));
        assertThat(foreign.status()).as("%s", foreign).isEqualTo(200);
        assertThat(foreign.get("counts").get("room").get("created").longValue()).isEqualTo(1);
        assertThat(foreign.get("counts").get("region").get("created").longValue()).isEqualTo(1);

        String before = node.service().get("/v1/orgs/" + org.id() + "/export").body();
        Map<String, Object> seen = seen(org);
        assertThat(seen).containsEntry("room users Foreign", List.of());
        nothingChanged(Bulk.importBody(node.service(), org.id(), "", body(own)));
        assertThat(node.service().get("/v1/orgs/" + org.id() + "/export").body()).isEqualTo(before);
        assertThat(seen(org)).isEqualTo(seen);
        // the own export again, and the whole export as it is now: still nothing
        nothingChanged(Bulk.importBody(node.service(), org.id(), "", body(own)));
        nothingChanged(Bulk.importBody(node.service(), org.id(), "", before));
        assertThat(node.service().get("/v1/orgs/" + org.id() + "/export").body()).isEqualTo(before);
    }

    /**
     * Lines that would write a room state the Rooms API cannot make are refused, naming the line, and their chunk
     * commits nothing: a room owned by an outsider (409 {@code room_owner}), an owner's access revoked (409
     * {@code room_owner}, in either order: a revoked user named an owner), and a user revoked while it holds a role in
     * the room (409 {@code room_role_held}). An assignment line for a revoked user is refused as its request is (409
     * {@code room_access_revoked}: restore it). Before, the first three were written.
     */
    @Test
    void roomsLines_thatTheRoomsApiCouldNotMake_areRefused() {
        Fixtures.Org org = fx.org("rooms");
        Http.Res setUp = Bulk.importLines(node.service(), org.id(), "", List.of(
                Bulk.role("Own", List.of("canDeleteOwnedRooms", "canManageInvitedUserRoomAccess", "canCreateRooms")),
                Bulk.line("type", "member", "user_id", "o2", "email", "o2@x.test", "role", "Own"),
                Bulk.line("type", "member", "user_id", "b2", "email", "b2@x.test", "role", "Own"),
                Bulk.line("type", "member", "user_id", "x", "email", "x@x.test", "external", true),
                Bulk.line("type", "room", "id", 904, "name", "Held", "status", "active", "owners", List.of("o2")),
                Bulk.assignment("room", "904", "b2", "Own"),
                Bulk.line("type", "room", "id", 905, "name", "Revoked", "status", "active", "owners", List.of("o2")),
                Bulk.line("type", "room_user", "room_id", 905, "user_id", "b2", "revoked_role", "Own",
                        "revoked_at", "2026-01-01T00:00:00Z")));
        assertThat(setUp.status()).as("%s", setUp).isEqualTo(200);
        String before = node.service().get("/v1/orgs/" + org.id() + "/export").body();
        String probe = Bulk.line("type", "room", "id", 990, "name", "Probe", "status", "active", "owners",
                List.of("o2"));

        refused(org, 409, "room_owner", probe,
                Bulk.line("type", "room", "id", 902, "name", "Owned", "status", "active", "owners", List.of("o2")),
                Bulk.line("type", "room_user", "room_id", 902, "user_id", "o2", "revoked_role", "Own",
                        "revoked_at", "2026-01-01T00:00:00Z"));
        refused(org, 409, "room_owner", probe,
                Bulk.line("type", "room", "id", 903, "name", "Outsider", "status", "active", "owners", List.of("x")));
        refused(org, 409, "room_owner", probe,
                Bulk.line("type", "room", "id", 905, "name", "Revoked", "status", "active", "owners",
                        List.of("o2", "b2")));
        refused(org, 409, "room_role_held", probe,
                Bulk.line("type", "room_user", "room_id", 904, "user_id", "b2", "revoked_role", "Own",
                        "revoked_at", "2026-01-01T00:00:00Z"));
        refused(org, 409, "room_access_revoked", probe, Bulk.assignment("room", "905", "b2", "Own"));
        assertThat(node.service().get("/v1/orgs/" + org.id() + "/export").body()).isEqualTo(before);
    }

    /**
     * A room is active: Gatehouse has no review or closing flow, and the dialect shows neither a status nor a closing
     * date. A room line of status {@code pending} or {@code closed}, new or for a room there, is refused (400 naming
     * {@code status}) and its chunk commits nothing. Before, such a room was stored and dropped out of its owner's
     * default list, while {@code roomStatus=closed} with a closing-date range still listed nothing.
     */
    @Test
    void roomLines_ofAStatusOtherThanActive_areRefused() {
        Fixtures.Org org = fx.org("rooms");
        Http.Res setUp = Bulk.importLines(node.service(), org.id(), "", List.of(
                Bulk.role("Own", List.of("canDeleteOwnedRooms", "canManageInvitedUserRoomAccess", "canCreateRooms")),
                Bulk.line("type", "member", "user_id", "o2", "email", "o2@x.test", "role", "Own"),
                Bulk.line("type", "room", "id", 904, "name", "Held", "status", "active", "owners", List.of("o2"))));
        assertThat(setUp.status()).as("%s", setUp).isEqualTo(200);
        String before = node.service().get("/v1/orgs/" + org.id() + "/export").body();
        String probe = Bulk.line("type", "room", "id", 990, "name", "Probe", "status", "active", "owners",
                List.of("o2"));
        for (String status : List.of("pending", "closed")) {
            for (int room : List.of(904, 906)) {
                Http.Res res = refused(org, 400, "invalid_input", probe, Bulk.line("type", "room", "id", room,
                        "name", "Held", "status", status, "owners", List.of("o2")));
                assertThat(res.body()).contains("status");
            }
        }
        assertThat(node.service().get("/v1/orgs/" + org.id() + "/export").body()).isEqualTo(before);
    }

    /**
     * A Rooms line naming a user or a role that is not there is refused (400 {@code unknown_reference}) naming the
     * field the line sent it in — {@code owners[1]}, {@code created_by}, {@code invited_by}, {@code revoked_role},
     * {@code revoked_role_id} — in {@code errors} and its detail, committing nothing. Before, every unknown user was
     * named {@code user_id} and every unknown role {@code role}, fields these lines do not have.
     */
    @Test
    void roomsLines_namingNothing_nameTheFieldThatDid() {
        Fixtures.Org org = fx.org("rooms");
        Http.Res setUp = Bulk.importLines(node.service(), org.id(), "", List.of(
                Bulk.role("Own", List.of("canDeleteOwnedRooms", "canManageInvitedUserRoomAccess", "canCreateRooms")),
                Bulk.line("type", "member", "user_id", "o4", "email", "o4@x.test", "role", "Own"),
                Bulk.line("type", "member", "user_id", "b4", "email", "b4@x.test", "role", "Own"),
                Bulk.line("type", "room", "id", 907, "name", "Known", "status", "active", "owners", List.of("o4"))));
        assertThat(setUp.status()).as("%s", setUp).isEqualTo(200);
        String before = node.service().get("/v1/orgs/" + org.id() + "/export").body();
        String probe = Bulk.line("type", "region", "id", 992, "name", "Probe");
        Map<String, String> lines = new LinkedHashMap<>();
        lines.put("owners[1]", Bulk.line("type", "room", "id", 908, "name", "Ghosts", "status", "active", "owners",
                List.of("o4", "ghost")));
        lines.put("created_by", Bulk.line("type", "room", "id", 908, "name", "Ghosts", "status", "active", "owners",
                List.of("o4"), "created_by", "ghost"));
        lines.put("invited_by", Bulk.line("type", "room_user", "room_id", 907, "user_id", "b4", "invited_by",
                "ghost"));
        lines.put("user_id", Bulk.line("type", "room_user", "room_id", 907, "user_id", "ghost"));
        lines.put("revoked_role", Bulk.line("type", "room_user", "room_id", 907, "user_id", "b4", "revoked_role",
                "Ghost", "revoked_at", "2026-03-01T00:00:00Z"));
        lines.put("revoked_role_id", Bulk.line("type", "room_user", "room_id", 907, "user_id", "b4",
                "revoked_role_id", 987_654_321L, "revoked_at", "2026-03-01T00:00:00Z"));
        lines.forEach((field, line) -> {
            Http.Res res = refused(org, 400, "unknown_reference", probe, line);
            assertThat(res.get("errors").properties()).extracting(Map.Entry::getKey).as("%s", res)
                    .containsExactly(field);
            assertThat(res.get("detail").stringValue()).as("%s", res).contains(field);
        });
        assertThat(node.service().get("/v1/orgs/" + org.id() + "/export").body()).isEqualTo(before);
    }

    /**
     * A room owner never holds its role there until an end: a {@code room} line naming as owner a user whose role in
     * the room has an {@code expires_at} is refused (409 {@code room_owner}, naming the user and the end), as is an
     * {@code assignment} line giving an owner's role an end, and nothing is committed. Before, the room line was
     * written: at the end the owner's access was revoked while it stayed among the room's owners, and the
     * organization's own export no longer imported.
     */
    @Test
    void aRoomLine_namingAnOwnerWhoseRoleEnds_isRefused() {
        Fixtures.Org org = fx.org("rooms");
        Http.Res setUp = Bulk.importLines(node.service(), org.id(), "", List.of(
                Bulk.role("Own", List.of("canDeleteOwnedRooms", "canManageInvitedUserRoomAccess", "canCreateRooms")),
                Bulk.line("type", "member", "user_id", "o3", "email", "o3@x.test", "role", "Own"),
                Bulk.line("type", "member", "user_id", "b3", "email", "b3@x.test", "role", "Own"),
                Bulk.line("type", "room", "id", 906, "name", "Ending", "status", "active", "owners", List.of("o3")),
                Bulk.assignment("room", "906", "o3", "Own"),
                Bulk.line("type", "assignment", "resource", Map.of("type", "room", "id", "906"), "user_id", "b3",
                        "role", "Own", "expires_at", ENDS)));
        assertThat(setUp.status()).as("%s", setUp).isEqualTo(200);
        String before = node.service().get("/v1/orgs/" + org.id() + "/export").body();
        String probe = Bulk.line("type", "room", "id", 991, "name", "Probe", "status", "active", "owners",
                List.of("o3"));

        refused(org, 409, "room_owner", probe,
                Bulk.line("type", "room", "id", 906, "name", "Ending", "status", "active", "owners",
                        List.of("o3", "b3")));
        Http.Res named = Bulk.importLines(node.service(), org.id(), "", List.of(Bulk.line("type", "room", "id", 906,
                "name", "Ending", "status", "active", "owners", List.of("o3", "b3"))));
        long b3 = items(node.service().get(org.path() + "/members").json()).stream()
                .filter(m -> m.get("user_id").stringValue().equals("b3")).findFirst().orElseThrow()
                .get("id").longValue();
        assertThat(named.get("detail").stringValue()).as("%s", named).contains("user " + b3).contains("2099-01-01");
        refused(org, 409, "room_owner", probe,
                Bulk.line("type", "assignment", "resource", Map.of("type", "room", "id", "906"), "user_id", "o3",
                        "role", "Own", "expires_at", ENDS));
        assertThat(node.service().get("/v1/orgs/" + org.id() + "/export").body()).isEqualTo(before);
        nothingChanged(Bulk.importBody(node.service(), org.id(), "", before));
    }

    /**
     * On a v5 company a {@code rooms_profile} line puts a user only at an access level its role can be at, as the
     * Rooms API makes users: a Manager at Admin, an Agent at Company or at Admin is refused at its line (400
     * {@code invalid_input} naming {@code access_level}), committing nothing, while a Manager at Company or
     * Contributor, an Agent at Contributor and the Admin at Admin are written. Before, the Manager at Admin was
     * written, and its User showed all 13 flags while its grants and {@code /check} said otherwise. A
     * {@code default_office_id} naming no office is refused naming {@code default_office_id}: it named {@code offices}.
     */
    @Test
    void aV5RoomsProfileLine_putsAUserOnlyAtALevelItsRoleCanHave() {
        Fixtures.Org org = fx.org("rooms_v5");
        String base = "/restapi/v2/accounts/" + org.accountId();
        int north = created(node.service().post(org.path() + "/regions", Map.of("name", "North")));
        int oslo = created(node.service().post(org.path() + "/offices", Map.of("name", "Oslo", "region_id", north)));
        long manager = fx.member(org, "rm", fx.roleId(org, "Manager"));
        fx.member(org, "ag", fx.roleId(org, "Agent"));
        String admin = org.json().get("admin_member").get("user_id").stringValue();
        String before = node.service().get("/v1/orgs/" + org.id() + "/export").body();
        String probe = Bulk.line("type", "region", "id", 990, "name", "Probe");

        for (String[] userAndLevel : new String[][] {{"rm", "Admin"}, {"ag", "Company"}, {"ag", "Admin"}}) {
            Http.Res res = refused(org, 400, "invalid_input", probe, profile(userAndLevel[0], userAndLevel[1],
                    null, List.of()));
            assertThat(res.get("errors").get("access_level").stringValue()).as("%s", res)
                    .contains("got " + userAndLevel[1]);
        }
        Http.Res unknownDefault = refused(org, 400, "invalid_input", probe, profile("rm", "Office", 999,
                List.of(oslo)));
        assertThat(unknownDefault.get("errors").properties()).extracting(Map.Entry::getKey)
                .containsExactly("default_office_id");
        assertThat(node.service().get("/v1/orgs/" + org.id() + "/export").body()).isEqualTo(before);
        Http.Res user = node.service().get(base + "/users/" + manager);
        assertThat(user.get("accessLevel").stringValue()).as("%s", user).isEqualTo("Contributor");
        assertThat(user.json().has("permissions")).as("%s", user).isFalse();

        Http.Res written = Bulk.importLines(node.service(), org.id(), "", List.of(profile("rm", "Company", oslo,
                List.of(oslo)), profile("ag", "Contributor", oslo, List.of(oslo)), profile(admin, "Admin", null,
                List.of())));
        assertThat(written.status()).as("%s", written).isEqualTo(200);
        assertThat(node.service().get(base + "/users/" + manager).get("accessLevel").stringValue())
                .isEqualTo("Company");
        ok(Bulk.importLines(node.service(), org.id(), "", List.of(profile("rm", "Contributor", oslo,
                List.of(oslo)))));
    }

    private static String profile(String userId, String level, Integer defaultOffice, List<Integer> offices) {
        Map<String, Object> line = new LinkedHashMap<>(Map.of("type", "rooms_profile", "user_id", userId,
                "access_level", level, "offices", offices, "regions", List.of()));
        if (defaultOffice != null) {
            line.put("default_office_id", defaultOffice);
        }
        return Json.writeString(line);
    }

    /**
     * An import of {@code probe} then {@code lines}, refused at the last line with {@code code}, committing nothing;
     * its answer.
     */
    /**
     * A Rooms line's optional text that shows nothing — an office's address part, a room's or a room user's side, a
     * room's listing source, a profile's eSignature profile or lock reason — is the line's 400 {@code invalid_input}
     * naming each such field, committing nothing, as the Rooms dialect and the native API refuse it; a lock reason of
     * {@code ""} is a lock without one, as an export writes it. Before, the lines were written, and Rooms clients read
     * values their own dialect calls invalid.
     */
    @Test
    void roomsLines_withABlankOptionalText_areRefused_asTheRoomsApiRefusesIt() {
        Fixtures.Org org = fx.org("rooms");
        Http.Res setUp = Bulk.importLines(node.service(), org.id(), "", List.of(
                Bulk.role("Own", List.of("canDeleteOwnedRooms", "canManageInvitedUserRoomAccess", "canCreateRooms")),
                Bulk.line("type", "member", "user_id", "o5", "email", "o5@x.test", "role", "Own"),
                Bulk.line("type", "member", "user_id", "b5", "email", "b5@x.test", "role", "Own"),
                Bulk.line("type", "room", "id", 909, "name", "Known", "status", "active", "owners", List.of("o5"))));
        assertThat(setUp.status()).as("%s", setUp).isEqualTo(200);
        String before = node.service().get("/v1/orgs/" + org.id() + "/export").body();
        String probe = Bulk.line("type", "region", "id", 993, "name", "Probe");
        Map<String, String> lines = new LinkedHashMap<>();
        lines.put("address1 city phone", Bulk.line("type", "office", "id", 61, "name", "Blank", "address1", " ",
                "city", "\u00a0", "phone", "\u200b"));
        lines.put("postal_code", Bulk.line("type", "office", "id", 61, "name", "Blank", "postal_code", ""));
        lines.put("transaction_side_id listing_source", Bulk.line("type", "room", "id", 910, "name", "Blank",
                "status", "active", "owners", List.of("o5"), "transaction_side_id", "\u3164", "listing_source", " "));
        lines.put("transaction_side_id", Bulk.line("type", "room_user", "room_id", 909, "user_id", "b5",
                "transaction_side_id", "\t"));
        lines.put("esign_permission_profile_id lock_reason", Bulk.line("type", "rooms_profile", "user_id", "b5",
                "access_level", "Contributor", "esign_permission_profile_id", "\u2800", "lock_reason", "\u00a0"));
        lines.forEach((fields, line) -> {
            Http.Res res = refused(org, 400, "invalid_input", probe, line);
            assertThat(res.get("errors").propertyNames()).as("%s", res)
                    .containsExactlyInAnyOrder(fields.split(" "));
            res.get("errors").forEach(reason -> assertThat(reason.stringValue()).as("%s", res)
                    .startsWith("must not be blank"));
        });
        assertThat(node.service().get("/v1/orgs/" + org.id() + "/export").body()).isEqualTo(before);

        Http.Res locked = Bulk.importLines(node.service(), org.id(), "", List.of(Bulk.line("type", "rooms_profile",
                "user_id", "b5", "access_level", "Contributor", "lock_reason", "")));
        assertThat(locked.status()).as("\"\" is a lock without a reason: %s", locked).isEqualTo(200);
    }

    private static Http.Res refused(Fixtures.Org org, int status, String code, String probe, String... lines) {
        List<String> body = new ArrayList<>(List.of(probe));
        body.addAll(List.of(lines));
        Http.Res res = Bulk.importLines(node.service(), org.id(), "", body);
        assertThat(res.status()).as("%s", res).isEqualTo(status);
        assertThat(res.get("code").stringValue()).as("%s", res).isEqualTo(code);
        assertThat(res.get("line").longValue()).as("%s", res).isEqualTo(body.size());
        assertThat(res.get("committed_lines").longValue()).as("%s", res).isZero();
        return res;
    }

    /**
     * A {@code rooms_profile} line storing a profile where its member had none (it was shown the defaults) counts
     * {@code created}, as the change log records it; again, {@code unchanged}; changed, {@code updated}.
     */
    @Test
    void aRoomsProfileLine_storingAMembersFirstProfile_countsCreated() {
        Fixtures.Org org = fx.org("rooms");
        String profile = Bulk.line("type", "rooms_profile", "user_id", "pia", "access_level", "Contributor",
                "title_id", 3, "offices", List.of(), "regions", List.of());
        Http.Res first = Bulk.importLines(node.service(), org.id(), "", List.of(
                Bulk.role("Agent", List.of("canCreateRooms")), Bulk.member("pia", "Agent"), profile));
        assertThat(first.status()).as("%s", first).isEqualTo(200);
        assertThat(first.get("counts").get("rooms_profile").get("created").longValue()).isEqualTo(1);
        assertThat(first.get("counts").get("rooms_profile").get("updated").longValue()).isZero();
        Http.Res events = node.service().get(org.path() + "/events?object_type=rooms_profile");
        assertThat(events.body()).as("%s", events).contains("\"created\"");
        Http.Res again = Bulk.importLines(node.service(), org.id(), "", List.of(profile));
        assertThat(again.get("counts").get("rooms_profile").get("unchanged").longValue()).isEqualTo(1);
        Http.Res changed = Bulk.importLines(node.service(), org.id(), "", List.of(profile.replace("\"title_id\":3",
                "\"title_id\":4")));
        assertThat(changed.get("counts").get("rooms_profile").get("updated").longValue()).isEqualTo(1);
    }

    /**
     * The tester's repro: an external user invited into a room, its access revoked at a later date through the Rooms
     * API (its role there ending then), and the organization exported before that date. Once the date has passed,
     * importing that export again into its own organization changes nothing — the revocation stays, with the role kept
     * for a restore — and importing it into a new organization revokes the user there as of that date with that role,
     * whether its {@code room_user} line and its assignment line share a chunk or not. Before, the {@code room_user}
     * line (which held no revocation when exported) wiped the revocation for good, and a copy left the user in the
     * room with no role and not revoked.
     */
    @Test
    void exportTakenBeforeAScheduledRevocation_importsAfterItAsRevoked() {
        Fixtures.Org org = source("rooms");
        String revocationDate = clock.instant().plusSeconds(45).truncatedTo(ChronoUnit.SECONDS).toString();
        int harbour = eveRevokedFromHarbourAsOf(org, revocationDate);
        List<JsonNode> earlier = Bulk.export(node.service(), org.id());
        assertThat(roomUserLine(earlier, harbour, "eve@buyer.test").has("revoked_role")).isFalse();

        clock.advance(Duration.ofMinutes(2));
        node.node().expiry().runOnce(); // unless the node's own expiry, every second, carried it out first
        String after = node.service().get("/v1/orgs/" + org.id() + "/export").body();
        JsonNode revoked = roomUserLine(Bulk.export(node.service(), org.id()), harbour, "eve@buyer.test");
        assertThat(revoked.get("revoked_role").stringValue()).isEqualTo("Buyer");
        assertThat(revoked.get("revoked_at").stringValue()).isEqualTo(revocationDate);

        nothingChanged(Bulk.importBody(node.service(), org.id(), "", body(earlier)));
        assertThat(node.service().get("/v1/orgs/" + org.id() + "/export").body()).isEqualTo(after);
        // a chunk between the room_user line and the assignment line: the revocation lifted and made again, as it was
        // (the header's revision counts the two writes)
        Http.Res chunked = Bulk.importBody(node.service(), org.id(), "chunk_lines=1", body(earlier));
        assertThat(chunked.status()).as("%s", chunked).isEqualTo(200);
        assertThat(withoutHeader(node.service().get("/v1/orgs/" + org.id() + "/export").body()))
                .isEqualTo(withoutHeader(after));

        for (String query : List.of("", "chunk_lines=1")) {
            Fixtures.Org copy = fx.org("rooms");
            Http.Res imported = Bulk.importBody(node.service(), copy.id(), query, body(earlier));
            assertThat(imported.status()).as("%s", imported).isEqualTo(200);
            List<JsonNode> copied = Bulk.export(node.service(), copy.id());
            int copiedHarbour = copied.stream().filter(l -> l.get("type").stringValue().equals("room")
                    && l.get("name").stringValue().equals("Harbour")).findFirst().orElseThrow().get("id").intValue();
            JsonNode inCopy = roomUserLine(copied, copiedHarbour, "eve@buyer.test");
            ObjectNode expected = ((ObjectNode) revoked.deepCopy()).put("room_id", copiedHarbour);
            assertThat(inCopy).as(query).isEqualTo(expected);
            assertThat(withoutAdmins(seen(copy), copy)).as(query).isEqualTo(withoutAdmins(seen(org), copy));
            nothingChanged(Bulk.importBody(node.service(), copy.id(), "", body(earlier)));
        }
        restore(org, "Harbour", "eve@buyer.test");
    }

    /**
     * An export's assignment line for a room role that has ended since (a scheduled revocation passed) gives nothing,
     * to a member key as to the service key: {@code unchanged}, the revocation left as it is — not 409
     * {@code room_access_revoked}, which only a line giving a role meets. A member that does not see the room is
     * answered as for a room that does not exist.
     */
    @Test
    void aRoomRoleEndedSinceTheExport_isUnchangedToAMemberKeyAsToTheServiceKey() {
        Fixtures.Org org = source("rooms");
        int harbour = eveRevokedFromHarbourAsOf(org,
                clock.instant().plusSeconds(45).truncatedTo(ChronoUnit.SECONDS).toString());
        List<JsonNode> earlier = Bulk.export(node.service(), org.id());
        String header = Json.writeString(earlier.get(0));
        JsonNode ended = earlier.stream().filter(l -> l.get("type").stringValue().equals("assignment")
                && l.get("user_id").stringValue().equals("eve@buyer.test")).findFirst().orElseThrow();
        clock.advance(Duration.ofMinutes(2));
        node.node().expiry().runOnce();
        String after = node.service().get("/v1/orgs/" + org.id() + "/export").body();

        for (Http as : List.of(node.service(), org.admin())) {
            Http.Res res = Bulk.importLines(as, org.id(), "", List.of(header, Json.writeString(ended)));
            assertThat(res.status()).as("%s", res).isEqualTo(200);
            assertThat(res.get("counts").get("assignment").get("unchanged").longValue()).as("%s", res).isEqualTo(1);
        }
        assertThat(withoutHeader(node.service().get("/v1/orgs/" + org.id() + "/export").body()))
                .isEqualTo(withoutHeader(after));

        Http dan = fx.keyFor(org, memberId(org, "dan"));
        ObjectNode nowhere = (ObjectNode) ended.deepCopy();
        ((ObjectNode) nowhere.get("resource")).put("id", "999999");
        Http.Res unseen = Bulk.importLines(dan, org.id(), "", List.of(header, Json.writeString(ended)));
        Http.Res missing = Bulk.importLines(dan, org.id(), "", List.of(header, Json.writeString(nowhere)));
        assertThat(unseen.status()).as("%s", unseen).isEqualTo(404);
        assertThat(unseen.get("code").stringValue()).isEqualTo(missing.get("code").stringValue());
        assertThat(unseen.get("detail").stringValue().replace(Integer.toString(harbour), "999999"))
                .isEqualTo(missing.get("detail").stringValue());
        restore(org, "Harbour", "eve@buyer.test");
    }

    /**
     * An external user, eve@buyer.test, invited into the room Harbour as a Buyer through the Rooms API, its access there
     * revoked as of {@code revocationDate} (its role ending then); returns Harbour's room id.
     */
    private int eveRevokedFromHarbourAsOf(Fixtures.Org org, String revocationDate) {
        String base = "/restapi/v2/accounts/" + org.accountId();
        int harbour = items(node.service().get(base + "/rooms").json()).stream()
                .filter(r -> r.get("name").stringValue().equals("Harbour")).findFirst().orElseThrow()
                .get("roomId").intValue();
        long buyer = fx.role(org, Map.of("name", "Buyer", "permissions", List.of("canViewRoomDetails"), "external",
                true));
        ok(node.service().post(base + "/rooms/" + harbour + "/users", Map.of("email", "eve@buyer.test",
                "firstName", "Eve", "lastName", "E", "roleId", buyer)));
        long eve = memberId(org, "eve@buyer.test");
        ok(node.service().post(base + "/rooms/" + harbour + "/users/" + eve + "/revoke_access",
                Map.of("revocationDate", revocationDate)));
        return harbour;
    }

    /**
     * A {@code room_user} line revoking access as of a later date is a state no Rooms request makes: a revocation
     * scheduled for a later date leaves the user its role until then (an export carries it as its assignment line's
     * {@code expires_at}, its {@code room_user} line without {@code revoked_role}). It is a 400 naming
     * {@code revoked_at} that changes nothing; the same line with that date passed is written as exported. Before, the
     * user was stored revoked at once, as of a date to come.
     */
    @Test
    void aRoomUserLineRevokingAsOfALaterDate_isRefusedNamingRevokedAt() {
        Fixtures.Org org = source("rooms");
        List<JsonNode> lines = Bulk.export(node.service(), org.id());
        JsonNode revoked = lines.stream().filter(l -> l.get("type").stringValue().equals("room_user")
                && l.has("revoked_role")).findFirst().orElseThrow();
        String before = withoutHeader(node.service().get("/v1/orgs/" + org.id() + "/export").body());
        String later = clock.instant().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS).toString();
        String header = Json.writeString(lines.get(0));

        Http.Res res = Bulk.importLines(node.service(), org.id(), "", List.of(header,
                Json.writeString(((ObjectNode) revoked.deepCopy()).put("revoked_at", later))));
        assertThat(res.status()).as("%s", res).isEqualTo(400);
        assertThat(res.get("code").stringValue()).isEqualTo("invalid_input");
        assertThat(res.get("line").longValue()).isEqualTo(2);
        assertThat(res.get("errors").has("revoked_at")).as("%s", res).isTrue();
        assertThat(res.get("detail").stringValue()).startsWith("line 2: revoked_at: ");
        assertThat(withoutHeader(node.service().get("/v1/orgs/" + org.id() + "/export").body())).isEqualTo(before);

        nothingChanged(Bulk.importLines(node.service(), org.id(), "", List.of(header, Json.writeString(revoked))));
    }

    /**
     * An exported id that several exports used stands for an object of each: every foreign export imported again
     * finds the object it created, however many imports used the id since — two foreign regions of one id, imported
     * in turn, stay two regions; and a foreign line of the id of the organization's own region, imported again after
     * the organization's own export, still finds the region it created. Before, an id kept one origin, the last, and
     * each import of the other export created its object once more.
     */
    @Test
    void foreignExportsUsingOneId_eachFindTheObjectTheyCreated() {
        Fixtures.Org org = fx.org("rooms");
        String header = Bulk.line("type", "header", "model", "rooms");
        List<String> f = List.of(header, Bulk.line("type", "region", "id", 999, "name", "From F", "created_at",
                "2020-01-01T00:00:00Z"));
        List<String> g = List.of(header, Bulk.line("type", "region", "id", 999, "name", "From G", "created_at",
                "2021-01-01T00:00:00Z"));
        for (List<String> lines : List.of(f, g, f, g, f)) {
            Http.Res res = Bulk.importLines(node.service(), org.id(), "", lines);
            assertThat(res.status()).as("%s", res).isEqualTo(200);
        }
        assertThat(regionNames(org)).containsExactlyInAnyOrder("From F", "From G");

        int own = created(node.service().post(org.path() + "/regions", Map.of("name", "Own")));
        List<String> foreign = List.of(header, Bulk.line("type", "region", "id", own, "name", "Foreign", "created_at",
                "2020-01-01T00:00:00Z"));
        assertThat(Bulk.importLines(node.service(), org.id(), "", foreign).get("counts").get("region").get("created")
                .longValue()).isEqualTo(1);
        nothingChanged(Bulk.importLines(node.service(), org.id(), "", foreign));
        nothingChanged(Bulk.importBody(node.service(), org.id(), "", node.service().get("/v1/orgs/" + org.id()
                + "/export").body()));
        nothingChanged(Bulk.importLines(node.service(), org.id(), "", foreign));
        assertThat(regionNames(org)).containsExactlyInAnyOrder("From F", "From G", "Own", "Foreign");
    }

    private static String withoutHeader(String export) {
        return export.substring(export.indexOf('\n') + 1);
    }

    private static List<String> regionNames(Fixtures.Org org) {
        return items(node.service().get("/restapi/v2/accounts/" + org.accountId() + "/regions").json()).stream()
                .map(r -> r.get("name").stringValue()).toList();
    }

    private static JsonNode roomUserLine(List<JsonNode> lines, int roomId, String userId) {
        return lines.stream().filter(l -> l.get("type").stringValue().equals("room_user")
                && l.get("room_id").intValue() == roomId && l.get("user_id").stringValue().equals(userId))
                .findFirst().orElseThrow(() -> new AssertionError("no room_user line for " + userId + " in " + lines));
    }

    private static long memberId(Fixtures.Org org, String userId) {
        for (JsonNode m : items(node.service().get(org.path() + "/members").json())) {
            if (m.get("user_id").stringValue().equals(userId)) {
                return m.get("id").longValue();
            }
        }
        throw new AssertionError("no member " + userId);
    }

    /** Restores a user's revoked access to a room through the Rooms dialect. */
    private static void restore(Fixtures.Org org, String room, String userId) {
        String base = "/restapi/v2/accounts/" + org.accountId();
        Long member = null;
        for (JsonNode m : items(node.service().get(org.path() + "/members").json())) {
            if (m.get("user_id").stringValue().equals(userId)) {
                member = m.get("id").longValue();
            }
        }
        int roomId = items(node.service().get(base + "/rooms").json()).stream()
                .filter(r -> r.get("name").stringValue().equals(room)).findFirst().orElseThrow()
                .get("roomId").intValue();
        Http.Res res = node.service().post(base + "/rooms/" + roomId + "/users/" + member + "/restore_access",
                Map.of());
        assertThat(res.status()).as("%s", res).isEqualTo(204);
    }

    /** A chunked import that fails after the rooms committed, resumed: the rest follows the rooms created before. */
    @ParameterizedTest
    @ValueSource(strings = {"rooms", "rooms_v5"})
    void resumedImport_findsTheRoomsItsEarlierChunksCreated(String model) {
        Fixtures.Org source = source(model);
        List<JsonNode> lines = new ArrayList<>(Bulk.export(node.service(), source.id()));
        int firstAssignment = 0;
        while (!lines.get(firstAssignment).get("type").stringValue().equals("assignment")) {
            firstAssignment++;
        }
        JsonNode bad = Json.readTree("{\"type\":\"assignment\",\"resource\":{\"type\":\"room\",\"id\":\"1\"},"
                + "\"user_id\":\"nobody\",\"role\":\"Viewer\"}");
        List<JsonNode> broken = new ArrayList<>(lines);
        broken.add(firstAssignment, bad);
        Fixtures.Org copy = fx.org(model);
        Http.Res failed = Bulk.importBody(node.service(), copy.id(), "chunk_lines=" + firstAssignment,
                body(broken));
        assertThat(failed.status()).as("%s", failed).isEqualTo(400);
        assertThat(failed.get("committed_lines").longValue()).isEqualTo(firstAssignment);

        Http.Res resumed = Bulk.importBody(node.service(), copy.id(), "from_line=" + (firstAssignment + 1),
                body(lines));
        assertThat(resumed.status()).as("%s", resumed).isEqualTo(200);
        assertThat(withoutAdmins(seen(copy), copy)).isEqualTo(withoutAdmins(seen(source), copy));
    }

    /** The tester's repro: a deployment's export imported as a copy creates each rooms organization anew. */
    @ParameterizedTest
    @ValueSource(strings = {"rooms", "rooms_v5"})
    void deploymentCopy_createsRoomsOrganizationsWhole(String model) {
        Fixtures.Org source = source(model);
        String name = source.json().get("name").stringValue();
        List<String> ours = Bulk.deploymentCopyOf(node.service(), name, name + " copy", model);
        Http.Res copied = node.service().raw("POST", "/v1/import?chunk_lines=7", String.join("\n", ours) + "\n",
                "application/x-ndjson");
        assertThat(copied.status()).as("%s", copied).isEqualTo(200);
        long copyId = copied.get("organizations").get(0).get("org_id").longValue();
        Fixtures.Org copy = new Fixtures.Org(copyId, node.service().get("/v1/orgs/" + copyId).get("account_id")
                .stringValue(), 0, null, null, source.json());
        assertThat(seen(copy)).isEqualTo(seen(source));
    }
}
