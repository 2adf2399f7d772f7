package dev.gatehouse.console;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console where a person's day goes off the straight path, in a real browser against the real server: the
 * network drops a save, a member's user id looks like a reference, a link's fragment is badly encoded, a pasted
 * key holds characters no key has. Each shows a problem in words and changes nothing it should not.
 */
class ConsoleEdgesBrowserIT extends SignedOutEachTest {

    @Test
    void aSaveTheNetworkDrops_isShownInTheForm_whichKeepsWhatWasTyped() {
        Fixtures.Org org = fixtures.org("rooms");
        signIn(org.adminKey());
        browser.open("/console/#/roles/new");
        browser.heading("New role");
        browser.type("Name", "Reviewers");
        browser.failRequests("*/v1/orgs/*");
        browser.press("Create role");
        assertThat(browser.formProblem()).contains("could not be reached");
        assertThat(browser.control("Name").getDomProperty("value")).isEqualTo("Reviewers");
        assertThat(node.service().get(org.path() + "/roles").toString()).doesNotContain("Reviewers");

        browser.failRequests();
        browser.press("Create role");
        browser.heading("Reviewers");
        browser.waitForText(By.cssSelector(".notice-ok"), "Role saved.");
    }

    @Test
    void exploringAMember_asksAboutThatMember_evenWhenItsUserIdReadsLikeAReference() {
        Fixtures.Org org = fixtures.org("rooms");
        long viewer = fixtures.role(org, "Viewer", List.of("canCreateRooms"));
        // a product may use digits as its user id, such as the admin's member id (a user id cannot begin with "id:")
        long odd = fixtures.member(org, String.valueOf(org.adminId()), viewer);
        signIn(org.adminKey());
        browser.open("/console/#/members/" + odd);
        browser.heading(String.valueOf(org.adminId()));
        browser.click(browser.link("Explore this member’s access"));
        browser.heading("Access explorer");
        WebElement effective = browser.waitFor(By.xpath("//form[h2[normalize-space()='Effective permissions']]"));
        browser.click(effective.findElement(By.xpath(".//button[normalize-space()='Show permissions']")));
        browser.waitForText(By.xpath("//form[h2[normalize-space()='Effective permissions']]//div[@class='result']"),
                "permissions organization-wide");
        assertThat(effective.findElement(By.className("result")).getText())
                .as("the member explored holds Viewer (1 permission), not the admin's Default Admin")
                .startsWith("1 of 66 permissions organization-wide.");
    }

    @Test
    void aLinkWithBrokenPercentEncoding_showsAProblem_insteadOfLeavingTheLastScreen() {
        Fixtures.Org org = fixtures.org("rooms");
        signIn(org.adminKey());
        browser.open("/console/#/members/%E0%A4%A");
        browser.heading("Something went wrong");
        assertThat(browser.driver().findElement(By.cssSelector(".notice-error")).getText())
                .contains("No member with id or user_id \"%E0%A4%A\"");
    }

    @Test
    void aPastedKeyWithCharactersNoKeyHas_isNamedAsSuch_notAsAnUnreachableServer() {
        Fixtures.Org org = fixtures.org("rooms");
        browser.open("/");
        browser.heading("Sign in");
        browser.type("API key", org.adminKey() + "…");
        browser.press("Sign in");
        assertThat(browser.fieldError("API key")).contains("only letters, digits and punctuation");
        assertThat(browser.script("return sessionStorage.getItem('gatehouse.console.session')")).isNull();
    }

