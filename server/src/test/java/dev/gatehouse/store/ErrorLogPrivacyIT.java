package dev.gatehouse.store;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An unexpected database error is logged in full — it is a bug — but without the values the failed statement
 * carried: neither its bound arguments nor PostgreSQL's detail (which quotes the failing row). The errors are
 * provoked for real: a constraint added to the test database that the service's writes then violate.
 */
class ErrorLogPrivacyIT {

    private final CapturedLog log = new CapturedLog();

    @BeforeEach
    void capture() {
        log.start();
    }

    @AfterEach
    void release() {
        log.stop();
    }

    /** An organization of the node, whose members table from now on refuses any row with {@code email}. */
    static Fixtures.Org refusingOneEmail(TestNode node, String email) {
        Fixtures.Org org = new Fixtures(node).org("close");
        node.node().core().store().jdbi().useHandle(h -> h.execute("ALTER TABLE members ADD CONSTRAINT "
                + "test_refuses_one_email CHECK (email <> '" + email + "') NOT VALID"));
        return org;
    }

    @Test
    void anUnexpectedDatabaseError_logsNoEmailOfTheFailedWrite() {
        try (TestNode node = TestNode.start()) {
            String email = "leaky.person@example.com";
            Fixtures.Org org = refusingOneEmail(node, email);

            Http.Res res = node.service().post(org.path() + "/members", Map.of("user_id", "leaky", "email", email,
                    "first_name", "Lea", "last_name", "Kylast", "role_id", new Fixtures(node).roleId(org, "User")));

            assertThat(res.status()).isEqualTo(500);
            assertThat(res.body()).doesNotContain(email);
            String logged = log.text();
            assertThat(logged).as("the bug is logged, with its error id and the statement that failed")
                    .contains(res.get("detail").stringValue().replaceAll(".*error id ", ""))
                    .contains("test_refuses_one_email").contains("INSERT INTO members");
            assertThat(logged).doesNotContain(email).doesNotContain("Kylast").doesNotContain("Failing row");
        }
    }

    /** The same for members an import writes together ({@code COPY}, whose errors name the row they failed on). */
    @Test
    void anUnexpectedDatabaseError_inAnImportsRunOfMembers_logsNoEmailOfIt() {
        try (TestNode node = TestNode.start()) {
            String email = "leaky.importee@example.com";
            Fixtures.Org org = refusingOneEmail(node, email);
            String lines = Json.writeString(Map.of("type", "member", "user_id", "first", "email", "first@example.com",
                    "role", "User")) + "\n" + Json.writeString(Map.of("type", "member", "user_id", "leaky", "email",
                    email, "first_name", "Lea", "last_name", "Kylast", "role", "User")) + "\n";

            Http.Res res = node.service().raw("POST", org.path() + "/import", lines, "application/x-ndjson");

            assertThat(res.status()).as("%s", res).isEqualTo(500);
            assertThat(res.body()).doesNotContain(email);
            assertThat(log.text()).contains("test_refuses_one_email").doesNotContain(email)
                    .doesNotContain("Kylast").doesNotContain("first@example.com");
        }
    }

    @Test
    void anUnexpectedDatabaseError_logsNoWebhookSecret() {
        try (TestNode node = TestNode.start()) {
            Fixtures.Populated world = new Fixtures(node).populated();
            // every later write of a subscription row fails; the rows written so far stay (NOT VALID)
            node.node().core().store().jdbi().useHandle(h -> h.execute("ALTER TABLE webhooks ADD CONSTRAINT "
                    + "test_refuses_updates CHECK (version < 0) NOT VALID"));

            Http.Res res = node.service().patch(world.org().path() + "/webhooks/" + world.params().get("webhook"),
                    Map.of("rotate_secret", true));

            assertThat(res.status()).isEqualTo(500);
            assertThat(log.text()).contains("test_refuses_updates").doesNotContain("whsec_");
        }
    }

    /** Every event logged while started, rendered as the console would print it, stack traces included. */
    static final class CapturedLog extends AppenderBase<ILoggingEvent> {

        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final PatternLayout layout = new PatternLayout();

        @Override
        public void start() {
            LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
            setContext(context);
            layout.setContext(context);
            layout.setPattern("%level %logger %mdc - %msg%n%ex{full}");
            layout.start();
            super.start();
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(this);
        }

        @Override
        public void stop() {
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(this);
            super.stop();
        }

        @Override
        protected void append(ILoggingEvent event) {
            lines.add(layout.doLayout(event));
        }

        String text() {
            return String.join("", lines);
        }
    }
}
