package dev.gatehouse.console;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's screens for access beyond the company role and for where it reaches, in a real browser against the
 * real server: a time-bound role on a resource (its end shown, and kept when the role is changed), a member's keys
 * (created and shown once, revoked after confirming), per-member grants, a resource's place in the hierarchy, a
 * Rooms organization's offices and regions, and the history and webhooks offering every object type recorded.
 */
class ConsoleAccessBrowserIT extends SignedOutEachTest {

    @SuppressWarnings("unchecked")
    static List<String> strings(String script) {
        return (List<String>) browser.script(script);
    }

    /** How the browser writes an instant, as the console shows it. */
    static String shown(String instant) {
        return (String) browser.script("return new Date(arguments[0]).toLocaleString()", instant);
    }

    @Test
    void aTimeBoundRoleOnAResource_showsItsEnd_andChangingTheRoleKeepsTheEnd() {
        Fixtures.Org org = fixtures.org("rooms");
        long agent = fixtures.role(org, "Agent", List.of("canViewRoomDetails"));
        long tess = fixtures.member(org, "u-tess", agent);
        String room = fixtures.room(org);
        String assignment = org.path() + "/resources/room/" + room + "/assignments/" + tess;
        // an end to the second and beyond, which the form's control shows to the minute only
        String end = "2031-05-01T12:00:45.5Z";
        Http.Res given = node.service().put(assignment, Map.of("role_id", agent, "expires_at", end));
        assertThat(given.status()).as(given.toString()).isIn(200, 201);
        signIn(org.adminKey());

        browser.open("/console/#/resources?type=room&id=" + room);
        WebElement row = browser.waitFor(By.xpath("//tr[td[normalize-space()='u-tess']]"));
        assertThat(row.getText()).contains(shown(end));

        browser.click(browser.waitFor(By.cssSelector("button[aria-label='Change the role of u-tess here']")));
        assertThat(browser.control("Ends (optional)").getDomProperty("value")).isNotEmpty();
        browser.choose("Role", "Default Admin");
        browser.press("Assign role");
        browser.waitForText(By.cssSelector(".notice-ok"), "Role Default Admin given to");
        Http.Res now = node.service().get(assignment);
        assertThat(now.get("role_id").longValue()).isEqualTo(fixtures.roleId(org, "Default Admin"));
        assertThat(Instant.parse(now.get("expires_at").stringValue())).as("the end the role had, exactly")
                .isEqualTo(Instant.parse(end));

        browser.open("/console/#/members/" + tess);
        browser.heading("u-tess");
        assertThat(browser.waitFor(By.cssSelector("section[aria-label='Roles on resources']")).getText())
                .contains(shown(end));
    }

    /**
     * The member field of a resource's assignments reads a bare number as a user id, as its label says: the save
     * names the member as its preview does, and never gives the role to the member whose Gatehouse id it is.
     */
    @Test
    void aBareNumberTypedAsTheMember_isAUserId_inTheSaveAsInItsPreview() {
        Fixtures.Org org = fixtures.org("rooms");
        long agent = fixtures.role(org, "Agent", List.of("canViewRoomDetails"));
        long carl = fixtures.member(org, "u-carl", agent);
        String room = fixtures.room(org);
        String carlsRoles = org.path() + "/members/id:" + carl + "/assignments";
        signIn(org.adminKey());
        browser.open("/console/#/resources?type=room&id=" + room);
        browser.heading("Resources");

        browser.type("Member (user id, or id:<member id>)", String.valueOf(carl));
        browser.choose("Role", "Agent");
        browser.press("Preview change");
        // refused as the save is: at the member field
        assertThat(browser.fieldError("Member (user id, or id:<member id>)")).contains("user_id");
        browser.press("Assign role");
        browser.waitFor(By.cssSelector(".form-problem, .notice-ok"));
        assertThat(node.service().get(carlsRoles).get("items")).as("nothing given to member " + carl).isEmpty();
        assertThat(browser.fieldError("Member (user id, or id:<member id>)")).contains("user_id");

        browser.type("Member (user id, or id:<member id>)", "id:" + carl);
        browser.press("Assign role");
        browser.waitForText(By.cssSelector(".notice-ok"), "Role Agent given to id:" + carl + ".");
        assertThat(node.service().get(carlsRoles).get("items")).hasSize(1);
    }

