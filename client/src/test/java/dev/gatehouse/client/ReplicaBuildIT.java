package dev.gatehouse.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A replica or a client that cannot reach its server says so as the client's other failures do: a
 * {@link TransportException} with the documented code and the JDK's exception as its cause; a malformed URL is refused
 * by a message naming it. A snapshot stalling mid-body fails the build after the snapshot timeout, and a garbled one,
 * or one with a line that cannot be used, is an {@link UnexpectedResponseException}, from a {@link MisbehavingServer}.
 */
class ReplicaBuildIT {

    private static final String SNAPSHOT_HEAD = "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n";

    @Test
    void build_withNothingListening_isAConnectFailure_withItsCause() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port;
        TransportException e = catchThrowableOfType(TransportException.class,
                () -> GatehouseReplica.builder().url(url).key("a-replica-key").build());
        assertThat(e.code()).isEqualTo("connect_failed");
        assertThat(e.status()).isZero();
        assertThat(e.detail()).contains("/v1/snapshot").contains(url);
        assertThat(e.getCause()).isInstanceOf(ConnectException.class);
    }

    @Test
    void malformedUrl_isRefusedNamingIt() {
        assertThatThrownBy(() -> GatehouseClient.builder().url("http://"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("url must be")
                .hasMessageContaining("\"http://\"");
        assertThatThrownBy(() -> GatehouseReplica.builder().url("http://exa mple.com"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("url must be");
    }

    @Test
    void build_withASnapshotStallingMidBody_timesOutAfterTheSnapshotTimeout() {
        try (MisbehavingServer server = new MisbehavingServer(connection -> {
                connection.write(SNAPSHOT_HEAD);
                connection.chunk("{\"type\": \"snapshot\", \"revision\": 7}\n{\"type\": \"op\", ");
                connection.stall();
            })) {
            TransportException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> catchThrowableOfType(
                    TransportException.class, () -> GatehouseReplica.builder().url(server.url()).key("a-replica-key")
                            .snapshotTimeout(Duration.ofMillis(500)).build()));
            assertThat(e).as("a stalled snapshot's exception").isNotNull();
            assertThat(e.code()).isEqualTo("timeout");
            assertThat(e.detail()).contains("/v1/snapshot", "PT0.5S");
        }
    }

    @Test
    void build_withAGarbledSnapshotLine_isAnUnexpectedResponse() {
        try (MisbehavingServer server = new MisbehavingServer(connection -> {
                connection.write(SNAPSHOT_HEAD);
                connection.chunk("{\"type\": \"snapshot\", \"revision\": 7}\n{\"type\": \"op\", }\n");
                connection.stall();
            })) {
            UnexpectedResponseException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> catchThrowableOfType(UnexpectedResponseException.class,
                            () -> GatehouseReplica.builder().url(server.url()).key("a-replica-key").build()));
            assertThat(e).as("a garbled snapshot's exception").isNotNull();
            assertThat(e.code()).isEqualTo("malformed_answer");
            assertThat(e.detail()).contains("/v1/snapshot");
        }
    }

    /**
     * Snapshot lines that are JSON but cannot be used — a field of the wrong type, an operation or catalog not of the
     * engine's form, an operation the engine cannot apply — fail the build as a garbled line does: an
     * {@link UnexpectedResponseException} {@code malformed_answer} naming the snapshot's line, its cause the
     * reader's or the engine's exception, never that exception itself.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("unusableLines")
    void build_withAnUnusableSnapshotLine_isAnUnexpectedResponse_namingTheLine(String name, String line,
                                                                              String named) {
        try (MisbehavingServer server = new MisbehavingServer(connection -> {
                connection.write(SNAPSHOT_HEAD);
                connection.chunk("{\"type\": \"snapshot\", \"revision\": 7}\n" + line + "\n");
                connection.stall();
            })) {
            Throwable thrown = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> catchThrowable(
                    () -> GatehouseReplica.builder().url(server.url()).key("a-replica-key").build()));
            assertThat(thrown).as("%s", thrown).isInstanceOf(UnexpectedResponseException.class);
            UnexpectedResponseException e = (UnexpectedResponseException) thrown;
            assertThat(e.status()).isEqualTo(200);
            assertThat(e.code()).isEqualTo("malformed_answer");
            assertThat(e.detail()).contains("GET /v1/snapshot, line 2", named);
            assertThat(e.getCause()).isNotNull();
        }
    }

    static Stream<Arguments> unusableLines() {
        return Stream.of(
                Arguments.of("a revision that is text", "{\"type\": \"snapshot\", \"revision\": \"seven\"}",
                        "seven"),
                Arguments.of("an operation's id that is text", "{\"type\": \"op\", \"op\": {\"type\": "
                        + "\"put_organization\", \"org_id\": \"one\", \"catalog_id\": \"close\"}}", "org_id"),
                Arguments.of("an operation that is not an object", "{\"type\": \"op\", \"op\": [1]}", "operation"),
                Arguments.of("an operation of no known type", "{\"type\": \"op\", \"op\": {\"type\": \"explode\"}}",
                        "explode"),
                Arguments.of("a catalog that is text", "{\"type\": \"catalog\", \"catalog\": \"close\"}", "catalog"),
                Arguments.of("a catalog without permissions", "{\"type\": \"catalog\", \"catalog\": {\"id\": "
                        + "\"c\"}}", "permissions"),
                Arguments.of("a member of an organization the snapshot never put", "{\"type\": \"op\", \"op\": "
                        + "{\"type\": \"put_member\", \"org_id\": 1, \"member_id\": 2, \"user_id\": \"u\", "
                        + "\"role_id\": 0, \"external\": false, \"active\": true}}", "cannot be applied"),
                Arguments.of("an end whose count is text", "{\"type\": \"end\", \"revision\": 7, \"ops\": "
                        + "\"none\"}", "none"));
    }

    @Test
    void snapshotTimeout_mustBePositive() {
        assertThatThrownBy(() -> GatehouseReplica.builder().snapshotTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("snapshotTimeout");
    }
}
