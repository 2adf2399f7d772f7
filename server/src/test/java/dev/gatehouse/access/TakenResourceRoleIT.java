package dev.gatehouse.access;

import dev.gatehouse.json.Json;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A member key takes a member's role on a resource away — removes it, one by one, by resource, by member or through
 * an import, or replaces it with another role — only when it holds every permission that role grants, as handing a
 * role out needs (403 {@code privilege_escalation}); service keys and a member's own role are exempt. The Rooms
 * dialect's room-user routes are pinned in {@code RoomsRulesIT}.
 */
class TakenResourceRoleIT {

    static TestNode node;
    static Fixtures fx;

    @BeforeAll
    static void start() throws IOException {
        node = TestNode.start();
        fx = new Fixtures(node);
        try (InputStream in = TakenResourceRoleIT.class.getResourceAsStream("/models/grants.json")) {
            assertThat(node.service().post("/v1/models", Json.MAPPER.readTree(in)).status()).isEqualTo(201);
        }
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static void refused(Http.Res res, long holder) {
        assertThat(res.status()).as("%s", res).isEqualTo(403);
        assertThat(res.get("code").stringValue()).isEqualTo("privilege_escalation");
        assertThat(res.get("detail").stringValue()).contains("member " + holder, "room.delete", "settings.edit")
                .doesNotContain("room.view");
    }

    @Test
    void anAssignmentManager_cannotRemoveOrReplaceARoleGrantingMoreThanItHolds() {
        var org = fx.org("grants");
        long adminRole = fx.roleId(org, "Admin");
        long managerRole = fx.roleId(org, "Manager");
        long agentRole = fx.roleId(org, "Agent");
        // the model's assignment management (members.manage), without room.delete or settings.edit
        long hrRole = fx.role(org, "HR", List.of("members.manage", "room.view"));
        Http hr = fx.keyFor(org, fx.member(org, "hr", hrRole));
        long owner = fx.member(org, "owner", managerRole);
        long peer = fx.member(org, "peer", managerRole);
        String room = org.path() + "/resources/room/r1/assignments";
        assertThat(node.service().put(room + "/" + owner, Map.of("role_id", adminRole)).status()).isEqualTo(200);
        assertThat(node.service().put(room + "/" + peer, Map.of("role_id", managerRole)).status()).isEqualTo(200);

        refused(hr.delete(room + "/" + owner), owner);
        refused(hr.put(room + "/" + owner, Map.of("role_id", managerRole)), owner);
        refused(hr.delete(room), owner);
        refused(hr.delete(org.path() + "/members/" + owner + "/assignments"), owner);
        for (String line : List.of(
                "{\"type\": \"assignment\", \"op\": \"delete\", \"resource\": {\"type\": \"room\", \"id\": \"r1\"}, "
                        + "\"user_id\": \"owner\"}",
                "{\"type\": \"assignment\", \"resource\": {\"type\": \"room\", \"id\": \"r1\"}, \"user_id\": \"owner\", "
                        + "\"role\": \"Manager\"}")) {
            Http.Res imported = hr.raw("POST", org.path() + "/import", line + "\n", "application/x-ndjson");
            assertThat(imported.status()).as("%s", imported).isEqualTo(403);
            assertThat(imported.toString()).contains("privilege_escalation", "room.delete");
        }
        assertThat(node.service().get(room + "/" + owner).json().get("role_id").longValue()).isEqualTo(adminRole);
        assertThat(node.service().get(room + "/" + peer).json().get("role_id").longValue()).isEqualTo(managerRole);

        // A role granting nothing beyond the caller's is the caller's to take away, as before.
        Http.Res replaced = hr.put(room + "/" + peer, Map.of("role_id", agentRole));
        assertThat(replaced.status()).as("%s", replaced).isEqualTo(200);
        assertThat(hr.delete(room + "/" + peer).status()).isEqualTo(204);
        // The service key is above every member.
        assertThat(node.service().delete(room + "/" + owner).status()).isEqualTo(204);
    }
}
