package dev.gatehouse.http;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A body without a Content-Type is refused (415, in the dialect's shape) on every dialect and changes nothing: a
 * browser lets any page send one cross-site with the user's remembered credentials, while form and text bodies,
 * the other kinds it sends unasked, are refused already. An empty body needs none.
 */
class ContentTypeIT {

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
    void aBodyWithoutAContentType_isRefusedEverywhere_andChangesNothing() {
        Fixtures.Org close = fx.org("close");
        Fixtures.Org rooms = fx.org("rooms");
        long revision = node.revision();
        Map<String, Http.Res> answers = Map.of(
                "native", node.service().raw("POST", close.path() + "/webhooks", "{\"url\": \"https://example.com/\"}",
                        null),
                "import", node.service().raw("POST", close.path() + "/import",
                        "{\"type\": \"role\", \"name\": \"R\", \"permissions\": []}\n", null),
                "close", node.as(close.adminKey()).raw("POST", "/api/v1/group/", "{\"name\": \"G\"}", null),
                "rooms", node.as(rooms.adminKey()).raw("POST", "/restapi/v2/accounts/" + rooms.accountId() + "/roles",
                        "{\"name\": \"R\"}", null));
        answers.forEach((api, res) -> assertThat(res.status()).as("%s: %s", api, res).isEqualTo(415));
        assertThat(answers.get("native").get("code").stringValue()).isEqualTo("unsupported_media_type");
        assertThat(answers.get("close").json().has("error")).isTrue();
        assertThat(answers.get("rooms").get("errorCode").stringValue()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
        assertThat(node.revision()).as("nothing written").isEqualTo(revision);

        assertThat(node.service().raw("POST", close.path() + "/webhooks", "{\"url\": \"https://example.com/\"}",
                "application/json").status()).isEqualTo(201);
        assertThat(node.as(rooms.adminKey()).raw("POST", "/restapi/v2/accounts/" + rooms.accountId()
                + "/users/" + rooms.adminId() + "/unlock", "", null).status()).as("an empty body needs none")
                .isLessThan(500).isNotEqualTo(415);
    }
}