    @Test
    void aMembersKeysAndResourceRolesThatFailToLoad_areShownAsTheProblem_notAsForbidden() {
        Fixtures.Org org = fixtures.org("rooms");
        long viewer = fixtures.role(org, "Viewer", List.of("canCreateRooms"));
        long member = fixtures.member(org, "u-keys", viewer);
        signIn(org.adminKey());
        // the admin may see all of it; the network drops the reads of the member's keys, resource roles and groups
        browser.failRequests("*/keys?*", "*/assignments?*", "*/groups?*");
        browser.open("/console/#/members/" + member);
        browser.heading("u-keys");
        for (String part : List.of("API keys", "Roles on resources", "Groups")) {
            WebElement section = browser.waitFor(By.cssSelector("section[aria-label='" + part + "']"));
            assertThat(section.getText()).as(part).contains("The server could not be reached")
                    .doesNotContain("may not see").doesNotContain("In no group");
        }

        browser.failRequests();
        browser.reload();
        browser.heading("u-keys");
        assertThat(browser.waitFor(By.cssSelector("section[aria-label='API keys']")).getText())
                .contains("No active keys.");
        assertThat(browser.waitFor(By.cssSelector("section[aria-label='Roles on resources']")).getText())
                .contains("No roles on resources.");
    }

    @Test
    void aRoleConflictWhoseOtherVersionCannotBeLoaded_saysSo_andKeepsTheEdits() {
        Fixtures.Org org = fixtures.org("rooms");
        long role = fixtures.role(org, "Closer", List.of("canViewRoomDetails"));
        signIn(org.adminKey());
        browser.open("/console/#/roles/" + role);
        browser.heading("Closer");
        Http.Res theirs = node.service().header("If-Match", "\"1\"").patch(org.path() + "/roles/" + role,
                Map.of("name", "Closer (theirs)", "permissions", List.of("canViewRoomDetails")));
        assertThat(theirs.status()).as(theirs.toString()).isEqualTo(200);
        // the connection drops when the console asks for their version, after the save was refused
        browser.script("window.realFetch = window.fetch; window.fetch = (url, init) => init && init.method === 'GET'"
                + " && /\\/roles\\/\\d+$/.test(url) ? Promise.reject(new TypeError('Failed to fetch'))"
                + " : window.realFetch(url, init);");
        browser.type("Name", "Closer (mine)");
        browser.press("Save changes");
        WebElement conflict = browser.waitForText(By.cssSelector(".conflict"), "Their version could not be loaded");
        assertThat(conflict.getText()).contains("Someone else changed this since you opened it",
                "The server could not be reached");
        assertThat(browser.control("Name").getDomProperty("value")).isEqualTo("Closer (mine)");

        browser.script("window.fetch = window.realFetch");
        browser.press("Load their version again");
        browser.waitForText(By.cssSelector(".conflict"), "Name: “Closer” → “Closer (theirs)”");
        assertThat(browser.control("Name").getDomProperty("value")).isEqualTo("Closer (mine)");
        assertThat(node.service().get(org.path() + "/roles/" + role).get("name").stringValue())
                .isEqualTo("Closer (theirs)");
    }

    @Test
    void previousPage_onAPageOfMembersOpenedByItsLink_staysInTheConsole() {
        Fixtures.Org org = fixtures.org("close");
        long user = fixtures.roleId(org, "User");
        for (int i = 0; i < 105; i++) {
            fixtures.member(org, String.format("m-%03d", i), user);
        }
        String second = node.service().get(org.path() + "/members?limit=50").get("next_cursor").stringValue();
        signIn(org.adminKey());
        // the link to the second page is opened in a tab that was elsewhere before
        browser.driver().get("about:blank");
        browser.open("/console/#/members?cursor=" + URLEncoder.encode(second, StandardCharsets.UTF_8));
        browser.heading("Members");
        browser.waitUntil(d -> firstUserId().equals("m-049"));
        browser.click(browser.link("Next page"));
        browser.waitUntil(d -> firstUserId().equals("m-099"));
        browser.click(previousPage());
        browser.waitUntil(d -> firstUserId().equals("m-049"));
        browser.click(previousPage());
        String admin = org.json().get("admin_member").get("user_id").stringValue();
        browser.waitUntil(d -> firstUserId().equals(admin));
        assertThat(browser.url()).contains("/console/#/members");
        assertThat(browser.driver().findElements(By.xpath("//a[normalize-space()='Previous page']"))).isEmpty();
    }

