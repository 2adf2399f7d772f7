package dev.gatehouse.client;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * An in-process replica of a Gatehouse deployment's decision state (docs/client.md, "The replica"): it loads a
 * consistent snapshot ({@code GET /v1/snapshot}), follows the change stream ({@code GET /v1/changes}, Server-Sent
 * Events) on a background thread, and answers checks, batches, lookups, effective permissions and visibility in the
 * caller's process with the server's own engine and the same decision rules — in well under a microsecond, without
 * a network round trip:
 *
 * <pre>{@code
 * try (GatehouseReplica replica = GatehouseReplica.builder().url("http://localhost:8080").key(replicaKey).build()) {
 *     Decisions acme = replica.decisions(7);
 *     boolean allowed = acme.check(Check.of(MemberRef.user("u-42"), "doc.read").on("doc", "d1")).allowed();
 * }
 * }</pre>
 *
 * <p><b>Consistency.</b> Every answer reflects the whole state at one revision ({@link #revision()}), the state the
 * server had after that revision; the replica trails the server by the time a change takes to travel (milliseconds on
 * a healthy network). To read your own writes, wait for the write's revision: {@link #awaitRevision}.
 *
 * <p><b>Failures.</b> A lost connection is resumed from the replica's revision, with backoff, while the replica keeps
 * answering from the state it has; {@link #staleness()} says how long ago it last heard from the server (changes or
 * heartbeats) and {@link #isStale()} whether that exceeds the configured bound — decide there whether to keep
 * answering or to fall back to the server. When the server can no longer serve the replica's position (history
 * pruned), its URL now leads to another deployment than the snapshot held came from (re-created by export and
 * import, another cluster: the server names its change log's history in {@code Gatehouse-Deployment}), or the replica
 * cannot read or apply a change it was sent (reopening the stream would send it again), it reloads a fresh snapshot
 * and swaps it in at once ({@link #resyncs()}), never applying another history's revisions to what it holds. A key
 * the server refuses (revoked while the replica follows) stops it for good ({@link #stoppedBy()}). {@link Builder#build()} returns once the first snapshot is loaded, or throws.
 *
 * <p>Unlike the server, a replica does not ask who may ask about whom: whoever holds its key (a service key or a
 * replica key) may read everything in its scope.
 *
 * <p>Thread-safe: any number of threads may ask at once while the background thread applies changes; each answer
 * sees some whole revision. {@link #close()} stops the background threads.
 */
public interface GatehouseReplica extends AutoCloseable {

    /** A builder for a replica; {@link Builder#url} and {@link Builder#key} are required. */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Decisions in organization {@code orgId}, answered by this replica: the same questions and answers as
     * {@link OrgClient#decisions()}, except {@link Decisions#preview}, which only the server can rehearse
     * ({@link UnsupportedOperationException}). An organization the replica does not hold is a 404, as on the server.
     */
    Decisions decisions(long orgId);

    /** The revision of the state this replica answers from (the snapshot's, then each change's). */
    long revision();

    /**
     * Waits until this replica has applied {@code revision} (a write's {@code Gatehouse-Revision}, a client's
     * {@link GatehouseClient#revision()}); true once it has, false when {@code timeout} ran out first. Any
     * timeout may be given: one too long to count (say {@code Duration.ofMillis(Long.MAX_VALUE)}) waits as long as
     * it can be counted, some 292 years; zero or a negative one only says whether the revision is held.
     */
    boolean awaitRevision(long revision, Duration timeout) throws InterruptedException;

    /** How long since this replica last heard from the server (a change, a heartbeat or a snapshot). */
    Duration staleness();

    /**
     * Whether {@link #staleness()} exceeds the bound set with {@link Builder#staleAfter}, or the following stopped for
     * good ({@link #stoppedBy()}).
     */
    boolean isStale();

    /**
     * Why this replica stopped following the server for good, if it did: the server refused its key — revoked
     * ({@link UnauthenticatedException} {@code key_revoked}, announced on the open stream and to any later request),
     * unknown, or not one that may read the stream ({@link ForbiddenException}). It no longer reconnects; it answers
     * from the last state it held, and {@link #isStale()} is true, so an application falling back to the server meets
     * the same refusal.
     */
    Optional<GatehouseException> stoppedBy();

    /** How many times this replica reloaded a whole snapshot after its first (a resync). */
    long resyncs();

    /** How many times the change stream was opened again after it broke. */
    long reconnects();

    /** Stops following; answers keep coming from the last state held. Idempotent. */
    @Override
    void close();

    /**
     * Configures a {@link GatehouseReplica}; not thread-safe. Defaults: every organization the key may read,
     * heartbeats every 5 s, stale after 15 s without news, connect timeout 5 s, reconnect backoff 100 ms doubling to
     * 5 s, a snapshot read whole within 5 min.
     */
    final class Builder {

        private URI url;
        private String key;
        private Long orgId;
        private Duration heartbeat = Duration.ofSeconds(5);
        private Duration staleAfter = Duration.ofSeconds(15);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration maxBackoff = Duration.ofSeconds(5);
        private Duration snapshotTimeout = Duration.ofMinutes(5);

        private Builder() {
        }

        /** The deployment's base URL, e.g. {@code http://localhost:8080} (http or https). */
        public Builder url(String baseUrl) {
            this.url = GatehouseClient.Builder.baseUrl(baseUrl);
            return this;
        }

        /** A replica key ({@code POST /v1/replica-keys}) or the service key. */
        public Builder key(String apiKey) {
            this.key = GatehouseClient.Builder.apiKey(apiKey);
            return this;
        }

        /** Replicates organization {@code id} alone (a replica key of one organization implies it). */
        public Builder org(long id) {
            if (id <= 0) {
                throw new IllegalArgumentException("org must be a positive id, got " + id);
            }
            this.orgId = id;
            return this;
        }

        /** How often the server sends a heartbeat when nothing changes (100 ms to 25 s). */
        public Builder heartbeat(Duration interval) {
            GatehouseClient.Builder.positive(interval, "heartbeat");
            if (interval.toMillis() < 100 || interval.toMillis() > 25_000) {
                throw new IllegalArgumentException("heartbeat must be from 100 ms to 25 s, got " + interval);
            }
            this.heartbeat = interval;
            return this;
        }

        /**
         * After how long without news the replica calls itself stale ({@link #isStale()}); it also reconnects when
         * its stream has brought no bytes at all for that long, as the connection is likely dead (a change still
         * arriving is not cut off). Must exceed the heartbeat.
         */
        public Builder staleAfter(Duration bound) {
            this.staleAfter = GatehouseClient.Builder.positive(bound, "staleAfter");
            return this;
        }

        /** How long to wait for a connection. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = GatehouseClient.Builder.positive(timeout, "connectTimeout");
            return this;
        }

        /** The longest wait between two attempts to reconnect. */
        public Builder maxBackoff(Duration backoff) {
            this.maxBackoff = GatehouseClient.Builder.positive(backoff, "maxBackoff");
            return this;
        }

        /**
         * How long a snapshot may take to arrive whole, headers and body (the first, which {@link #build()} waits for,
         * and each resync's): past it the load fails and its connection is closed, so a server stalling in the middle
         * of a snapshot cannot hold the build, or the follower, forever.
         */
        public Builder snapshotTimeout(Duration timeout) {
            this.snapshotTimeout = GatehouseClient.Builder.positive(timeout, "snapshotTimeout");
            return this;
        }

        /**
         * Loads the first snapshot, starts following, and returns the replica; a {@link GatehouseException} if the
         * load fails ({@link TransportException} {@code timeout} when it was not whole within the snapshot timeout).
         */
        public GatehouseReplica build() {
            if (url == null || key == null) {
                throw new IllegalStateException("a GatehouseReplica needs url(…) and key(…)");
            }
            if (staleAfter.compareTo(heartbeat) <= 0) {
                throw new IllegalStateException("staleAfter (" + staleAfter + ") must exceed the heartbeat ("
                        + heartbeat + ")");
            }
            return ReplicaFollower.start(new ReplicaSettings(url, key, orgId, heartbeat, staleAfter, connectTimeout,
                    maxBackoff, snapshotTimeout, ReplicaSettings.MAX_LINE_CHARS));
        }
    }
}
