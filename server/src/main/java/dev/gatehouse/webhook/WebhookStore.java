package dev.gatehouse.webhook;

import dev.gatehouse.json.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

import static dev.gatehouse.store.SqlTime.instant;
import static dev.gatehouse.store.SqlTime.utc;

/**
 * SQL for subscriptions ({@code webhooks}), their delivery cursors ({@code webhook_cursors}) and the
 * delivery log ({@code webhook_deliveries}). Two clocks, each where it belongs: leases — which node may deliver a
 * subscription — run on database time ({@code now()}), so that no difference between the nodes' clocks can let two
 * nodes hold one lease; due times, how long a subscription has been failing and the delivery log's age run on the
 * node's clock ({@code :now}, passed in), which tests advance (a skew between nodes only moves a retry a little
 * earlier or later). Stateless.
 *
 * <p>Locks: work that writes both a subscription's cursor and its delivery log locks the cursor first and then,
 * through the log's foreign key, the subscription's key ({@code FOR KEY SHARE}): recording an attempt
 * ({@link #delivered}, {@link #fail}), skipping pruned events. A change to a subscription locks its row
 * {@code FOR NO KEY UPDATE}, which a key share does not wait for, and a deletion (which needs the row whole) locks
 * the cursor before it. Taken in other orders, an attempt recorded while its subscription was edited or deleted
 * deadlocked with that write, one of the two failing.
 */
final class WebhookStore {

    /** Serializes claims of all nodes, so that per-organization lease counts are exact. */
    private static final long CLAIM_LOCK = 0x676174656BL;
    private static final String COLUMNS = "id, org_id, url, description, object_types, actions, status, paused_reason, "
            + "paused_at, version, created_at, updated_at, format, options, created_by, updated_by";
    /** A subscription's columns read as {@code w}, with its secret: a {@link Target} without its cursor's. */
    private static final String TARGET_COLUMNS = Arrays.stream(COLUMNS.split(", ")).map(c -> "w." + c)
            .collect(Collectors.joining(", ")) + ", w.secret";
    /** A {@link Target} from {@link #TARGET_COLUMNS} and its cursor's {@code revision, attempts, lease_token}. */
    private static final RowMapper<Target> TARGET = (rs, ctx) -> new Target(map(rs), rs.getString("secret"),
            rs.getLong("revision"), rs.getInt("attempts"), rs.getLong("lease_token"));
    /** Forgets a cursor's run of failures (the event they were about was delivered or skipped, or a reset). */
    private static final String FORGET_FAILURES = "attempts = 0, failing_since = NULL, next_attempt_at = NULL, "
            + "last_error = NULL";

    /** A subscription as the delivering node needs it, with its secret and cursor. */
    record Target(Webhook webhook, String secret, long revision, int attempts, long leaseToken) {
    }

    /** A subscription claimed for delivery by this node. */
    record Claim(long webhookId, long orgId, long leaseToken) {
    }

    /**
     * What active subscriptions have yet to deliver: how many are behind their organization's newest change, and
     * when the oldest change one of them has not passed yet was made (null when none is behind).
     */
    record Backlog(long subscriptions, Instant oldest) {
        static final Backlog NONE = new Backlog(0, null);
    }

    /** What a failed attempt led to. */
    record Failure(int attempts, boolean exhausted, Duration failingFor) {
    }

    // ---------------------------------------------------------------- subscriptions