    @Test
    void groups_sayWhoWasAlreadyIn_nameAnEmptyUserIdAtItsField_andAskBeforeDeleting() {
        Fixtures.Org org = fixtures.org("rooms");
        long viewer = fixtures.role(org, "Viewer", List.of("canCreateRooms"));
        fixtures.member(org, "u-gus", viewer);
        long hal = fixtures.member(org, "u-hal", viewer);
        Http.Res team = teamOnTheGroupsScreen(org);
        String group = org.path() + "/groups/" + team.get("id").longValue();

        browser.type("Add member (user id, or id:<member id>)", "u-gus");
        browser.press("Add");
        browser.waitForText(By.cssSelector(".notice-ok"), "u-gus added to Team.");
        browser.type("Add member (user id, or id:<member id>)", "u-gus");
        browser.press("Add");
        browser.waitForText(By.cssSelector(".notice-ok"), "u-gus was already in Team.");
        browser.press("Add");
        assertThat(browser.fieldError("Add member (user id, or id:<member id>)"))
                .containsIgnoringCase("must not be blank");
        // a member named by its Gatehouse id, as every field that takes a typed member reads id:<member id>
        browser.type("Add member (user id, or id:<member id>)", "id:" + hal);
        browser.press("Add");
        browser.waitForText(By.cssSelector(".notice-ok"), "id:" + hal + " added to Team.");
        assertThat(node.service().get(group + "/members").get("items").toString()).contains("\"u-hal\"");

        browser.press("Delete group Team");
        assertThat(node.service().get(group).status()).as("nothing deleted before confirming").isEqualTo(200);
        browser.press("Yes, delete");
        browser.waitForText(By.cssSelector(".notice-ok"), "Group Team deleted.");
        assertThat(node.service().get(group).status()).isEqualTo(404);
    }

    /**
     * Adding a member to a group renamed elsewhere since the screen read it succeeds (an add carries no version), and
     * its notice names the group as it is now, as the reloaded list and the member's page do.
     */
    @Test
    void addingToAGroupRenamedElsewhere_namesItAsItIsNow() {
        Fixtures.Org org = fixtures.org("rooms");
        long viewer = fixtures.role(org, "Viewer", List.of("canCreateRooms"));
        long ada = fixtures.member(org, "u-ada", viewer);
        Http.Res team = teamOnTheGroupsScreen(org);
        String group = org.path() + "/groups/" + team.get("id").longValue();
        assertThat(node.service().patch(group, Map.of("name", "Elsewhere B")).status()).isEqualTo(200);

        browser.type("Add member (user id, or id:<member id>)", "u-ada");
        browser.press("Add");
        assertThat(browser.waitFor(By.cssSelector(".notice-ok")).getText()).isEqualTo("u-ada added to Elsewhere B.");

        browser.open("/console/#/members/id:" + ada);
        browser.heading("u-ada");
        assertThat(node.service().patch(group, Map.of("name", "Elsewhere C")).status()).isEqualTo(200);
        browser.press("Remove…");
        browser.press("Yes, remove");
        assertThat(browser.waitFor(By.cssSelector(".notice-ok")).getText()).isEqualTo("Removed from Elsewhere C.");
    }

    /** A group "Team" made in {@code org}, the console signed in as its admin on the groups screen: its 201. */
    private Http.Res teamOnTheGroupsScreen(Fixtures.Org org) {
        Http.Res team = node.service().post(org.path() + "/groups", Map.of("name", "Team"));
        assertThat(team.status()).as(team.toString()).isEqualTo(201);
        signIn(org.adminKey());
        browser.open("/console/#/groups");
        browser.heading("Groups");
        return team;
    }

