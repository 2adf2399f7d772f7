package dev.gatehouse.console;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console says only what is so, in a real browser against the real server: a save reports only the write it
 * sent (a cleared name is cleared), a member's page shows every key and resource role however many, a conflict
 * shows every field the other side changed, older deliveries can be reached, a refused query leaves its form
 * usable, a success notice comes only from this tab's write and only once, any 401 signs out, the header names a
 * member key as what it is, long names wrap, each problem shows once at the field it concerns, a company role left
 * as it was is not saved, and long lists (a resource's holders, the explorer's answers) reach every item.
 */
class ConsoleTruthBrowserIT extends SignedOutEachTest {

    @Test
    void changingTheCompanyRole_toTheOneHeld_sendsNothing_andSaysSo() {
        Fixtures.Org org = fixtures.org("rooms");
        long viewer = fixtures.role(org, "Viewer", List.of("canViewRoomDetails"));
        long vic = fixtures.member(org, "u-vic", viewer);
        String path = org.path() + "/members/id:" + vic;
        long version = node.service().get(path).get("version").longValue();
        signIn(org.adminKey());
        browser.open("/console/#/members/id:" + vic);
        browser.heading("u-vic");
        browser.press("Change company role");
        browser.waitForText(By.id("status"), "Nothing to save");
        assertThat(browser.driver().findElements(By.cssSelector(".notice-ok"))).isEmpty();
        assertThat(node.service().get(path).get("version").longValue()).isEqualTo(version);
    }

    /**
     * Lists longer than a page show more on asking, until every item is shown: a room's holders (past 200, each
     * page reading only its own holders' members), who may act on it, and where a member may.
     */
    @Test
    void longLists_showMoreOnAsking_untilEveryItemIsShown() {
        Fixtures.Org org = fixtures.org("rooms");
        long agent = fixtures.role(org, "Agent", List.of("canViewRoomDetails"));
        String room = fixtures.room(org);
        for (int i = 0; i < 205; i++) {
            fixtures.assign(org, room, fixtures.member(org, String.format("h-%03d", i), agent), agent);
        }
        long roamer = fixtures.member(org, "u-roamer", agent);
        for (int i = 0; i < 105; i++) {
            fixtures.room(org, "Roam " + i, roamer, agent);
        }
        int holders = node.service().get(org.path() + "/resources/room/" + room + "/assignments?limit=1000")
                .get("items").size();
        int mayView = node.service().post(org.path() + "/lookup/members", Map.of("permission", "canViewRoomDetails",
                "resource", Map.of("type", "room", "id", room), "limit", 1000)).get("items").size();
        assertThat(holders).isGreaterThan(205);
        signIn(org.adminKey());

        browser.open("/console/#/resources?type=room&id=" + room);
        browser.heading("Resources");
        String section = "//section[@aria-label='Assignments on room " + room + "']";
        browser.waitFor(By.xpath(section + "//tbody/tr"));
        assertThat((Long) browser.script("return performance.getEntriesByType('resource')"
                + ".filter(e => /\\/members\\/id:/.test(e.name)).length")).as("members read for the first page")
                .isLessThanOrEqualTo(100L);
        assertThat(showEvery(section, "//tbody/tr")).isEqualTo(holders);
        browser.link("h-204");

        browser.open("/console/#/explorer");
        browser.heading("Access explorer");
        String who = "//form[h2[normalize-space()='Who may do this?']]";
        WebElement whoForm = browser.waitFor(By.xpath(who));
        whoForm.findElement(By.name("permission")).sendKeys("canViewRoomDetails");
        new org.openqa.selenium.support.ui.Select(whoForm.findElement(By.name("resource_type"))).selectByValue("room");
        whoForm.findElement(By.name("resource_id")).sendKeys(room);
        browser.click(whoForm.findElement(By.xpath(".//button[normalize-space()='Find members']")));
        browser.waitFor(By.xpath(who + "//tbody/tr"));
        assertThat(showEvery(who, "//tbody/tr")).isEqualTo(mayView);

        String where = "//form[h2[normalize-space()='Where may a member do this?']]";
        WebElement whereForm = browser.waitFor(By.xpath(where));
        whereForm.findElement(By.name("member")).sendKeys("u-roamer");
        whereForm.findElement(By.name("permission")).sendKeys("canViewRoomDetails");
        browser.click(whereForm.findElement(By.xpath(".//button[normalize-space()='Find resources']")));
        browser.waitFor(By.xpath(where + "//li"));
        assertThat(showEvery(where, "//li")).isEqualTo(105);
    }

