package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.gatehouse.client.Bulk;
import dev.gatehouse.client.GatehouseClient;
import dev.gatehouse.client.GatehouseException;
import dev.gatehouse.testing.Fixtures;
import dev.gatehouse.testing.TestDatabase;
import dev.gatehouse.testing.TestNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/**
 * Every {@code gatehouse} client command against a real server, run in-process: organizations, roles, members and
 * assignments end to end with their JSON output parsed back; {@code check}'s exit codes and explanation; events
 * followed as they are committed; where the URL and key come from; {@code --help} everywhere.
 */
class CliCommandsIT {

    /** Removed by JUnit after the test (a test leaves nothing in /tmp). */
    @TempDir
    Path temp;

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

    static String id(Fixtures.Org org) {
        return String.valueOf(org.id());
    }

    @Test
    void orgsCreate_json_isTheApisAnswer_theOrganizationAtTheTop() {
        Cli.Run created = Cli.run(node, "orgs", "create", "--name", "Acme Flat", "--model", "rooms", "--admin-user",
                "u-flat", "--admin-email", "flat@acme.test", "-o", "json");
        assertThat(created.exit()).as(created.toString()).isZero();
        JsonNode json = created.json();
        JsonNode stored = node.service().get("/v1/orgs/" + json.get("id").asString()).json();
        assertThat(json.has("organization")).as(json.toString()).isFalse();
        for (String field : stored.propertyNames()) {
            assertThat(json.get(field)).as(field).isEqualTo(stored.get(field));
        }
        assertThat(json.get("admin_member").get("user_id").stringValue()).isEqualTo("u-flat");
        assertThat(json.get("admin_member").get("org_id").longValue()).isEqualTo(stored.get("id").longValue());
        assertThat(json.get("admin_key").get("key").stringValue()).isNotBlank();

        // without an admin, the API's answer has neither field
        Cli.Run alone = Cli.run(node, "orgs", "create", "--name", "Acme Alone", "--model", "rooms", "-o", "json");
        assertThat(alone.exit()).as(alone.toString()).isZero();
        assertThat(alone.json().get("name").stringValue()).isEqualTo("Acme Alone");
        assertThat(alone.json().has("admin_member")).isFalse();
        assertThat(alone.json().has("admin_key")).isFalse();
    }

    @Test
    void orgs_createListGetDelete() {
        Cli.Run created = Cli.run(node, "orgs", "create", "--name", "Acme CLI", "--model", "rooms", "--admin-user",
                "u-ada", "--admin-email", "ada@acme.test", "-o", "json");
        assertThat(created.exit()).as(created.toString()).isZero();
        JsonNode json = created.json();
        String org = json.get("id").asString();
        assertThat(json.get("admin_member").get("user_id").stringValue()).isEqualTo("u-ada");
        assertThat(json.get("admin_key").get("key").stringValue()).isNotBlank();

        Cli.Run listed = Cli.run(node, "orgs", "list", "-o", "json");
        assertThat(listed.exit()).isZero();
        assertThat(listed.json().findValuesAsString("name")).contains("Acme CLI");

        Cli.Run got = Cli.run(node, "orgs", "get", org, "-o", "table");
        assertThat(got.exit()).isZero();
        assertThat(got.out()).contains("NAME").contains("Acme CLI").contains("rooms");

        Cli.Run deleted = Cli.run(node, "orgs", "delete", org);
        assertThat(deleted.exit()).as(deleted.toString()).isZero();
        Cli.Run gone = Cli.run(node, "orgs", "get", org);
        assertThat(gone.exit()).isEqualTo(2);
        assertThat(gone.err()).contains("404").contains("not_found");
    }

    @Test
    void roles_createListGetUpdateDelete() {
        Fixtures.Org org = fx.org("rooms");
        Cli.Run created = Cli.run(node, "roles", "create", "--org", id(org), "--name", "Agent", "-p",
                "canCreateRooms,canViewRoomDetails", "--description", "sells", "-o", "json");
        assertThat(created.exit()).as(created.toString()).isZero();
        assertThat(created.json().get("permissions").toString()).contains("canCreateRooms");

        Cli.Run table = Cli.run(node, "roles", "list", "--org", id(org), "-o", "table");
        assertThat(table.out().lines().findFirst().orElseThrow()).startsWith("ID").contains("PERMISSIONS");
        assertThat(table.out()).contains("Agent").contains("Default Admin");
        Cli.Run one = Cli.run(node, "roles", "get", "Agent", "--org", id(org), "-o", "table");
        assertThat(one.exit()).as(one.toString()).isZero();
        assertThat(one.out().lines().filter(line -> line.startsWith("DESCRIPTION")).toList())
                .as("the description, as -o json shows it").singleElement().satisfies(line ->
                        assertThat(line.split("\\s+", 2)[1].strip()).isEqualTo("sells"));

        Cli.Run updated = Cli.run(node, "roles", "update", "Agent", "--org", id(org), "--add-permission",
                "canCloseRooms", "--remove-permission", "canViewRoomDetails", "-o", "json");
        assertThat(updated.exit()).as(updated.toString()).isZero();
        assertThat(Cli.run(node, "roles", "get", "Agent", "--org", id(org), "-o", "json").json().get("permissions")
                .toString()).contains("canCloseRooms").doesNotContain("canViewRoomDetails");

        // Runs at once each add theirs: a change made from the role as read is sent only while the role is at that
        // version, and made again on top of another write (all but one of eight once vanished, every run exiting 0).
        java.util.List<String> more = java.util.List.of("canDeleteRooms", "canAddDocuments", "canCopyRoomDetails",
                "canReopenRooms", "canCloseRooms", "canManageRoomOwners", "canViewRoomDetails", "canEditRoomSide");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(more.size());
        try {
            java.util.List<java.util.concurrent.Future<Cli.Run>> runs = new java.util.ArrayList<>();
            for (String permission : more) {
                runs.add(pool.submit(() -> Cli.run(node, "roles", "update", "Agent", "--org", id(org),
                        "--add-permission", permission)));
            }
            for (java.util.concurrent.Future<Cli.Run> run : runs) {
                assertThat(run.get().exit()).as(run.get().toString()).isZero();
            }
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
            throw new AssertionError(e);
        } finally {
            pool.shutdownNow();
        }
        assertThat(Cli.run(node, "roles", "get", "Agent", "--org", id(org), "-o", "json").json().get("permissions")
                .valueStream().map(p -> p.stringValue()).toList()).containsAll(more);
        Cli.Run both = Cli.run(node, "roles", "update", "Agent", "--org", id(org), "--add-permission",
                "canCloseRooms", "--remove-permission", "canCloseRooms");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("both name [canCloseRooms]");

        Cli.Run bad = Cli.run(node, "roles", "create", "--org", id(org), "--name", "Bad", "-p", "noSuchPermission");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.out()).isEmpty();
        assertThat(bad.err()).startsWith("gatehouse roles create: 400 unknown_permission: ")
                .contains("\n  permissions: unknown permissions [noSuchPermission] (model rooms)");

