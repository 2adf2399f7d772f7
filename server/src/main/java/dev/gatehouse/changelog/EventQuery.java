package dev.gatehouse.changelog;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * A query over one organization's change log: the events API, webhook delivery and anything else that
 * reads history. Every filter is optional; sets match any of their values; each time bound adds a
 * condition on {@code occurred_at} ({@code since <= occurred_at < until}, or exclusive {@code after} and
 * inclusive {@code through}), exact at any precision of the bound ({@link #atMicros}); the revision range is
 * {@code afterRevision < revision < beforeRevision}. Results come newest first unless {@link Builder#ascending}, at
 * most {@code limit}, and no more once their stored size reaches {@code maxBytes} (default {@value #MAX_PAGE_BYTES};
 * always at least one record, see {@link ByteBudget}): {@link #page} tells such a short page from the end of the
 * log, so a cursor after its last record continues exactly where it stopped.
 *
 * <p>Uses the indexes {@code (org_id, revision)} and {@code (org_id, object_type, object_id, revision)};
 * a time range without a revision range scans the organization's log from the newest (or oldest) end.
 * Immutable and thread-safe; {@link #run} needs a handle.
 */
public final class EventQuery {

    public static final int MAX_LIMIT = 1000;
    /** The default byte budget of one page: the stored size of its records' snapshots and deltas. */
    public static final long MAX_PAGE_BYTES = 4L << 20;

    private final long orgId;
    private final Set<String> objectTypes;
    private final Set<String> objectIds;
    private final Set<String> actions;
    private final String actorType;
    private final Long actorId;
    private final Set<Long> actorIds;
    private final String keyId;
    private final List<TimeBound> timeBounds;
    private final Long afterRevision;
    private final Long beforeRevision;
    private final boolean ascending;
    private final int limit;
    private final long maxBytes;
    private final Audience audience;

    /**
     * A reader who sees only part of the log: records of the {@code shared} object types, and records of the
     * {@code personal} types whose object id is {@code self}.
     */
    public record Audience(Set<ObjectType> shared, Set<ObjectType> personal, String self) {
        public Audience {
            shared = Set.copyOf(shared);
            personal = Set.copyOf(personal);
        }
    }

    private static String[] wire(Set<ObjectType> types) {
        return types.stream().map(ObjectType::wire).toArray(String[]::new);
    }

    private EventQuery(Builder b) {
        this.orgId = b.orgId;
        this.objectTypes = Set.copyOf(b.objectTypes);
        this.objectIds = Set.copyOf(b.objectIds);
        this.actions = Set.copyOf(b.actions);
        this.actorType = b.actorType;
        this.actorId = b.actorId;
        this.actorIds = b.actorIds == null ? null : Set.copyOf(b.actorIds);
        this.keyId = b.keyId;
        this.timeBounds = List.copyOf(b.timeBounds);
        this.afterRevision = b.afterRevision;
        this.beforeRevision = b.beforeRevision;
        this.ascending = b.ascending;
        this.limit = b.limit;
        this.maxBytes = b.maxBytes;
        this.audience = b.audience;
    }

    public static Builder forOrg(long orgId) {
        return new Builder(orgId);
    }

    public long orgId() {
        return orgId;
    }

    public boolean ascending() {
        return ascending;
    }

    public int limit() {
        return limit;
    }

    /** Runs the query. */
    public List<ChangeRecord> run(Handle handle) {
        return page(handle).records();
    }

    /** Runs the query; {@link ChangeLogStore.Batch#more} when the byte budget cut the page short of its limit. */
    public ChangeLogStore.Batch page(Handle handle) {
        StringBuilder sql = new StringBuilder("org_id = :org");
        List<Binder> binders = new ArrayList<>();
        binders.add(q -> q.bind("org", orgId));
        if (!objectTypes.isEmpty()) {
            sql.append(" AND object_type = ANY(:types)");
            binders.add(q -> q.bind("types", objectTypes.toArray(new String[0])));
        }
        if (!objectIds.isEmpty()) {
            sql.append(" AND object_id = ANY(:ids)");
            binders.add(q -> q.bind("ids", objectIds.toArray(new String[0])));
        }
        if (!actions.isEmpty()) {
            sql.append(" AND action = ANY(:actions)");
            binders.add(q -> q.bind("actions", actions.toArray(new String[0])));
        }
        if (actorType != null) {
            sql.append(" AND actor_type = :actorType");
            binders.add(q -> q.bind("actorType", actorType));
        }
        if (actorId != null) {
            sql.append(" AND actor_id = :actorId");
            binders.add(q -> q.bind("actorId", actorId));
        }
        if (actorIds != null) {
            sql.append(" AND actor_id = ANY(:actorIds)");
            binders.add(q -> q.bind("actorIds", actorIds.toArray(new Long[0])));
        }
        if (keyId != null) {
            sql.append(" AND key_id = :keyId");
            binders.add(q -> q.bind("keyId", keyId));
        }
        for (int i = 0; i < timeBounds.size(); i++) {
            TimeBound bound = timeBounds.get(i);
            String name = "time" + i;
            sql.append(" AND occurred_at ").append(bound.operator()).append(" :").append(name);
            binders.add(q -> q.bind(name, OffsetDateTime.ofInstant(bound.at(), ZoneOffset.UTC)));
        }
        if (audience != null) {
            sql.append(" AND (object_type = ANY(:shared) OR (object_type = ANY(:personal) AND object_id = :self))");
            binders.add(q -> q.bind("shared", wire(audience.shared())).bind("personal", wire(audience.personal()))
                    .bind("self", audience.self()));
        }
        if (afterRevision != null) {
            sql.append(" AND revision > :after");
            binders.add(q -> q.bind("after", afterRevision));
        }
        if (beforeRevision != null) {
            sql.append(" AND revision < :before");
            binders.add(q -> q.bind("before", beforeRevision));
        }
        return ByteBudget.read(handle, sql.toString(), query -> binders.forEach(b -> b.bind(query)), ascending, limit,
                maxBytes);
    }

    /** One event of the organization by revision; empty when it belongs to another or was pruned. */
    public static Optional<ChangeRecord> find(Handle handle, long orgId, long revision) {
        return handle.createQuery("SELECT * FROM change_log WHERE revision = :revision AND org_id = :org")
                .bind("revision", revision).bind("org", orgId)
                .map((rs, ctx) -> ChangeLogStore.map(rs)).findOne();
    }

    /** Whether the organization has any history at all (it may have been deleted since). */
    public static boolean hasHistory(Handle handle, long orgId) {
        return handle.createQuery("SELECT EXISTS (SELECT 1 FROM change_log WHERE org_id = :org)")
                .bind("org", orgId).mapTo(Boolean.class).one();
    }

    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(", ", "EventQuery[", "]");
        j.add("org=" + orgId);
        if (!objectTypes.isEmpty()) {
            j.add("objectTypes=" + objectTypes);
        }
        if (!objectIds.isEmpty()) {
            j.add("objectIds=" + objectIds);
        }
        if (!actions.isEmpty()) {
            j.add("actions=" + actions);
        }
        if (actorType != null) {
            j.add("actorType=" + actorType);
        }
        if (actorId != null) {
            j.add("actorId=" + actorId);
        }
        if (actorIds != null) {
            j.add("actorIds=" + actorIds);
        }
        if (keyId != null) {
            j.add("keyId=" + keyId);
        }
        timeBounds.forEach(b -> j.add("occurred_at" + b.operator() + b.at()));
        if (audience != null) {
            j.add("audience=" + audience);
        }
        if (afterRevision != null) {
            j.add("after=" + afterRevision);
        }
        if (beforeRevision != null) {
            j.add("before=" + beforeRevision);
        }
        return j.add(ascending ? "asc" : "desc").add("limit=" + limit).add("maxBytes=" + maxBytes).toString();
    }

    /** A condition {@code occurred_at <operator> at}, {@code at} in whole microseconds ({@link #atMicros}). */
    private record TimeBound(String operator, Instant at) {
    }

    /**
     * {@code value} as a bound of {@code occurred_at}, which holds whole microseconds, selecting exactly the events
     * the condition selects with {@code value} itself. PostgreSQL would round a bound finer than that to the nearest
     * microsecond, which could move it across an event ({@code since} just after one selected it). A bound between
     * two microseconds is moved to the one that no event lies between it and: {@code >= t} and {@code < t} hold for an
     * event exactly as {@code >=} and {@code <} of the next microsecond do, {@code > t} and {@code <= t} as {@code >}
     * and {@code <=} of the one before.
     */
    static Instant atMicros(String operator, Instant value) {
        Instant down = value.truncatedTo(ChronoUnit.MICROS);
        if (down.equals(value) || operator.equals(">") || operator.equals("<=")) {
            return down;
        }
        return down.plus(1, ChronoUnit.MICROS);
    }

    private interface Binder {
        void bind(Query query);
    }

    /** Builds a query; not thread-safe. */
    public static final class Builder {
        private final long orgId;
        private Set<String> objectTypes = Set.of();
        private Set<String> objectIds = Set.of();
        private Set<String> actions = Set.of();
        private String actorType;
        private Long actorId;
        private Set<Long> actorIds;
        private String keyId;
        private final List<TimeBound> timeBounds = new ArrayList<>();
        private Long afterRevision;
        private Long beforeRevision;
        private boolean ascending;
        private int limit = 100;
        private long maxBytes = MAX_PAGE_BYTES;
        private Audience audience;

        private Builder(long orgId) {
            this.orgId = orgId;
        }

        /** Only what this reader may see (null: everything). */
        public Builder audience(Audience value) {
            this.audience = value;
            return this;
        }

        public Builder objectTypes(Set<String> values) {
            this.objectTypes = values;
            return this;
        }

        public Builder objectIds(Set<String> values) {
            this.objectIds = values;
            return this;
        }

        public Builder actions(Set<String> values) {
            this.actions = values;
            return this;
        }

        public Builder actorType(String value) {
            this.actorType = value;
            return this;
        }

        public Builder actorId(Long value) {
            this.actorId = value;
            return this;
        }

        /** Events by any of these actors (an empty set matches none); null adds no condition. */
        public Builder actorIds(Set<Long> values) {
            this.actorIds = values;
            return this;
        }

        public Builder keyId(String value) {
            this.keyId = value;
            return this;
        }

        /** Events at or after this instant; null adds no bound. */
        public Builder since(Instant value) {
            return time(">=", value);
        }

        /** Events after this instant; null adds no bound. */
        public Builder after(Instant value) {
            return time(">", value);
        }

        /** Events before this instant; null adds no bound. */
        public Builder until(Instant value) {
            return time("<", value);
        }

        /** Events at or before this instant; null adds no bound. */
        public Builder through(Instant value) {
            return time("<=", value);
        }

        private Builder time(String operator, Instant value) {
            if (value != null) {
                timeBounds.add(new TimeBound(operator, atMicros(operator, value)));
            }
            return this;
        }

        /** Events with a revision greater than this; combined with an existing bound, the tighter wins. */
        public Builder afterRevision(long value) {
            this.afterRevision = afterRevision == null ? value : Math.max(afterRevision, value);
            return this;
        }

        /** Events with a revision less than this; combined with an existing bound, the tighter wins. */
        public Builder beforeRevision(long value) {
            this.beforeRevision = beforeRevision == null ? value : Math.min(beforeRevision, value);
            return this;
        }

        /** Oldest first (default: newest first). */
        public Builder ascending(boolean value) {
            this.ascending = value;
            return this;
        }

        public Builder limit(int value) {
            if (value < 1 || value > MAX_LIMIT) {
                throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", got " + value);
            }
            this.limit = value;
            return this;
        }

        /** The byte budget of the page (see the class comment). */
        public Builder maxBytes(long value) {
            if (value < 1) {
                throw new IllegalArgumentException("maxBytes must be positive, got " + value);
            }
            this.maxBytes = value;
            return this;
        }

        public EventQuery build() {
            return new EventQuery(this);
        }
    }
}