    /** A resource with more children than a page of the hierarchy panel lists shows every one on asking. */
    @Test
    void aResourcesChildren_pastAPage_areAllShownOnAsking() {
        String model = "drives-" + System.nanoTime();
        Http.Res registered = node.service().post("/v1/models", Map.of("id", model, "name", "Drives",
                "categories", List.of(Map.of("key", "d", "name", "D")),
                "permissions", List.of(Map.of("key", "doc.view", "category", "d",
                        "scopes", List.of("organization", "drive", "folder")),
                        Map.of("key", "members.manage", "category", "d"),
                        Map.of("key", "assign.manage", "category", "d"), Map.of("key", "roles.manage", "category", "d")),
                "resource_types", List.of(Map.of("key", "drive", "name", "Drive"),
                        Map.of("key", "folder", "name", "Folder", "parent_type", "drive")),
                "system_roles", List.of(Map.of("key", "admin", "name", "Admin", "default_for_admin", true,
                        "permissions", List.of("doc.view", "members.manage", "assign.manage", "roles.manage"))),
                "management", Map.of("roles", "roles.manage", "members", "members.manage",
                        "assignments", "assign.manage")));
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
        Fixtures.Org org = fixtures.org(model);
        assertThat(node.service().put(org.path() + "/resources/drive/team", Map.of()).status())
                .isIn(200, 201);
        for (int i = 0; i < 130; i++) {
            Http.Res put = node.service().put(org.path() + "/resources/folder/" + String.format("f-%03d", i),
                    Map.of("parent", Map.of("type", "drive", "id", "team")));
            assertThat(put.status()).as(put.toString()).isIn(200, 201);
        }
        signIn(org.adminKey());

        browser.open("/console/#/resources?type=drive&id=team");
        String place = "//section[@aria-label='Place in the hierarchy']";
        browser.waitFor(By.xpath(place + "//li"));
        assertThat(browser.driver().findElements(By.xpath(place + "//li"))).hasSize(100);
        assertThat(showEvery(place, "//li")).isEqualTo(130);
        browser.link("folder f-129");
    }

    /**
     * Presses Show more in the part of the page {@code scope} locates until it is gone; the number of items
     * ({@code items}, inside that part) shown then.
     */
    private static int showEvery(String scope, String items) {
        By more = By.xpath(scope + "//button[normalize-space()='Show more']");
        By shown = By.xpath(scope + items);
        while (true) {
            List<WebElement> buttons = browser.driver().findElements(more).stream().filter(WebElement::isDisplayed)
                    .toList();
            int before = browser.driver().findElements(shown).size();
            if (buttons.isEmpty()) {
                return before;
            }
            browser.click(buttons.get(0));
            browser.waitUntil(d -> d.findElements(shown).size() > before
                    || d.findElements(more).stream().noneMatch(WebElement::isDisplayed));
        }
    }

    @Test
    void clearingAMembersName_clearsIt_andAnEmptiedGroupName_isRefusedAtItsField() {
        Fixtures.Org org = fixtures.org("rooms");
        String member = org.path() + "/members/" + org.adminId();
        assertThat(node.service().get(member).get("first_name").stringValue()).isEqualTo("Ada");
        signIn(org.adminKey());
        browser.open("/console/#/members/" + org.adminId());
        browser.heading(org.json().at("/admin_member/user_id").stringValue());
        browser.type("First name", "");
        browser.press("Save profile");
        browser.waitForText(By.cssSelector(".notice-ok"), "Profile saved.");
        JsonNode first = node.service().get(member).get("first_name");
        assertThat(first == null || first.isNull() || first.stringValue().isEmpty()).as(String.valueOf(first)).isTrue();
        assertThat(node.service().get(member).get("last_name").stringValue()).isEqualTo("Admin");

        Http.Res team = node.service().post(org.path() + "/groups", Map.of("name", "Team"));
        assertThat(team.status()).as(team.toString()).isEqualTo(201);
        browser.open("/console/#/groups");
        browser.heading("Groups");
        browser.type("Name", "");
        browser.press("Rename");
        assertThat(browser.fieldError("Name")).isNotBlank();
        assertThat(browser.driver().findElements(By.cssSelector(".notice-ok"))).isEmpty();
        assertThat(node.service().get(org.path() + "/groups/" + team.get("id").longValue()).get("name").stringValue())
                .isEqualTo("Team");
    }

