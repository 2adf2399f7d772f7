package dev.gatehouse.console;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestIssuer;
import dev.gatehouse.testing.TestNode;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console in a real browser against the real server on a loopback port: an organization admin's walk
 * (a role built in the matrix, given to a member and on a room, asked about in the explorer, found in the
 * history), the operator's walk, and bad input shown next to the field it concerns. Every screen is checked
 * for unlabelled controls and photographed for docs/console.md.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {

    static TestIssuer issuer;
    static TestNode node;
    static Fixtures fixtures;
    static Browser browser;

    @BeforeAll
    static void start() {
        issuer = TestIssuer.start();
        node = TestNode.start(config -> config.withOidc(issuer.settings()));
        fixtures = new Fixtures(node);
        browser = new Browser(node.baseUrl());
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        node.close();
        issuer.close();
    }

    @AfterEach
    void signOut() {
        browser.size(Browser.LAPTOP);
        browser.open("/console/");
        browser.script("sessionStorage.clear()");
    }

    /** Signs in with a key and waits for the screen it lands on. */
    static void signIn(String key, String landing) {
        browser.open("/");
        browser.heading("Sign in");
        browser.type("API key", key);
        browser.press("Sign in");
        browser.heading(landing);
    }

    static void go(String hash, String heading) {
        browser.open("/console/" + hash);
        browser.heading(heading);
        check(heading);
    }

    /** Every visible control has a label, and the page fits the window. */
    static void check(String screen) {
        assertThat(browser.unlabelledControls()).as("unlabelled controls on " + screen).isEmpty();
        assertThat(browser.scrollsSideways()).as(screen + " scrolls sideways").isFalse();
    }

    @Test
    @Order(1)
    void organizationAdmin_buildsARole_givesIt_assignsARoom_explainsAndFindsItInHistory() {
        Fixtures.Org org = fixtures.org("rooms");
        long starter = fixtures.role(org, "Starter", List.of("canCreateRooms"));
        fixtures.member(org, "u-bob", starter);
        fixtures.member(org, "u-dana", starter);
        String room = fixtures.room(org);

        browser.open("/");
        browser.heading("Sign in");
        assertThat(browser.url()).endsWith("/console/");
        check("sign-in");
        browser.screenshot("signin");
        signIn(org.adminKey(), "Roles");
        assertThat(browser.url()).doesNotContain(org.adminKey());
        assertThat(browser.driver().findElement(By.tagName("table")).getText()).contains("Default Admin", "System · read-only");
        check("roles");
        browser.screenshot("roles");

        // a role in the matrix: two single permissions and a whole category
        browser.click(browser.link("New role"));
        browser.heading("New role");
        check("new role");
        browser.type("Name", "Deal Agent");
        browser.type("Description", "Works the documents of a deal");
        browser.click(permission("canViewRoomDetails"));
        browser.click(permission("canAddDocuments"));
        browser.click(browser.waitFor(By.xpath("//fieldset[@data-category='tasks']//input[@class='category-all']")));
        assertThat(browser.driver().findElement(By.cssSelector("fieldset[data-category='tasks'] legend")).getText())
                .matches("Tasks (\\d+) of \\1");
        browser.screenshot("role-editor", browser.control("Name"));
        browser.press("Create role");
        browser.heading("Deal Agent");
        browser.waitForText(By.cssSelector(".notice-ok"), "Role saved.");
        Http.Res roles = node.service().get(org.path() + "/roles");
        long agent = 0;
        for (var r : roles.get("items")) {
            if (r.get("name").stringValue().equals("Deal Agent")) {
                agent = r.get("id").longValue();
                assertThat(r.get("permissions").toString()).contains("canViewRoomDetails", "canAddDocuments");
                assertThat(r.get("description").stringValue()).isEqualTo("Works the documents of a deal");
            }
        }
        assertThat(agent).isPositive();

        // a preview of an edit of the new role: nobody holds it yet, so nobody gains or loses anything
        browser.click(permission("canDeleteOwnedDocuments"));
        browser.press("Preview changes");
        browser.waitForText(By.cssSelector(".preview"), "Nobody gains or loses anything");
        browser.click(permission("canDeleteOwnedDocuments"));

        // give it to a member: search, open, preview, save
        go("#/members", "Members");
        browser.type("Search", "bob");
        browser.press("Search");
        browser.waitUntil(d -> d.findElements(By.cssSelector("tbody tr")).size() == 1);
        assertThat(browser.driver().findElement(By.cssSelector("tbody")).getText()).contains("u-bob")
                .doesNotContain("u-dana");
        browser.screenshot("members");
        browser.click(browser.link("u-bob"));
        browser.heading("u-bob");
        check("member");
        browser.choose("Company role", "Deal Agent");
        browser.press("Preview change");
        // Bob's Starter role held canCreateRooms alone: he gains the new role's permissions and loses that one
        browser.waitForText(By.cssSelector(".preview"), "1 member gains and 1 member loses permissions.");
        String shown = browser.driver().findElement(By.cssSelector(".preview")).getText();
        assertThat(shown).contains("canAddDocuments organization-wide: 1 member (u-bob)",
                "canViewRoomDetails organization-wide: 1 member (u-bob)");
        assertThat(browser.driver().findElement(By.cssSelector(".preview-losses")).getText())
                .contains("canCreateRooms organization-wide: 1 member (u-bob)").doesNotContain("canAddDocuments");
        assertThat(node.service().get(org.path() + "/members/user:u-bob").get("role_id").longValue())
                .as("a preview saves nothing").isEqualTo(starter);
        browser.screenshot("member-preview", browser.driver().findElement(By.cssSelector(".preview")));
        browser.press("Change company role");
        browser.waitForText(By.cssSelector(".notice-ok"), "Company role changed to Deal Agent.");
        browser.screenshot("member");
        assertThat(node.service().get(org.path() + "/members/user:u-bob").get("role_id").longValue()).isEqualTo(agent);

        // a room role; first a member that does not exist, shown next to the member field
        go("#/resources", "Resources");
        browser.type("Resource id", room);
        browser.press("Show assignments");
        browser.waitForText(By.cssSelector("section h2"), "Who holds a role on room " + room);
        browser.type("Member (user id, or id:<member id>)", "nobody");
        browser.choose("Role", "Deal Agent");
        browser.press("Assign role");
        assertThat(browser.fieldError("Member (user id, or id:<member id>)")).containsIgnoringCase("nobody");
        browser.type("Member (user id, or id:<member id>)", "u-bob");
        browser.choose("Role", "Deal Agent");
        browser.press("Assign role");
        browser.waitForText(By.cssSelector(".notice-ok"), "Role Deal Agent given to u-bob.");
        browser.waitForText(By.cssSelector("tbody"), "u-bob");
        check("resources");
        browser.screenshot("resources");
        // a removal previewed before it is made: the room role alone decides there, so Bob would lose all of it
        browser.click(browser.waitFor(By.cssSelector("button[aria-label='Preview removing the role of u-bob here']")));
        By removal = By.cssSelector("section.preview[aria-label='Preview of removing a role']");
        browser.waitForText(removal, "0 members gain and 1 member loses permissions.");
        assertThat(browser.driver().findElement(removal).findElement(By.cssSelector(".preview-losses")).getText())
                .contains("canAddDocuments on room " + room + ": 1 member (u-bob)",
                        "canViewRoomDetails on room " + room + ": 1 member (u-bob)");
        assertThat(node.service().get(org.path() + "/resources/room/" + room + "/assignments").get("items"))
                .as("a preview removes nothing").hasSize(2);

        // the explorer: allowed in the room, and why
        go("#/explorer", "Access explorer");
        WebElement check = browser.waitFor(By.xpath("//form[h2='May a member do this?']"));
        fillIn(check, "Member", "u-bob");
        fillIn(check, "Permission", "canAddDocuments");
        new org.openqa.selenium.support.ui.Select(check.findElement(By.name("resource_type"))).selectByVisibleText("Room");
        fillIn(check, "Resource id", room);
        browser.click(check.findElement(By.xpath(".//button[normalize-space()='Check']")));
        browser.waitForText(By.cssSelector(".verdict"), "Allowed");
        String verdict = browser.driver().findElement(By.cssSelector(".verdict")).getText();
        assertThat(verdict).contains("Decided by: the role “Deal Agent” on the resource");
        WebElement effective = browser.waitFor(By.xpath("//form[h2='Effective permissions']"));
        fillIn(effective, "Member", "u-bob");
        browser.click(effective.findElement(By.xpath(".//button[normalize-space()='Show permissions']")));
        browser.waitFor(By.cssSelector("form.tool .matrix input[data-permission='canAddDocuments']:checked"));
        WebElement who = browser.waitFor(By.xpath("//form[h2='Who may do this?']"));
        fillIn(who, "Permission", "canFly");
        browser.click(who.findElement(By.xpath(".//button[normalize-space()='Find members']")));
        By whoError = By.xpath("//form[h2='Who may do this?']//div[@data-field='permission']/p[@class='field-error']");
        assertThat(browser.waitFor(whoError).getText()).contains("canFly");
        browser.screenshot("explorer");

        // the history: the assignment, and its before/after
        go("#/history", "History");
        browser.choose("Object type", "assignment");
        browser.press("Filter");
        browser.waitUntil(d -> d.getCurrentUrl().contains("object_type=assignment"));
        WebElement row = browser.waitFor(By.xpath("//tbody/tr[td[normalize-space()='created']][1]"));
        assertThat(row.getText()).contains("assignment", "member " + org.adminId());
        browser.screenshot("history");
        browser.click(row.findElement(By.tagName("a")));
        browser.waitFor(By.xpath("//h1[contains(., 'assignment') and contains(., 'created')]"));
        assertThat(browser.driver().findElement(By.tagName("table")).getText()).contains("role_id", String.valueOf(agent),
                "(did not exist)");
        browser.screenshot("history-event");

        // the role is held now: deleting it is refused, naming who holds it
        go("#/roles/" + agent, "Deal Agent");
        browser.press("Delete role…");
        browser.press("Yes, delete");
        browser.waitForText(By.cssSelector(".delete-result"), "still held");
        browser.waitForText(By.cssSelector(".holders"), "u-bob");
        assertThat(node.service().get(org.path() + "/roles/" + agent).status()).isEqualTo(200);

        // sign out: the key is gone from the tab
        browser.press("Sign out");
        browser.heading("Sign in");
        assertThat(browser.script("return sessionStorage.length + localStorage.length")).isEqualTo(0L);
    }

    @Test
    @Order(2)
    void roleEditor_showsAConcurrentEdit_insteadOfOverwritingIt() {
        Fixtures.Org org = fixtures.org("rooms");
        long role = fixtures.role(org, "Closer", List.of("canViewRoomDetails"));
        signIn(org.adminKey(), "Roles");
        go("#/roles/" + role, "Closer");
        Http.Res theirs = node.service().header("If-Match", "\"1\"").patch(org.path() + "/roles/" + role,
                Map.of("name", "Closer (theirs)", "permissions", List.of("canViewRoomDetails", "canCreateRooms")));
        assertThat(theirs.status()).as(theirs.toString()).isEqualTo(200);
        browser.click(permission("canAddDocuments"));
        browser.press("Save changes");
        WebElement conflict = browser.waitFor(By.cssSelector(".conflict"));
        assertThat(conflict.getText()).contains("Someone else changed this role", "They added: canCreateRooms",
                "Closer (theirs)");
        browser.screenshot("role-conflict");
        Http.Res now = node.service().get(org.path() + "/roles/" + role);
        assertThat(now.get("name").stringValue()).isEqualTo("Closer (theirs)");
        assertThat(now.get("permissions").toString()).doesNotContain("canAddDocuments");
        browser.press("Discard mine, load theirs");
        browser.heading("Closer (theirs)");
        assertThat(permission("canCreateRooms").isSelected()).isTrue();
        assertThat(permission("canAddDocuments").isSelected()).isFalse();
    }

    @Test
    @Order(3)
    void badInput_isShownNextToTheField_andChangesNothing() {
        browser.open("/");
        browser.heading("Sign in");
        browser.press("Sign in");
        assertThat(browser.fieldError("API key")).containsIgnoringCase("a key is needed");
        // by keyboard alone: the key field has the focus, Enter submits
        browser.waitUntil(d -> "key".equals(d.switchTo().activeElement().getDomAttribute("name")));
        browser.driver().switchTo().activeElement().sendKeys("not-a-key-of-this-deployment", Keys.ENTER);
        assertThat(browser.fieldError("API key")).contains("not valid");
        assertThat(browser.formProblem()).contains("The key was not accepted");
        browser.screenshot("signin-error");

        Fixtures.Org org = fixtures.org("rooms");
        signIn(org.adminKey(), "Roles");
        long before = node.service().get(org.path() + "/roles").get("items").size();
        go("#/roles/new", "New role");
        browser.type("Name", "   ");
        browser.click(permission("canCreateRooms"));
        browser.press("Create role");
        assertThat(browser.fieldError("Name")).isNotBlank();
        assertThat(browser.control("Name").getDomAttribute("aria-invalid")).isEqualTo("true");
        assertThat(node.service().get(org.path() + "/roles").get("items").size()).isEqualTo(before);

        go("#/members", "Members");
        browser.type("User id", "u-eve");
        browser.type("Email", "not an address");
        browser.press("Add member");
        assertThat(browser.fieldError("Email")).isNotBlank();
        browser.screenshot("member-error", browser.control("User id"));
        assertThat(node.service().get(org.path() + "/members/user:u-eve").status()).isEqualTo(404);

        go("#/webhooks", "Webhooks");
        browser.type("URL", "http://127.0.0.1/hook");
        browser.press("Create webhook");
        assertThat(browser.fieldError("URL")).isNotBlank();
        browser.type("URL", "https://receiver.invalid/gatehouse");
        browser.press("Create webhook");
        browser.waitForText(By.cssSelector(".secret"), "shown only now");
        check("webhooks");
        browser.screenshot("webhooks");
        browser.click(browser.link("https://receiver.invalid/gatehouse"));
        browser.heading("https://receiver.invalid/gatehouse");
        browser.press("Pause");
        browser.waitForText(By.cssSelector(".notice-ok"), "Webhook paused.");
        browser.press("Rotate secret");
        browser.waitForText(By.cssSelector(".secret"), "shown only now");
        String rotated = browser.driver().findElement(By.cssSelector(".secret-value")).getText();
        assertThat(rotated).isNotBlank();
        Http.Res hooks = node.service().get(org.path() + "/webhooks");
        assertThat(hooks.get("items").get(0).get("status").stringValue()).isEqualTo("paused");
        browser.press("Resume");
        browser.waitForText(By.cssSelector(".notice-ok"), "Webhook resumed.");
        check("webhook");

        go("#/groups", "Groups");
        browser.type("New group name", "Deal desk");
        browser.press("Create group");
        browser.waitForText(By.cssSelector(".notice-ok"), "Group Deal desk created.");
        browser.screenshot("groups");
    }

    @Test
    @Order(4)
    void operator_seesTheNode_andCreatesRenamesOpensAndDeletesAnOrganization() {
        signIn(TestNode.SERVICE_KEY, "Operators");
        check("operators");
        browser.waitForText(By.cssSelector(".health"), "Ready");
        assertThat(browser.driver().findElement(By.cssSelector(".revision")).getText())
                .isEqualTo(String.valueOf(node.appliedRevision()));

        browser.press("Create organization");
        assertThat(browser.fieldError("Name")).isNotBlank();
        browser.type("Name", "Harbour CRM");
        browser.choose("Model", "Close CRM (close)");
        browser.type("User id", "u-olga");
        browser.type("Email", "olga@harbour.test");
        browser.press("Create organization");
        browser.waitForText(By.cssSelector(".notice-ok"), "Organization Harbour CRM created");
        // the screen is read again at once: the list and the node's counts hold the new organization, the key stays
        browser.waitForText(By.cssSelector("tbody"), "Harbour CRM");
        long organizations = node.service().get("/v1/engine").get("organizations").longValue();
        assertThat(browser.driver().findElement(By.xpath("//dt[normalize-space()='Organizations in the engine']"
                + "/following-sibling::dd[1]")).getText()).isEqualTo(String.valueOf(organizations));
        assertThat(browser.driver().findElement(By.cssSelector(".revision")).getText())
                .isEqualTo(String.valueOf(node.appliedRevision()));
        String adminKey = browser.driver().findElement(By.cssSelector(".secret-value")).getText();
        assertThat(node.as(adminKey).get("/v1/orgs").status()).isEqualTo(200);
        browser.screenshot("operators");

        WebElement row = browser.waitFor(By.xpath("//tbody/tr[td[normalize-space()='Harbour CRM']]"));
        browser.click(row.findElement(By.xpath(".//a[normalize-space()='Rename or delete']")));
        browser.type("New name", "Harbour CRM EU");
        browser.press("Rename");
        browser.waitForText(By.cssSelector(".notice-ok"), "Renamed to Harbour CRM EU.");

        // manage the organization: Close's system roles are read-only, lead visibility follows view_all_leads
        browser.press("Manage Harbour CRM EU");
        browser.heading("Roles");
        browser.click(browser.link("Admin"));
        browser.heading("Admin");
        assertThat(permission("view_all_leads").isEnabled()).isFalse();
        go("#/roles/new", "New role");
        WebElement fields = browser.control("User fields that make a record visible (one field id per line)");
        assertThat(fields.isEnabled()).isTrue();
        browser.click(permission("view_all_leads"));
        assertThat(fields.isEnabled()).isFalse();
        assertThat(browser.driver().findElement(By.cssSelector(".visibility-note")).getText()).contains("sees every record");
        browser.size(Browser.TALL);
        browser.screenshot("role-editor-close", browser.waitFor(By.cssSelector("fieldset.visibility")));
        browser.size(Browser.TABLET);
        browser.click(permission("view_all_leads"));
        assertThat(fields.isEnabled()).isTrue();
        check("role editor on a tablet");
        browser.screenshot("tablet-role-editor");
        browser.size(Browser.LAPTOP);

        // delete it: a wrong name is refused, the right one deletes
        browser.press("Leave organization");
        browser.heading("Operators");
        WebElement renamed = browser.waitFor(By.xpath("//tbody/tr[td[normalize-space()='Harbour CRM EU']]"));
        long id = Long.parseLong(renamed.findElements(By.tagName("td")).get(1).getText());
        browser.click(renamed.findElement(By.xpath(".//a[normalize-space()='Rename or delete']")));
        browser.type("Type “Harbour CRM EU” to delete it and everything in it", "Harbour");
        browser.press("Delete organization");
        assertThat(browser.fieldError("Type “Harbour CRM EU” to delete it and everything in it")).contains("exactly");
        assertThat(node.service().get("/v1/orgs/" + id).status()).isEqualTo(200);
        browser.type("Type “Harbour CRM EU” to delete it and everything in it", "Harbour CRM EU");
        browser.press("Delete organization");
        browser.waitForText(By.cssSelector(".notice-ok"), "Organization Harbour CRM EU deleted.");
        assertThat(node.service().get("/v1/orgs/" + id).status()).isEqualTo(404);
    }

    @Test
    @Order(5)
    void members_pageThroughAManyMemberOrganization_andSearchIt() {
        Fixtures.Org org = fixtures.org("close");
        long user = fixtures.roleId(org, "User");
        for (int i = 0; i < 120; i++) {
            fixtures.member(org, String.format("m-%03d", i), user);
        }
        signIn(org.adminKey(), "Roles");
        go("#/members", "Members");
        assertThat(firstUserId()).isEqualTo("admin-" + userIdSuffix(org));
        assertThat(browser.driver().findElements(By.cssSelector("tbody tr"))).hasSize(50);
        browser.click(browser.link("Next page"));
        browser.waitUntil(d -> firstUserId().equals("m-049"));
        browser.click(browser.link("Next page"));
        browser.waitUntil(d -> firstUserId().equals("m-099"));
        assertThat(browser.driver().findElements(By.cssSelector("tbody tr"))).hasSize(21);
        assertThat(browser.driver().findElements(By.xpath("//a[normalize-space()='Next page']"))).isEmpty();
        browser.click(browser.link("Previous page"));
        browser.waitUntil(d -> firstUserId().equals("m-049"));
        browser.type("Search", "m-11");
        browser.press("Search");
        browser.waitUntil(d -> d.findElements(By.cssSelector("tbody tr")).size() == 10);
        assertThat(firstUserId()).isEqualTo("m-110");
    }

    @Test
    @Order(6)
    void organizationAdmin_signsInWithTheIdentityProvider_authorizationCodeWithPkce() {
        Fixtures.Org org = fixtures.org("rooms");
        String host = issuer.issuer().replaceFirst("^http://", "").replaceFirst("/.*$", "");
        issuer.signInAs(org.json().get("admin_member").get("user_id").stringValue());
        int exchanged = issuer.exchanges();

        // someone the issuer vouches for but who is no member of the organization asked for: refused, in the server's
        // words (every refused token was once told it was no active member, whatever the server refused it for)
        Fixtures.Org other = fixtures.org("rooms");
        browser.open("/");
        browser.heading("Sign in");
        browser.type("Organization id", String.valueOf(other.id()));
        browser.press("Sign in with " + host);
        browser.heading("Sign in");
        browser.waitForText(By.cssSelector(".signin-oidc"), "The server refused the token for organization "
                + other.id() + ": the access token is not valid: its user is no member of the organization");
        // a member whose token the server refuses for what it holds is told that, not that it is no member
        issuer.issueAccessTokens(claims -> claims.audience("another-api"));
        browser.type("Organization id", String.valueOf(org.id()));
        browser.press("Sign in with " + host);
        browser.heading("Sign in");
        browser.waitForText(By.cssSelector(".signin-oidc"), "The server refused the token for organization " + org.id()
                + ": the access token is not valid: its audience (aud) is not this server's");
        issuer.issueAccessTokens(UnaryOperator.identity());
        assertThat(browser.url()).doesNotContain("code=").doesNotContain("state=");

        browser.type("Organization id", String.valueOf(org.id()));
        check("sign-in with the identity provider");
        browser.press("Sign in with " + host);
        browser.heading("Roles");
        assertThat(issuer.exchanges()).isEqualTo(exchanged + 3);
        // the code and state left the address bar; the token lives only in this tab's sessionStorage
        assertThat(browser.url()).doesNotContain("code=").doesNotContain("state=").doesNotContain("eyJ");
        assertThat(browser.script("return localStorage.length")).isEqualTo(0L);
        assertThat(browser.script("return sessionStorage.getItem('gatehouse.console.oidc')")).isNull();
        assertThat(browser.driver().findElement(By.id("who")).getText()).contains("Signed in with " + host);
        assertThat(browser.driver().findElement(By.tagName("table")).getText()).contains("Default Admin");
        // it acts as the admin: a role made through the console is the admin's, made with a token
        browser.click(browser.link("New role"));
        browser.heading("New role");
        browser.type("Name", "Via the identity provider");
        browser.click(permission("canViewRoomDetails"));
        browser.press("Create role");
        browser.heading("Via the identity provider");
        var event = node.service().get(org.path() + "/events?object_type=role&limit=1").get("items").get(0);
        assertThat(event.get("actor").get("member_id").longValue()).isEqualTo(org.adminId());
        assertThat(event.get("actor").get("key_id").stringValue()).startsWith("oidc:");
        browser.press("Sign out");
        browser.heading("Sign in");
        assertThat(browser.script("return sessionStorage.length")).isEqualTo(0L);
    }

    @Test
    @Order(7)
    void anOrganizationThatCannotBeLoaded_isShownAsAProblem_andTheSessionKeepsIt() {
        Fixtures.Org org = fixtures.org("rooms");
        signIn(org.adminKey(), "Roles");
        // the tab is reloaded while the network drops every request for the organization
        browser.failRequests("*/v1/orgs/*");
        try {
            browser.reload();
            browser.heading("Something went wrong");
            assertThat(browser.driver().findElement(By.cssSelector(".notice-error")).getText())
                    .contains("could not be reached");
            assertThat(browser.script("return String(JSON.parse(sessionStorage.getItem('gatehouse.console.session'))"
                    + ".org)")).as("the session still names its organization").isEqualTo(String.valueOf(org.id()));
            check("an organization that cannot be loaded");
        } finally {
            browser.failRequests();
        }
        browser.press("Try again");
        browser.heading("Roles");
        assertThat(browser.driver().findElement(By.tagName("table")).getText()).contains("Default Admin");
    }

    /**
     * Wraps the page's fetch: the first load of an organization ({@code GET /v1/orgs/{id}}) waits until
     * {@code window.release()}; {@code window.modelsLoaded} counts loaded models, raised in a task of its own after
     * the page has done what it does with one.
     */
    static final String HOLD_FIRST_ORGANIZATION_LOAD = """
            (() => {
              const original = window.fetch.bind(window);
              let loads = 0;
              let release;
              const held = new Promise(resolve => { release = resolve; });
              window.release = () => release();
              window.held = false;
              window.modelsLoaded = 0;
              window.fetch = async (input, init) => {
                const path = new URL(String(input), location.href).pathname;
                if (/^\\/v1\\/orgs\\/\\d+$/.test(path) && ++loads === 1) {
                  window.held = true;
                  await held;
                }
                const response = await original(input, init);
                if (/^\\/v1\\/orgs\\/\\d+\\/model$/.test(path)) {
                  const text = response.text.bind(response);
                  response.text = async () => {
                    const body = await text();
                    setTimeout(() => { window.modelsLoaded++; }, 0);
                    return body;
                  };
                }
                return response;
              };
            })();
            """;

    @Test
    @Order(8)
    void aScreenLeftWhileTheOrganizationLoads_isNotDrawnOverTheNextOne() {
        Fixtures.Org org = fixtures.org("rooms");
        signIn(org.adminKey(), "Roles");
        String hold = browser.onEveryPage(HOLD_FIRST_ORGANIZATION_LOAD);
        try {
            // the tab is reloaded on the roles; while the organization loads, the admin follows a link to Members
            browser.reload();
            browser.waitUntil(d -> Boolean.TRUE.equals(browser.script("return window.held")));
            browser.script("location.hash = '#/members'");
            browser.heading("Members");
            // the roles' route gets its organization now, after the members' route has drawn the page
            browser.script("window.release()");
            browser.waitUntil(d -> Long.valueOf(2).equals(browser.script("return window.modelsLoaded")));
            assertThat(browser.script("return document.querySelector('main h1')?.textContent ?? "
                    + "document.getElementById('main').innerText")).isEqualTo("Members");
            assertThat(browser.script("return document.querySelector('#nav a[aria-current=page]').textContent"))
                    .isEqualTo("Members");
        } finally {
            browser.notOnEveryPage(hold);
        }
    }

    @Test
    @Order(9)
    void invitedMember_isShownInvited_andItsAcceptancePreviewedAndMarked() {
        Fixtures.Org org = fixtures.org("rooms");
        long agent = fixtures.role(org, "Agent", List.of("canCreateRooms"));
        Http.Res invited = node.service().post(org.path() + "/members", Map.of("user_id", "u-ivy", "email",
                "ivy@in.test", "role_id", agent, "status", "invited"));
        assertThat(invited.status()).as(invited.toString()).isEqualTo(201);
        signIn(org.adminKey(), "Roles");

        go("#/members?status=invited", "Members");
        browser.waitUntil(d -> firstUserId().equals("u-ivy"));
        assertThat(browser.driver().findElements(By.cssSelector("tbody tr"))).hasSize(1);
        assertThat(browser.driver().findElement(By.cssSelector("tbody tr")).getText()).contains("Invited");
        browser.click(browser.link("u-ivy"));
        browser.heading("u-ivy");
        check("invited member");
        By status = By.xpath("//form[h2[normalize-space()='Status']]");
        assertThat(browser.waitFor(status).getText()).contains("no access until its invitation is accepted");
        browser.press("Preview acceptance");
        browser.waitForText(By.xpath("//form[h2[normalize-space()='Status']]//section[contains(@class,'preview')]"),
                "1 member gains and 0 members lose permissions.");
        assertThat(node.service().get(org.path() + "/members/user:u-ivy").get("status").stringValue())
                .as("a preview saves nothing").isEqualTo("invited");
        browser.press("Mark invitation accepted");
        browser.waitForText(By.cssSelector(".notice-ok"), "Invitation accepted.");
        assertThat(node.service().get(org.path() + "/members/user:u-ivy").get("status").stringValue())
                .isEqualTo("active");
    }

    @Test
    @Order(10)
    void aRouteNamingADotSegment_showsNothing_insteadOfAnotherObject() {
        Fixtures.Org org = fixtures.org("rooms");
        signIn(org.adminKey(), "Roles");
        for (String route : List.of("#/roles/..", "#/members/..", "#/roles/.")) {
            browser.open("/console/" + route);
            browser.heading("Something went wrong");
            assertThat(browser.driver().findElement(By.cssSelector(".notice-error")).getText())
                    .as(route).contains("names nothing");
        }
    }

    /** The user id in the first row of the members table. */
    static String firstUserId() {
        try {
            List<WebElement> cells = browser.driver().findElements(By.cssSelector("tbody tr td:first-child"));
            return cells.isEmpty() ? "" : cells.get(0).getText();
        } catch (org.openqa.selenium.StaleElementReferenceException e) {
            return "";
        }
    }

    /** Fixtures name an organization's first admin admin-N; N as the organization's JSON shows it. */
    static String userIdSuffix(Fixtures.Org org) {
        return org.json().get("admin_member").get("user_id").stringValue().substring("admin-".length());
    }

    static WebElement permission(String key) {
        return browser.waitFor(By.cssSelector("form input[data-permission='" + key + "']"));
    }

    static void fillIn(WebElement form, String label, String text) {
        WebElement l = form.findElement(By.xpath(".//label[normalize-space()=" + Browser.literal(label) + "]"));
        WebElement input = form.findElement(By.id(l.getDomAttribute("for")));
        input.clear();
        input.sendKeys(text);
    }
}