    /** A new subscription of {@code in.format()}, made by member {@code by} (null: a service key). */
    Webhook insert(Handle h, long orgId, WebhookInput in, String secret, Long by, Instant now) {
        Webhook w = h.createQuery("INSERT INTO webhooks (org_id, url, description, object_types, actions, status, "
                        + "secret, version, created_at, updated_at, format, options, created_by, updated_by) VALUES (:org, "
                        + ":url, :description, :types, :actions, :status, :secret, 1, :now, :now, :format, "
                        + "CAST(:options AS jsonb), :by, :by) RETURNING " + COLUMNS)
                .bind("org", orgId).bind("url", in.url()).bind("description", in.description() == null ? ""
                        : in.description())
                .bind("types", array(in.objectTypes())).bind("actions", array(in.actions()))
                .bind("status", in.status() == null ? Webhook.ACTIVE : in.status()).bind("secret", secret)
                .bind("format", in.format()).bind("options", in.options() == null ? null : Json.writeString(in.options()))
                .bind("by", by)
                .bind("now", utc(now)).map((rs, ctx) -> map(rs)).one();
        // Deliveries start after everything this organization has committed so far (its writes are
        // serialized by the organization lock this transaction holds), so the first one is this creation — provided
        // no earlier write of the organization shares this transaction (WebhookService.create writes alone).
        h.createUpdate("INSERT INTO webhook_cursors (webhook_id, org_id, revision) VALUES (:id, :org, "
                        + "(SELECT coalesce(max(revision), 0) FROM change_log WHERE org_id = :org))")
                .bind("id", w.id()).bind("org", orgId).execute();
        return w;
    }

    /** Writes {@code w}'s changeable values, its creator (a resume or a new URL hands it on) included. */
    Webhook update(Handle h, Webhook w, Instant now) {
        return h.createQuery("UPDATE webhooks SET url = :url, description = :description, object_types = :types, "
                        + "actions = :actions, status = :status, paused_reason = :reason, paused_at = :pausedAt, "
                        + "options = CAST(:options AS jsonb), created_by = :createdBy, updated_by = :by, "
                        + "version = version + 1, updated_at = :now WHERE id = :id RETURNING " + COLUMNS)
                .bind("id", w.id()).bind("url", w.url()).bind("description", w.description())
                .bind("options", w.options() == null ? null : Json.writeString(w.options()))
                .bind("createdBy", w.createdBy()).bind("by", w.updatedBy())
                .bind("types", array(w.objectTypes())).bind("actions", array(w.actions())).bind("status", w.status())
                .bind("reason", w.pausedReason()).bind("pausedAt", utc(w.pausedAt())).bind("now", utc(now))
                .map((rs, ctx) -> map(rs)).one();
    }

    String secret(Handle h, long id) {
        return h.createQuery("SELECT secret FROM webhooks WHERE id = :id").bind("id", id).mapTo(String.class).one();
    }

    void setSecret(Handle h, long id, String secret) {
        h.createUpdate("UPDATE webhooks SET secret = :secret WHERE id = :id").bind("id", id).bind("secret", secret)
                .execute();
    }

    Optional<Webhook> find(Handle h, long orgId, long id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM webhooks WHERE org_id = :org AND id = :id")
                .bind("org", orgId).bind("id", id).map((rs, ctx) -> map(rs)).findOne();
    }