    /**
     * A secret shown once — a member's new key, a webhook's rotated secret — stays on the page while another
     * question is asked there and taken back (Revoke… or Delete…, then Keep it): it is gone only when the page is left.
     */
    @Test
    void aSecretShownOnce_staysWhileAnotherQuestionIsAskedAndTakenBack() {
        Fixtures.Org org = fixtures.org("rooms");
        signIn(org.adminKey());
        browser.open("/console/#/members/id:" + org.adminId());
        browser.heading(org.json().at("/admin_member/user_id").stringValue());
        browser.type("New key name", "laptop");
        browser.press("Create key");
        String key = browser.waitFor(By.cssSelector("section[aria-label='API keys'] .secret-value")).getText();
        String adminKeyId = org.adminKey().split("_")[1];
        browser.click(browser.waitFor(By.cssSelector("button[aria-label='Revoke key " + adminKeyId + "']")));
        browser.press("Keep it");
        assertThat(browser.waitFor(By.cssSelector("section[aria-label='API keys'] .secret-value")).getText())
                .isEqualTo(key);

        Http.Res hook = node.service().post(org.path() + "/webhooks", Map.of("url", "https://receiver.invalid/hook",
                "status", "paused"));
        assertThat(hook.status()).as(hook.toString()).isEqualTo(201);
        browser.open("/console/#/webhooks/" + hook.get("id").longValue());
        browser.heading("https://receiver.invalid/hook");
        browser.press("Rotate secret");
        String secret = browser.waitFor(By.cssSelector(".secret-value")).getText();
        browser.press("Delete…");
        browser.press("Keep it");
        assertThat(browser.waitFor(By.cssSelector(".secret-value")).getText()).isEqualTo(secret);
    }

    @Test
    void aMembersOwnKey_isCreatedAndShownOnce_andRevokedAfterConfirming() {
        Fixtures.Org org = fixtures.org("rooms");
        signIn(org.adminKey());
        browser.open("/console/#/members/" + org.adminId());
        browser.heading(org.json().get("admin_member").get("user_id").stringValue());
        browser.type("New key name", "laptop");
        browser.press("Create key");
        String secret = browser.waitFor(By.cssSelector("section[aria-label='API keys'] .secret-value")).getText();
        assertThat(node.as(secret).get(org.path()).status()).isEqualTo(200);
        WebElement keys = browser.waitFor(By.cssSelector("section[aria-label='API keys']"));
        assertThat(keys.getText()).contains("laptop");

        browser.reload();
        browser.heading(org.json().get("admin_member").get("user_id").stringValue());
        keys = browser.waitFor(By.cssSelector("section[aria-label='API keys']"));
        assertThat(keys.getText()).as("the key is shown only once").contains("laptop").doesNotContain(secret);

        String id = secret.split("_")[1];
        browser.click(browser.waitFor(By.cssSelector("button[aria-label='Revoke key " + id + "']")));
        assertThat(node.as(secret).get(org.path()).status()).as("nothing revoked before confirming").isEqualTo(200);
        browser.press("Yes, revoke");
        browser.waitForText(By.cssSelector(".notice-ok"), "Key " + id + " revoked.");
        assertThat(node.as(secret).get(org.path()).status()).isEqualTo(401);
    }

    @Test
    void anotherMembersKey_isRefusedInWords() {
        Fixtures.Org org = fixtures.org("rooms");
        long agent = fixtures.role(org, "Agent", List.of("canViewRoomDetails"));
        long ann = fixtures.member(org, "u-ann", agent);
        signIn(org.adminKey());
        browser.open("/console/#/members/" + ann);
        browser.heading("u-ann");
        browser.press("Create key");
        assertThat(browser.formProblem()).contains("Your key is not allowed to do this.");
        assertThat(node.service().get(org.path() + "/members/" + ann + "/keys").get("items")).isEmpty();
    }