        assertThat(Cli.run(node, "roles", "delete", "Agent", "--org", id(org)).exit()).isZero();
        Cli.Run gone = Cli.run(node, "roles", "get", "Agent", "--org", id(org));
        assertThat(gone.exit()).isEqualTo(2);
        assertThat(gone.err()).contains("no role named \"Agent\"");
    }

    @Test
    void roles_onACloseOrganization_setChangeAndLoseTheirVisibility() {
        Fixtures.Org org = fx.org("close");
        Cli.Run without = Cli.run(node, "roles", "create", "--org", id(org), "--name", "Lim", "-p", "calling");
        assertThat(without.exit()).isEqualTo(2);
        assertThat(without.err()).contains("visibility").contains("view_all_leads");
        Cli.Run half = Cli.run(node, "roles", "create", "--org", id(org), "--name", "Lim", "-p", "calling",
                "--visible-through", "lcf_owner");
        assertThat(half.exit()).isEqualTo(2);
        assertThat(half.err()).contains("needs both --visible-through FIELD and --unassigned allow|require");

        Cli.Run created = Cli.run(node, "roles", "create", "--org", id(org), "--name", "Lim", "-p", "calling",
                "--visible-through", "lcf_owner,lcf_rep", "--unassigned", "require", "-o", "json");
        assertThat(created.exit()).as(created.toString()).isZero();
        assertThat(created.json().get("visibility").toString()).isEqualTo("{\"user_field_ids\":[\"lcf_owner\","
                + "\"lcf_rep\"],\"unassigned\":\"require_assignment\"}");

        Cli.Run allowed = Cli.run(node, "roles", "update", "Lim", "--org", id(org), "--unassigned", "allow", "-o",
                "json");
        assertThat(allowed.exit()).as(allowed.toString()).isZero();
        assertThat(allowed.json().get("visibility").toString()).isEqualTo("{\"user_field_ids\":[\"lcf_owner\","
                + "\"lcf_rep\"],\"unassigned\":\"allow_unassigned\"}");
        Cli.Run table = Cli.run(node, "roles", "get", "Lim", "--org", id(org), "-o", "table");
        assertThat(table.out()).contains("VISIBILITY").contains("lcf_owner, lcf_rep (allow_unassigned)");

        // losing the visibility is a change like any other: conditional on the version the role is at
        int version = allowed.json().get("version").intValue();
        Cli.Run stale = Cli.run(node, "roles", "update", "Lim", "--org", id(org), "--add-permission",
                "view_all_leads", "--if-version", String.valueOf(version - 1));
        assertThat(stale.exit()).as(stale.toString()).isEqualTo(2);
        assertThat(Cli.run(node, "roles", "get", "Lim", "--org", id(org), "-o", "json").json().get("visibility")
                .isNull()).as("a stale version changes nothing").isFalse();
        Cli.Run seesAll = Cli.run(node, "roles", "update", "Lim", "--org", id(org), "--add-permission",
                "view_all_leads", "--if-version", String.valueOf(version), "-o", "json");
        assertThat(seesAll.exit()).as(seesAll.toString()).isZero();
        assertThat(seesAll.json().get("visibility").isNull()).as(seesAll.toString()).isTrue();
        assertThat(seesAll.json().get("permissions").toString()).contains("view_all_leads");
    }

    @Test
    void role_namedByANumberThatIsAnotherRolesId_isRefusedAsAmbiguous() {
        Fixtures.Org org = fx.org("rooms");
        String admin = String.valueOf(fx.roleId(org, "Default Admin"));
        long numbered = fx.role(org, admin, List.of("canViewRoomDetails"));
        long unmatched = fx.role(org, "99999999", List.of("canViewRoomDetails"));

        Cli.Run ambiguous = Cli.run(node, "members", "add", "--org", id(org), "--user", "u-x", "--email",
                "x@acme.test", "--role", admin);
        assertThat(ambiguous.exit()).as(ambiguous.toString()).isEqualTo(2);
        assertThat(ambiguous.err()).contains("role \"" + admin + "\" is ambiguous").contains("id:" + admin)
                .contains("name:" + admin);
        assertThat(node.service().get(org.path() + "/members/user:u-x").status()).isEqualTo(404);

        Cli.Run byName = Cli.run(node, "members", "add", "--org", id(org), "--user", "u-x", "--email",
                "x@acme.test", "--role", "name:" + admin, "-o", "json");
        assertThat(byName.exit()).as(byName.toString()).isZero();
        assertThat(byName.json().get("role_id").longValue()).isEqualTo(numbered);
        Cli.Run byId = Cli.run(node, "roles", "get", "id:" + admin, "--org", id(org), "-o", "json");
        assertThat(byId.json().get("name").stringValue()).isEqualTo("Default Admin");
        Cli.Run onlyAName = Cli.run(node, "roles", "get", "99999999", "--org", id(org), "-o", "json");
        assertThat(onlyAName.exit()).as(onlyAName.toString()).isZero();
        assertThat(onlyAName.json().get("id").longValue()).isEqualTo(unmatched);
        assertThat(Cli.run(node, "roles", "get", "default admin", "--org", id(org), "-o", "json").json().get("name")
                .stringValue()).isEqualTo("Default Admin");
    }

    @Test
    void members_addListGetUpdateRemove() {
        Fixtures.Org org = fx.org("rooms");
        fx.role(org, "Agent", List.of("canCreateRooms"));
        fx.role(org, "Viewer", List.of("canViewRoomDetails"));
        Cli.Run added = Cli.run(node, "members", "add", "--org", id(org), "--user", "u-bob", "--email",
                "bob@acme.test", "--role", "Agent", "--first-name", "Bob", "-o", "json");
        assertThat(added.exit()).as(added.toString()).isZero();
        assertThat(added.json().get("status").stringValue()).isEqualTo("active");

        Cli.Run listed = Cli.run(node, "members", "list", "--org", id(org), "--role", "Agent", "-o", "json");
        assertThat(listed.json().findValuesAsString("user_id")).containsExactly("u-bob");

        Cli.Run updated = Cli.run(node, "members", "update", "--org", id(org), "--user", "u-bob", "--role", "Viewer",
                "-o", "json");
        assertThat(updated.exit()).as(updated.toString()).isZero();
        long viewer = fx.roleId(org, "Viewer");
        assertThat(Cli.run(node, "members", "get", "--org", id(org), "--user", "u-bob", "-o", "json").json()
                .get("role_id").longValue()).isEqualTo(viewer);

        // UNKNOWN is what the client reads a status it does not know as: no word a user may give
        for (String command : List.of("list", "update")) {
            Cli.Run unknown = Cli.run(node, "members", command, "--org", id(org), "--user", "u-bob", "--status",
                    "unknown");
            assertThat(unknown.exit()).as(unknown.toString()).isEqualTo(2);
            assertThat(unknown.err()).contains("status must be active, invited or deactivated, got \"unknown\"");
        }

        Cli.Run both = Cli.run(node, "members", "get", "--org", id(org), "--user", "u-bob", "--member-id", "1");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("exactly one of --user");

        assertThat(Cli.run(node, "members", "remove", "--org", id(org), "--user", "u-bob").exit()).isZero();
        assertThat(node.service().get(org.path() + "/members/user:u-bob").status()).isEqualTo(404);
    }

    @Test
    void assignments_setListRemove() {
        Fixtures.Org org = fx.org("rooms");
        long agent = fx.role(org, "Agent", List.of("canCreateRooms"));
        fx.member(org, "u-cat", agent);
        String room = fx.room(org);
        Cli.Run set = Cli.run(node, "assignments", "set", "--org", id(org), "--resource", "room:" + room, "--user",
                "u-cat", "--role", "Default Admin", "-o", "json");
        assertThat(set.exit()).as(set.toString()).isZero();
        assertThat(set.json().get("resource").get("id").stringValue()).isEqualTo(room);

        Cli.Run onRoom = Cli.run(node, "assignments", "list", "--org", id(org), "--resource", "room:" + room,
                "-o", "json");
        assertThat(onRoom.exit()).as(onRoom.toString()).isZero();
        assertThat(onRoom.json().size()).isEqualTo(2); // the owner's and u-cat's
        Cli.Run ofMember = Cli.run(node, "assignments", "list", "--org", id(org), "--user", "u-cat", "-o", "table");
        assertThat(ofMember.out()).contains("room:" + room);

        assertThat(Cli.run(node, "assignments", "remove", "--org", id(org), "--resource", "room:" + room, "--user",
                "u-cat").exit()).isZero();
        assertThat(Cli.run(node, "assignments", "list", "--org", id(org), "--user", "u-cat", "-o", "json").json()
                .size()).isZero();
    }

    @Test
    void check_exitsZeroWhenAllowed_oneWhenDenied_twoOnAnError() {
        Fixtures.Org org = fx.org("rooms");
        long agent = fx.role(org, "Agent", List.of("canCreateRooms"));
        fx.member(org, "u-dan", agent);

        Cli.Run allowed = Cli.run(node, "check", "--org", id(org), "--user", "u-dan", "--permission",
                "canCreateRooms", "-o", "json");
        assertThat(allowed.exit()).as(allowed.toString()).isZero();
        assertThat(allowed.json().get("allowed").booleanValue()).isTrue();

        Cli.Run denied = Cli.run(node, "check", "--org", id(org), "--user", "u-dan", "--permission", "canCloseRooms",
                "-o", "table");
        assertThat(denied.exit()).isEqualTo(1);
        assertThat(denied.out().strip()).isEqualTo("denied");

        Cli.Run unknownMember = Cli.run(node, "check", "--org", id(org), "--user", "u-nobody", "--permission",
                "canCreateRooms");
        assertThat(unknownMember.exit()).isEqualTo(2);
        assertThat(unknownMember.err()).contains("404");
        Cli.Run unknownPermission = Cli.run(node, "check", "--org", id(org), "--user", "u-dan", "--permission",
                "noSuchPermission");
        assertThat(unknownPermission.exit()).isEqualTo(2);
        assertThat(unknownPermission.err()).contains("400");
        Cli.Run usage = Cli.run(node, "check", "--org", id(org), "--user", "u-dan");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("--permission");
        Map<String, String> unreachable = Cli.env(node);
        unreachable.put("GATEHOUSE_URL", "http://127.0.0.1:1");
        Cli.Run down = Cli.run(unreachable, System.in, "check", "--org", id(org), "--user", "u-dan", "--permission",
                "canCreateRooms");
        assertThat(down.exit()).isEqualTo(2);
        assertThat(down.err()).contains("connect_failed");
    }

    /**
     * A server that takes the connection and never answers holds a command no longer than {@code --timeout} for each
     * attempt, and an export no longer than that for its start or any line: exit 2, naming the timeout and the option.
     * Before, with nothing to set it, a read waited 30 s an attempt (four attempts), an export an hour for its start and
     * without end for a line. A value that is no timeout is refused before sending.
     */
    @Test
    @Timeout(60)
    void aServerThatNeverAnswers_isGivenUpOnAfterTheTimeout() throws IOException {
        // the system accepts the connections into the backlog; nobody reads or answers them, and the socket closes
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Map<String, String> hung = Cli.env(node);
            hung.put("GATEHOUSE_URL", "http://127.0.0.1:" + silent.getLocalPort());
            long start = System.nanoTime();
            Cli.Run given = Cli.run(hung, System.in, "orgs", "list", "--timeout", "300ms");
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertThat(given.exit()).as(given.toString()).isEqualTo(2);
            assertThat(given.err()).as(given.toString()).contains("timeout: GET /v1/orgs", "--timeout")
                    .as("the timeout as the option takes it, not as a Duration prints it")
                    .contains("no complete answer within 300ms").doesNotContain("PT0.3S");
            assertThat(waitedMillis).as("four attempts of 300 ms and their backoff").isLessThan(15_000);
            Cli.Run export = Cli.run(hung, System.in, "export", "--org", "1", "--timeout", "300ms");
            assertThat(export.exit()).as(export.toString()).isEqualTo(2);
            assertThat(export.err()).as(export.toString()).contains("the server sent nothing for 300ms",
                    "--timeout", "the export is incomplete, 0 lines written");
            assertThat(export.out()).isEmpty();
            // an import's answer starts only once its whole file is sent: the client's bulk timeout bounds the wait,
            // not --timeout, and the hint says so. That timeout is an hour in the command; the same call from a
            // client whose bulk timeout is short times out as the command's would
            try (GatehouseClient client = GatehouseClient.builder().url(hung.get("GATEHOUSE_URL"))
                    .key(TestNode.SERVICE_KEY).bulkTimeout(Duration.ofMillis(300)).build()) {
                Throwable timedOut = catchThrowable(() -> client.org(1).bulk().importFrom(
                        new ByteArrayInputStream("{}\n".getBytes(StandardCharsets.UTF_8)),
                        new Bulk.ImportOptions(null, null, null), progress -> { }));
                assertThat(timedOut).isInstanceOf(GatehouseException.class);
                assertThat(ImportCommand.described((GatehouseException) timedOut))
                        .contains("timeout: POST /v1/orgs/1/import: no complete answer within 300ms", "bulk timeout")
                        .doesNotContain("--timeout sets");
            }
            for (String refused : List.of("0", "soon", "10x", "25h")) {
                Cli.Run bad = Cli.run(hung, System.in, "orgs", "list", "--timeout", refused);
                assertThat(bad.exit()).as(refused + ": " + bad).isEqualTo(2);
                assertThat(bad.err()).as(refused).contains("is not a timeout");
            }
        }
    }

    @Test
    void check_explain_saysWhichRoleDecided() {
        Fixtures.Org org = fx.org("rooms");
        long agent = fx.role(org, "Agent", List.of("canCreateRooms"));
        long member = fx.member(org, "u-eve", agent);
        String room = fx.room(org);
        fx.assign(org, room, member, fx.roleId(org, "Default Admin"));

        Cli.Run table = Cli.run(node, "check", "--org", id(org), "--user", "u-eve", "--permission", "canCreateRooms",
                "--explain", "-o", "table");
        assertThat(table.exit()).as(table.toString()).isZero();
        assertThat(table.out()).startsWith("allowed").contains("path:   company_role").contains("role:   " + agent);

        Cli.Run onRoom = Cli.run(node, "check", "--org", id(org), "--user", "u-eve", "--permission",
                "canSubmitRoomsForReview", "--resource", "room:" + room, "--explain", "-o", "json");
        assertThat(onRoom.exit()).as(onRoom.toString()).isZero();
        JsonNode why = onRoom.json().get("explanation");
        assertThat(why.get("path").stringValue()).isEqualTo("resource_role");
        assertThat(why.get("role_id").longValue()).isEqualTo(fx.roleId(org, "Default Admin"));
        assertThat(why.get("reason").stringValue()).isNotBlank();
    }

    /**
     * {@code -o json} has the API's fields, no more: it once added {@code "delta": null} to every event and
     * {@code "ancestor": null} to an explanation, which the API leaves out when they have no value — while a field
     * the API sends as null ({@code "before": null}, {@code "role_id": null}) stays.
     */
    @Test
    void json_hasTheApisFields_notTheNullsItLeavesOut() {
        Fixtures.Org org = fx.org("rooms");
        long agent = fx.role(org, "Agent", List.of("canCreateRooms"));
        long member = fx.member(org, "u-jo", agent);
        String room = fx.room(org);
        fx.assign(org, room, member, fx.roleId(org, "Default Admin"));
        long group = node.service().post(org.path() + "/groups", Map.of("name", "Team")).json().get("id").longValue();
        assertThat(node.service().post(org.path() + "/groups/" + group + "/members", Map.of("user_id", "u-jo"))
                .status()).isLessThan(300);

        Cli.Run events = Cli.run(node, "events", "--org", id(org), "--limit", "100", "-o", "json");
        assertThat(events.exit()).as(events.toString()).isZero();
        JsonNode answered = node.service().get(org.path() + "/events?limit=100").json().get("items");
        assertThat(events.json().size()).isEqualTo(answered.size()).isGreaterThan(3);
        for (int i = 0; i < answered.size(); i++) {
            assertThat(fields(events.json().get(i))).as(answered.get(i).toString())
                    .isEqualTo(fields(answered.get(i)));
        }
        assertThat(events.out()).contains("\"delta\"").contains("\"before\" : null");
        String followed = Cli.run(node, "events", "--org", id(org), "--follow", "--after-revision", "0", "--limit",
                String.valueOf(answered.size()), "-o", "json").out();
        assertThat(followed.lines().filter(l -> !l.contains("\"delta\"")).count()).isEqualTo(answered.size() - 1);

        for (String[] check : List.of(new String[] {"canCreateRooms"},
                new String[] {"canSubmitRoomsForReview", "--resource", "room:" + room},
                new String[] {"canDeleteRooms"})) {
            List<String> args = new ArrayList<>(List.of("check", "--org", id(org), "--user", "u-jo", "--explain",
                    "-o", "json", "--permission"));
            args.addAll(List.of(check));
            Cli.Run explained = Cli.run(node, args.toArray(String[]::new));
            Map<String, Object> body = new HashMap<>(Map.of("user_id", "u-jo", "permission", check[0],
                    "explain", true));
            if (check.length > 1) {
                body.put("resource", Map.of("type", "room", "id", room));
            }
            JsonNode answer = node.service().post(org.path() + "/check", body).json();
            assertThat(fields(explained.json())).as(explained.toString()).isEqualTo(fields(answer))
                    .doesNotContain("explanation.ancestor");
        }
    }

    /** Every field of {@code json} by its path ({@code actor.member_id}), objects within arrays included. */
    private static Set<String> fields(JsonNode json) {
        Set<String> paths = new TreeSet<>();
        fields(json, "", paths);
        return paths;
    }

    private static void fields(JsonNode json, String path, Set<String> into) {
        if (json.isObject()) {
            for (Map.Entry<String, JsonNode> field : json.properties()) {
                into.add(path + field.getKey());
                fields(field.getValue(), path + field.getKey() + ".", into);
            }
        } else if (json.isArray()) {
            json.forEach(item -> fields(item, path + "[].", into));
        }
    }

    @Test
    @Timeout(60)
    void eventsFollow_printsAWriteAsItIsCommitted_thenStops() throws Exception {
        Fixtures.Org org = fx.org("rooms");
        long agent = fx.role(org, "Agent", List.of("canCreateRooms"));
        Cli.Run newest = Cli.run(node, "events", "--org", id(org), "--limit", "1", "-o", "json");
        assertThat(newest.exit()).as(newest.toString()).isZero();
        assertThat(newest.json().get(0).get("object_type").stringValue()).isEqualTo("role");
        String after = newest.json().get(0).get("revision").asString();

        CompletableFuture<Cli.Run> following = CompletableFuture.supplyAsync(() -> Cli.run(node, "events", "--org",
                id(org), "--follow", "--after-revision", after, "--limit", "1", "--interval", "50", "-o", "json"));
        Thread.sleep(300);
        assertThat(following).isNotDone();
        fx.member(org, "u-fay", agent);

        Cli.Run followed = following.get(30, TimeUnit.SECONDS);
        assertThat(followed.exit()).as(followed.toString()).isZero();
        List<String> lines = followed.out().lines().toList();
        assertThat(lines).hasSize(1);
        JsonNode event = Output.JSON.readTree(lines.get(0));
        assertThat(event.get("object_type").stringValue()).isEqualTo("member");
        assertThat(event.get("action").stringValue()).isEqualTo("created");
        assertThat(event.get("after").get("user_id").stringValue()).isEqualTo("u-fay");
    }

    /**
     * A follow ends (exit 2) once the organization is deleted: a service key may read its history after, so it once
     * printed the {@code deleted} event and asked for more for ever — also when a filter hid that event, and when the
     * follow began after it.
     */
    @Test
    @Timeout(60)
    void eventsFollow_endsOnceTheOrganizationIsDeleted() throws Exception {
        Fixtures.Org org = fx.org("rooms");
        long agent = fx.role(org, "Agent", List.of("canCreateRooms"));
        CompletableFuture<Cli.Run> following = CompletableFuture.supplyAsync(() -> Cli.run(node, "events", "--org",
                id(org), "--follow", "--interval", "50"));
        CompletableFuture<Cli.Run> filtered = CompletableFuture.supplyAsync(() -> Cli.run(node, "events", "--org",
                id(org), "--follow", "--type", "member", "--interval", "50"));
        Thread.sleep(500);
        assertThat(following).isNotDone();
        assertThat(filtered).isNotDone();
        fx.member(org, "u-gil", agent);
        assertThat(node.service().delete(org.path()).status()).isEqualTo(204);

        Cli.Run followed = following.get(30, TimeUnit.SECONDS);
        assertThat(followed.exit()).as(followed.toString()).isEqualTo(2);
        assertThat(followed.out()).contains("\"object_type\":\"member\"").contains("\"object_type\":\"organization\","
                + "\"object_id\":\"" + org.id() + "\",\"action\":\"deleted\"");
        assertThat(followed.err()).contains("events: organization " + org.id() + " was deleted (revision ")
                .contains("); stopped following");
        Cli.Run onlyMembers = filtered.get(30, TimeUnit.SECONDS);
        assertThat(onlyMembers.exit()).as(onlyMembers.toString()).isEqualTo(2);
        assertThat(onlyMembers.out()).contains("\"object_type\":\"member\"").doesNotContain("\"organization\"");
        assertThat(onlyMembers.err()).contains("was deleted");

        Cli.Run late = Cli.run(node, "events", "--org", id(org), "--follow", "--interval", "50");
        assertThat(late.exit()).as(late.toString()).isEqualTo(2);
        assertThat(late.err()).contains("was deleted");
    }

    /**
     * A follow from the deletion's revision or past it ends at once (exit 2), with or without a filter: it once
     * looked for the deletion only after the revision given, so it polled for ever, printing nothing.
     */
    @Test
    @Timeout(60)
    void eventsFollow_fromTheDeletionOrPastIt_endsAtOnce() throws Exception {
        Fixtures.Org org = fx.org("rooms");
        fx.role(org, "Agent", List.of("canCreateRooms"));
        assertThat(node.service().delete(org.path()).status()).isEqualTo(204);
        JsonNode deletion = Cli.run(node, "events", "--org", id(org), "-n", "1", "-o", "json").json().get(0);
        assertThat(deletion.get("action").stringValue()).isEqualTo("deleted");
        long revision = deletion.get("revision").longValue();

        for (List<String> from : List.of(List.of("--after-revision", String.valueOf(revision)),
                List.of("--after-revision", String.valueOf(revision), "--type", "role"),
                List.of("--after-revision", String.valueOf(revision + 1000)))) {
            List<String> args = new ArrayList<>(List.of("events", "--org", id(org), "--follow", "--interval", "50",
                    "-o", "json"));
            args.addAll(from);
            Cli.Run run = CompletableFuture.supplyAsync(() -> Cli.run(node, args.toArray(String[]::new)))
                    .get(20, TimeUnit.SECONDS);
            assertThat(run.exit()).as(from + "\n" + run).isEqualTo(2);
            assertThat(run.out()).as(from.toString()).isEmpty();
            assertThat(run.err()).as(from.toString()).isEqualTo("gatehouse events: organization " + org.id()
                    + " was deleted (revision " + revision + "); stopped following\n");
        }
    }

    /** A follow of an organization the server does not know (no history either) ends at once, saying so. */
    @Test
    @Timeout(60)
    void eventsFollow_ofAnOrganizationNotFound_endsSayingSo() throws Exception {
        for (List<String> from : List.of(List.<String>of(), List.of("--after-revision", "0"),
                List.of("--after-revision", "0", "--type", "role"))) {
            List<String> args = new ArrayList<>(List.of("events", "--org", "987654321", "--follow", "--interval",
                    "50"));
            args.addAll(from);
            Cli.Run run = CompletableFuture.supplyAsync(() -> Cli.run(node, args.toArray(String[]::new)))
                    .get(20, TimeUnit.SECONDS);
            assertThat(run.exit()).as(from + "\n" + run).isEqualTo(2);
            assertThat(run.err()).as(from.toString()).isEqualTo("gatehouse events: 404 organization_not_found: "
                    + "organization 987654321 not found\n");
        }
    }

    /**
     * A follow after a revision the change log has not reached is refused, naming the log's end: it once waited for
     * ever without a word (the same query without {@code --follow} answers none, and the server refuses such a
     * revision as {@code min_revision}). A follow from the end itself waits for what comes.
     */
    @Test
    @Timeout(60)
    void eventsFollow_pastTheEndOfTheChangeLog_isRefusedNamingTheLastRevision() throws Exception {
        Fixtures.Org org = fx.org("rooms");
        fx.role(org, "Agent", List.of("canCreateRooms"));
        for (List<String> narrowed : List.of(List.<String>of(), List.of("--type", "member"))) {
            List<String> args = new ArrayList<>(List.of("events", "--org", id(org), "--follow", "--after-revision",
                    "99999999", "--interval", "50"));
            args.addAll(narrowed);
            Cli.Run run = CompletableFuture.supplyAsync(() -> Cli.run(node, args.toArray(String[]::new)))
                    .get(20, TimeUnit.SECONDS);
            assertThat(run.exit()).as(narrowed + "\n" + run).isEqualTo(2);
            assertThat(run.out()).isEmpty();
            assertThat(run.err()).as(narrowed.toString()).startsWith("gatehouse events: --after-revision 99999999 "
                    + "is past the end of the change log (revision ");
        }

        String newest = Cli.run(node, "events", "--org", id(org), "-n", "1", "-o", "json").json().get(0)
                .get("revision").asString();
        CompletableFuture<Cli.Run> following = CompletableFuture.supplyAsync(() -> Cli.run(node, "events", "--org",
                id(org), "--follow", "--after-revision", newest, "--limit", "1", "--interval", "50", "-o", "json"));
        Thread.sleep(300);
        assertThat(following).isNotDone();
        fx.role(org, "Clerk", List.of("canCreateRooms"));
        Cli.Run followed = following.get(30, TimeUnit.SECONDS);
        assertThat(followed.exit()).as(followed.toString()).isZero();
        assertThat(followed.out().lines().toList()).hasSize(1);
    }

    /**
     * A restart of the server does not end a follow: it says it lost the server, tries again, and goes on from the
     * last event it printed (it once exited 2 as soon as the client's own retries ran out).
     */
    @Test
    @Timeout(90)
    void eventsFollow_goesOnAcrossARestartOfTheServer() throws Exception {
        Fixtures.Org org = fx.org("rooms");
        long agent = fx.role(org, "Agent", List.of("canCreateRooms"));
        String after = Cli.run(node, "events", "--org", id(org), "--limit", "1", "-o", "json").json().get(0)
                .get("revision").asString();
        CompletableFuture<Cli.Run> following = CompletableFuture.supplyAsync(() -> Cli.run(node, "events", "--org",
                id(org), "--follow", "--after-revision", after, "--limit", "2", "--interval", "50", "-o", "json"));
        fx.member(org, "u-before", agent);
        Thread.sleep(500);
        node.restartOnItsPort(java.time.Duration.ofSeconds(4)); // longer than the client's own retries
        fx.member(org, "u-after", agent);

        Cli.Run followed = following.get(60, TimeUnit.SECONDS);
        assertThat(followed.exit()).as(followed.toString()).isZero();
        assertThat(followed.out().lines().map(l -> Output.JSON.readTree(l).get("after").get("user_id").stringValue()))
                .containsExactly("u-before", "u-after");
        assertThat(followed.err()).contains("lost the server", "reconnected");
    }

    @Test
    @Timeout(60)
    void eventsFollow_stopsWithExitTwo_whenItsStandardOutputCloses() {
        Fixtures.Org org = fx.org("rooms");
        fx.role(org, "Agent", List.of("canCreateRooms"));
        StringBuilder received = new StringBuilder();
        Writer closedAfterALine = new Writer() {
            @Override
            public void write(char[] chars, int offset, int length) throws IOException {
                if (received.indexOf("\n") >= 0) {
                    throw new IOException("Broken pipe");
                }
                received.append(chars, offset, length);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Cli.Run run = Cli.run(Cli.env(node), System.in, closedAfterALine, "events", "--org", id(org), "--follow",
                "--after-revision", "0", "--interval", "50", "-o", "json");
        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("standard output closed after 1 event; stopped following");
    }

    @Test
    void events_refuseANegativeLimit_sayingWhy() {
        Fixtures.Org org = fx.org("rooms");
        Cli.Run run = Cli.run(node, "events", "--org", id(org), "-n", "-1");
        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("--limit must be 0 or more, got -1");
    }

    @Test
    void urlAndKey_comeFromTheFlag_elseTheEnvironment_elseTheConfigFile() throws IOException {
        Fixtures.Org org = fx.org("rooms");
        Path config = Files.createTempFile(temp, "gatehouse-config", ".yaml");
        Files.writeString(config, "url: http://127.0.0.1:1\nkey: file-top-level-key\ndefault_profile: test\n"
                + "profiles:\n  test:\n    url: " + node.baseUrl() + "\n    key: " + TestNode.SERVICE_KEY + "\n"
                + "  wrong:\n    key: wrong-profile-key\n");
        Map<String, String> env = Cli.env(node);
        env.remove("GATEHOUSE_URL");
        env.remove("GATEHOUSE_KEY");
        env.put("GATEHOUSE_CONFIG", config.toString());
        String[] get = {"orgs", "get", id(org), "-o", "json"};

        // the file's default profile alone
        assertThat(Cli.run(env, System.in, get).exit()).isZero();
        // another profile: its key, and the file's top-level url
        Cli.Run wrongProfile = Cli.run(env, System.in, concat(get, "--profile", "wrong"));
        assertThat(wrongProfile.exit()).isEqualTo(2);
        assertThat(wrongProfile.err()).contains("connect_failed").contains("127.0.0.1:1");
        // the environment's key beats the file's
        env.put("GATEHOUSE_KEY", "env-key-not-valid");
        Cli.Run envKey = Cli.run(env, System.in, get);
        assertThat(envKey.exit()).isEqualTo(2);
        assertThat(envKey.err()).contains("401");
        // the flag beats the environment
        assertThat(Cli.run(env, System.in, concat(get, "--key", TestNode.SERVICE_KEY)).exit()).isZero();
        // the environment's url beats the file's
        env.put("GATEHOUSE_URL", "http://127.0.0.1:1");
        Cli.Run envUrl = Cli.run(env, System.in, concat(get, "--key", TestNode.SERVICE_KEY));
        assertThat(envUrl.err()).contains("connect_failed");
        // and the flag beats it
        assertThat(Cli.run(env, System.in, concat(get, "--key", TestNode.SERVICE_KEY, "--url", node.baseUrl()))
                .exit()).isZero();

        String valid = Files.readString(config);
        Files.writeString(config, valid + "  typo:\n    kee: x\n");
        Map<String, String> fileOnly = new HashMap<>(env);
        fileOnly.remove("GATEHOUSE_URL");
        fileOnly.remove("GATEHOUSE_KEY");
        Cli.Run typoElsewhere = Cli.run(fileOnly, System.in, get);
        assertThat(typoElsewhere.exit()).as(typoElsewhere.toString()).isEqualTo(2);
        assertThat(typoElsewhere.err()).contains("profiles.typo: unknown field \"kee\"");
        Files.writeString(config, valid);

        Cli.Run unknownProfile = Cli.run(env, System.in, concat(get, "--profile", "nope"));
        assertThat(unknownProfile.exit()).isEqualTo(2);
        assertThat(unknownProfile.err()).contains("no profile \"nope\"");
        Files.writeString(config, "url: [unclosed\n");
        env.remove("GATEHOUSE_KEY");
        Cli.Run malformed = Cli.run(env, System.in, get);
        assertThat(malformed.exit()).isEqualTo(2);
        assertThat(malformed.err()).contains("is not valid YAML");
        // the parser's message quotes the offending line: in a config file, that line may hold a key
        for (String secretLine : List.of("key: \"ghm_TOPSECRETKEYVALUE\n", "key: ghm_TOPSECRETKEYVALUE: x\n")) {
            Files.writeString(config, "url: http://127.0.0.1:1\n" + secretLine);
            Cli.Run leaking = Cli.run(env, System.in, get);
            assertThat(leaking.exit()).as(leaking.toString()).isEqualTo(2);
            assertThat(leaking.err()).contains("is not valid YAML").contains("(line 2, column ")
                    .doesNotContain("TOPSECRET").doesNotContain("in reader");
        }
        // a character YAML does not allow is placed where it stands (its reader reports no mark: it was line 1, column 1)
        Files.writeString(config, "url: http://127.0.0.1:1\n\n\nkey: ghm_TOP\u0001SECRET\n");
        Cli.Run control = Cli.run(env, System.in, get);
        assertThat(control.exit()).as(control.toString()).isEqualTo(2);
        assertThat(control.err()).contains("is not valid YAML").contains("(line 4, column 13)")
                .doesNotContain("TOP").doesNotContain("SECRET");
        Map<String, String> nothing = Map.of("HOME", "/nonexistent/gatehouse-test-home");
        Cli.Run noKey = Cli.run(nothing, System.in, get);
        assertThat(noKey.exit()).isEqualTo(2);
        assertThat(noKey.err()).contains("no API key");
    }

    @Test
    void aConfigFileNamedButMissing_isAnError_ratherThanTheDefaults() throws IOException {
        Fixtures.Org org = fx.org("rooms");
        Map<String, String> env = Cli.env(node);
        env.remove("GATEHOUSE_URL");
        // the key from the environment, the url nowhere: a mistyped file name went to http://localhost:8080
        String missing = "/nonexistent/gatehouse-staging.yaml";
        Cli.Run flag = Cli.run(env, System.in, "orgs", "get", id(org), "--config", missing);
        assertThat(flag.exit()).as(flag.toString()).isEqualTo(2);
        assertThat(flag.err()).contains("config file " + missing + " (from --config) does not exist")
                .doesNotContain("localhost:8080");
        env.put("GATEHOUSE_CONFIG", missing);
        Cli.Run variable = Cli.run(env, System.in, "orgs", "get", id(org));
        assertThat(variable.exit()).as(variable.toString()).isEqualTo(2);
        assertThat(variable.err()).contains("(from GATEHOUSE_CONFIG) does not exist");
        Path directory = Files.createTempDirectory(temp, "gatehouse-config");
        Cli.Run notAFile = Cli.run(env, System.in, "orgs", "get", id(org), "--config", directory.toString());
        assertThat(notAFile.exit()).as(notAFile.toString()).isEqualTo(2);
        assertThat(notAFile.err()).contains("config file " + directory + " is a directory");
        // named, it is read even when the flags and the environment say everything it could
        Cli.Run unneeded = Cli.run(Cli.env(node), System.in, "orgs", "get", id(org), "--config", missing);
        assertThat(unneeded.exit()).as(unneeded.toString()).isEqualTo(2);
        assertThat(unneeded.err()).contains("(from --config) does not exist");
    }

    /**
     * A flag given empty is refused: {@code --key "$MEMBER_KEY"} with the variable unset ran as the service key of
     * the environment, every organization in view.
     */
    @Test
    void anEmptyFlag_isRefused_ratherThanPassedOverForTheEnvironmentsKey() {
        Fixtures.Org org = fx.org("rooms");
        for (String flag : List.of("--key", "--url", "--profile", "--config")) {
            Cli.Run run = Cli.run(node, "orgs", "get", id(org), flag, "");
            assertThat(run.exit()).as(flag + ": " + run).isEqualTo(2);
            assertThat(run.err()).contains(flag + " is empty");
            assertThat(run.out()).isEmpty();
        }
    }

    /**
     * Any option or argument given empty or blank is refused before a request, naming it as the user typed it: the
     * client or the server once named its own parameter ({@code objectTypes[0]}, {@code userId}, {@code q}), and an
     * empty file name was called a directory (the working directory's). An option whose empty value means something
     * ({@code --description ""}) still takes it.
     */
    @Test
    void anEmptyValue_isRefusedNamingTheOption() {
        Fixtures.Org org = fx.org("rooms");
        Map<String, List<String>> cases = new java.util.LinkedHashMap<>();
        cases.put("--type is empty", List.of("events", "--org", id(org), "--type", ""));
        cases.put("--action is blank", List.of("events", "--org", id(org), "--action", " "));
        cases.put("--user is empty", List.of("check", "--org", id(org), "--user", "", "--permission", "doc.read"));
        cases.put("--permission is empty", List.of("check", "--org", id(org), "--user", "u-1", "--permission", ""));
        cases.put("--text is empty", List.of("members", "list", "--org", id(org), "--text", ""));
        cases.put("--resource is empty", List.of("assignments", "list", "--org", id(org), "--resource", ""));
        cases.put("--file is empty", List.of("apply", "-f", ""));
        cases.put("FILE is empty", List.of("import", "--org", id(org), ""));
        cases.put("ROLE is empty", List.of("roles", "get", "--org", id(org), ""));
        for (Map.Entry<String, List<String>> refused : cases.entrySet()) {
            Cli.Run run = Cli.run(node, refused.getValue().toArray(String[]::new));
            assertThat(run.exit()).as(refused.getValue() + ": " + run).isEqualTo(2);
            assertThat(run.err()).as(refused.getValue().toString()).contains(refused.getKey() + "; give it a value")
                    .doesNotContain("directory");
            assertThat(run.out()).isEmpty();
        }

        Cli.Run described = Cli.run(node, "roles", "create", "--org", id(org), "--name", "Plain", "--description", "",
                "-o", "json");
        assertThat(described.exit()).as(described.toString()).isZero();
        assertThat(described.json().get("name").stringValue()).isEqualTo("Plain");
    }

    @Test
    void aUrlWithoutScheme_isRefusedSayingHow() {
        Cli.Run run = Cli.run(node, "orgs", "list", "--url", "127.0.0.1:24302");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("the URL must start with http:// or https://, got \"127.0.0.1:24302\" "
                + "(from --url)").doesNotContain("Illegal character");
        Map<String, String> env = Cli.env(node);
        env.put("GATEHOUSE_URL", "localhost:8080");
        Cli.Run fromEnv = Cli.run(env, System.in, "orgs", "list");
        assertThat(fromEnv.err()).contains("got \"localhost:8080\" (from GATEHOUSE_URL)");
    }

    @Test
    void aUrlsScheme_inAnyCase_andTrailingSlashes_areTaken_asTheClientTakesThem() throws IOException {
        // the command line's own check took HTTP:// and the client then refused it; http://host// asked for //v1/orgs
        Fixtures.Org org = fx.org("rooms");
        String upper = node.baseUrl().replaceFirst("^http://", "HTTP://") + "//";
        Path config = Files.createTempFile(temp, "gatehouse-config", ".yaml");
        Files.writeString(config, "url: " + upper + "\nkey: " + TestNode.SERVICE_KEY + "\n");
        Map<String, String> env = Cli.env(node);
        env.remove("GATEHOUSE_URL");
        env.remove("GATEHOUSE_KEY");
        env.put("GATEHOUSE_CONFIG", config.toString());
        Cli.Run fromFile = Cli.run(env, System.in, "orgs", "get", id(org), "-o", "json");
        assertThat(fromFile.exit()).as(fromFile.toString()).isZero();
        assertThat(fromFile.json().toString()).contains("\"id\":" + org.id());
        // whatever the client refuses is refused before anything is sent, saying where the URL came from
        Files.writeString(config, "url: Http://127.0.0.1:1/?x=1\nkey: " + TestNode.SERVICE_KEY + "\n");
        Cli.Run refused = Cli.run(env, System.in, "orgs", "list");
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("the URL must be a base URL without a query or fragment")
                .contains("(from url: in ").doesNotContain("connect_failed");
        // the HTTP client's "port out of range:99999"; a request for /v1/v1/orgs (404 route_not_found)
        Cli.Run port = Cli.run(node, "orgs", "list", "--url", "http://127.0.0.1:99999");
        assertThat(port.exit()).isEqualTo(2);
        assertThat(port.err()).contains("the URL must have a port from 1 to 65535, got 99999 in "
                + "\"http://127.0.0.1:99999\" (from --url)").doesNotContain("out of range");
        Cli.Run v1 = Cli.run(node, "orgs", "list", "--url", node.baseUrl() + "/v1");
        assertThat(v1.exit()).isEqualTo(2);
        assertThat(v1.err()).contains("the URL must be the deployment's base URL, without the API's /v1")
                .contains("use \"" + node.baseUrl() + "\" (from --url)").doesNotContain("route_not_found");
    }

    @Test
    void tables_escapeControlCharacters_andAlignColumnsByDisplayWidth() {
        // a line feed in a value split its row in two; a CJK name, padded by its length, pushed the columns after it
        Fixtures.Org org = fx.org("rooms");
        fx.role(org, "営業部", List.of("canCreateRooms"));
        storedRole(org, "Sales\nEast\tside");
        fx.role(org, "Cafe\u0301", List.of("canCreateRooms"));
        int roles = Cli.run(node, "roles", "list", "--org", id(org), "-o", "json").json().size();
        Cli.Run table = Cli.run(node, "roles", "list", "--org", id(org), "-o", "table");
        assertThat(table.exit()).as(table.toString()).isZero();
        List<String> lines = table.out().lines().toList();
        assertThat(lines).hasSize(1 + roles);
        assertThat(table.out()).contains("Sales\\nEast\\tside").contains("営業部").doesNotContain("\t");
        int system = Display.width(lines.get(0).substring(0, lines.get(0).indexOf("SYSTEM")));
        for (String row : lines.subList(1, lines.size())) {
            java.util.regex.Matcher flag = java.util.regex.Pattern.compile(" (true|false) ").matcher(row);
            assertThat(flag.find()).as(row).isTrue();
            assertThat(Display.width(row.substring(0, flag.start() + 1))).as(row).isEqualTo(system);
        }
    }

    @Test
    void help_onEveryCommandAndSubcommand() {
        List<String[]> commands = new ArrayList<>();
        collect(new GatehouseCli(Map.of(), System.in, false, false).commandLine(), new ArrayList<>(), commands);
        assertThat(commands).hasSizeGreaterThan(20);
        for (String[] command : commands) {
            Cli.Run help = Cli.run(Map.of(), System.in, concat(command, "--help"));
            assertThat(help.exit()).as(String.join(" ", command)).isZero();
            assertThat(help.out()).as(String.join(" ", command)).startsWith("Usage: gatehouse");
            // each command lists -V: each says the version (the subcommands once printed nothing)
            Cli.Run version = Cli.run(Map.of(), System.in, concat(command, "-V"));
            assertThat(version.exit()).as(String.join(" ", command)).isZero();
            assertThat(version.out()).as(String.join(" ", command)).startsWith("gatehouse 0.1.0");
        }
        Cli.Run none = Cli.run(Map.of(), System.in);
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("Usage: gatehouse").contains("check");
    }

    @Test
    void aReadWhoseOutputCannotBeWritten_exitsTwo_sayingSo() {
        // roles list > /dev/full exited 0: a PrintWriter swallows the write error
        Fixtures.Org org = fx.org("rooms");
        Cli.Run full = Cli.run(Cli.env(node), System.in, Cli.full(10), "roles", "list", "--org", id(org), "-o",
                "json");
        assertThat(full.exit()).as(full.toString()).isEqualTo(2);
        assertThat(full.err()).contains("gatehouse roles list: standard output could not be written");
        Cli.Run help = Cli.run(Cli.env(node), System.in, Cli.full(10), "roles", "list", "--help");
        assertThat(help.exit()).as(help.toString()).isEqualTo(2);
    }

    @Test
    void configFileErrors_nameWhatAValueIs_neverTheValue_andAUrlsQueryIsNotShown() throws IOException {
        // a key pasted alone, or as a profile, was quoted back in the error: expected a mapping, got "ghm_…"
        Fixtures.Org org = fx.org("rooms");
        Path config = Files.createTempFile(temp, "gatehouse-config", ".yaml");
        Map<String, String> env = Cli.env(node);
        env.remove("GATEHOUSE_URL");
        env.remove("GATEHOUSE_KEY");
        env.put("GATEHOUSE_CONFIG", config.toString());
        Files.writeString(config, "ghm_PASTEDSECRETKEY\n");
        Cli.Run plain = Cli.run(env, System.in, "orgs", "get", id(org));
        assertThat(plain.exit()).as(plain.toString()).isEqualTo(2);
        assertThat(plain.err()).contains("expected a mapping, got a text").doesNotContain("PASTEDSECRET");
        Files.writeString(config, "profiles:\n  prod: svc-key-PASTEDSECRET\n");
        Cli.Run profile = Cli.run(env, System.in, "orgs", "get", id(org));
        assertThat(profile.exit()).as(profile.toString()).isEqualTo(2);
        assertThat(profile.err()).contains("profiles.prod: expected a mapping, got a text")
                .doesNotContain("PASTEDSECRET");

        for (String url : List.of("http://127.0.0.1:1/?key=QUERYSECRET", "htp://127.0.0.1:1/?key=QUERYSECRET",
                "http://127.0.0.1:1/#QUERYSECRET", "htp://user:PASSWORDSECRET@127.0.0.1:1/")) {
            Cli.Run refused = Cli.run(node, "orgs", "list", "--url", url);
            assertThat(refused.exit()).as(url).isEqualTo(2);
            assertThat(refused.err()).as(url).contains("the URL must").contains("(from --url)")
                    .doesNotContain("SECRET");
        }
        Cli.Run userInfo = Cli.run(node, "orgs", "list", "--url", "http://user:PASSWORDSECRET@127.0.0.1:1/");
        assertThat(userInfo.err()).as("where the key goes, for a command line").contains("user info (the key goes in "
                + "--key, GATEHOUSE_KEY or key: in the config file)").doesNotContain("key(…)");
    }

    @Test
    void aNamedProfile_bringsItsUrlAndKeyTogether_beforeTheEnvironments() throws IOException {
        // --profile prod took prod's URL and the key exported for another deployment
        Fixtures.Org org = fx.org("rooms");
        Path config = Files.createTempFile(temp, "gatehouse-config", ".yaml");
        Files.writeString(config, "profiles:\n  prod:\n    url: " + node.baseUrl() + "\n    key: "
                + TestNode.SERVICE_KEY + "\n  keyless:\n    url: " + node.baseUrl() + "\n");
        Map<String, String> env = Cli.env(node);
        env.put("GATEHOUSE_URL", "http://127.0.0.1:1");
        env.put("GATEHOUSE_KEY", "key-of-another-deployment");
        env.put("GATEHOUSE_CONFIG", config.toString());
        Cli.Run named = Cli.run(env, System.in, "orgs", "get", id(org), "--profile", "prod", "-o", "json");
        assertThat(named.exit()).as(named.toString()).isZero();
        env.put("GATEHOUSE_PROFILE", "prod");
        Cli.Run fromEnvironment = Cli.run(env, System.in, "orgs", "get", id(org), "-o", "json");
        assertThat(fromEnvironment.exit()).as(fromEnvironment.toString()).isZero();
        // the flags still come first; a profile without a key takes the environment's
        Cli.Run flag = Cli.run(env, System.in, "orgs", "get", id(org), "--key", "flag-key-not-valid");
        assertThat(flag.err()).contains("401");
        Cli.Run keyless = Cli.run(env, System.in, "orgs", "get", id(org), "--profile", "keyless");
        assertThat(keyless.err()).contains("401");
    }

    /**
     * A profile naming its own server without a key does not take the file's top-level key, which is for the top
     * level's server: the key of deployment A was sent to the profile's deployment B.
     */
    @Test
    void aProfileWithItsOwnUrlAndNoKey_neverSendsTheTopLevelKey() throws IOException {
        Fixtures.Org org = fx.org("rooms");
        Path config = Files.createTempFile(temp, "gatehouse-config", ".yaml");
        Files.writeString(config, "url: http://127.0.0.1:1\nkey: " + TestNode.SERVICE_KEY + "\nprofiles:\n  b:\n"
                + "    url: " + node.baseUrl() + "\n");
        Map<String, String> env = Cli.env(node);
        env.remove("GATEHOUSE_URL");
        env.remove("GATEHOUSE_KEY");
        env.put("GATEHOUSE_CONFIG", config.toString());
        Cli.Run other = Cli.run(env, System.in, "orgs", "get", id(org), "--profile", "b");
        assertThat(other.exit()).as(other.toString()).isEqualTo(2);
        assertThat(other.err()).as(other.toString()).contains("key").doesNotContain(TestNode.SERVICE_KEY);
        env.put("GATEHOUSE_KEY", TestNode.SERVICE_KEY);
        Cli.Run fromEnvironment = Cli.run(env, System.in, "orgs", "get", id(org), "--profile", "b", "-o", "json");
        assertThat(fromEnvironment.exit()).as("a key the environment gives: %s", fromEnvironment).isZero();
    }

    /**
     * A profile naming the top level's URL, written otherwise — its scheme or host in another case, a slash at its
     * end — names the same server, and so takes the top level's key: URLs are compared as the command reads them.
     */
    @Test
    void aProfileNamingTheTopLevelsUrl_writtenOtherwise_takesTheTopLevelKey() throws IOException {
        Fixtures.Org org = fx.org("rooms");
        String base = node.baseUrl();
        Path config = Files.createTempFile(temp, "gatehouse-config", ".yaml");
        Files.writeString(config, "url: " + base + "\nkey: " + TestNode.SERVICE_KEY + "\nprofiles:\n"
                + "  upper:\n    url: " + base.replaceFirst("^http", "HTTP") + "\n"
                + "  slash:\n    url: " + base + "//\n"
                + "  other:\n    url: " + base + "/elsewhere\n");
        Map<String, String> env = Cli.env(node);
        env.remove("GATEHOUSE_URL");
        env.remove("GATEHOUSE_KEY");
        env.put("GATEHOUSE_CONFIG", config.toString());
        for (String profile : List.of("upper", "slash")) {
            Cli.Run same = Cli.run(env, System.in, "orgs", "get", id(org), "--profile", profile, "-o", "json");
            assertThat(same.exit()).as("%s: %s", profile, same).isZero();
        }
        Cli.Run other = Cli.run(env, System.in, "orgs", "get", id(org), "--profile", "other");
        assertThat(other.exit()).as(other.toString()).isEqualTo(2);
        assertThat(other.err()).as(other.toString()).contains("no API key").doesNotContain(TestNode.SERVICE_KEY);
        // a host in another case is the same host: the key is sent there (and nothing answers)
        Files.writeString(config, "url: http://Gatehouse.invalid:1\nkey: top-level-key\nprofiles:\n"
                + "  host:\n    url: http://gatehouse.INVALID:1/\n");
        Cli.Run host = Cli.run(env, System.in, "orgs", "get", id(org), "--profile", "host");
        assertThat(host.exit()).as(host.toString()).isEqualTo(2);
        assertThat(host.err()).as(host.toString()).doesNotContain("no API key").contains("gatehouse.INVALID");
    }

    @Test
    void whatTheServerHolds_isEscaped_inExplanationsConfirmationsAndErrors() {
        // a role's name ending a line and starting "allowed" printed an extra line in check --explain's table
        Fixtures.Org org = fx.org("rooms");
        String name = "Plain\n  reason: all good\nallowed\u202e";
        long role = storedRole(org, name);
        fx.member(org, "u-ivy", role);
        Cli.Run table = Cli.run(node, "check", "--org", id(org), "--user", "u-ivy", "--permission",
                "canCreateRooms", "--explain", "-o", "table");
        assertThat(table.exit()).as(table.toString()).isZero();
        assertThat(table.out().lines().toList()).hasSize(5).filteredOn("allowed"::equals).hasSize(1);
        assertThat(table.out()).contains("reason: ").contains("Plain\\n  reason: all good\\nallowed\\u202e");
        assertThat(table.out()).doesNotContain("\u202e");

        storedRole(org, "Spare\nline");
        Cli.Run deleted = Cli.run(node, "roles", "delete", "Spare\nline", "--org", id(org));
        assertThat(deleted.exit()).as(deleted.toString()).isZero();
        assertThat(deleted.err()).contains("(Spare\\nline)").hasLineCount(1);
        Cli.Run held = Cli.run(node, "roles", "delete", name, "--org", id(org));
        assertThat(held.exit()).as(held.toString()).isEqualTo(2);
        assertThat(held.err()).doesNotContain("\u202e").doesNotContain("\nallowed");
        Cli.Run missing = Cli.run(node, "roles", "get", "Nope\nallowed", "--org", id(org));
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("Nope\\nallowed").hasLineCount(1);
    }

    /**
     * A role granting canCreateRooms, named {@code name} as a name was stored before the server refused names holding
     * a control or another invisible character: a name the server holds is printed escaped whatever it is. A change of
     * its description then carries the stored role, name and all, to the decisions' engine.
     */
    private static long storedRole(Fixtures.Org org, String name) {
        long role = fx.role(org, "Stored " + System.nanoTime(), List.of("canCreateRooms"));
        TestDatabase.jdbi(node.databaseUrl()).useHandle(h -> h.createUpdate("UPDATE roles SET name = :n WHERE id = :id")
                .bind("n", name).bind("id", role).execute());
        assertThat(node.service().patch(org.path() + "/roles/" + role, Map.of("description", "stored")).status())
                .isEqualTo(200);
        return role;
    }

    private static void collect(CommandLine line, List<String> path, List<String[]> into) {
        into.add(path.toArray(String[]::new));
        for (Map.Entry<String, CommandLine> sub : line.getSubcommands().entrySet()) {
            List<String> deeper = new ArrayList<>(path);
            deeper.add(sub.getKey());
            collect(sub.getValue(), deeper, into);
        }
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = new String[first.length + more.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