    @Test
    void anActiveKeyAfterMoreThanAHundredRevokedOnes_isShown_andCanBeRevoked() {
        Fixtures.Org org = fixtures.org("rooms");
        String keys = org.path() + "/members/" + org.adminId() + "/keys";
        for (int i = 0; i < 101; i++) {
            Http.Res key = node.service().post(keys, Map.of("name", "old " + i));
            assertThat(key.status()).as(key.toString()).isEqualTo(201);
            assertThat(node.service().delete(keys + "/" + key.get("id").stringValue()).status()).isLessThan(300);
        }
        Http.Res last = node.service().post(keys, Map.of("name", "the live one"));
        String id = last.get("id").stringValue();
        signIn(org.adminKey());
        browser.open("/console/#/members/" + org.adminId());
        WebElement section = browser.waitForText(By.cssSelector("section[aria-label='API keys']"), "the live one");
        browser.click(section.findElement(By.cssSelector("button[aria-label='Revoke key " + id + "']")));
        browser.press("Yes, revoke");
        browser.waitForText(By.cssSelector(".notice-ok"), "Key " + id + " revoked.");
        JsonNode revoked = null;
        for (JsonNode key : node.service().get(keys + "?limit=1000").get("items")) {
            revoked = key.get("id").stringValue().equals(id) ? key : revoked;
        }
        assertThat(revoked).isNotNull();
        assertThat(revoked.get("revoked_at").isNull()).as(revoked.toString()).isFalse();
    }

    @Test
    void aMembersRolesOnResources_areAllShown_inTheOrderOfTheirIds() {
        Fixtures.Org org = fixtures.org("rooms");
        long agent = fixtures.role(org, "Agent", List.of("canViewRoomDetails"));
        long many = fixtures.member(org, "u-many", agent);
        for (int i = 0; i < 120; i++) {
            fixtures.room(org, "Room " + i, many, agent);
        }
        signIn(org.adminKey());
        browser.open("/console/#/members/" + many);
        browser.heading("u-many");
        List<String> rooms = ConsoleAccessBrowserIT.strings("return [...document.querySelectorAll("
                + "\"section[aria-label='Roles on resources'] tbody tr td:first-child\")].map(td => td.textContent)");
        assertThat(rooms).hasSize(120);
        List<Long> ids = rooms.stream().map(text -> Long.parseLong(text.replace("room ", ""))).toList();
        assertThat(ids).isSorted();
    }

    @Test
    void aRoleConflict_showsEveryFieldTheyChanged() {
        Fixtures.Org org = fixtures.org("rooms");
        long role = fixtures.role(org, "Closer", List.of("canViewRoomDetails"));
        signIn(org.adminKey());
        browser.open("/console/#/roles/" + role);
        browser.heading("Closer");
        Http.Res theirs = node.service().header("If-Match", "\"1\"").patch(org.path() + "/roles/" + role,
                Map.of("description", "Closes deals", "external", true));
        assertThat(theirs.status()).as(theirs.toString()).isEqualTo(200);
        browser.type("Name", "Closer (mine)");
        browser.press("Save changes");
        WebElement conflict = browser.waitForText(By.cssSelector(".conflict"), "Someone else changed this role");
        assertThat(conflict.getText()).contains("Description: (none) → “Closes deals”", "External: no → yes");
    }

