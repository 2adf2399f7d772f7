package dev.gatehouse.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.client.Decisions.Check;
import dev.gatehouse.client.Decisions.DecisionPath;
import dev.gatehouse.client.FakeServer.Answer;
import dev.gatehouse.client.Members.Member;
import dev.gatehouse.client.Members.MemberQuery;
import dev.gatehouse.client.Members.MemberUpdate;
import dev.gatehouse.client.Members.Status;
import dev.gatehouse.client.Roles.Role;
import dev.gatehouse.client.Roles.RoleInput;
import dev.gatehouse.client.Roles.Unassigned;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A newer server may name a member status, a decision path or a visibility rule this client does not know: the
 * client keeps reading (the value reads as the enum's {@code UNKNOWN}, the rest of the answer as usual) and refuses to
 * send {@code UNKNOWN} back, before any request. No server of this version sends such values, so a scripted loopback
 * server ({@link FakeServer}) stands in for a newer one; the answers go through the same HTTP reading as every call.
 */
class ClientForwardCompatibilityIT {

    private static GatehouseClient client(FakeServer server) {
        return GatehouseClient.builder().url(server.url()).key("k").retry(RetryPolicy.none()).build();
    }

    @Test
    void memberList_withAStatusThisClientDoesNotKnow_readsItAsUnknown() {
        String page = "{\"items\": [" + member(1, "u-1", "active") + ", " + member(2, "u-2", "suspended") + ", "
                + member(3, "u-3", "invited") + "], \"next_cursor\": null}";
        try (FakeServer server = new FakeServer(Answer.json(200, page));
             GatehouseClient client = client(server)) {
            List<Member> members = client.org(1).members().list().toList();
            assertThat(members).extracting(Member::userId).containsExactly("u-1", "u-2", "u-3");
            assertThat(members).extracting(Member::status).containsExactly(Status.ACTIVE, Status.UNKNOWN,
                    Status.INVITED);
        }
    }

    @Test
    void explanation_withAPathThisClientDoesNotKnow_readsItAsUnknown() {
        String answer = "{\"allowed\": true, \"revision\": 9, \"explanation\": {\"path\": \"delegated_role\", "
                + "\"role_id\": 4, \"reason\": \"a delegation\", \"member_id\": 7}}";
        try (FakeServer server = new FakeServer(Answer.json(200, answer));
             GatehouseClient client = client(server)) {
            Decisions.CheckResult result = client.org(1).decisions().explain(Check.of(MemberRef.user("u-7"),
                    "doc.read"));
            assertThat(result.allowed()).isTrue();
            assertThat(result.explanation().path()).isEqualTo(DecisionPath.UNKNOWN);
            assertThat(result.explanation().roleId()).isEqualTo(4L);
        }
    }

    @Test
    void unknownValues_areNotSentBack_beforeAnyRequest() {
        String role = "{\"id\": 5, \"org_id\": 1, \"name\": \"Viewer\", \"permissions\": [\"doc.read\"], "
                + "\"visibility\": {\"user_field_ids\": [\"owner\"], \"unassigned\": \"ask_the_owner\"}, "
                + "\"version\": 1}";
        try (FakeServer server = new FakeServer(Answer.json(200, role));
             GatehouseClient client = client(server)) {
            Role read = client.org(1).roles().get(5);
            assertThat(read.visibility().unassigned()).isEqualTo(Unassigned.UNKNOWN);
            assertThat(read.visibility().userFieldIds()).containsExactly("owner");

            assertThatThrownBy(() -> client.org(1).roles().update(5, RoleInput.permissions(List.of("doc.read"))
                    .withVisibility(read.visibility()))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("unassigned UNKNOWN cannot be sent");
            assertThatThrownBy(() -> client.org(1).members().update(MemberRef.user("u-1"),
                    MemberUpdate.status(Status.UNKNOWN))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("status UNKNOWN cannot be sent");
            assertThatThrownBy(() -> client.org(1).members().list(MemberQuery.all().withStatus(Status.UNKNOWN))
                    .toList()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("status UNKNOWN cannot be sent");
            assertThat(server.received()).hasSize(1);
        }
    }

    private static String member(long id, String userId, String status) {
        return "{\"id\": " + id + ", \"org_id\": 1, \"user_id\": \"" + userId + "\", \"email\": \"" + userId
                + "@example.com\", \"role_id\": 3, \"external\": false, \"status\": \"" + status
                + "\", \"version\": 1}";
    }
}
