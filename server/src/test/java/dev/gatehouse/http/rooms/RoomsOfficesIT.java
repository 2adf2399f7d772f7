package dev.gatehouse.http.rooms;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static dev.gatehouse.http.rooms.RoomsAccount.error;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Offices and regions: objects of a {@code rooms} organization, managed through {@code /v1} and the Rooms dialect
 * alike, checked wherever an id names them, and the user verbs that place users in them.
 */
class RoomsOfficesIT {

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

    @Test
    void officesAndRegions_madeThroughV1_areRoomsOffices_andTheOtherWayRound() {
        RoomsAccount a = new RoomsAccount(node, fx);
        Http v1 = a.admin;
        String org = a.org.path();
        Http.Res region = v1.post(org + "/regions", Map.of("name", "South"));
        assertThat(region.status()).as(region.toString()).isEqualTo(201);
        assertThat(region.revision()).isPositive();
        int south = region.get("id").intValue();
        Http.Res office = v1.post(org + "/offices", Map.of("name", "Miami", "region_id", south, "city", "Miami",
                "postal_code", "33101"));
        assertThat(office.status()).as(office.toString()).isEqualTo(201);
        int miami = office.get("id").intValue();
        assertThat(office.get("version").intValue()).isEqualTo(1);
        assertThat(office.json().get("phone").isNull()).isTrue();

        JsonNode rooms = a.admin.get(a.base + "/offices/" + miami).json();
        assertThat(rooms.get("officeId").intValue()).isEqualTo(miami);
        assertThat(rooms.get("regionId").intValue()).isEqualTo(south);
        assertThat(rooms.get("postalCode").stringValue()).isEqualTo("33101");
        assertThat(rooms.has("phone")).isFalse();
        assertThat(a.admin.get(a.base + "/regions/" + south).get("name").stringValue()).isEqualTo("South");
        assertThat(node.service().get(org + "/offices/" + a.office).get("region_id").intValue()).isEqualTo(a.region);

        Http.Res patched = v1.patch(org + "/offices/" + miami, Map.of("phone", "+1 305 555 0100", "city", "Miami Beach"));
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        assertThat(patched.get("version").intValue()).isEqualTo(2);
        assertThat(patched.get("postal_code").stringValue()).as("fields not sent stay").isEqualTo("33101");
        Map<String, Object> clear = new HashMap<>();
        clear.put("region_id", null);
        assertThat(v1.patch(org + "/offices/" + miami, clear).json().get("region_id").isNull()).isTrue();
        assertThat(v1.header("If-Match", "\"1\"").patch(org + "/offices/" + miami, Map.of("city", "X")).status())
                .isEqualTo(412);
        assertThat(v1.patch(org + "/regions/" + south, Map.of("name", "Deep South")).get("name").stringValue())
                .isEqualTo("Deep South");

        assertThat(ids(a.admin.get(a.base + "/offices?search=MIA").json(), "officeSummaries", "officeId"))
                .containsExactly(miami);
        assertThat(ids(v1.get(org + "/offices?q=street").json(), "items", "id")).containsExactly(a.office);
        JsonNode page = v1.get(org + "/offices?limit=1").json();
        assertThat(ids(page, "items", "id")).containsExactly(a.office);
        assertThat(ids(v1.get(org + "/offices?limit=1&cursor=" + page.get("next_cursor").stringValue()).json(), "items",
                "id")).containsExactly(miami);

        JsonNode events = node.service().get(org + "/events?object_type=office,region&order=asc").json().get("items");
        assertThat(events).extracting(e -> e.get("object_type").stringValue() + " " + e.get("action").stringValue())
                .containsExactly("region created", "office created", "region created", "office created",
                        "office updated", "office updated", "region updated");
    }

    @Test
    void managingOffices_needsCanManageAccount_andOutsidersSeeNone() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        int manager = a.role("Manager", false, "canManageAccount");
        Http bob = a.as(a.user("Bob", agent, "Contributor"));
        Http mia = a.as(a.user("Mia", manager, "Company"));
        error(bob.post(a.base + "/offices", Map.of("name", "Mine")), 403, "PERMISSION_REQUIRED", "canManageAccount");
        error(bob.post(a.base + "/regions", Map.of("name", "Mine")), 403, "PERMISSION_REQUIRED", "canManageAccount");
        error(bob.delete(a.base + "/offices/" + a.office), 403, "PERMISSION_REQUIRED");
        assertThat(bob.patch(a.org.path() + "/offices/" + a.office, Map.of("name", "Mine")).status()).isEqualTo(403);
        assertThat(bob.get(a.base + "/offices/" + a.office).status()).isEqualTo(200);
        assertThat(mia.post(a.base + "/offices", Map.of("name", "Hers")).status()).isEqualTo(201);

