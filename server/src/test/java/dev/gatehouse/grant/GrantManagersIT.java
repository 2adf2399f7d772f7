package dev.gatehouse.grant;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The last active member able to manage roles keeps that ability, and a member who manages roles through a grant
 * counts as one: the others may then be demoted, deactivated or removed, and the grant of the last cannot be taken
 * away.
 */
class GrantManagersIT {

    private static TestNode node;
    private static Fixtures fx;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        fx = new Fixtures(node);
        Http.Res created = node.service().post("/v1/models", Map.of("id", "grantmgr", "name", "Managers by grant",
                "description", "roles.manage may be granted to Managers",
                "categories", List.of(Map.of("key", "admin", "name", "Administration")),
                "permissions", List.of(Map.of("key", "roles.manage", "category", "admin"),
                        Map.of("key", "members.manage", "category", "admin")),
                "system_roles", List.of(Map.of("key", "admin", "name", "Admin", "permissions",
                                List.of("roles.manage", "members.manage"), "default_for_admin", true),
                        Map.of("key", "manager", "name", "Manager", "permissions", List.of("members.manage"))),
                "management", Map.of("roles", "roles.manage", "members", "members.manage",
                        "assignments", "members.manage"),
                "member_grants", Map.of("permissions", List.of("roles.manage"), "roles", List.of("manager"))));
        assertThat(created.status()).as("%s", created).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void aMemberManagingRolesThroughAGrant_countsAsOne() {
        Fixtures.Org org = fx.org("grantmgr");
        long mia = fx.member(org, "mia", fx.roleId(org, "Manager"));
        assertThat(node.service().put(org.path() + "/members/mia/grants", Map.of("permissions",
                List.of("roles.manage"))).status()).isEqualTo(200);

        Http.Res adminGone = node.service().patch(org.path() + "/members/" + org.adminId(),
                Map.of("status", "deactivated"));
        assertThat(adminGone.status()).as("mia still manages roles: %s", adminGone).isEqualTo(200);

        Http.Res grantGone = node.service().put(org.path() + "/members/mia/grants", Map.of("permissions", List.of()));
        assertThat(grantGone.status()).as("%s", grantGone).isEqualTo(409);
        assertThat(grantGone.get("code").stringValue()).isEqualTo("last_role_manager");
        Http.Res miaGone = node.service().patch(org.path() + "/members/" + mia, Map.of("status", "deactivated"));
        assertThat(miaGone.status()).as("%s", miaGone).isEqualTo(409);
        assertThat(node.service().get(org.path() + "/members/mia/grants").get("permissions").toString())
                .contains("roles.manage");

        assertThat(node.service().patch(org.path() + "/members/" + org.adminId(), Map.of("status", "active"))
                .status()).isEqualTo(200);
        assertThat(node.service().put(org.path() + "/members/mia/grants", Map.of("permissions", List.of()))
                .status()).as("another manages roles again").isEqualTo(200);
    }

    /**
     * A member's grants are read as its effective permissions are: by itself, or with the model's member-management
     * permission; anyone else is 403, whether the reference names another member or nobody. A member without it
     * once read a manager's grants (200) while that manager's permissions were 403 to it. And writing them asks the
     * permission first: such a member sending grants no model allows was told so (400) rather than refused.
     */
    @Test
    void grants_areReadByTheMemberOrAMemberManager_andWrittenByAManagerOnly_whateverTheBody() {
        Fixtures.Org org = fx.org("grantmgr");
        long mgr = fx.member(org, "mgr", fx.roleId(org, "Manager"));
        long plain = fx.member(org, "u1", fx.role(org, "Plain", List.of()));
        assertThat(node.service().put(org.path() + "/members/mgr/grants", Map.of("permissions",
                List.of("roles.manage"))).status()).isEqualTo(200);
        Http u1 = fx.keyFor(org, plain);

        for (String other : List.of("mgr", "id:" + mgr, "id:" + org.adminId(), "nobody")) {
            Http.Res permissions = u1.get(org.path() + "/members/" + other + "/permissions");
            assertThat(permissions.status()).as("%s: %s", other, permissions).isEqualTo(403);
            Http.Res grants = u1.get(org.path() + "/members/" + other + "/grants");
            assertThat(grants.status()).as("%s: %s", other, grants).isEqualTo(403);
            assertThat(grants.get("code").stringValue()).isEqualTo("permission_required");
            assertThat(grants.get("detail").stringValue()).contains("members.manage");
        }
        for (String self : List.of("u1", "id:" + plain)) {
            Http.Res own = u1.get(org.path() + "/members/" + self + "/grants");
            assertThat(own.status()).as("%s", own).isEqualTo(200);
            assertThat(own.get("permissions")).isEmpty();
        }
        Http.Res byManager = fx.keyFor(org, mgr).get(org.path() + "/members/u1/grants");
        assertThat(byManager.status()).as("%s", byManager).isEqualTo(200);
        assertThat(org.admin().get(org.path() + "/members/mgr/grants").get("permissions").toString())
                .contains("roles.manage");

        for (List<String> permissions : List.of(List.of("no.such"), List.<String>of(), List.of("roles.manage"))) {
            Http.Res put = u1.put(org.path() + "/members/mgr/grants", Map.of("permissions", permissions));
            assertThat(put.status()).as("%s: %s", permissions, put).isEqualTo(403);
            assertThat(put.get("code").stringValue()).isEqualTo("permission_required");
        }
        Fixtures.Org close = fx.org("close");
        Http closeUser = fx.keyFor(close, fx.member(close, "u2", fx.roleId(close, "User")));
        Http.Res noGrantsModel = closeUser.put(close.path() + "/members/u2/grants", Map.of("permissions", List.of()));
        assertThat(noGrantsModel.status()).as("%s", noGrantsModel).isEqualTo(403);
        assertThat(org.admin().get(org.path() + "/members/mgr/grants").get("permissions").toString())
                .contains("roles.manage");
    }

    /**
     * A model without {@code member_grants} refuses every write of grants, the empty set too: 400
     * {@code grants_not_allowed}, and nothing is recorded. The empty set was answered 200, as if the model took
     * grants.
     */
    @Test
    void aModelWithoutMemberGrants_refusesEveryWriteOfGrants_theEmptySetToo() {
        Fixtures.Org org = fx.org("close");
        for (List<String> permissions : List.of(List.<String>of(), List.of("manage_organization"))) {
            Http.Res put = node.service().put(org.path() + "/members/" + org.adminId() + "/grants",
                    Map.of("permissions", permissions));
            assertThat(put.status()).as("%s -> %s", permissions, put).isEqualTo(400);
            assertThat(put.get("code").stringValue()).isEqualTo("grants_not_allowed");
            assertThat(put.get("errors").get("permissions").stringValue()).isEqualTo("the model allows no grants");
        }
        Http.Res events = node.service().get(org.path() + "/events?object_type=member_grants");
        assertThat(events.get("items").size()).as("%s", events).isZero();
    }
}
