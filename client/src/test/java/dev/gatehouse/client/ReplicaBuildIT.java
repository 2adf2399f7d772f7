package dev.gatehouse.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A replica or a client that cannot reach its server says so as the client's other failures do: a
 * {@link TransportException} with the documented code and the JDK's exception as its cause; a malformed URL is refused
 * by a message naming it. A snapshot stalling mid-body fails the build after the snapshot timeout, and a garbled one
 * is an {@link UnexpectedResponseException}, from a {@link MisbehavingServer}.
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

    @Test
    void snapshotTimeout_mustBePositive() {
        assertThatThrownBy(() -> GatehouseReplica.builder().snapshotTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("snapshotTimeout");
    }
}
