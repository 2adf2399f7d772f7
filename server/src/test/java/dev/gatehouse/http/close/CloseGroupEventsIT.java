package dev.gatehouse.http.close;

import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.TestNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Close's group events keep Close's shape — whole member lists in {@code data} and {@code previous_data} — although
 * the change log records member changes as deltas: the lists are derived, for every event of a group's life, on
 * every page and for a single event.
 */
class CloseGroupEventsIT {

    static TestNode node;
    static CloseFixtures close;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        close = new CloseFixtures(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void groupEvents_carryTheMemberListsAtEachChange_derivedFromDeltas() {
        var org = close.org();
        long role = close.native_().roleId(org.org(), "User");
        close.member(org, "ann", role);
        long bob = close.member(org, "bob", role);
        close.member(org, "cid", role);
        String group = org.admin().post("/group/", Map.of("name", "Ops")).get("id").stringValue();
        for (String user : List.of("ann", "bob", "cid")) {
            assertThat(org.admin().post("/group/" + group + "/member/", Map.of("user_id", user)).status()).isEqualTo(201);
        }
        assertThat(org.admin().put("/group/" + group + "/", Map.of("name", "Ops 2")).status()).isEqualTo(200);
        assertThat(org.admin().delete("/group/" + group + "/member/ann/").status()).isEqualTo(204);
        assertThat(node.service().delete(org.path() + "/members/" + bob).status()).isEqualTo(204);
        assertThat(org.admin().delete("/group/" + group + "/").status()).isEqualTo(204);

        List<JsonNode> events = all(org, "/event/?object_type=group&object_id=" + group + "&_limit=3");
        assertThat(events).extracting(e -> e.get("action").stringValue()).containsExactly("deleted", "updated",
                "updated", "updated", "updated", "updated", "updated", "created");
        assertThat(events).extracting(e -> users(e.get("data"))).containsExactly(
                List.of("cid"), List.of("cid"), List.of("bob", "cid"), List.of("ann", "bob", "cid"),
                List.of("ann", "bob", "cid"), List.of("ann", "bob"), List.of("ann"), List.of());
        assertThat(events).extracting(e -> e.get("data").get("name").stringValue()).containsExactly("Ops 2", "Ops 2",
                "Ops 2", "Ops 2", "Ops", "Ops", "Ops", "Ops");
        // member changes: previous_data holds the list before; the rename only the old name
        assertThat(users(events.get(1).get("previous_data"))).containsExactly("bob", "cid");
        assertThat(users(events.get(2).get("previous_data"))).containsExactly("ann", "bob", "cid");
        assertThat(fields(events.get(3))).containsExactly("name");
        assertThat(events.get(3).get("previous_data").propertyNames()).containsExactly("name");
        assertThat(users(events.get(4).get("previous_data"))).containsExactly("ann", "bob");
        assertThat(users(events.get(6).get("previous_data"))).isEmpty();
        for (int i : List.of(1, 2, 4, 5, 6)) {
            assertThat(fields(events.get(i))).containsExactly("members");
        }
        assertThat(events.get(0).get("previous_data").isEmpty()).isTrue();

        // one event read alone is derived the same way
        JsonNode one = org.admin().get("/event/" + events.get(4).get("id").stringValue() + "/").json();
        assertThat(one).isEqualTo(events.get(4));
    }

    private static List<JsonNode> all(CloseFixtures.Org org, String path) {
        List<JsonNode> out = new ArrayList<>();
        String cursor = "";
        do {
            Http.Res page = org.admin().get(path + (cursor.isEmpty() ? "" : "&_cursor=" + cursor));
            assertThat(page.status()).isEqualTo(200);
            page.get("data").forEach(out::add);
            JsonNode next = page.get("cursor_next");
            cursor = next.isNull() ? null : next.stringValue();
        } while (cursor != null);
        return out;
    }

    private static List<String> users(JsonNode data) {
        List<String> out = new ArrayList<>();
        data.get("members").forEach(m -> out.add(m.get("user_id").stringValue()));
        return out;
    }

    private static List<String> fields(JsonNode event) {
        List<String> out = new ArrayList<>();
        event.get("changed_fields").forEach(f -> out.add(f.stringValue()));
        return out;
    }
}