    /**
     * A group renamed elsewhere since the screen read it: a rename or delete sent then is refused, and the refusal
     * offers the group as it is now, as a member's page does.
     */
    @Test
    void aGroupChangedElsewhere_refusesTheStaleRename_andOffersTheCurrentVersion() {
        Fixtures.Org org = fixtures.org("rooms");
        Http.Res team = teamOnTheGroupsScreen(org);
        String group = org.path() + "/groups/" + team.get("id").longValue();
        Http.Res theirs = node.service().header("If-Match", "\"" + team.get("version").longValue() + "\"")
                .patch(group, Map.of("name", "Team (theirs)"));
        assertThat(theirs.status()).as(theirs.toString()).isEqualTo(200);

        browser.type("Name", "Team (mine)");
        browser.press("Rename");
        assertThat(browser.formProblem()).contains("Someone else changed this since you opened it");
        browser.press("Load the current version");
        browser.waitFor(By.cssSelector("section[aria-label='Group Team (theirs)']"));
        assertThat(browser.control("Name").getDomProperty("value")).isEqualTo("Team (theirs)");
        assertThat(node.service().get(group).get("name").stringValue()).isEqualTo("Team (theirs)");

        Http.Res again = node.service().patch(group, Map.of("name", "Team (theirs, again)"));
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        browser.press("Delete group Team (theirs)");
        browser.press("Yes, delete");
        browser.waitForText(By.cssSelector(".notice-error"), "Someone else changed this since you opened it");
        assertThat(node.service().get(group).status()).isEqualTo(200);
        browser.press("Load the current version");
        browser.waitFor(By.cssSelector("section[aria-label='Group Team (theirs, again)']"));
    }

    /**
     * A write refused because what it named was removed elsewhere since the screen read it (404) reads the screen
     * again — the gone entry leaves it — and says so in words naming what was pressed, not the server's ids: a group's
     * member, a room's holder, a webhook.
     */
    @Test
    void aWriteRefusedForWhatIsGoneElsewhere_readsTheScreenAgain_andSaysSo() {
        Fixtures.Org org = fixtures.org("rooms");
        long agent = fixtures.role(org, "Agent", List.of("canViewRoomDetails"));
        long bulk = fixtures.member(org, "bulk-9", agent);
        long ada = fixtures.member(org, "u-ada", agent);
        Http.Res team = node.service().post(org.path() + "/groups", Map.of("name", "Team"));
        assertThat(team.status()).as(team.toString()).isEqualTo(201);
        String group = org.path() + "/groups/" + team.get("id").longValue();
        for (long member : List.of(bulk, ada)) {
            assertThat(node.service().post(group + "/members", Map.of("member_id", member)).status()).isEqualTo(201);
        }
        signIn(org.adminKey());
        browser.open("/console/#/groups");
        By teamCard = By.cssSelector("section[aria-label='Group Team']");
        browser.waitForText(teamCard, "2 members");
        Http.Res removed = node.service().delete(group + "/members/id:" + bulk);
        assertThat(removed.status()).as(removed.toString()).isLessThan(300);
        browser.click(browser.waitFor(By.cssSelector("button[aria-label='Remove bulk-9 from Team']")));
        browser.press("Yes, remove");
        String said = browser.waitForText(By.cssSelector(".notice-error"), "bulk-9 is no longer in Team").getText();
        assertThat(said).doesNotContain("Member " + bulk);
        browser.waitForText(teamCard, "1 member");
        assertThat(browser.waitFor(teamCard).getText()).contains("u-ada").doesNotContain("bulk-9");

        String room = fixtures.room(org);
        fixtures.assign(org, room, ada, agent);
        browser.open("/console/#/resources?type=room&id=" + room);
        browser.waitFor(By.xpath("//tr[td[normalize-space()='u-ada']]"));
        Http.Res unassigned = node.service().delete(org.path() + "/resources/room/" + room + "/assignments/" + ada);
        assertThat(unassigned.status()).as(unassigned.toString()).isLessThan(300);
        browser.click(browser.waitFor(By.cssSelector("button[aria-label='Remove the role of u-ada here']")));
        browser.press("Yes, remove");
        browser.waitForText(By.cssSelector(".notice-error"), "u-ada no longer holds a role on");
        assertThat(browser.driver().findElements(By.xpath("//tr[td[normalize-space()='u-ada']]"))).isEmpty();

        Http.Res hook = node.service().post(org.path() + "/webhooks", Map.of("url", "https://receiver.invalid/hook",
                "status", "paused"));
        assertThat(hook.status()).as(hook.toString()).isEqualTo(201);
        String hookPath = org.path() + "/webhooks/" + hook.get("id").longValue();
        browser.open("/console/#/webhooks/" + hook.get("id").longValue());
        browser.heading("https://receiver.invalid/hook");
        // paused through the API, it reads "paused", no more; not failing, it shows no "Failing since"
        assertThat(browser.waitFor(By.xpath("//dt[normalize-space()='Status']/following-sibling::dd[1]")).getText())
                .isEqualTo("paused");
        assertThat(browser.waitFor(By.cssSelector("dl.facts")).getText()).doesNotContain("Failing since");
        assertThat(node.service().delete(hookPath).status()).isLessThan(300);
        browser.press("Resume");
        browser.waitForText(By.cssSelector(".notice-error"), "The webhook of https://receiver.invalid/hook is gone");
        assertThat(browser.driver().findElements(By.xpath("//button[normalize-space()='Resume']"))).isEmpty();
    }