    @Test
    void aWebhooksOlderDeliveries_areReachedPageByPage() throws SQLException {
        Fixtures.Org org = fixtures.org("rooms");
        Http.Res hook = node.service().post(org.path() + "/webhooks", Map.of("url", "https://receiver.invalid/hook",
                "status", "paused"));
        assertThat(hook.status()).as(hook.toString()).isEqualTo(201);
        long id = hook.get("id").longValue();
        try (Connection c = TestDatabase.connect(node.databaseUrl());
             PreparedStatement insert = c.prepareStatement("INSERT INTO webhook_deliveries (webhook_id, revision, "
                     + "attempt, attempted_at, duration_ms, status_code, outcome, error, node_id) "
                     + "VALUES (?, ?, 1, ?, 5, 500, 'failed', 'server error', 'test')")) {
            for (int revision = 1; revision <= 60; revision++) {
                insert.setLong(1, id);
                insert.setLong(2, revision);
                insert.setTimestamp(3, Timestamp.from(Instant.now().minusSeconds(600 - revision)));
                insert.executeUpdate();
            }
        }
        signIn(org.adminKey());
        browser.open("/console/#/webhooks/" + id);
        browser.heading("https://receiver.invalid/hook");
        browser.waitUntil(d -> deliveryRevisions().size() == 50);
        assertThat(deliveryRevisions().get(0)).isEqualTo("60");
        browser.click(browser.link("Older"));
        browser.waitUntil(d -> deliveryRevisions().size() == 10);
        assertThat(deliveryRevisions()).containsExactly("10", "9", "8", "7", "6", "5", "4", "3", "2", "1");
        assertThat(browser.driver().findElements(By.xpath("//a[normalize-space()='Older']"))).isEmpty();
        browser.click(browser.link("Newest"));
        browser.waitUntil(d -> deliveryRevisions().size() == 50);
    }

    static List<String> deliveryRevisions() {
        return ConsoleAccessBrowserIT.strings("return [...document.querySelectorAll(\"td[data-label='Revision']\")]"
                + ".map(td => td.textContent)");
    }

    @Test
    void aRefusedListQuery_isShownAtItsForm_whichStaysUsable_andErrorScreensAreTitled() {
        Fixtures.Org org = fixtures.org("rooms");
        signIn(org.adminKey());
        browser.open("/console/#/members?cursor=garbage");
        browser.heading("Members");
        assertThat(browser.formProblem()).containsIgnoringCase("cursor");
        assertThat(browser.driver().getTitle()).isEqualTo("Members · Gatehouse console");
        browser.type("Search", "admin");
        browser.press("Search");
        browser.waitUntil(d -> !d.findElements(By.cssSelector("tbody tr")).isEmpty());
        assertThat(browser.driver().findElements(By.cssSelector(".form-problem"))).isEmpty();

        browser.type("Search", "x".repeat(201));
        browser.press("Search");
        assertThat(browser.formProblem()).isNotBlank();
        assertThat(browser.control("Search").isDisplayed()).isTrue();

        browser.open("/console/#/history?cursor=garbage");
        browser.heading("History");
        assertThat(browser.formProblem()).containsIgnoringCase("cursor");
        assertThat(browser.button("Filter").isEnabled()).isTrue();

        browser.open("/console/#/members/%E0%A4%A");
        browser.heading("Something went wrong");
        assertThat(browser.driver().getTitle()).isEqualTo("Something went wrong · Gatehouse console");

        // a malformed member or role in a link reads as the server words a bad id: the rule, not fields to attend to
        browser.open("/console/#/members/id:abc");
        browser.heading("Something went wrong");
        assertThat(browser.waitFor(By.cssSelector("main .notice-error")).getText())
                .startsWith("Member must name a member as ").doesNotContain("Some fields need attention");
        browser.open("/console/#/roles/abc");
        browser.heading("Something went wrong");
        assertThat(browser.waitFor(By.cssSelector("main .notice-error")).getText())
                .startsWith("Role must be a positive integer id");
    }

    /** A cursor the API did not write is told once: its sentence, not again as the field it names ("cursor: invalid"). */
    @Test
    void aRefusedCursor_isToldOnce_inTheServersWords() {
        Fixtures.Org org = fixtures.org("rooms");
        signIn(org.adminKey());
        for (String screen : List.of("History", "Members")) {
            browser.open("/console/#/" + screen.toLowerCase() + "?cursor=zzz");
            browser.heading(screen);
            String problem = browser.formProblem();
            assertThat(problem).as(screen).contains("Cursor is not one this API returned: \"zzz\".")
                    .doesNotContain("cursor: invalid");
            assertThat(problem.toLowerCase().split("cursor", -1)).as(problem).hasSize(2);
        }
    }

