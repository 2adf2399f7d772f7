package dev.gatehouse.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.client.FakeServer.Answer;
import dev.gatehouse.client.FakeServer.Received;
import org.junit.jupiter.api.Test;

/**
 * What a base URL becomes on the wire ({@link FakeServer}): its scheme is taken in any case (RFC 3986), and however
 * many slashes end it, each request's path follows it with one — {@code http://host//} once asked for
 * {@code //v1/orgs}, which no route answers.
 */
class ClientBaseUrlIT {

    private static final String ROLE = "{\"id\": 5, \"org_id\": 1, \"name\": \"Viewer\", \"permissions\": [], "
            + "\"system\": false, \"version\": 1}";

    @Test
    void anUpperCaseScheme_isTaken() {
        try (FakeServer server = new FakeServer(Answer.json(200, ROLE));
             GatehouseClient client = GatehouseClient.builder().url(server.url().replace("http://", "HTTP://"))
                     .key("k").build()) {
            assertThat(client.org(1).roles().get(5).name()).isEqualTo("Viewer");
            assertThat(server.received()).extracting(Received::path).containsExactly("/v1/orgs/1/roles/5");
        }
    }

    @Test
    void trailingSlashes_askForThePathItself() {
        try (FakeServer server = new FakeServer(Answer.json(200, ROLE));
             GatehouseClient client = GatehouseClient.builder().url(server.url() + "//").key("k").build();
             GatehouseClient underAPath = GatehouseClient.builder().url(server.url() + "/gatehouse///").key("k")
                     .build()) {
            client.org(1).roles().get(5);
            underAPath.org(1).roles().get(5);
            assertThat(server.received()).extracting(Received::path).containsExactly("/v1/orgs/1/roles/5",
                    "/gatehouse/v1/orgs/1/roles/5");
        }
    }
}