    @Test
    void grants_areSavedWhole_onTheMembersPage() {
        Fixtures.Org org = fixtures.org("rooms_v5");
        long mia = fixtures.member(org, "u-mia", fixtures.roleId(org, "Manager"));
        signIn(org.adminKey());
        browser.open("/console/#/members/" + mia);
        browser.heading("u-mia");
        browser.click(browser.waitFor(By.cssSelector("input[data-grant='isOfficeManager']")));
        browser.press("Save grants");
        browser.waitForText(By.cssSelector(".notice-ok"), "Grants saved.");
        String grants = org.path() + "/members/" + mia + "/grants";
        assertThat(node.service().get(grants).get("permissions").toString()).isEqualTo("[\"isOfficeManager\"]");
        assertThat(browser.waitFor(By.cssSelector("input[data-grant='isOfficeManager']")).isSelected()).isTrue();

        browser.click(browser.waitFor(By.cssSelector("input[data-grant='isOfficeManager']")));
        browser.press("Save grants");
        browser.waitUntil(d -> node.service().get(grants).get("permissions").isEmpty());
    }

    /**
     * A member moved off a grant-taking company role keeps its grants, counting for nothing; the API then refuses
     * every set but the empty one (409 grants_not_taken), so the form offers no grant to add and removes the kept
     * ones only all together.
     */
    @Test
    void grants_ofAMemberWhoseRoleTakesNone_cannotBeAdded_andKeptOnesAreRemovedAllTogether() {
        Fixtures.Org org = fixtures.org("rooms_v5");
        long amy = fixtures.member(org, "u-amy", fixtures.roleId(org, "Manager"));
        String grants = org.path() + "/members/" + amy + "/grants";
        Http.Res granted = node.service().put(grants, Map.of("permissions", List.of("isRegionManager",
                "isOfficeManager")));
        assertThat(granted.status()).as(granted.toString()).isEqualTo(200);
        Http.Res moved = node.service().patch(org.path() + "/members/" + amy,
                Map.of("role_id", fixtures.roleId(org, "Agent")));
        assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
        signIn(org.adminKey());
        browser.open("/console/#/members/id:" + amy);
        browser.heading("u-amy");
        assertThat(browser.waitFor(By.cssSelector("section[aria-label='Grants']")).getText())
                .contains("Grants cannot be added while the company role is Agent",
                        "they count only while the company role is Manager")
                .doesNotContain("for this member they do not count now");
        assertThat(grant("canManageCompanyRooms").isEnabled()).as("a grant not held cannot be ticked").isFalse();
        assertThat(grant("isOfficeManager").isEnabled()).as("a kept grant can be unticked").isTrue();

        browser.click(grant("isOfficeManager"));
        browser.press("Save grants");
        browser.waitForText(By.cssSelector("[data-field='permissions'] .field-error"), "Untick every grant");
        assertThat(node.service().get(grants).get("permissions").toString())
                .isEqualTo("[\"isRegionManager\",\"isOfficeManager\"]");

        browser.click(grant("isRegionManager"));
        browser.press("Save grants");
        browser.waitForText(By.cssSelector(".notice-ok"), "Grants saved.");
        assertThat(node.service().get(grants).get("permissions")).isEmpty();
        assertThat(grant("isOfficeManager").isEnabled()).isFalse();
        assertThat(browser.waitFor(By.xpath("//button[normalize-space()='Save grants']")).isEnabled())
                .as("nothing held, nothing to grant: nothing to save").isFalse();
    }

    /** The grants form's switch for a permission. */
    static WebElement grant(String permission) {
        return browser.waitFor(By.cssSelector("input[data-grant='" + permission + "']"));
    }

    @Test
    void historyAndWebhooks_offerEveryObjectTypeTheOrganizationRecords() {
        Fixtures.Org org = fixtures.org("rooms_v5");
        long mia = fixtures.member(org, "u-mia", fixtures.roleId(org, "Manager"));
        Http.Res granted = node.service().put(org.path() + "/members/" + mia + "/grants",
                Map.of("permissions", List.of("isOfficeManager")));
        assertThat(granted.status()).as(granted.toString()).isEqualTo(200);
        signIn(org.adminKey());

        browser.open("/console/#/history");
        browser.heading("History");
        browser.choose("Object type", "member_grants");
        browser.press("Filter");
        browser.waitUntil(d -> browser.url().contains("object_type=member_grants")
                && d.findElements(By.cssSelector("tbody tr")).size() == 1);
        assertThat(browser.driver().findElement(By.cssSelector("tbody tr")).getText())
                .contains("member_grants " + mia, "created");
        assertThat(strings("return [...document.querySelectorAll('select[name=object_type] option')]"
                + ".map(o => o.value)")).contains("office", "region", "resource", "bulk_import");

        browser.open("/console/#/webhooks");
        browser.heading("Webhooks");
        assertThat(strings("return [...document.querySelectorAll('[data-type]')].map(b => b.dataset.type)"))
                .contains("member_grants", "office", "region", "resource");
    }

