package dev.gatehouse.enginefeed;

import dev.gatehouse.testing.Await;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /v1/engine}: the applied revision and the engine digest, for comparing nodes; service key only. */
class EngineStateIT {

    @Test
    void twoNodesOnOneDatabase_reportTheSameDigestAtTheSameRevision_andAWriteChangesIt() {
        String url = TestDatabase.freshDatabaseUrl();
        try (TestNode a = TestNode.startOn(url); TestNode b = TestNode.startOn(url)) {
            Fixtures fx = new Fixtures(a);
            Fixtures.Org org = fx.org("rooms");
            long agent = fx.role(org, "Agent", List.of("canCreateRooms"));
            Http.Res first = settled(a, b);
            assertThat(first.get("organizations").intValue()).isEqualTo(1);
            assertThat(first.get("digest").stringValue()).matches("[0-9a-f]{64}");

            Http.Res write = a.service().post(org.path() + "/members", Map.of("user_id", "u-new", "email", "new@example.com",
                    "role_id", agent));
            assertThat(write.status()).as(write.toString()).isEqualTo(201);
            Http.Res second = settled(a, b);
            assertThat(second.get("revision").longValue()).isEqualTo(write.revision());
            assertThat(second.get("digest").stringValue()).isNotEqualTo(first.get("digest").stringValue());
        }
    }

    @Test
    void engineState_needsAServiceKey() {
        try (TestNode node = TestNode.start()) {
            Fixtures.Org org = new Fixtures(node).org("rooms");
            Http.Res member = org.admin().get("/v1/engine");
            assertThat(member.status()).isEqualTo(403);
            assertThat(member.get("code").stringValue()).isEqualTo("service_key_required");
            assertThat(node.anonymous().get("/v1/engine").status()).isEqualTo(401);
        }
    }

    /** Once both nodes have applied the same revision: their engine states, asserted equal; a's is returned. */
    private static Http.Res settled(TestNode a, TestNode b) {
        long revision = a.revision();
        Await.until(Duration.ofSeconds(10), "node b reaches revision " + revision, () -> b.revision() >= revision);
        Http.Res stateA = a.service().get("/v1/engine");
        Http.Res stateB = b.service().get("/v1/engine");
        assertThat(stateA.status()).as(stateA.toString()).isEqualTo(200);
        assertThat(stateB.status()).as(stateB.toString()).isEqualTo(200);
        assertThat(stateA.get("revision").longValue()).isEqualTo(revision);
        assertThat(stateB.get("revision").longValue()).isEqualTo(revision);
        assertThat(stateB.get("digest").stringValue()).isEqualTo(stateA.get("digest").stringValue());
        return stateA;
    }
}
