package dev.gatehouse.assignment;

import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.Http;
import dev.gatehouse.testing.Statements;
import dev.gatehouse.testing.TestNode;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A room-assignment write reads each row it needs once: the room, the member named in the path, and the
 * member's current assignment there. Every statement is a round trip inside the organization's lock, so a
 * rule that reads a row again costs every write of the organization — this pins the count the rules need.
 */
class WriteReadsIT {

    static TestNode node;
    static Fixtures fx;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        fx = new Fixtures(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void puttingARoomRole_readsTheRoomTheMemberAndTheAssignmentOnce() {
        Fixtures.Org org = fx.org("rooms");
        long agent = fx.role(org, "Agent", List.of("canCreateRooms", "canViewRoomDetails"));
        long viewer = fx.role(org, "Viewer", List.of("canViewRoomDetails"));
        long owner = fx.member(org, "owner", agent);
        long member = fx.member(org, "42", agent);
        String room = fx.room(org, "Deal", owner, agent);
        String path = org.path() + "/resources/room/" + room + "/assignments/";

        for (long role : List.of(viewer, agent)) { // a new assignment, then a replaced one
            List<String> statements = statementsOf(() -> {
                Http.Res put = node.service().put(path + member, Map.of("role_id", role));
                assertThat(put.status()).as(put.toString()).isEqualTo(200);
            });
            assertThat(reads(statements, "rooms")).as(String.join("\n", statements)).isEqualTo(1);
            assertThat(reads(statements, "members")).as(String.join("\n", statements)).isEqualTo(1);
            // the assignment is read with the role to give, in one statement
            assertThat(reads(statements, "assignments")).as(String.join("\n", statements)).isZero();
            assertThat(statements.stream().filter(s -> s.contains(" LEFT JOIN assignments a ON a.org_id = :org ")
                    && s.contains(" LEFT JOIN roles r ")).count()).as(String.join("\n", statements)).isEqualTo(1);
            assertThat(reads(statements, "roles")).as(String.join("\n", statements)).isZero();
        }
    }

    /**
     * Every statement one room-role write by a service key sends (a batch of one: no savepoint; the organization
     * locked and its model read in one statement; the held assignment and the role in one; the change record's
     * revision and notification in one): what a write costs the database, pinned so that a statement added to the
     * path is a decision. The change record's own insert goes through the driver directly ({@code ChangeLogStore}),
     * where the statement logger does not see it: seven statements seen, eight sent.
     */
    @Test
    void puttingARoomRole_sendsItsStatementsOnce() {
        Fixtures.Org org = fx.org("rooms");
        long agent = fx.role(org, "Agent", List.of("canCreateRooms", "canViewRoomDetails"));
        long viewer = fx.role(org, "Viewer", List.of("canViewRoomDetails"));
        long owner = fx.member(org, "owner", agent);
        long member = fx.member(org, "43", agent);
        String room = fx.room(org, "Deal", owner, agent);
        fx.assign(org, room, member, agent);

        List<String> statements = statementsOf(() -> {
            Http.Res put = node.service().put(org.path() + "/resources/room/" + room + "/assignments/" + member,
                    Map.of("role_id", viewer));
            assertThat(put.status()).as(put.toString()).isEqualTo(200);
        });
        String all = String.join("\n", statements);
        assertThat(statements).as(all).hasSize(7);
        assertThat(statements.stream().filter(s -> s.contains("FROM room_users") || s.contains("JOIN room_users"))
                .count()).as("a service key replacing a held role needs no room user's state\n" + all).isZero();
        assertThat(statements.get(0)).as(all).isEqualTo("SELECT model_id FROM organizations WHERE id = :id FOR UPDATE");
        assertThat(statements.stream().filter(s -> s.contains(" organizations ")).count()).as(all).isEqualTo(1);
        assertThat(reads(statements, "roles")).as("the role, read with the assignment\n" + all).isZero();
        assertThat(statements.stream().filter(s -> s.startsWith("INSERT INTO assignments")).count()).as(all)
                .isEqualTo(1);
        assertThat(statements.stream().filter(s -> s.contains("pg_notify")).toList()).as(all).singleElement()
                .satisfies(s -> assertThat(s).contains("max(revision)"));
    }

    @Test
    void removingARoomRole_readsTheMemberAndTheAssignmentOnce() {
        Fixtures.Org org = fx.org("rooms");
        long agent = fx.role(org, "Agent", List.of("canCreateRooms", "canViewRoomDetails"));
        long owner = fx.member(org, "owner", agent);
        long member = fx.member(org, "7", agent);
        String room = fx.room(org, "Deal", owner, agent);
        fx.assign(org, room, member, agent);

        List<String> statements = statementsOf(() -> assertThat(node.service().delete(org.path() + "/resources/room/"
                + room + "/assignments/" + member).status()).isEqualTo(204));
        assertThat(reads(statements, "rooms")).as(String.join("\n", statements)).isEqualTo(1);
        assertThat(reads(statements, "members")).as(String.join("\n", statements)).isEqualTo(1);
        assertThat(reads(statements, "assignments")).as(String.join("\n", statements)).isEqualTo(1);
        assertThat(statements.stream().filter(s -> s.contains("ANY(owner_ids)")).count())
                .as("a room keeps its owners: one question of the room's owners, not a second read of the room\n"
                        + String.join("\n", statements)).isEqualTo(1);
    }

    /**
     * Statements reading rows of one table directly ({@code SELECT <columns> FROM <table> WHERE}); joins and
     * counts are other rules' reads (the room's users, the limits).
     */
    private static long reads(List<String> statements, String table) {
        Pattern read = Pattern.compile("^SELECT (?!1 |count\\()[^()]*\\bFROM " + table + " WHERE\\b");
        return statements.stream().filter(s -> read.matcher(s).find()).count();
    }

    private static List<String> statementsOf(Runnable request) {
        return Statements.of(node, request);
    }
}