    @Test
    void aLinkCannotSayARoleWasSaved_andBackDoesNotRepeatAnOutcome() {
        Fixtures.Org org = fixtures.org("rooms");
        long role = fixtures.role(org, "Closer", List.of("canViewRoomDetails"));
        signIn(org.adminKey());
        browser.open("/console/#/roles/" + role + "?saved=anything");
        browser.heading("Closer");
        assertThat(browser.driver().findElements(By.cssSelector(".notice-ok"))).isEmpty();

        browser.open("/console/#/groups");
        browser.heading("Groups");
        browser.type("New group name", "back-A");
        browser.press("Create group");
        browser.waitForText(By.cssSelector(".notice-ok"), "Group back-A created.");
        browser.type("New group name", "back-B");
        browser.press("Create group");
        browser.waitForText(By.cssSelector(".notice-ok"), "Group back-B created.");
        browser.driver().navigate().back();
        browser.waitUntil(d -> browser.url().contains("done=1"));
        browser.waitUntil(d -> d.findElements(By.cssSelector(".notice-ok")).isEmpty());
        browser.heading("Groups");
    }

    @Test
    void aKeyRevokedWhileSaving_signsOutSayingWhy_andTheHeaderNamesAMemberKey() {
        Fixtures.Org org = fixtures.org("rooms");
        Http.Res key = node.service().post(org.path() + "/members/" + org.adminId() + "/keys", Map.of("name", "tab"));
        assertThat(key.status()).as(key.toString()).isEqualTo(201);
        signIn(key.get("key").stringValue());
        assertThat(browser.waitFor(By.id("who")).getText()).contains("Member key").doesNotContain("admin");
        browser.open("/console/#/members/" + org.adminId());
        browser.heading(org.json().at("/admin_member/user_id").stringValue());
        Http.Res revoked = node.service().delete(org.path() + "/members/" + org.adminId() + "/keys/"
                + key.get("id").stringValue());
        assertThat(revoked.status()).as(revoked.toString()).isLessThan(300);
        browser.type("Last name", "Lovelace");
        browser.press("Save profile");
        browser.heading("Sign in");
        browser.waitForText(By.id("status"), "The key is no longer accepted");
        assertThat(browser.script("return sessionStorage.getItem('gatehouse.console.session')")).isNull();
    }

    @Test
    void longNamesWithoutSpaces_wrap_insteadOfWideningThePage() {
        Fixtures.Org org = fixtures.org("rooms");
        long agent = fixtures.role(org, "A".repeat(100), List.of("canViewRoomDetails"));
        Http.Res created = node.service().post(org.path() + "/members", Map.of("user_id", "u".repeat(200),
                "email", "long@example.com", "role_id", agent));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        long member = created.get("id").longValue();
        signIn(org.adminKey());
        browser.open("/console/#/members/" + member);
        browser.heading("u".repeat(200));
        assertThat(browser.scrollsSideways()).as("member page").isFalse();
        browser.open("/console/#/roles/" + agent);
        browser.heading("A".repeat(100));
        assertThat(browser.scrollsSideways()).as("role editor").isFalse();
        // the long name's group in the right-hand column, where a button wider than its card widens the page
        assertThat(node.service().post(org.path() + "/groups", Map.of("name", "Team")).status()).isEqualTo(201);
        Http.Res group = node.service().post(org.path() + "/groups", Map.of("name", "G".repeat(100)));
        assertThat(group.status()).as(group.toString()).isEqualTo(201);
        assertThat(node.service().post(org.path() + "/groups/" + group.get("id").longValue() + "/members",
                Map.of("member_id", member)).status()).isEqualTo(201);
        browser.open("/console/#/groups");
        browser.heading("Groups");
        browser.button("Delete group " + "G".repeat(100));
        String pastTheirCard = "return [...document.querySelectorAll('main section.card button')].filter(b =>"
                + " b.getBoundingClientRect().right > b.closest('section').getBoundingClientRect().right + 1)"
                + ".map(b => b.textContent)";
        assertThat(ConsoleAccessBrowserIT.strings(pastTheirCard)).as("buttons wider than their card").isEmpty();
        assertThat(browser.scrollsSideways()).as("groups, whose buttons name the group").isFalse();
        browser.press("Delete group " + "G".repeat(100));
        assertThat(ConsoleAccessBrowserIT.strings(pastTheirCard)).as("buttons wider than their card").isEmpty();
        assertThat(browser.scrollsSideways()).as("groups, asking whether to delete one").isFalse();
    }

