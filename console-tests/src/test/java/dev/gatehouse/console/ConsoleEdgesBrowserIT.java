package dev.gatehouse.console;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.TestNode;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console where a person's day goes off the straight path, in a real browser against the real server: the
 * network drops a save, a member's user id looks like a reference, a link's fragment is badly encoded, a pasted
 * key holds characters no key has. Each shows a problem in words and changes nothing it should not.
 */
class ConsoleEdgesBrowserIT {

    static TestNode node;
    static Fixtures fixtures;
    static Browser browser;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        fixtures = new Fixtures(node);
        browser = new Browser(node.baseUrl());
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        node.close();
    }

    @AfterEach
    void signOut() {
        browser.failRequests();
        browser.open("/console/");
        browser.script("sessionStorage.clear()");
    }

    static void signIn(String key) {
        browser.open("/");
        browser.heading("Sign in");
        browser.type("API key", key);
        browser.press("Sign in");
        browser.heading("Roles");
    }

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
        // a product may use any text as its user id, including one that reads like the admin's member reference
        long odd = fixtures.member(org, "id:" + org.adminId(), viewer);
        signIn(org.adminKey());
        browser.open("/console/#/members/" + odd);
        browser.heading("id:" + org.adminId());
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
}