        int buyer = a.role("Buyer", true, "canViewRoomDetails");
        int room = a.room(a.admin, "R", a.defaultAdminRole());
        Http carl = a.as(a.invite(a.admin, room, "carl@out.test", buyer));
        assertThat(carl.get(a.base + "/offices").get("officeSummaries")).isEmpty();
        error(carl.get(a.base + "/offices/" + a.office), 404, "OFFICE_NOT_FOUND");
        error(carl.get(a.base + "/regions/" + a.region), 404, "REGION_NOT_FOUND");
        assertThat(carl.get(a.org.path() + "/regions").get("items")).isEmpty();

        Fixtures.Org close = fx.org("close");
        Http.Res refused = node.service().post(close.path() + "/offices", Map.of("name", "Nope"));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.get("code").stringValue()).isEqualTo("not_a_rooms_organization");
    }

    @Test
    void officeAndRegionIds_areCheckedWhereverTheyAreGiven() {
        RoomsAccount a = new RoomsAccount(node, fx);
        RoomsAccount other = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        int bob = a.user("Bob", agent, "Contributor");
        for (int missing : List.of(999999, other.office)) {
            error(a.admin.post(a.base + "/users/invite_user", RoomsRulesIT.invitee("x", agent, "Contributor")
                    .with("defaultOfficeId", missing)), 400, "INVALID_INPUT", "defaultOfficeId", "no office " + missing);
            error(a.admin.post(a.base + "/users/invite_user", RoomsRulesIT.invitee("x", agent, "Office")
                    .with("offices", List.of(a.office, missing))), 400, "INVALID_INPUT", "offices", String.valueOf(missing));
            error(a.admin.post(a.base + "/rooms", Map.of("name", "R", "roleId", a.defaultAdminRole(), "officeId",
                    missing)), 400, "INVALID_INPUT", "officeId");
            error(a.admin.put(a.base + "/users/" + bob, Map.of("defaultOfficeId", missing)), 400, "INVALID_INPUT",
                    "defaultOfficeId");
            error(a.admin.post(a.base + "/users/" + bob + "/add_to_office", Map.of("officeId", missing)), 400,
                    "INVALID_INPUT", "officeId");
            error(a.admin.post(a.base + "/offices", Map.of("name", "O", "regionId", missing)), 400, "INVALID_INPUT",
                    "regionId");
        }
        error(a.admin.post(a.base + "/users/invite_user", RoomsRulesIT.invitee("x", agent, "Office")
                .with("offices", List.of(999998, 999999))), 400, "INVALID_INPUT", "no offices [999998, 999999] exist here");
        error(a.admin.post(a.base + "/users/invite_user", RoomsRulesIT.invitee("x", agent, "Office")
                .with("offices", List.of(a.office, a.office))), 400, "INVALID_INPUT", "offices", "twice");
        error(a.admin.post(a.base + "/users/invite_user", RoomsRulesIT.invitee("x", agent, "Region")
                .with("regions", List.of(a.region, a.region))), 400, "INVALID_INPUT", "regions", "twice");
        for (int missing : List.of(999999, other.region)) {
            error(a.admin.post(a.base + "/users/invite_user", RoomsRulesIT.invitee("x", agent, "Region")
                    .with("regions", List.of(missing))), 400, "INVALID_INPUT", "regions", "no region " + missing);
            error(a.admin.post(a.base + "/users/" + bob + "/add_to_region", Map.of("regionId", missing)), 400,
                    "INVALID_INPUT", "regionId");
        }
        error(a.admin.get(a.base + "/offices/" + other.office), 404, "OFFICE_NOT_FOUND");
        error(a.admin.delete(a.base + "/regions/" + other.region), 404, "REGION_NOT_FOUND");
        assertThat(a.admin.get(a.base + "/users").get("totalRowCount").intValue()).as("nobody was invited").isEqualTo(2);
    }

    /**
     * Every office and region id a body carries is an id, refused out of range with the one range message whatever
     * the call: a room's {@code officeId}, a user's {@code defaultOfficeId} (invitation and update), an invitee's
     * {@code offices} and {@code regions}, as {@code add_to_office}'s {@code officeId} and an office's
     * {@code regionId} always were. Before, 0 and -1 answered "no office 0 exists here; create offices first", and
     * 2147483648 "must be between -2147483648 and 2147483647".
     */
    @Test
    void officeAndRegionIdsInBodies_outOfRange_areRefusedAsIds_everywhere() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        int bob = a.user("Bob", agent, "Contributor");
        long before = node.appliedRevision();
        String range = "must be between 1 and 2147483647, got ";
        for (long bad : List.of(0L, -1L, 2147483648L)) {
            error(a.admin.put(a.base + "/users/" + bob, Map.of("defaultOfficeId", bad)), 400, "INVALID_INPUT",
                    "defaultOfficeId: " + range + bad);
            error(a.admin.post(a.base + "/rooms", Map.of("name", "o", "roleId", a.defaultAdminRole(), "officeId",
                    bad)), 400, "INVALID_INPUT", "officeId: " + range + bad);
            error(a.admin.post(a.base + "/users/invite_user", RoomsRulesIT.invitee("x", agent, "Contributor")
                    .with("defaultOfficeId", bad)), 400, "INVALID_INPUT", "defaultOfficeId: " + range + bad);
            error(a.admin.post(a.base + "/users/invite_user", RoomsRulesIT.invitee("x", agent, "Office")
                    .with("offices", List.of(a.office, bad))), 400, "INVALID_INPUT", "offices: " + range + bad);
            error(a.admin.post(a.base + "/users/invite_user", RoomsRulesIT.invitee("x", agent, "Region")
                    .with("regions", List.of(bad))), 400, "INVALID_INPUT", "regions: " + range + bad);
            error(a.admin.post(a.base + "/users/" + bob + "/add_to_office", Map.of("officeId", bad)), 400,
                    "INVALID_INPUT", "officeId: " + range + bad);
            error(a.admin.post(a.base + "/users/" + bob + "/add_to_region", Map.of("regionId", bad)), 400,
                    "INVALID_INPUT", "regionId: " + range + bad);
            error(a.admin.post(a.base + "/offices", Map.of("name", "O", "regionId", bad)), 400, "INVALID_INPUT",
                    "regionId: " + range + bad);
        }
        error(a.admin.post(a.base + "/users/invite_user", RoomsRulesIT.invitee("x", agent, "Office")
                .with("offices", List.of(-5))), 400, "INVALID_INPUT", "offices: " + range + "-5");
        assertThat(node.appliedRevision()).as("nothing written").isEqualTo(before);
    }

    @Test
    void officesAndRegionsInUse_cannotBeDeleted() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        int bob = a.user("Bob", agent, "Contributor");
        inUse(a.admin.delete(a.base + "/offices/" + a.office), "OFFICE_IN_USE", "office " + a.office
                + " is the default office or among the offices of 1 user; give that user another default office and "
                + "take the office from its offices first");
        inUse(a.admin.delete(a.base + "/regions/" + a.region), "REGION_IN_USE", "region " + a.region
                + " still holds 1 office and is among the regions of 1 user; move the office to another region and "
                + "remove the region from that user first");
        int annex = a.admin.post(a.base + "/offices", Map.of("name", "Annex")).get("officeId").intValue();
        for (int i = 0; i < 2; i++) {
            a.admin.post(a.base + "/rooms", Map.of("name", "R" + i, "roleId", a.defaultAdminRole(), "officeId", annex));
        }
        inUse(a.admin.delete(a.base + "/offices/" + annex), "OFFICE_IN_USE", "office " + annex
                + " still holds 2 rooms; delete the rooms first");

        a.admin.post(a.base + "/users/" + bob + "/remove_from_office", Map.of("officeId", a.office));
        a.admin.post(a.base + "/users/" + bob + "/remove_from_region", Map.of("regionId", a.region));
        Http.Res moved = a.admin.delete(a.base + "/offices/" + a.office);
        assertThat(moved.status()).as(moved.toString()).isEqualTo(204);
        assertThat(a.admin.delete(a.base + "/regions/" + a.region).status()).isEqualTo(204);
        error(a.admin.get(a.base + "/offices/" + a.office), 404, "OFFICE_NOT_FOUND");
    }

    /** A 409 whose message counts, in the right number, only what blocks the deletion. */
    private static void inUse(Http.Res res, String errorCode, String message) {
        error(res, 409, errorCode);
        assertThat(res.get("message").stringValue()).isEqualTo(message);
    }

    @Test
    void userVerbs_placeUsersInOfficesAndRegions_underTheManageGate() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        int manager = a.role("Manager", false, "canManageMemberLowerAccessLevel", "canCreateRooms");
        int annex = a.admin.post(a.base + "/offices", Map.of("name", "Annex")).get("officeId").intValue();
        int bob = a.user("Bob", agent, "Contributor");
        String user = a.base + "/users/" + bob;

        Http.Res added = a.admin.post(user + "/add_to_office", Map.of("officeId", annex));
        assertThat(added.status()).isEqualTo(204);
        assertThat(added.header("Gatehouse-Revision")).isNotNull();
        assertThat(a.admin.post(user + "/add_to_office", Map.of("officeId", annex)).status()).isEqualTo(204);
        assertThat(ints(a.admin.get(user).get("offices"))).containsExactly(a.office, annex);
        assertThat(a.admin.post(user + "/remove_from_office", Map.of("officeId", a.office)).status()).isEqualTo(204);
        assertThat(a.admin.post(user + "/remove_from_office", Map.of("officeId", a.office)).status()).isEqualTo(204);
        assertThat(ints(a.admin.get(user).get("offices"))).containsExactly(annex);
        assertThat(a.admin.post(user + "/remove_from_region", Map.of("regionId", a.region)).status()).isEqualTo(204);
        assertThat(a.admin.get(user).get("regions")).isEmpty();
        error(a.admin.post(user + "/add_to_office", Map.of()), 400, "INVALID_INPUT", "officeId");
        error(a.admin.post(user + "/add_to_region", Map.of("regionId", "x")), 400, "INVALID_INPUT", "regionId");

        Http bea = a.as(a.user("Bea", agent, "Office"));
        error(bea.post(user + "/add_to_office", Map.of("officeId", a.office)), 403, "PERMISSION_REQUIRED",
                "canManageMemberLowerAccessLevel");
        Http max = a.as(a.user("Max", manager, "Office"));
        assertThat(max.post(user + "/add_to_region", Map.of("regionId", a.region)).status()).isEqualTo(204);

        JsonNode changes = node.service().get(a.org.path() + "/events?object_type=rooms_profile&object_id=" + bob)
                .json().get("items");
        assertThat(changes).extracting(e -> String.join(",", e.get("changed_fields").valueStream()
                .map(JsonNode::stringValue).toList())).startsWith("regions", "regions", "offices", "offices");
    }

    /**
     * An Office-level user works in at least one office and a Region-level one in at least one region, as
     * {@code invite_user} requires: removing the last one is a 400 naming the rule, and changes nothing; with another
     * one added first, it goes. The list a level does not need may be emptied.
     */
    @Test
    void theLastOfficeOfAnOfficeLevelUser_andTheLastRegionOfARegionLevelUser_cannotBeRemoved() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        int annex = a.admin.post(a.base + "/offices", Map.of("name", "Annex")).get("officeId").intValue();
        int south = a.admin.post(a.base + "/regions", Map.of("name", "South")).get("regionId").intValue();
        int bo = a.user("Bo", agent, "Office");
        int rex = a.user("Rex", agent, "Region");
        String boPath = a.base + "/users/" + bo;
        String rexPath = a.base + "/users/" + rex;
        long revision = node.appliedRevision();

        error(a.admin.post(boPath + "/remove_from_office", Map.of("officeId", a.office)), 400, "INVALID_INPUT",
                "offices: user " + bo + " is at accessLevel Office, which needs at least one office (as invite_user "
                        + "requires), and removing office " + a.office + " would leave it none: add it to another "
                        + "office first");
        error(a.admin.post(rexPath + "/remove_from_region", Map.of("regionId", a.region)), 400, "INVALID_INPUT",
                "regions: user " + rex + " is at accessLevel Region, which needs at least one region (as invite_user "
                        + "requires), and removing region " + a.region + " would leave it none: add it to another "
                        + "region first");
        assertThat(node.appliedRevision()).as("nothing changed").isEqualTo(revision);
        JsonNode refused = a.admin.get(boPath).json();
        assertThat(refused.get("accessLevel").stringValue()).isEqualTo("Office");
        assertThat(ints(refused.get("offices"))).containsExactly(a.office);
        assertThat(ints(a.admin.get(rexPath).get("regions"))).containsExactly(a.region);

        assertThat(a.admin.post(boPath + "/remove_from_region", Map.of("regionId", a.region)).status())
                .as("an Office-level user needs no region").isEqualTo(204);
        assertThat(a.admin.post(rexPath + "/remove_from_office", Map.of("officeId", a.office)).status())
                .as("a Region-level user needs no office").isEqualTo(204);
        assertThat(a.admin.post(boPath + "/add_to_office", Map.of("officeId", annex)).status()).isEqualTo(204);
        assertThat(a.admin.post(boPath + "/remove_from_office", Map.of("officeId", a.office)).status()).isEqualTo(204);
        assertThat(ints(a.admin.get(boPath).get("offices"))).containsExactly(annex);
        assertThat(a.admin.post(rexPath + "/add_to_region", Map.of("regionId", south)).status()).isEqualTo(204);
        assertThat(a.admin.post(rexPath + "/remove_from_region", Map.of("regionId", a.region)).status())
                .isEqualTo(204);
        assertThat(ints(a.admin.get(rexPath).get("regions"))).containsExactly(south);
    }

    @Test
    void reinvite_recordsTheInvitation_andAnswers204() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        int bob = a.invited("Bob", agent, "Contributor");
        String path = a.org.path() + "/events?object_type=rooms_profile&object_id=" + bob;
        JsonNode invited = node.service().get(path).json().get("items").get(0);
        Http.Res res = a.admin.post(a.base + "/users/" + bob + "/reinvite", Map.of());
        assertThat(res.status()).isEqualTo(204);
        assertThat(res.body()).isEmpty();
        JsonNode again = node.service().get(path).json().get("items").get(0);
        assertThat(again.get("revision").longValue()).isEqualTo(res.revision());
        assertThat(again.get("changed_fields")).extracting(JsonNode::stringValue).containsExactly("invited_at");
        assertThat(again.at("/before/invited_at").stringValue()).isEqualTo(invited.at("/after/invited_at").stringValue());

        Http carl = a.as(a.user("Carl", agent, "Contributor"));
        error(carl.post(a.base + "/users/" + bob + "/reinvite", Map.of()), 403, "PERMISSION_REQUIRED",
                "canAddMemberAndSetRole");
        error(a.admin.post(a.base + "/users/999999/reinvite", Map.of()), 404, "USER_NOT_FOUND");
        error(a.admin.post(a.base + "/users/" + a.org.adminId() + "/reinvite", Map.of()), 409, "USER_NOT_PENDING");
    }

    @Test
    void onlyAccessible_listsTheOfficesAUserWorksIn() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        int south = a.admin.post(a.base + "/regions", Map.of("name", "South")).get("regionId").intValue();
        int miami = a.admin.post(a.base + "/offices", Map.of("name", "Miami", "regionId", south)).get("officeId").intValue();
        int tampa = a.admin.post(a.base + "/offices", Map.of("name", "Tampa", "regionId", south)).get("officeId").intValue();
        int lone = a.admin.post(a.base + "/offices", Map.of("name", "Lone")).get("officeId").intValue();
        Http bob = a.as(a.user("Bob", agent, "Contributor"));
        assertThat(ids(bob.get(a.base + "/offices?onlyAccessible=true").json(), "officeSummaries", "officeId"))
                .containsExactly(a.office);
        assertThat(ids(bob.get(a.base + "/offices").json(), "officeSummaries", "officeId"))
                .containsExactly(a.office, miami, tampa, lone);
        int reg = a.admin.post(a.base + "/users/invite_user", RoomsRulesIT.invitee("reg", agent, "Region")
                .with("regions", List.of(south))).get("userId").intValue();
        assertThat(node.service().post(a.org.path() + "/members/" + reg + "/accept", Map.of()).status()).isEqualTo(200);
        assertThat(ids(a.as(reg).get(a.base + "/offices?onlyAccessible=true").json(), "officeSummaries", "officeId"))
                .containsExactly(miami, tampa);
        assertThat(ids(a.admin.get(a.base + "/offices?onlyAccessible=true").json(), "officeSummaries", "officeId"))
                .as("the admin works everywhere").containsExactly(a.office, miami, tampa, lone);
        error(a.admin.get(a.base + "/offices?onlyAccessible=maybe"), 400, "INVALID_REQUEST_PARAMETER", "onlyAccessible");

        // made the default admin through /v1, it is at Admin as its User shows, whatever level its profile kept
        Http.Res promoted = node.service().patch(a.org.path() + "/members/" + reg, Map.of("role_id",
                a.defaultAdminRole()));
        assertThat(promoted.status()).as(promoted.toString()).isEqualTo(200);
        assertThat(a.admin.get(a.base + "/users/" + reg).get("accessLevel").stringValue()).isEqualTo("Admin");
        assertThat(ids(a.as(reg).get(a.base + "/offices?onlyAccessible=true").json(), "officeSummaries", "officeId"))
                .containsExactly(a.office, miami, tampa, lone);
    }

    /**
     * In a v6 company regions are data that {@code canManageAccount} manages: {@code managedOnly=true} lists every
     * region to a caller whose company role holds it (and to a service key), none to any other — a Region-level user
     * included — and pages through what it lists. Before, the flag was ignored and every region listed to everyone.
     */
    @Test
    void managedOnly_listsEveryRegionToWhoManagesTheAccount_andNoneToOthers() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        int settings = a.role("Settings", false, "canManageAccount");
        int south = a.admin.post(a.base + "/regions", Map.of("name", "South")).get("regionId").intValue();
        int west = a.admin.post(a.base + "/regions", Map.of("name", "West")).get("regionId").intValue();
        Http bob = a.as(a.user("Bob", agent, "Contributor"));
        Http rex = a.as(a.user("Rex", agent, "Region"));
        Http mia = a.as(a.user("Mia", settings, "Office"));
        String managed = a.base + "/regions?managedOnly=true";

        for (Http none : List.of(bob, rex)) {
            JsonNode page = none.get(managed).json();
            assertThat(ids(page, "regionSummaries", "regionId")).isEmpty();
            assertThat(page.get("totalRowCount").intValue()).isZero();
            assertThat(page.has("nextUri")).isFalse();
            assertThat(ids(none.get(a.base + "/regions").json(), "regionSummaries", "regionId"))
                    .as("without the flag, every region").containsExactly(a.region, south, west);
        }
        for (Http manager : List.of(mia, a.admin, node.service())) {
            assertThat(ids(manager.get(managed).json(), "regionSummaries", "regionId"))
                    .containsExactly(a.region, south, west);
        }
        JsonNode first = mia.get(managed + "&count=2").json();
        assertThat(ids(first, "regionSummaries", "regionId")).containsExactly(a.region, south);
        assertThat(first.get("resultSetSize").intValue()).isEqualTo(2);
        assertThat(first.get("totalRowCount").intValue()).isEqualTo(3);
        String next = first.get("nextUri").stringValue();
        assertThat(next).contains("managedOnly=true", "startPosition=2", "count=2");
        JsonNode second = mia.get("/restapi" + next).json();
        assertThat(ids(second, "regionSummaries", "regionId")).containsExactly(west);
        assertThat(second.get("startPosition").intValue()).isEqualTo(2);
        assertThat(second.has("nextUri")).isFalse();
        assertThat(bob.get(managed.replace("true", "false")).get("totalRowCount").intValue()).isEqualTo(3);
        for (String bad : List.of("bogus", "1", "yes")) {
            error(a.admin.get(a.base + "/regions?managedOnly=" + bad), 400, "INVALID_REQUEST_PARAMETER",
                    "managedOnly must be true or false");
        }
    }

    /**
     * A blank optional string of an office — empty, ASCII spaces, a no-break space — is a 400 naming each such field,
     * and creates nothing, as every blank optional string of the dialect is. Before, the office was created holding
     * the blanks.
     */
    @Test
    void anOfficesBlankAddress_isRefusedNamingEachField_andCreatesNothing() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int offices = a.admin.get(a.base + "/offices").get("totalRowCount").intValue();
        long before = node.appliedRevision();
        Map<String, Object> body = new HashMap<>(Map.of("name", "B", "city", "   ", "phone", " ", "address1", "",
                "postalCode", "\u00a0", "stateId", "\u3000\t"));
        Http.Res refused = a.admin.post(a.base + "/offices", body);
        error(refused, 400, "INVALID_INPUT", "city: must not be blank", "phone: must not be blank",
                "address1: must not be blank", "postalCode: must not be blank", "stateId: must not be blank");
        assertThat(node.appliedRevision()).as("nothing written").isEqualTo(before);
        assertThat(a.admin.get(a.base + "/offices").get("totalRowCount").intValue()).isEqualTo(offices);

        body.put("city", null);
        body.keySet().removeAll(List.of("phone", "address1", "postalCode", "stateId"));
        body.put("countryId", "US");
        Http.Res created = a.admin.post(a.base + "/offices", body);
        assertThat(created.status()).as("null and absent are none; a value is kept").isEqualTo(201);
        assertThat(created.json().has("city")).isFalse();
        assertThat(created.get("countryId").stringValue()).isEqualTo("US");
    }

    /**
     * An optional string of an office made of invisible characters alone — a zero-width space, a byte order mark, a
     * word joiner, a soft hyphen, a Hangul filler, the braille pattern without dots, the Mongolian vowel separator — is
     * blank as a name of them is, a 400 naming each such field that creates nothing. Before, the office was created
     * holding them, its city showing nothing.
     */
    @Test
    void anOfficesAddressOfInvisibleCharactersAlone_isBlank_andCreatesNothing() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int offices = a.admin.get(a.base + "/offices").get("totalRowCount").intValue();
        long before = node.appliedRevision();
        Map<String, Object> body = new HashMap<>(Map.of("name", "Invisible", "city", "\u200b", "address1", "\ufeff",
                "address2", "\u2060\u200b", "phone", "\u00ad", "stateId", "\u3164", "postalCode", "\u2800",
                "countryId", "\u180e"));
        error(a.admin.post(a.base + "/offices", body), 400, "INVALID_INPUT", "city: must not be blank",
                "address1: must not be blank", "address2: must not be blank", "phone: must not be blank",
                "stateId: must not be blank", "postalCode: must not be blank", "countryId: must not be blank");
        assertThat(node.appliedRevision()).as("nothing written").isEqualTo(before);
        assertThat(a.admin.get(a.base + "/offices").get("totalRowCount").intValue()).isEqualTo(offices);
    }

    /**
     * An empty {@code managedOnly=} or {@code onlyAccessible=} is as if left out, as every empty query parameter of the
     * dialect is ({@code count=} is the default page size): the flag is false. A value of spaces is a value, and not
     * true or false: a 400 naming the flag.
     */
    @Test
    void anEmptyFlag_isLeftOut_andOneOfSpacesIsRefused() {
        RoomsAccount a = new RoomsAccount(node, fx);
        int agent = a.role("Agent", false, "canCreateRooms");
        Http bob = a.as(a.user("Bob", agent, "Contributor"));
        a.admin.post(a.base + "/regions", Map.of("name", "North"));
        assertThat(ids(bob.get(a.base + "/regions?managedOnly=").json(), "regionSummaries", "regionId"))
                .as("managedOnly= lists as without it").isEqualTo(ids(bob.get(a.base + "/regions").json(),
                        "regionSummaries", "regionId")).isNotEmpty();
        assertThat(ids(bob.get(a.base + "/offices?onlyAccessible=&count=").json(), "officeSummaries", "officeId"))
                .as("onlyAccessible= lists as without it").isEqualTo(ids(bob.get(a.base + "/offices").json(),
                        "officeSummaries", "officeId"));
        error(bob.get(a.base + "/regions?managedOnly=%20"), 400, "INVALID_REQUEST_PARAMETER",
                "managedOnly must be true or false");
        error(bob.get(a.base + "/offices?onlyAccessible=%C2%A0"), 400, "INVALID_REQUEST_PARAMETER",
                "onlyAccessible must be true or false");
        error(bob.get(a.base + "/offices?count=%20"), 400, "INVALID_REQUEST_PARAMETER", "count");
    }

    @Test
    void eSignPermissionProfiles_listTheStandardProfiles() {
        RoomsAccount a = new RoomsAccount(node, fx);
        JsonNode profiles = a.admin.get(a.base + "/esign_permission_profiles").json().get("permissionProfiles");
        assertThat(profiles).extracting(p -> p.get("name").stringValue())
                .containsExactly("Account Administrator", "DocuSign Sender", "DocuSign Viewer");
        assertThat(profiles).allSatisfy(p -> assertThat(p.get("eSignPermissionProfileId").stringValue()).isNotBlank());
    }

    static List<Integer> ids(JsonNode page, String field, String id) {
        return page.get(field).valueStream().map(n -> n.get(id).intValue()).toList();
    }

    static List<Integer> ints(JsonNode array) {
        return array.valueStream().map(JsonNode::intValue).toList();
    }
}
