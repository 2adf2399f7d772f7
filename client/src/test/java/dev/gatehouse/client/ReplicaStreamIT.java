package dev.gatehouse.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A change the replica cannot use — not JSON, a field of the wrong type or missing, an operation the engine cannot
 * apply, a revision at or below the one it holds — is met as a gap is: the replica loads a fresh snapshot and follows
 * from there ({@link GatehouseReplica#resyncs()}), rather than reopening the stream, which would send the same change
 * again, forever. So is an event longer than the replica reads ({@link ReplicaLines}); a snapshot line that long
 * fails the build. The server is a {@link MisbehavingServer}: its first snapshot is at revision 7, every later one at
 * 9, and its stream after 7 sends one change (or event), the one under test.
 */
class ReplicaStreamIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int MAX_LINE = 64 * 1024;
    private static final String HEAD = "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nConnection: close\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n";

    /** The server; {@code change} is written on the stream after revision 7, as it comes, then nothing more. */
    private static MisbehavingServer server(String change) {
        return server("", change, null);
    }

    /**
     * The server, its first snapshot (at 7) holding {@code held} (snapshot lines), every later one empty at 9 —
     * unless {@code resyncing} is given: then a later snapshot never comes, and the latch is counted down when it is
     * asked for.
     */
    private static MisbehavingServer server(String held, String change, CountDownLatch resyncing) {
        AtomicInteger snapshots = new AtomicInteger();
        return new MisbehavingServer(connection -> {
            String request = connection.request();
            if (request.startsWith("GET /v1/snapshot")) {
                boolean first = snapshots.getAndIncrement() == 0;
                if (!first && resyncing != null) {
                    resyncing.countDown();
                    connection.stall();
                    return;
                }
                long revision = first ? 7 : 9;
                String lines = first ? held : "";
                connection.write(HEAD.formatted("application/x-ndjson"));
                connection.chunk("{\"type\": \"snapshot\", \"revision\": " + revision + "}\n" + lines
                        + "{\"type\": \"end\", \"revision\": " + revision + ", \"ops\": "
                        + lines.lines().filter(line -> line.contains("\"op\"")).count() + "}\n");
                connection.write("0\r\n\r\n");
                return;
            }
            long after = Long.parseLong(request.replaceAll(".*[?&]after=(\\d+).*", "$1"));
            connection.write(HEAD.formatted("text/event-stream; charset=utf-8"));
            connection.chunk("event: heartbeat\ndata: {\"revision\": " + after + ", \"applied\": 9}\n\n");
            if (after == 7) {
                connection.chunk(change);
            }
            connection.stall();
        });
    }

    private static GatehouseReplica replicaOf(MisbehavingServer server) {
        return GatehouseReplica.builder().url(server.url()).key("a-replica-key").heartbeat(Duration.ofMillis(200))
                .staleAfter(Duration.ofSeconds(5)).maxBackoff(Duration.ofMillis(300)).build();
    }

    /** A replica reading lines of at most {@link #MAX_LINE} characters. */
    private static GatehouseReplica boundedReplicaOf(MisbehavingServer server) {
        return ReplicaFollower.start(new ReplicaSettings(URI.create(server.url()), "a-replica-key", null,
                Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(300),
                Duration.ofMinutes(1), MAX_LINE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unusableChanges")
    void anUnusableChange_makesTheReplicaReloadASnapshot(String name, String data) throws InterruptedException {
        try (MisbehavingServer server = server("event: change\ndata: " + data + "\n\n");
             GatehouseReplica replica = replicaOf(server)) {
            assertThat(replica.awaitRevision(9, WAIT)).as("the fresh snapshot's revision, after %s", name).isTrue();
            assertThat(replica.revision()).isEqualTo(9);
            assertThat(replica.resyncs()).isEqualTo(1);
            assertThat(replica.stoppedBy()).isEmpty();
        }
    }

    /**
     * A change the engine refuses part-way through — a member's removal, then a member of an organization the replica
     * does not hold — changes nothing: while the fresh snapshot is awaited (here it never comes), readers keep the
     * state of the revision held, not the removal without the rest.
     */
    @Test
    void aChangeRefusedPartWay_changesNothing_whileTheSnapshotIsAwaited() throws InterruptedException {
        String held = """
                {"type": "catalog", "catalog": {"id": "c", "permissions": [{"key": "p", "resource_types": [], \
                "organization_wide": true}], "resource_types": []}}
                {"type": "op", "op": {"type": "put_organization", "org_id": 1, "catalog_id": "c"}}
                {"type": "op", "op": {"type": "put_role", "org_id": 1, "role_id": 3, "name": "R", "permissions": \
                ["p"], "external": false, "visibility": null, "key": null}}
                {"type": "op", "op": {"type": "put_member", "org_id": 1, "member_id": 2, "user_id": "u", \
                "role_id": 3, "external": false, "active": true}}
                """;
        String change = "event: change\ndata: {\"revision\": 8, \"ops\": [{\"type\": \"remove_member\", "
                + "\"org_id\": 1, \"member_id\": 2}, {\"type\": \"put_member\", \"org_id\": 999, \"member_id\": 4, "
                + "\"user_id\": \"v\", \"role_id\": 3, \"external\": false, \"active\": true}]}\n\n";
        CountDownLatch resyncing = new CountDownLatch(1);
        try (MisbehavingServer server = server(held, change, resyncing);
             GatehouseReplica replica = replicaOf(server)) {
            assertThat(resyncing.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the change refused").isTrue();
            assertThat(replica.revision()).isEqualTo(7);
            assertThat(replica.decisions(1).lookupMembers("p").map(Members.Member::id).toList())
                    .as("the member the refused change removed").containsExactly(2L);
        }
    }

    static Stream<Arguments> unusableChanges() {
        String member = "{\"type\": \"put_member\", \"org_id\": 1, \"member_id\": 2, \"user_id\": \"u\", "
                + "\"role_id\": 0, \"external\": false, \"active\": true}";
        return Stream.of(
                Arguments.of("not JSON", "{\"revision\": 8, \"ops\": ["),
                Arguments.of("no data", ""),
                Arguments.of("JSON that is not an object", "[8]"),
                Arguments.of("a revision that is text", "{\"revision\": \"eight\", \"ops\": []}"),
                Arguments.of("a revision that is an object", "{\"revision\": {\"n\": 8}, \"ops\": []}"),
                Arguments.of("a revision with a fraction", "{\"revision\": 8.5, \"ops\": []}"),
                Arguments.of("no revision", "{\"ops\": [" + member + "]}"),
                Arguments.of("a revision of null", "{\"revision\": null, \"ops\": []}"),
                Arguments.of("a revision going backwards", "{\"revision\": 5, \"ops\": []}"),
                Arguments.of("the revision held, again", "{\"revision\": 7, \"ops\": []}"),
                Arguments.of("no ops", "{\"revision\": 8}"),
                Arguments.of("ops that are text", "{\"revision\": 8, \"ops\": \"none\"}"),
                Arguments.of("catalogs that are text", "{\"revision\": 8, \"catalogs\": \"close\", \"ops\": []}"),
                Arguments.of("an operation of no known type", "{\"revision\": 8, \"ops\": [{\"type\": \"explode\"}]}"),
                Arguments.of("a member of an organization the replica does not hold",
                        "{\"revision\": 8, \"ops\": [" + member + "]}"));
    }

    /**
     * An event longer than the bound — one line that does not end, or data lines that add up past it — is not read
     * to its end (a server could send one of any length) and is met as an unusable change is.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("overlongEvents")
    void anEventLongerThanTheBound_makesTheReplicaReloadASnapshot(String name, String event)
            throws InterruptedException {
        try (MisbehavingServer server = server(event); GatehouseReplica replica = boundedReplicaOf(server)) {
            assertThat(replica.awaitRevision(9, WAIT)).as("the fresh snapshot's revision, after %s", name).isTrue();
            assertThat(replica.resyncs()).isEqualTo(1);
        }
    }

    static Stream<Arguments> overlongEvents() {
        String beyond = "x".repeat(4 * MAX_LINE);
        return Stream.of(
                Arguments.of("a line that does not end", "event: change\ndata: {\"revision\": 8, \"ops\": [\""
                        + beyond),
                Arguments.of("data lines adding up past it", "event: change\n"
                        + ("data: " + "x".repeat(MAX_LINE / 8) + "\n").repeat(32)),
                Arguments.of("a change within the bound, then one beyond it", "event: change\ndata: {\"revision\": 8, "
                        + "\"ops\": []}\n\nevent: change\ndata: {\"revision\": 9, \"ops\": [\"" + beyond + "\"]}\n\n"));
    }

    @Test
    void build_withASnapshotLineLongerThanTheBound_isAnUnexpectedResponse_namingTheLine() {
        String beyond = "x".repeat(4 * MAX_LINE);
        try (MisbehavingServer server = new MisbehavingServer(connection -> {
                connection.write(HEAD.formatted("application/x-ndjson"));
                connection.chunk("{\"type\": \"snapshot\", \"revision\": 7}\n{\"type\": \"op\", \"op\": \"" + beyond);
                connection.stall();
            })) {
            UnexpectedResponseException e = catchThrowableOfType(UnexpectedResponseException.class,
                    () -> boundedReplicaOf(server));
            assertThat(e).isNotNull();
            assertThat(e.code()).isEqualTo("malformed_answer");
            assertThat(e.detail()).contains("GET /v1/snapshot, line 2", String.valueOf(MAX_LINE));
        }
    }
}