    /**
     * A screen reloaded after a write says what the write did; a link cannot make it say anything else (the words
     * once came from the link's {@code ?done=}, so a crafted link showed any text as a success).
     */
    @Test
    void aLinkCannotPutWordsInTheSuccessNotice() {
        Fixtures.Org org = fixtures.org("rooms");
        signIn(org.adminKey());
        String words = URLEncoder.encode("Your session expired. Sign in again at https://evil.example",
                StandardCharsets.UTF_8).replace("+", "%20");
        Map<String, String> screens = Map.of("groups", "Groups", "offices", "Offices", "resources", "Resources",
                "members/" + org.adminId(), org.json().at("/admin_member/user_id").stringValue());
        for (Map.Entry<String, String> screen : screens.entrySet()) {
            for (String done : List.of(words, "1")) {
                browser.open("/console/#/roles");
                browser.heading("Roles");
                browser.open("/console/#/" + screen.getKey() + "?done=" + done);
                browser.heading(screen.getValue());
                assertThat(browser.driver().findElements(By.cssSelector(".notice-ok"))).as(screen.getKey() + " " + done)
                        .isEmpty();
            }
        }
        browser.open("/console/#/groups");
        browser.heading("Groups");
        browser.type("New group name", "Team");
        browser.press("Create group");
        browser.waitForText(By.cssSelector(".notice-ok"), "Group Team created.");
    }

    @Test
    void deletingAWebhook_asksFirst() {
        Fixtures.Org org = fixtures.org("rooms");
        Http.Res hook = node.service().post(org.path() + "/webhooks", Map.of("url", "https://receiver.invalid/hook",
                "status", "paused"));
        assertThat(hook.status()).as(hook.toString()).isEqualTo(201);
        String path = org.path() + "/webhooks/" + String.valueOf(hook.get("id").longValue());
        signIn(org.adminKey());
        browser.open("/console/#/webhooks/" + String.valueOf(hook.get("id").longValue()));
        browser.heading("https://receiver.invalid/hook");
        browser.press("Delete…");
        assertThat(node.service().get(path).status()).as("nothing deleted before confirming").isEqualTo(200);
        browser.press("Keep it");
        assertThat(browser.driver().findElements(By.xpath("//button[normalize-space()='Yes, delete']"))).isEmpty();
        browser.press("Delete…");
        browser.press("Yes, delete");
        browser.heading("Webhooks");
        assertThat(node.service().get(path).status()).isEqualTo(404);
    }

    @Test
    void aKeyRevokedWhileSignedIn_signsOutSayingWhy() {
        Fixtures.Org org = fixtures.org("rooms");
        Http.Res key = node.service().post(org.path() + "/members/" + org.adminId() + "/keys", Map.of("name", "tab"));
        assertThat(key.status()).as(key.toString()).isEqualTo(201);
        signIn(key.get("key").stringValue());
        Http.Res revoked = node.service().delete(org.path() + "/members/" + org.adminId() + "/keys/"
                + key.get("id").stringValue());
        assertThat(revoked.status()).as(revoked.toString()).isLessThan(300);
        browser.open("/console/#/members");
        browser.heading("Sign in");
        browser.waitForText(By.id("status"), "The key is no longer accepted");
        assertThat(browser.script("return sessionStorage.getItem('gatehouse.console.session')")).isNull();
    }

