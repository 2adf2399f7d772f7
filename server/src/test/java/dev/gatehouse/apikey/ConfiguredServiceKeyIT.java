package dev.gatehouse.apikey;

import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service key configured at startup ({@code GATEHOUSE_SERVICE_KEY}, {@code --service-key}) is the service key
 * whatever form the operator gave it: one in the form of the keys Gatehouse generates — such as the key a first
 * start printed, pinned for the next ones — works on a database that never stored it, and whitespace around it,
 * which no {@code Authorization} header can carry, is not part of it.
 */
class ConfiguredServiceKeyIT {

    /** The form {@code gh<kind>_<24 hex digits>_<43 base64url characters>} of generated keys. */
    static final String GENERATED_FORM = "ghs_0123456789abcdef01234567_" + "A".repeat(40) + "-_9";

    @Test
    void aConfiguredKeyInTheFormOfAGeneratedOne_isTheServiceKey_onADatabaseThatNeverStoredIt() {
        try (TestNode node = TestNode.start(c -> c.withServiceKey(GENERATED_FORM))) {
            Http service = node.as(GENERATED_FORM);
            Http.Res created = service.post("/v1/orgs", Map.of("name", "Pinned", "model", "close"));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            assertThat(service.get("/v1/orgs").status()).isEqualTo(200);

            String another = GENERATED_FORM.replace("A", "B");
            Http.Res refused = node.as(another).get("/v1/orgs");
            assertThat(refused.status()).as(refused.toString()).isEqualTo(401);
            assertThat(refused.get("code").stringValue()).isEqualTo("invalid_key");
        }
    }

    @Test
    void whitespaceAroundTheConfiguredKey_isNotPartOfIt() {
        String key = "configured-service-key-0123456789";
        try (TestNode node = TestNode.start(c -> c.withServiceKey("  " + key + "\n"))) {
            Http.Res res = node.as(key).get("/v1/orgs");
            assertThat(res.status()).as(res.toString()).isEqualTo(200);
        }
    }
}