    /** Locks the subscription row for an update of anything but its key (see the class comment on locks). */
    Optional<Webhook> findForUpdate(Handle h, long orgId, long id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM webhooks WHERE org_id = :org AND id = :id "
                        + "FOR NO KEY UPDATE")
                .bind("org", orgId).bind("id", id).map((rs, ctx) -> map(rs)).findOne();
    }

    /** Subscriptions after id {@code after}: of {@code format} only, unless it is null. */
    List<Webhook> list(Handle h, long orgId, long after, int limit, String format) {
        return h.createQuery("SELECT " + COLUMNS + " FROM webhooks WHERE org_id = :org AND id > :after"
                        + (format == null ? "" : " AND format = :format") + " ORDER BY id LIMIT :limit")
                .bind("org", orgId).bind("after", after).bind("limit", limit).bind("format", format)
                .map((rs, ctx) -> map(rs)).list();
    }

    long count(Handle h, long orgId) {
        return h.createQuery("SELECT count(*) FROM webhooks WHERE org_id = :org").bind("org", orgId)
                .mapTo(Long.class).one();
    }

    /** Deletes a subscription, its cursor locked first (see the class comment on locks). */
    void delete(Handle h, long id) {
        h.createQuery("SELECT webhook_id FROM webhook_cursors WHERE webhook_id = :id FOR UPDATE").bind("id", id)
                .mapTo(Long.class).findOne();
        h.createUpdate("DELETE FROM webhooks WHERE id = :id").bind("id", id).execute();
    }

    // ---------------------------------------------------------------- cursors

    Optional<DeliveryState> state(Handle h, long id) {
        return h.createQuery("SELECT revision, attempts, failing_since, next_attempt_at, last_error, "
                        + "CASE WHEN lease_until > now() THEN lease_owner END AS delivering FROM webhook_cursors "
                        + "WHERE webhook_id = :id")
                .bind("id", id)
                .map((rs, ctx) -> new DeliveryState(rs.getLong("revision"), rs.getInt("attempts"),
                        instant(rs, "failing_since"), instant(rs, "next_attempt_at"), rs.getString("last_error"),
                        rs.getString("delivering")))
                .findOne();
    }

    /**
     * Forgets a run of failures: the next event is due now, at attempt 1 (resumed, sent somewhere new, or the event
     * that failed no longer selected by the filters). It also
     * moves the lease token on, so that a request in flight — made to the old URL, or before the subscription was
     * paused — cannot record its outcome over the reset: its worker's {@link #fail} (a failure and its backoff,
     * against the new URL) and {@link #advance} no longer match. The lease itself stays, so that the subscription is
     * still delivered one request at a time; that worker gives it back once its request ends
     * ({@link #releaseSuperseded}).
     */
    void resetFailures(Handle h, long id) {
        h.createUpdate("UPDATE webhook_cursors SET " + FORGET_FAILURES + ", lease_token = lease_token + 1 "
                + "WHERE webhook_id = :id").bind("id", id).execute();
    }

    /** The organizations that have a subscription, of any status. */
    Set<Long> subscribedOrganizations(Handle h) {
        return Set.copyOf(h.createQuery("SELECT DISTINCT org_id FROM webhooks").mapTo(Long.class).list());
    }

    /**
     * Claims up to {@code n} active subscriptions that have something to deliver and are due, for
     * {@code lease}, fairly across organizations:
     * <ul>
     *   <li>an organization never holds more than {@code perOrg} leases at once (leases held by every node
     *       count; claims of all nodes are serialized by an advisory lock, so the count is exact);</li>
     *   <li>candidates are ranked by the lease they would be for their organization — its leases held now plus
     *       their rank among its candidates — so a free slot goes to the organization with the fewest
     *       deliveries in progress, and ties go to the subscription served least recently.</li>
     * </ul>
     * Rows being written by a worker right now are skipped, rows leased by any node are not eligible, and neither
     * are the {@code busy} ones: those the claiming node's workers are not done with yet, although their lease may
     * be given back already (a worker gives it back a moment before it ends), so that a claim never returns a
     * subscription its node cannot deliver now. A released lease keeps its end time in {@code lease_until} (it is
     * in the past once released): that is when the subscription was last served.
     */
    List<Claim> claim(Handle h, String node, int n, int perOrg, Duration lease, Instant now, Collection<Long> busy) {
        h.createQuery("SELECT CAST(pg_advisory_xact_lock(:k) AS text)").bind("k", CLAIM_LOCK).mapTo(String.class).one();
        return h.createQuery("""
                WITH held AS (
                    SELECT org_id, count(*) AS leases FROM webhook_cursors WHERE lease_until > now() GROUP BY org_id),
                due AS (
                    SELECT c2.webhook_id, c2.lease_until AS served,
                           coalesce(held.leases, 0) + row_number() OVER (PARTITION BY c2.org_id
                                   ORDER BY c2.lease_until NULLS FIRST, c2.webhook_id) AS slot
                      FROM webhook_cursors c2
                      JOIN webhooks w ON w.id = c2.webhook_id
                      LEFT JOIN held ON held.org_id = c2.org_id
                     WHERE w.status = 'active'
                       AND c2.webhook_id <> ALL (:busy)
                       AND (c2.lease_until IS NULL OR c2.lease_until <= now())
                       AND (c2.next_attempt_at IS NULL OR c2.next_attempt_at <= CAST(:now AS timestamptz))
                       AND c2.revision < (SELECT coalesce(max(l.revision), 0) FROM change_log l
                                           WHERE l.org_id = c2.org_id))
                UPDATE webhook_cursors c
                   SET lease_owner = :node, lease_until = now() + make_interval(secs => :lease),
                       lease_token = c.lease_token + 1
                 WHERE c.webhook_id IN (
                       SELECT c3.webhook_id FROM webhook_cursors c3 JOIN due ON due.webhook_id = c3.webhook_id
                        WHERE due.slot <= :perOrg
                        ORDER BY due.slot, due.served NULLS FIRST, c3.webhook_id
                        LIMIT :n
                          FOR UPDATE OF c3 SKIP LOCKED)
                RETURNING c.webhook_id, c.org_id, c.lease_token""")
                .bind("node", node).bind("lease", seconds(lease)).bind("n", n).bind("perOrg", perOrg)
                .bind("now", utc(now)).bind("busy", busy.toArray(new Long[0]))
                .map((rs, ctx) -> new Claim(rs.getLong("webhook_id"), rs.getLong("org_id"), rs.getLong("lease_token")))
                .list();
    }

    /** The subscription with secret and cursor, while {@code token} still holds its lease; empty otherwise. */
    Optional<Target> target(Handle h, long id, long token) {
        return h.createQuery("SELECT " + TARGET_COLUMNS + ", c.revision, c.attempts, c.lease_token FROM webhooks w "
                        + "JOIN webhook_cursors c ON c.webhook_id = w.id "
                        + "WHERE w.id = :id AND c.lease_token = :token AND c.lease_until > now()")
                .bind("id", id).bind("token", token)
                .map(TARGET)
                .findOne();
    }

    /**
     * Records a delivered event in one statement: its attempt in the deliveries log, and — while lease {@code token}
     * holds — the cursor past it, with the run of failures forgotten and the lease renewed; then the subscription as
     * it stands for the next event ({@link #target}), or empty when the lease was lost (the attempt is logged all the
     * same). One statement, not a transaction of four: a node delivering a backlog records an event per round trip.
     */
    Optional<Target> delivered(Handle h, long id, long token, long revision, int attempt, Instant at, int durationMs,
                               Integer statusCode, String node, Duration lease) {
        return h.createQuery("""
                WITH logged AS (
                    INSERT INTO webhook_deliveries (webhook_id, revision, attempt, attempted_at, duration_ms,
                                                    status_code, outcome, error, node_id)
                    VALUES (:id, :revision, :attempt, :at, :duration, :status, :outcome, NULL, :node)),
                moved AS (
                    UPDATE webhook_cursors SET revision = greatest(revision, :revision),
                           lease_until = now() + make_interval(secs => :lease), %s
                     WHERE webhook_id = :id AND lease_token = :token
                     RETURNING webhook_id, revision, attempts, lease_token)
                SELECT %s, m.revision, m.attempts, m.lease_token
                  FROM webhooks w JOIN moved m ON m.webhook_id = w.id""".formatted(FORGET_FAILURES, TARGET_COLUMNS))
                .bind("id", id).bind("token", token).bind("revision", revision).bind("attempt", attempt)
                .bind("at", utc(at)).bind("duration", durationMs).bind("status", statusCode)
                .bind("outcome", Delivery.SUCCEEDED).bind("node", node).bind("lease", seconds(lease))
                .map(TARGET)
                .findOne();
    }

    /**
     * Moves the cursor past delivered or unmatched events and renews the lease, forgetting the run of failures when
     * {@code forgetFailures} (the event they were about was delivered or skipped); false when the lease was lost.
     */
    boolean advance(Handle h, long id, long token, long revision, boolean forgetFailures, Duration lease) {
        String reset = forgetFailures ? ", " + FORGET_FAILURES : "";
        return h.createUpdate("UPDATE webhook_cursors SET revision = greatest(revision, :revision), "
                        + "lease_until = now() + make_interval(secs => :lease)" + reset
                        + " WHERE webhook_id = :id AND lease_token = :token")
                .bind("id", id).bind("token", token).bind("revision", revision).bind("lease", seconds(lease))
                .execute() == 1;
    }

    /**
     * Records a failed attempt that began at {@code at} and failed at {@code now}, in the caller's transaction: while
     * lease {@code token} holds, on the cursor, giving up the lease; then in the deliveries log (the cursor first: see
     * the class comment on locks). Empty when the lease was lost (the attempt is logged all the same). The run of
     * failures is exhausted once it has lasted the retry {@code window} (this failure came at or after the window's
     * end). Otherwise the next attempt is due {@code backoff} later, but never after the window's end: the last
     * attempt is made at the end, so that a subscription is paused when its window has passed, not up to a backoff
     * (15 minutes by default) later, after one attempt more. An exhausted run is scheduled a backoff later all the
     * same, in case its pause fails (the next failure pauses it).
     */
    Optional<Failure> fail(Handle h, long id, long token, long revision, int attempt, Instant at, int durationMs,
                           Integer statusCode, String error, String node, Duration backoff, Duration window,
                           Instant now) {
        Optional<Failure> failure = h.createQuery("""
                WITH clock AS (SELECT CAST(:now AS timestamptz) AS now)
                UPDATE webhook_cursors
                   SET attempts = attempts + 1, failing_since = coalesce(failing_since, clock.now),
                       next_attempt_at = CASE
                           WHEN clock.now < coalesce(failing_since, clock.now) + make_interval(secs => :window)
                           THEN least(clock.now + make_interval(secs => :backoff),
                                      coalesce(failing_since, clock.now) + make_interval(secs => :window))
                           ELSE clock.now + make_interval(secs => :backoff) END,
                       last_error = :error, lease_owner = NULL, lease_until = now()
                  FROM clock
                 WHERE webhook_id = :id AND lease_token = :token
                RETURNING attempts, clock.now - failing_since >= make_interval(secs => :window) AS exhausted,
                          extract(epoch FROM clock.now - failing_since)::float8 AS failing_for""")
                .bind("id", id).bind("token", token).bind("error", error).bind("backoff", seconds(backoff))
                .bind("window", seconds(window)).bind("now", utc(now))
                .map((rs, ctx) -> new Failure(rs.getInt("attempts"), rs.getBoolean("exhausted"),
                        Duration.ofMillis((long) (rs.getDouble("failing_for") * 1000))))
                .findOne();
        logDelivery(h, id, revision, attempt, at, durationMs, statusCode, Delivery.FAILED, error, node);
        return failure;
    }

    /** Gives up a lease (nothing left to deliver, budget spent, or shutting down); it ends now. */
    void release(Handle h, long id, long token) {
        h.createUpdate("UPDATE webhook_cursors SET lease_owner = NULL, lease_until = now() WHERE webhook_id = :id "
                + "AND lease_token = :token").bind("id", id).bind("token", token).execute();
    }

    /**
     * Gives up a lease that {@code node} holds under a newer token than {@code token}, the one its worker claimed with:
     * {@link #resetFailures} moved the token on while that worker's request was in flight, and the subscription is due
     * now rather than when the lease runs out. A lease another node holds is left alone.
     */
    void releaseSuperseded(Handle h, long id, String node, long token) {
        h.createUpdate("UPDATE webhook_cursors SET lease_owner = NULL, lease_until = now() WHERE webhook_id = :id "
                        + "AND lease_owner = :node AND lease_token > :token AND lease_until > now()")
                .bind("id", id).bind("node", node).bind("token", token).execute();
    }

    /**
     * Gives up every lease a node holds but those of {@code except}: on shutdown (none excepted), or those it lost
     * track of while the database did not answer (a claim made whose answer never came back) — all but the ones its
     * workers are busy with.
     */
    int releaseAll(Handle h, String node, Collection<Long> except) {
        return h.createUpdate("UPDATE webhook_cursors SET lease_owner = NULL, lease_until = now() "
                        + "WHERE lease_owner = :node AND lease_until > now() AND webhook_id <> ALL (:except)")
                .bind("node", node).bind("except", except.toArray(new Long[0])).execute();
    }

    /**
     * Change-log records above this are still to be delivered to some active subscription: for each, from
     * the first record of its organization after its cursor. A subscription that has delivered everything of
     * its organization holds nothing back (its organization's next record will be newer than anything
     * retention may delete), however long ago its cursor last moved.
     */
    static long neededAfter(Handle h) {
        return h.createQuery("""
                SELECT coalesce(min(next.revision) - 1, :none) FROM webhook_cursors c
                  JOIN webhooks w ON w.id = c.webhook_id
                  CROSS JOIN LATERAL (SELECT min(l.revision) AS revision FROM change_log l
                                       WHERE l.org_id = c.org_id AND l.revision > c.revision) next
                 WHERE w.status = 'active'""")
                .bind("none", Long.MAX_VALUE).mapTo(Long.class).one();
    }

    /** Events a subscription did not receive because retention deleted them: revisions after {@code after}, up to {@code last}. */
    record Lost(long webhookId, long orgId, long after, long last) {
    }

    /**
     * Before change-log records up to {@code through} are deleted: moves every cursor still below it (active
     * or paused subscriptions) to {@code through}, and returns those that had events matching their filters
     * in between, which they will now never receive. Such a subscription's first event after its cursor, the one
     * a run of failures was about, is among them: the failures are forgotten with it. Locks the cursor rows it moves.
     */
    List<Lost> skipPruned(Handle h, long through) {
        return h.createQuery("""
                WITH behind AS (
                    SELECT c.webhook_id, c.org_id, c.revision AS was,
                           (SELECT max(l.revision) FROM change_log l
                             WHERE l.org_id = c.org_id AND l.revision > c.revision AND l.revision <= :through
                               AND (cardinality(w.object_types) = 0 OR l.object_type = ANY (w.object_types))
                               AND (cardinality(w.actions) = 0 OR l.action = ANY (w.actions))) AS last_lost
                      FROM webhook_cursors c JOIN webhooks w ON w.id = c.webhook_id
                     WHERE c.revision < :through
                       FOR UPDATE OF c),
                moved AS (
                    UPDATE webhook_cursors c SET revision = :through,
                           attempts = CASE WHEN b.last_lost IS NULL THEN c.attempts ELSE 0 END,
                           failing_since = CASE WHEN b.last_lost IS NULL THEN c.failing_since END,
                           next_attempt_at = CASE WHEN b.last_lost IS NULL THEN c.next_attempt_at END,
                           last_error = CASE WHEN b.last_lost IS NULL THEN c.last_error END
                      FROM behind b
                     WHERE c.webhook_id = b.webhook_id AND c.revision < :through)
                SELECT webhook_id, org_id, was, last_lost FROM behind WHERE last_lost IS NOT NULL""")
                .bind("through", through)
                .map((rs, ctx) -> new Lost(rs.getLong("webhook_id"), rs.getLong("org_id"), rs.getLong("was"),
                        rs.getLong("last_lost")))
                .list();
    }

    // ---------------------------------------------------------------- delivery log

    /**
     * Logs an attempt, unless the subscription is gone: one deleted while its attempt was made (a deletion waits for
     * a transaction that locked the cursor before, so one that did sees the subscription here, or its deletion done).
     */
    void logDelivery(Handle h, long webhookId, long revision, int attempt, Instant at, int durationMs,
                     Integer statusCode, String outcome, String error, String node) {
        h.createUpdate("INSERT INTO webhook_deliveries (webhook_id, revision, attempt, attempted_at, duration_ms, "
                        + "status_code, outcome, error, node_id) SELECT :webhook, :revision, :attempt, :at, :duration, "
                        + ":status, :outcome, :error, :node WHERE EXISTS (SELECT 1 FROM webhooks WHERE id = :webhook)")
                .bind("webhook", webhookId).bind("revision", revision).bind("attempt", attempt).bind("at", utc(at))
                .bind("duration", durationMs).bind("status", statusCode).bind("outcome", outcome).bind("error", error)
                .bind("node", node).execute();
    }

    /** Attempts of a subscription, newest first, with id below {@code before} (0: from the newest). */
    List<Delivery> deliveries(Handle h, long webhookId, long before, String outcome, int limit) {
        return h.createQuery("SELECT * FROM webhook_deliveries WHERE webhook_id = :webhook"
                        + (before > 0 ? " AND id < :before" : "") + (outcome != null ? " AND outcome = :outcome" : "")
                        + " ORDER BY id DESC LIMIT :limit")
                .bind("webhook", webhookId).bind("before", before).bind("outcome", outcome).bind("limit", limit)
                .map((rs, ctx) -> new Delivery(rs.getLong("id"), rs.getLong("webhook_id"), rs.getLong("revision"),
                        rs.getInt("attempt"), instant(rs, "attempted_at"), rs.getInt("duration_ms"),
                        (Integer) rs.getObject("status_code"), rs.getString("outcome"), rs.getString("error"),
                        rs.getString("node_id")))
                .list();
    }

    /** The deployment's webhook backlog (every node reads the same): see {@link Backlog}. */
    Backlog backlog(Handle h) {
        return h.createQuery("""
                SELECT count(*) AS behind, min(pending.occurred_at) AS oldest
                  FROM webhook_cursors c
                  JOIN webhooks w ON w.id = c.webhook_id AND w.status = 'active'
                 CROSS JOIN LATERAL (SELECT l.occurred_at FROM change_log l
                                      WHERE l.org_id = c.org_id AND l.revision > c.revision
                                      ORDER BY l.revision LIMIT 1) pending""")
                .map((rs, ctx) -> new Backlog(rs.getLong("behind"), instant(rs, "oldest")))
                .one();
    }

    /** Deletes up to {@code batch} delivery-log rows older than {@code days} at {@code now}; returns how many. */
    int pruneDeliveries(Handle h, int days, int batch, Instant now) {
        return h.createUpdate("DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries "
                        + "WHERE attempted_at < CAST(:now AS timestamptz) - make_interval(days => :days) LIMIT :batch)")
                .bind("now", utc(now)).bind("days", days).bind("batch", batch).execute();
    }

    // ---------------------------------------------------------------- mapping

    private static Webhook map(ResultSet rs) throws SQLException {
        String options = rs.getString("options");
        return new Webhook(rs.getLong("id"), rs.getLong("org_id"), rs.getString("url"), rs.getString("description"),
                Arrays.asList((String[]) rs.getArray("object_types").getArray()),
                Arrays.asList((String[]) rs.getArray("actions").getArray()), rs.getString("status"),
                rs.getString("paused_reason"), instant(rs, "paused_at"), rs.getInt("version"),
                instant(rs, "created_at"), instant(rs, "updated_at"), rs.getString("format"),
                options == null ? null : Json.readTree(options), (Long) rs.getObject("created_by"),
                (Long) rs.getObject("updated_by"));
    }

    private static String[] array(List<String> values) {
        return values == null ? new String[0] : values.toArray(new String[0]);
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }
}