    @Test
    void eachProblemShowsOnceAtItsField_andAV5OfficeIsNotOfferedNoRegion() {
        Fixtures.Org org = fixtures.org("rooms_v5");
        signIn(org.adminKey());
        browser.open("/console/#/offices");
        browser.heading("Offices");
        browser.type("New office name", "Berlin");
        browser.press("Create office");
        assertThat(browser.fieldError("In region")).containsIgnoringCase("is required");
        assertThat(browser.formProblem()).doesNotContainIgnoringCase("is required").doesNotContainIgnoringCase("regionId");

        long region = node.service().post(org.path() + "/regions", Map.of("name", "Europe")).get("id").longValue();
        Http.Res office = node.service().post(org.path() + "/offices", Map.of("name", "Paris", "region_id", region));
        assertThat(office.status()).as(office.toString()).isEqualTo(201);
        browser.open("/console/#/groups");
        browser.heading("Groups");
        browser.open("/console/#/offices");
        browser.heading("Offices");
        assertThat(ConsoleAccessBrowserIT.strings("return [...document.querySelectorAll('select[name=region_id] option')]"
                + ".map(o => o.textContent)")).isNotEmpty().doesNotContain("No region");

        browser.open("/console/#/explorer");
        browser.heading("Access explorer");
        WebElement check = browser.waitFor(By.xpath("//form[h2[normalize-space()='May a member do this?']]"));
        browser.type("Member", org.json().at("/admin_member/user_id").stringValue());
        browser.type("Permission", "canCloseRooms");
        browser.choose("On resource type", "Room");
        browser.press("Check");
        assertThat(browser.fieldError("Resource id")).containsIgnoringCase("has 1 to 200 characters, got 0");
        assertThat(check.getText().toLowerCase().split("has 1 to 200 characters", -1)).as(check.getText()).hasSize(2);
    }

    @Test
    void aPreviewAnsweredLate_neverReplacesThePreviewOfTheLaterChange() {
        Fixtures.Org org = fixtures.org("rooms");
        long viewer = fixtures.role(org, "Viewer", List.of("canViewRoomDetails"));
        fixtures.role(org, "Broad", List.of("canViewRoomDetails", "canCreateRooms"));
        long member = fixtures.member(org, "u-previewed", viewer);
        signIn(org.adminKey());
        browser.open("/console/#/members/id:" + member);
        browser.heading("u-previewed");
        // the first preview is answered late, as a slow network answers: after the second one
        browser.script("const send = window.fetch; window.fetch = (url, init) => {"
                + " if (!String(url).endsWith('/preview') || window.delayed) return send(url, init);"
                + " window.delayed = true;"
                + " return new Promise(resolve => setTimeout(resolve, 2500)).then(() => send(url, init)).then(r => {"
                + " setTimeout(() => { window.lateAnswered = true; }, 500); return r; }); };");
        browser.choose("Company role", "Broad");
        browser.press("Preview change");
        browser.choose("Company role", "Viewer");
        browser.press("Preview change");
        WebElement pane = browser.waitFor(By.cssSelector("section.preview"));
        browser.waitForText(By.cssSelector("section.preview"), "Nobody gains or loses anything");
        browser.waitUntil(d -> Boolean.TRUE.equals(browser.script("return window.lateAnswered === true")));
        assertThat(pane.getText()).contains("Nobody gains or loses anything").doesNotContain("canCreateRooms");
    }

