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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A member's grants stay stored while its company role takes none, and count again once it is moved back to a role
 * that takes them: that move hands them out, so a member key may make it only when it holds them itself — through
 * the native API, an import and a preview alike. Service keys are exempt; a move that revives nothing is judged by
 * the new role alone.
 */
class GrantEscalationIT {

    private static TestNode node;
    private static Fixtures fx;

    private Fixtures.Org org;
    private long manager;
    private long agent;
    private long mia;
    /** A member manager holding neither {@code room.delete} nor a grant-taking role. */
    private Http lead;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start();
        fx = new Fixtures(node);
        try (InputStream in = GrantEscalationIT.class.getResourceAsStream("/models/grants.json")) {
            Http.Res created = node.service().post("/v1/models", Json.MAPPER.readTree(in));
            assertThat(created.status()).as("%s", created).isEqualTo(201);
        }
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** Mia, a Manager granted {@code room.delete}, moved to Agent by the service: her grant is stored and dormant. */
    @BeforeEach
    void dormantGrant() {
        org = fx.org("grants");
        manager = fx.roleId(org, "Manager");
        agent = fx.roleId(org, "Agent");
        mia = fx.member(org, "mia", manager);
        assertThat(node.service().put(org.path() + "/members/mia/grants", Map.of("permissions", List.of("room.delete")))
                .status()).isEqualTo(200);
        assertThat(node.service().patch(org.path() + "/members/mia", Map.of("role_id", agent)).status()).isEqualTo(200);
        assertThat(mayDelete()).isFalse();
        long leadRole = fx.role(org, "Lead", List.of("room.view", "members.manage"));
        fx.member(org, "lee", leadRole);
        lead = node.as(node.service().post(org.path() + "/members/lee/keys", Map.of("name", "lee")).get("key")
                .stringValue());
    }

    @Test
    void movingAMemberBackToAGrantTakingRole_needsTheGrantsItRevives() {
        Http.Res moved = lead.patch(org.path() + "/members/mia", Map.of("role_id", manager));

        assertThat(moved.status()).as("%s", moved).isEqualTo(403);
        assertThat(moved.get("code").stringValue()).isEqualTo("privilege_escalation");
        assertThat(moved.get("detail").stringValue()).contains("room.delete");
        assertThat(node.service().get(org.path() + "/members/mia").get("role_id").longValue()).isEqualTo(agent);
        assertThat(mayDelete()).isFalse();
    }

    @Test
    void anImportOrAPreview_isJudgedTheSame() {
        Http.Res imported = lead.raw("POST", org.path() + "/import", Json.writeString(Map.of("type", "member",
                "user_id", "mia", "email", "mia@example.com", "role_id", manager)) + "\n", "application/x-ndjson");
        assertThat(imported.body()).as("%s", imported).contains("privilege_escalation");
        assertThat(mayDelete()).isFalse();

        Http.Res preview = lead.post(org.path() + "/preview", Map.of("member", Map.of("user_id", "mia",
                "role_id", manager)));
        assertThat(preview.status()).as("%s", preview).isEqualTo(403);
    }

    /**
     * Granting a permission the caller lacks is refused in words about the grants, not a role — through the native
     * API and an import's {@code grants} line alike, one whose set the member keeps stored (its role takes none) too.
     */
    @Test
    void grantingAPermissionTheCallerLacks_isRefusedAsGrants() {
        fx.member(org, "gil", manager);
        fx.member(org, "ada", agent);
        String refusal = "the grants give permissions the caller does not hold: [room.delete]";

        Http.Res put = lead.put(org.path() + "/members/gil/grants", Map.of("permissions", List.of("room.delete")));
        assertThat(put.status()).as("%s", put).isEqualTo(403);
        assertThat(put.get("code").stringValue()).isEqualTo("privilege_escalation");
        assertThat(put.get("detail").stringValue()).isEqualTo(refusal);

        for (String user : List.of("gil", "ada")) {
            Http.Res imported = lead.raw("POST", org.path() + "/import", Json.writeString(Map.of("type", "grants",
                    "user_id", user, "permissions", List.of("room.delete"))) + "\n", "application/x-ndjson");
            assertThat(imported.body()).as("%s: %s", user, imported).contains("privilege_escalation", refusal)
                    .doesNotContain("the role grants");
            assertThat(node.service().get(org.path() + "/members/" + user + "/grants").get("permissions")).isEmpty();
        }
    }