    /** The control that leads to the previous page of members, link or button. */
    static WebElement previousPage() {
        return browser.waitFor(By.xpath("//nav[@aria-label='Pages of members']/*[normalize-space()='Previous page']"));
    }

    static String firstUserId() {
        try {
            List<WebElement> cells = browser.driver().findElements(By.cssSelector("tbody tr td:first-child"));
            return cells.isEmpty() ? "" : cells.get(0).getText();
        } catch (org.openqa.selenium.StaleElementReferenceException e) {
            return "";
        }
    }

    @Test
    void anAnswerThatIsNotTheJsonItClaims_orBreaksOff_isShownInTheForm() {
        Fixtures.Org org = fixtures.org("rooms");
        signIn(org.adminKey());
        browser.open("/console/#/webhooks");
        browser.heading("Webhooks");
        // a proxy's error page, said to be JSON
        browser.script("window.realFetch = window.realFetch || window.fetch; window.fetch = (url, init) =>"
                + " init && init.method === 'POST' ? Promise.resolve(new Response('<html><h1>502 Bad Gateway</h1></html>',"
                + " {status: 502, headers: {'Content-Type': 'application/json'}})) : window.realFetch(url, init);");
        browser.type("URL", "https://receiver.invalid/hook");
        browser.press("Create webhook");
        assertThat(browser.formProblem()).contains("answer could not be read", "HTTP 502");

        // an answer whose body the connection drops
        browser.script("window.fetch = (url, init) => init && init.method === 'POST' ? Promise.resolve(new Response("
                + " new ReadableStream({start(c) { c.error(new TypeError('network error')); }}),"
                + " {status: 201, headers: {'Content-Type': 'application/json'}})) : window.realFetch(url, init);");
        browser.press("Create webhook");
        browser.waitForText(By.cssSelector(".form-problem"), "broke off");
    }

    @Test
    void anOrganizationLinkedForRenamingThatIsGone_isSaidToBeNotFound() {
        browser.open("/");
        browser.heading("Sign in");
        browser.type("API key", TestNode.SERVICE_KEY);
        browser.press("Sign in");
        browser.heading("Operators");
        browser.open("/console/#/operators?org=987654321");
        WebElement section = browser.waitFor(By.cssSelector("section[aria-label='Organization 987654321']"));
        assertThat(section.findElement(By.cssSelector(".notice-error")).getText()).containsIgnoringCase("not found");
        browser.waitFor(By.xpath("//h2[normalize-space()='Create an organization']"));
    }

    /**
     * The organization at hand deleted elsewhere: an operator managing it is taken back to the Operators screen,
     * told it is not found, the header no longer naming it; a member key of it, deleted with it, signs out saying why.
     */
    @Test
    void anOrganizationDeletedElsewhere_isLeftSayingSo_andItsMemberKeySignsOut() {
        Fixtures.Org org = fixtures.org("rooms");
        String name = org.json().get("name").stringValue();
        browser.open("/");
        browser.heading("Sign in");
        browser.type("API key", TestNode.SERVICE_KEY);
        browser.press("Sign in");
        browser.heading("Operators");
        browser.open("/console/#/operators?org=" + org.id());
        browser.press("Manage " + name);
        browser.heading("Roles");
        assertThat(node.service().delete(org.path()).status()).isLessThan(300);
        browser.open("/console/#/groups");
        browser.heading("Operators");
        browser.waitForText(By.id("status"), "Organization " + name + " is not found");
        assertThat(browser.waitFor(By.id("who")).getText()).doesNotContain(name);
        assertThat(browser.driver().findElements(By.xpath("//button[normalize-space()='Leave organization']")))
                .isEmpty();
        browser.script("sessionStorage.clear()");

        Fixtures.Org other = fixtures.org("rooms");
        signIn(other.adminKey());
        assertThat(node.service().delete(other.path()).status()).isLessThan(300);
        browser.open("/console/#/members");
        browser.heading("Sign in");
        browser.waitForText(By.id("status"), "its organization deleted");
        assertThat(browser.script("return sessionStorage.getItem('gatehouse.console.session')")).isNull();
    }
}