    @Test
    void aPreview_isTakenAway_onceTheFormIsChangedAfterIt() {
        Fixtures.Org org = fixtures.org("rooms");
        long viewer = fixtures.role(org, "Viewer", List.of("canViewRoomDetails"));
        fixtures.role(org, "Broad", List.of("canViewRoomDetails", "canCreateRooms"));
        long member = fixtures.member(org, "u-held", viewer);
        signIn(org.adminKey());

        // the role editor: a permission ticked and previewed, then unticked
        browser.open("/console/#/roles/" + viewer);
        browser.heading("Viewer");
        WebElement box = browser.waitFor(By.cssSelector("input[data-permission='canCreateRooms']"));
        browser.click(box);
        browser.press("Preview changes");
        WebElement pane = browser.waitForText(By.cssSelector("section.preview"), "canCreateRooms");
        assertThat(pane.getText()).contains("gain");
        browser.click(box);
        assertThat(pane.getText()).doesNotContain("canCreateRooms").contains("changed since this preview");

        // a member's company role: another one previewed, then the one held chosen again
        browser.open("/console/#/members/id:" + member);
        browser.heading("u-held");
        browser.choose("Company role", "Broad");
        browser.press("Preview change");
        pane = browser.waitForText(By.cssSelector("section.preview"), "canCreateRooms");
        browser.choose("Company role", "Viewer");
        assertThat(pane.getText()).doesNotContain("canCreateRooms").contains("changed since this preview");
        browser.press("Preview change");
        browser.waitForText(By.cssSelector("section.preview"), "Nobody gains or loses anything");
    }

    @Test
    void webhooksRefusedToAMember_areToldInPlace_asHistoryTellsItsRefusals() {
        Fixtures.Org org = fixtures.org("rooms");
        long viewer = fixtures.role(org, "Viewer", List.of("canViewRoomDetails"));
        long member = fixtures.member(org, "u-plain", viewer);
        Http.Res key = node.service().post(org.path() + "/members/id:" + member + "/keys", Map.of("name", "own"));
        assertThat(key.status()).as(key.toString()).isEqualTo(201);
        assertThat(node.as(key.get("key").stringValue()).get(org.path() + "/webhooks").status()).isEqualTo(403);
        signIn(key.get("key").stringValue());
        browser.open("/console/#/webhooks");
        browser.heading("Webhooks");
        assertThat(browser.waitFor(By.cssSelector(".notice-error")).getText())
                .contains("Listing webhooks needs the permission");
        assertThat(browser.driver().findElements(By.xpath("//h1[normalize-space()='Something went wrong']"))).isEmpty();
    }

    @Test
    void aUserIdWithABidiOverride_staysInItsPlace_inQuestionsListsHeadingsAndTheTitle() {
        Fixtures.Org org = fixtures.org("rooms");
        long viewer = fixtures.role(org, "Viewer", List.of("canViewRoomDetails"));
        // a user id stored before the server refused invisible characters inside one: kept, and shown as it is
        String userId = "bob\u202Eexe.txt";
        long member = fixtures.member(org, "bob-stored", viewer);
        node.node().core().store().jdbi().useHandle(h -> h.createUpdate("UPDATE members SET user_id = :u "
                + "WHERE id = :id").bind("u", userId).bind("id", member).execute());
        long group = node.service().post(org.path() + "/groups", Map.of("name", "Sales")).get("id").longValue();
        assertThat(node.service().post(org.path() + "/groups/" + group + "/members", Map.of("member_id", member))
                .status()).isLessThan(300);
        signIn(org.adminKey());
        browser.open("/console/#/groups");
        browser.heading("Groups");
        browser.press("Remove…");
        browser.button("Yes, remove");
        // every text holding the override is the whole of an element that isolates it from what stands around it
        String unisolated = "return [...(function* walk(n) { for (const c of n.childNodes) {"
                + " if (c.nodeType === 3) yield c; else yield* walk(c); } })(document.body)]"
                + ".filter(t => t.data.includes('\\u202E'))"
                + ".filter(t => t.parentNode.childNodes.length !== 1"
                + " || !getComputedStyle(t.parentNode).unicodeBidi.includes('isolate'))"
                + ".map(t => t.parentNode.outerHTML)";
        assertThat(browser.script("return document.querySelectorAll('main bdi').length")).isNotEqualTo(0L);
        assertThat(ConsoleAccessBrowserIT.strings(unisolated)).isEmpty();
        browser.press("Keep it");

        browser.open("/console/#/members/id:" + member);
        browser.heading(userId);
        assertThat(ConsoleAccessBrowserIT.strings(unisolated)).isEmpty();
        assertThat(browser.driver().getTitle()).isEqualTo("bobexe.txt · Gatehouse console");
    }

