package dev.gatehouse.console;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * One real server and one browser for a test class, each test starting signed out with the network whole: what the
 * console's browser tests that need nothing else of the server share.
 */
abstract class SignedOutEachTest {

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

    /** Signs in with {@code key} through the sign-in form, landing on the organization's roles. */
    static void signIn(String key) {
        browser.open("/");
        browser.heading("Sign in");
        browser.type("API key", key);
        browser.press("Sign in");
        browser.heading("Roles");
    }

    @AfterEach
    void signOut() {
        browser.failRequests();
        browser.open("/console/");
        browser.script("sessionStorage.clear()");
    }
}