    @Test
    void aResourcesPlaceInTheHierarchy_isShown_aMoveTheRecordsForbidIsRefused_andTheExplorerNamesTheRoleAbove() {
        Fixtures.Org org = fixtures.org("rooms_v5");
        Placed placed = Placed.in(org);
        long region = placed.region();
        long office = placed.office();
        String roomId = placed.roomId();
        signIn(org.adminKey());

        browser.open("/console/#/resources?type=room&id=" + roomId);
        WebElement place = browser.waitFor(By.cssSelector("section[aria-label='Place in the hierarchy']"));
        assertThat(place.getText()).contains("room " + roomId + " lies in the company › region " + region + " › office "
                + office).doesNotContain("company company");
        browser.click(place.findElement(By.linkText("office " + office)));
        browser.waitForText(By.cssSelector("section[aria-label='Place in the hierarchy']"), "Directly inside");
        place = browser.waitFor(By.cssSelector("section[aria-label='Place in the hierarchy']"));
        assertThat(place.findElements(By.linkText("room " + roomId))).hasSize(1);

        // a v5 company's offices lie where its records say: moving one to the top here is refused, in words
        browser.type("Parent region id", "");
        browser.press("Move");
        assertThat(browser.formProblem()).contains("offices/" + office);
        assertThat(node.service().get(org.path() + "/resources/office/" + office).get("parent").get("id").stringValue())
                .isEqualTo(String.valueOf(region));

        // a role on the region decides in the room, and the explorer names it and the region
        fixtures.member(org, "u-al", fixtures.roleId(org, "Agent"));
        Http.Res onRegion = node.service().put(org.path() + "/resources/region/" + region + "/assignments/user:u-al",
                Map.of("role_id", fixtures.roleId(org, "Manager")));
        assertThat(onRegion.status()).as(onRegion.toString()).isIn(200, 201);
        browser.open("/console/#/explorer");
        browser.heading("Access explorer");
        browser.type("Member", "u-al");
        browser.type("Permission", "canCloseRooms");
        browser.choose("On resource type", "Room");
        browser.type("Resource id", roomId);
        browser.press("Check");
        assertThat(browser.waitForText(By.cssSelector(".verdict"), "Allowed").getText())
                .contains("Decided by: the role “Manager” on region " + region + ", an ancestor of the resource");
    }

    @Test
    void theCompanyReadsTheCompany_andAParentThatIsNotRecordedIsNamedAtItsField() {
        Fixtures.Org org = fixtures.org("rooms_v5");
        Placed placed = Placed.in(org);
        long region = placed.region();
        long office = placed.office();
        String roomId = placed.roomId();
        signIn(org.adminKey());

        browser.open("/console/#/resources?type=company&id=company");
        WebElement place = browser.waitFor(By.cssSelector("section[aria-label='Place in the hierarchy']"));
        assertThat(place.getText()).contains("the company is at the top of the hierarchy");
        browser.waitFor(By.xpath("//h2[normalize-space()='Who holds a role on the company']"));
        browser.waitFor(By.xpath("//h2[normalize-space()='Give a role on the company']"));
        assertThat(browser.driver().findElement(By.tagName("main")).getText()).doesNotContain("company company");

        // the API names the parent's id (parent.id): its refusal is the form's parent field's, not the summary's
        browser.open("/console/#/resources?type=room&id=" + roomId);
        browser.waitFor(By.cssSelector("section[aria-label='Place in the hierarchy']"));
        browser.type("Parent office id", "77777");
        browser.press("Move");
        assertThat(browser.fieldError("Parent office id")).contains("Office 77777 is not a recorded resource");
        assertThat(browser.formProblem()).doesNotContain("parent.id");
        assertThat(node.service().get(org.path() + "/resources/room/" + roomId).get("parent").get("id").stringValue())
                .isEqualTo(String.valueOf(office));
    }