    @Test
    void aMessageHoldingASemicolon_isShownOnce_atItsField() {
        Fixtures.Org org = fixtures.org("rooms");
        signIn(org.adminKey());
        browser.open("/console/#/groups");
        browser.heading("Groups");
        // a refusal whose one message holds "; ": its structured errors say what is one message
        browser.script("const send = window.fetch; window.fetch = (url, init) => init && init.method === 'POST'"
                + " ? Promise.resolve(new Response(JSON.stringify({status: 400, code: 'invalid_input',"
                + " detail: 'name: is taken; choose another', errors: {name: 'is taken; choose another'}}),"
                + " {status: 400, headers: {'Content-Type': 'application/problem+json'}})) : send(url, init);");
        browser.type("New group name", "Team");
        browser.press("Create group");
        assertThat(browser.fieldError("New group name")).isEqualTo("Is taken; choose another.");
        assertThat(browser.formProblem()).isEqualTo("Some fields need attention.");
    }

    /**
     * A preview the server refuses is told as the save's refusal is, at the field it concerns and once, and a write
     * sent after it replaces it: a role the member may not hold previewed and then assigned, a removal the key may not
     * make previewed and then confirmed.
     */
    @Test
    void aRefusedPreview_isToldOnceAtItsField_asTheSave_andTheWriteAfterItReplacesIt() {
        Fixtures.Org org = fixtures.org("rooms");
        long guestRole = fixtures.role(org, Map.of("name", "Guest", "permissions", List.of("canViewRoomDetails"),
                "external", true));
        long agent = fixtures.role(org, "Agent", List.of("canViewRoomDetails"));
        String room = fixtures.room(org);
        long carl = fixtures.external(org, "u-carl");
        signIn(org.adminKey());
        browser.open("/console/#/resources?type=room&id=" + room);
        browser.type("Member (user id, or id:<member id>)", "u-carl");
        browser.choose("Role", "Agent");
        browser.press("Preview change");
        String refusal = browser.fieldError("Role");
        assertThat(refusal).startsWith("Member " + carl + " is external");
        assertThat(browser.formProblem()).isEqualTo("Some fields need attention.");
        assertThat(once(refusal)).as("the preview's refusal is shown once, at the field").isTrue();
        assertThat(browser.waitFor(By.cssSelector("section.preview")).getText()).doesNotContain("is external");

        browser.press("Assign role");
        assertThat(browser.fieldError("Role")).isEqualTo(refusal);
        assertThat(browser.formProblem()).isEqualTo("Some fields need attention.");
        assertThat(once(refusal)).as("the save's refusal replaces the preview's").isTrue();

        // a removal has no form: its preview's refusal stands in the panel until the removal's own replaces it
        long bob = fixtures.member(org, "u-bob", agent);
        fixtures.assign(org, room, bob, agent);
        fixtures.assign(org, room, carl, guestRole);
        Http.Res key = node.service().post(org.path() + "/members/id:" + carl + "/keys", Map.of("name", "own"));
        assertThat(key.status()).as(key.toString()).isEqualTo(201);
        signOut();
        signIn(key.get("key").stringValue());
        browser.open("/console/#/resources?type=room&id=" + room);
        browser.click(browser.waitFor(By.cssSelector("button[aria-label='Preview removing the role of member " + bob
                + " here']")));
        String removal = browser.waitFor(By.cssSelector("section.preview .notice-error")).getText();
        assertThat(once(removal)).isTrue();
        browser.click(browser.waitFor(By.cssSelector("button[aria-label='Remove the role of member " + bob
                + " here']")));
        browser.press("Yes, remove");
        browser.waitFor(By.cssSelector("main .notice-error"));
        browser.waitUntil(d -> d.findElements(By.cssSelector("section.preview .notice-error")).isEmpty());
        assertThat(browser.driver().findElements(By.cssSelector("main .notice-error"))).as("the removal's refusal "
                + "replaces its preview's").hasSize(1);
    }

    /** Whether the page's main part says {@code text} exactly once. */
    private static boolean once(String text) {
        return browser.driver().findElement(By.tagName("main")).getText().split(Pattern.quote(text), -1).length == 2;
    }
}