    /** Reactivating a member hands its role and the grants it takes back out: judged as moving it there is. */
    @Test
    void reactivatingAMember_needsItsRoleAndTheGrantsItRevives() {
        long otto = fx.member(org, "otto", manager);
        assertThat(node.service().put(org.path() + "/members/otto/grants", Map.of("permissions",
                List.of("room.delete"))).status()).isEqualTo(200);
        assertThat(node.service().patch(org.path() + "/members/" + otto, Map.of("status", "deactivated")).status())
                .isEqualTo(200);
        Http.Res back = lead.patch(org.path() + "/members/" + otto, Map.of("status", "active"));
        assertThat(back.status()).as("%s", back).isEqualTo(403);
        assertThat(back.get("detail").stringValue()).contains("room.delete");
        assertThat(node.service().get(org.path() + "/members/otto").get("status").stringValue())
                .isEqualTo("deactivated");

        long adam = fx.member(org, "adam", fx.roleId(org, "Admin"));
        assertThat(node.service().patch(org.path() + "/members/" + adam, Map.of("status", "deactivated")).status())
                .isEqualTo(200);
        Http.Res admin = lead.patch(org.path() + "/members/" + adam, Map.of("status", "active"));
        assertThat(admin.status()).as("a role the caller could not hand out: %s", admin).isEqualTo(403);
        assertThat(admin.get("code").stringValue()).isEqualTo("privilege_escalation");

        Http.Res invited = node.service().post(org.path() + "/members", Map.of("user_id", "ivy", "email",
                "ivy@example.com", "role_id", fx.roleId(org, "Admin"), "status", "invited"));
        assertThat(invited.status()).as("%s", invited).isEqualTo(201);
        Http.Res accepted = lead.post(org.path() + "/members/user:ivy/accept", Map.of());
        assertThat(accepted.status()).as("accepting hands the role out too: %s", accepted).isEqualTo(403);
        assertThat(node.service().get(org.path() + "/members/user:ivy").get("status").stringValue())
                .isEqualTo("invited");

        long ned = fx.member(org, "ned", agent);
        assertThat(node.service().patch(org.path() + "/members/" + ned, Map.of("status", "deactivated")).status())
                .isEqualTo(200);
        assertThat(lead.patch(org.path() + "/members/" + ned, Map.of("status", "active")).status())
                .as("a role within the caller's own, no grants").isEqualTo(200);
    }

    @Test
    void theServiceKey_orAMoveRevivingNothing_passes() {
        long noah = fx.member(org, "noah", agent);
        assertThat(lead.patch(org.path() + "/members/" + noah, Map.of("role_id", manager)).status())
                .as("no grants stored: the role alone decides").isEqualTo(200);

        assertThat(node.service().patch(org.path() + "/members/" + mia, Map.of("role_id", manager)).status())
                .isEqualTo(200);
        assertThat(mayDelete()).isTrue();
    }

    /**
     * Reactivating a member makes the roles it holds on resources count again, which its deactivation stopped: a
     * member manager brought back an Admin role on a room that it could never have given.
     */
    @Test
    void reactivatingAMember_needsTheRolesOnResourcesItRevives() {
        long otto = fx.member(org, "otto", agent);
        String held = org.path() + "/resources/room/r1/assignments/otto";
        assertThat(node.service().put(held, Map.of("role_id", fx.roleId(org, "Admin"))).status()).isIn(200, 201);
        assertThat(node.service().patch(org.path() + "/members/" + otto, Map.of("status", "deactivated")).status())
                .isEqualTo(200);

        Http.Res back = lead.patch(org.path() + "/members/" + otto, Map.of("status", "active"));
        assertThat(back.status()).as("%s", back).isEqualTo(403);
        assertThat(back.get("code").stringValue()).isEqualTo("privilege_escalation");
        assertThat(back.get("detail").stringValue()).contains("member " + otto + "'s role \"Admin\" on room r1 would count again",
                "room.delete");
        assertThat(node.service().get(org.path() + "/members/otto").get("status").stringValue())
                .isEqualTo("deactivated");
        Http.Res imported = lead.raw("POST", org.path() + "/import", Json.writeString(Map.of("type", "member",
                "user_id", "otto", "email", "otto@example.com", "role_id", agent, "status", "active")) + "\n",
                "application/x-ndjson");
        assertThat(imported.body()).as("%s", imported).contains("privilege_escalation");

        assertThat(node.service().patch(org.path() + "/members/" + otto, Map.of("status", "active")).status())
                .as("the service may").isEqualTo(200);
    }

    private boolean mayDelete() {
        Http.Res check = node.service().post(org.path() + "/check", Map.of("user_id", "mia",
                "permission", "room.delete"));
        assertThat(check.status()).as("%s", check).isEqualTo(200);
        return check.get("allowed").booleanValue();
    }
}
