package dev.gatehouse.client;

import dev.gatehouse.client.Decisions.DecisionPath;
import dev.gatehouse.client.Decisions.Explanation;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An explanation reads every path the server names, with the ancestor that decided when one did: a role on a
 * parent resource, and a member's own grants, were once unreadable ({@code DecisionPath} lacked them).
 */
class ExplanationTest {

    @Test
    void parentResourceRole_readsWithItsAncestor() {
        Explanation e = Explanation.from(Wire.MAPPER.readTree("{\"path\":\"parent_resource_role\",\"role_id\":3,"
                + "\"ancestor\":{\"type\":\"office\",\"id\":\"east\"},\"reason\":\"r\",\"member_id\":9}"));
        assertThat(e.path()).isEqualTo(DecisionPath.PARENT_RESOURCE_ROLE);
        assertThat(e.ancestor()).isEqualTo(ResourceRef.of("office", "east"));
        assertThat(e.roleId()).isEqualTo(3L);
    }

    @Test
    void memberGrant_andPathsWithoutAncestor_read() {
        Explanation grant = Explanation.from(Wire.MAPPER.readTree("{\"path\":\"member_grant\",\"role_id\":1,"
                + "\"reason\":\"r\",\"member_id\":9}"));
        assertThat(grant.path()).isEqualTo(DecisionPath.MEMBER_GRANT);
        assertThat(grant.ancestor()).isNull();
        assertThat(Explanation.from(Wire.MAPPER.readTree("{\"path\":\"none\",\"role_id\":null,\"reason\":\"r\","
                + "\"member_id\":9}")).path()).isEqualTo(DecisionPath.NONE);
    }
}
