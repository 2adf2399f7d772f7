package dev.gatehouse.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.TestNode;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every line logged while serving a request carries the organization the request addresses ({@code org_id} in
 * the MDC), whichever dialect serves it, and a request without one carries none: captured from the per-request
 * DEBUG line, which is logged last, just before the context is cleared.
 */
class LogContextIT {

    /** A log line as it was logged: its message (without the duration) and the {@code org_id} of its context then. */
    private record Line(String message, String orgId) {
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            String message = event.getFormattedMessage().replaceFirst(" [0-9.]+ ms$", "");
            lines.add(new Line(message, event.getMDCPropertyMap().get(LogContext.ORG_ID)));
        }
    };
    private final Logger requests = (Logger) LoggerFactory.getLogger(HttpServer.REQUEST_LOGGER);

    @BeforeEach
    void capture() {
        capture.start();
        requests.addAppender(capture);
        requests.setLevel(Level.DEBUG);
    }

    @AfterEach
    void release() {
        requests.setLevel(null);
        requests.detachAppender(capture);
        capture.stop();
    }

    @Test
    void everyRequestsLogLines_carryTheOrganizationItAddresses_andOnlyThat() {
        try (TestNode node = TestNode.start()) {
            Fixtures fx = new Fixtures(node);
            Fixtures.Org close = fx.org("close");
            Fixtures.Org rooms = fx.org("rooms");
            lines.clear();

            assertThat(node.service().get(close.path() + "/roles").status()).isEqualTo(200);
            assertThat(node.service().get("/v1/orgs").status()).isEqualTo(200);
            assertThat(close.admin().get("/api/v1/me/").status()).isEqualTo(200);
            assertThat(node.anonymous().get("/healthz").status()).isEqualTo(200);
            assertThat(node.service().get("/restapi/v2/accounts/" + rooms.accountId()).status()).isEqualTo(200);
            assertThat(close.admin().get(rooms.path() + "/roles").status()).as("another organization's")
                    .isEqualTo(404);
            assertThat(node.service().get("/v1/orgs/abc/roles").status()).isEqualTo(400);

            assertThat(lines).containsExactly(
                    new Line("GET /v1/orgs/{org}/roles 200", String.valueOf(close.id())),
                    new Line("GET /v1/orgs 200", null),
                    new Line("GET /api/v1/me/ 200", String.valueOf(close.id())),
                    new Line("GET /healthz 200", null),
                    new Line("GET /restapi/v2/accounts/{accountId} 200", String.valueOf(rooms.id())),
                    new Line("GET /v1/orgs/{org}/roles 404", String.valueOf(rooms.id())),
                    new Line("GET /v1/orgs/{org}/roles 400", null));
        }
    }
}