    @Test
    void officesAndRegions_areManagedOnARoomsOrganization_andOfferedNowhereElse() {
        Fixtures.Org org = fixtures.org("rooms_v5");
        signIn(org.adminKey());
        browser.click(browser.link("Offices"));
        browser.heading("Offices");
        browser.type("New region name", "Europe");
        browser.press("Create region");
        browser.waitForText(By.cssSelector(".notice-ok"), "Region created.");
        browser.type("New office name", "Berlin");
        browser.choose("In region", "Europe");
        browser.press("Create office");
        browser.waitForText(By.cssSelector(".notice-ok"), "Office created.");
        JsonNode region = node.service().get(org.path() + "/regions").get("items").get(0);
        JsonNode office = node.service().get(org.path() + "/offices").get("items").get(0);
        assertThat(office.get("name").stringValue()).isEqualTo("Berlin");
        assertThat(office.get("region_id").longValue()).isEqualTo(region.get("id").longValue());

        browser.type("Office name", "Berlin Mitte");
        browser.click(browser.waitFor(By.xpath("//section[@aria-label='Offices']//button[normalize-space()='Save']")));
        browser.waitForText(By.cssSelector(".notice-ok"), "Office saved.");
        assertThat(node.service().get(org.path() + "/offices/" + office.get("id").longValue()).get("name").stringValue())
                .isEqualTo("Berlin Mitte");

        browser.click(browser.waitFor(By.cssSelector("button[aria-label='Delete region Europe']")));
        assertThat(node.service().get(org.path() + "/regions").get("items")).as("nothing deleted before confirming")
                .hasSize(1);
        browser.press("Yes, delete");
        assertThat(browser.formProblem()).contains("still holds");
        assertThat(node.service().get(org.path() + "/regions").get("items")).hasSize(1);
        // the next form sent takes that refusal away: only its own outcome stands
        browser.press("Create region");
        browser.fieldError("New region name");
        assertThat(browser.driver().findElements(By.cssSelector(".form-problem"))).hasSize(1);
        assertThat(browser.formProblem()).doesNotContain("still holds");

        browser.click(browser.waitFor(By.cssSelector("button[aria-label='Delete office Berlin Mitte']")));
        browser.press("Keep it");
        assertThat(node.service().get(org.path() + "/offices").get("items")).as("nothing deleted when kept").hasSize(1);
        browser.click(browser.waitFor(By.cssSelector("button[aria-label='Delete office Berlin Mitte']")));
        browser.press("Yes, delete");
        browser.waitForText(By.cssSelector(".notice-ok"), "Office Berlin Mitte deleted.");
        assertThat(node.service().get(org.path() + "/offices").get("items")).isEmpty();

        // renamed elsewhere since the screen read it: the save is refused and offers the region as it is now
        String regionPath = org.path() + "/regions/" + region.get("id").longValue();
        assertThat(node.service().patch(regionPath, Map.of("name", "Europa")).status()).isEqualTo(200);
        browser.type("Region name", "EU");
        browser.click(browser.waitFor(By.xpath("//section[@aria-label='Regions']//button[normalize-space()='Save']")));
        assertThat(browser.formProblem()).contains("Someone else changed this since you opened it");
        browser.press("Load the current version");
        browser.waitFor(By.cssSelector("button[aria-label='Delete region Europa']"));
        assertThat(browser.control("Region name").getDomProperty("value")).isEqualTo("Europa");
        assertThat(node.service().get(regionPath).get("name").stringValue()).isEqualTo("Europa");

        signOut();
        Fixtures.Org close = fixtures.org("close");
        signIn(close.adminKey());
        assertThat(browser.driver().findElements(By.xpath("//nav//a[normalize-space()='Offices']"))).isEmpty();
        browser.open("/console/#/offices");
        browser.heading("Roles");
    }

    /** A v5 company's region, an office in it, and a room in that office its first admin owns. */
    private record Placed(long region, long office, String roomId) {
        static Placed in(Fixtures.Org org) {
            long region = node.service().post(org.path() + "/regions", Map.of("name", "Europe")).get("id").longValue();
            long office = node.service().post(org.path() + "/offices", Map.of("name", "Berlin", "region_id", region))
                    .get("id").longValue();
            Http.Res room = node.service().post("/restapi/v2/accounts/" + org.accountId() + "/rooms", Map.of("name",
                    "Loft", "roleId", fixtures.roleId(org, "Admin"), "ownerId", org.adminId(), "officeId", office));
            assertThat(room.status()).as(room.toString()).isEqualTo(201);
            return new Placed(region, office, String.valueOf(room.get("roomId").longValue()));
        }
    }
}
