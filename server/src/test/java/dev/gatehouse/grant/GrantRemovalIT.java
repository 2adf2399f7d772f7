package dev.gatehouse.grant;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Removing a member removes its grants as a recorded change: the change log, the events and the webhooks say the
 * grants went (action {@code deleted}, the grants as {@code before}), by the removing write, just before the
 * member's own record — as a removed member's group memberships are recorded — instead of their row vanishing with
 * the member, unrecorded.
 */
class GrantRemovalIT {

    private static TestNode node;
    private static Fixtures fx;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start();
        fx = new Fixtures(node);
        try (InputStream in = GrantRemovalIT.class.getResourceAsStream("/models/grants.json")) {
            Http.Res created = node.service().post("/v1/models", Json.MAPPER.readTree(in));
            assertThat(created.status()).as("%s", created).isEqualTo(201);
        }
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void removingAMember_recordsItsGrantsAsDeleted_inTheSameWrite() {
        Fixtures.Org org = fx.org("grants");
        long mia = fx.member(org, "mia", fx.roleId(org, "Manager"));
        Http.Res granted = node.service().put(org.path() + "/members/mia/grants",
                Map.of("permissions", List.of("room.delete", "members.manage")));
        assertThat(granted.status()).as("%s", granted).isEqualTo(200);
        long noGrants = fx.member(org, "noah", fx.roleId(org, "Manager"));

        Http.Res removed = node.service().delete(org.path() + "/members/mia");
        assertThat(removed.status()).as("%s", removed).isEqualTo(204);
        assertThat(node.service().delete(org.path() + "/members/" + noGrants).status()).isEqualTo(204);

        JsonNode events = node.service().get(org.path() + "/events?object_type=member_grants&order=asc").json()
                .get("items");
        assertThat(events).as("%s", events).hasSize(2);
        JsonNode gone = events.get(1);
        assertThat(gone.get("action").stringValue()).isEqualTo("deleted");
        assertThat(gone.get("object_id").asString()).isEqualTo(String.valueOf(mia));
        assertThat(gone.get("before").toString()).contains("room.delete").contains("members.manage");
        assertThat(gone.get("after").isNull()).isTrue();
        JsonNode memberGone = node.service().get(org.path() + "/events?object_type=member&action=deleted&order=asc")
                .json().get("items").get(0);
        assertThat(memberGone.get("revision").longValue()).isEqualTo(removed.revision());
        assertThat(gone.get("revision").longValue()).as("recorded by the removing write, just before the member")
                .isEqualTo(removed.revision() - 1);
    }
}
