package dev.gatehouse.member;

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
 * Removing a member removes its grants and its resource roles as recorded changes: the change log, the events and the
 * webhooks say each went (action {@code deleted}, the grants or the assignment as {@code before}), by the removing
 * write, just before the member's own record — as a removed member's group memberships are recorded — instead of
 * their rows vanishing with the member, unrecorded (a reader mirroring assignments once kept a removed member's).
 */
class MemberRemovalIT {

    private static TestNode node;
    private static Fixtures fx;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start();
        fx = new Fixtures(node);
        try (InputStream in = MemberRemovalIT.class.getResourceAsStream("/models/grants.json")) {
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

    @Test
    void removingAMember_recordsEachOfItsResourceRolesAsDeleted_inTheSameWrite() {
        Fixtures.Org org = fx.org("grants");
        long agent = fx.roleId(org, "Agent");
        long ria = fx.member(org, "ria", fx.roleId(org, "Manager"));
        long other = fx.member(org, "otto", fx.roleId(org, "Manager"));
        for (String room : List.of("r1", "r2")) {
            Http.Res assigned = node.service().put(org.path() + "/resources/room/" + room + "/assignments/" + ria,
                    Map.of("role_id", agent));
            assertThat(assigned.status()).as("%s", assigned).isEqualTo(200);
        }
        fx.assign(org, "r1", other, agent);

        Http.Res removed = node.service().delete(org.path() + "/members/ria");
        assertThat(removed.status()).as("%s", removed).isEqualTo(204);

        JsonNode gone = node.service().get(org.path() + "/events?object_type=assignment&action=deleted&order=asc")
                .json().get("items");
        assertThat(gone).as("%s", gone).hasSize(2);
        for (JsonNode event : gone) {
            assertThat(event.get("object_id").asString()).matches("room/r[12]/" + ria);
            assertThat(event.get("before").get("member_id").longValue()).isEqualTo(ria);
            assertThat(event.get("after").isNull()).isTrue();
            assertThat(event.get("revision").longValue()).as("recorded by the removing write, before the member")
                    .isLessThan(removed.revision()).isGreaterThan(removed.revision() - 3);
        }
        JsonNode left = node.service().get(org.path() + "/resources/room/r1/assignments").json();
        assertThat(left.toString()).contains("\"member_id\":" + other).doesNotContain("\"member_id\":" + ria + ",");
    }
}
