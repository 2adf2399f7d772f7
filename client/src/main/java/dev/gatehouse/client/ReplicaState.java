package dev.gatehouse.client;

import dev.gatehouse.engine.Catalog;
import dev.gatehouse.engine.DecisionEngine;
import dev.gatehouse.engine.EngineException;
import dev.gatehouse.engine.EngineOp;
import dev.gatehouse.engine.EngineWriter;
import dev.gatehouse.engine.wire.EngineWire;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * A replica's decision state: one engine, filled from snapshots and kept current by the change stream's items, and
 * the catalogs its organizations use. A snapshot is loaded into a fresh engine and swapped in whole
 * ({@link EngineWriter#replaceWith}), so readers see the old state or the new one, never a mix; a change is applied
 * under the engine writer's lock, once ({@link EngineWriter#apply(long, List)} skips revisions already held).
 *
 * <p>Thread rules: one thread writes (the follower); any number read {@link #engine()}; {@link #awaitRevision}
 * waits on this object, which every write notifies.
 */
final class ReplicaState {

    /** The stream or snapshot cannot be applied: the replica must start again from a fresh snapshot. */
    static final class ResyncNeeded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ResyncNeeded(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final String SNAPSHOT = "GET /v1/snapshot";
    private static final String CHANGES = "GET /v1/changes";

    private final Map<String, Catalog> catalogs = new ConcurrentHashMap<>();
    /**
     * The members the engine holds, by Gatehouse id (unique across organizations), as lookups return them: the
     * engine answers with ids, and a replica knows of a member what its operations say (no email or names).
     */
    private volatile Map<Long, Members.Member> members = new ConcurrentHashMap<>();
    private final EngineWriter writer = EngineWriter.create(catalogs::get);

    DecisionEngine engine() {
        return writer.engine();
    }

    long revision() {
        return writer.revision();
    }

    /**
     * Reads a whole snapshot ({@code GET /v1/snapshot}'s lines) into a fresh engine and swaps it in; returns its
     * revision. A snapshot cut short (no {@code end} line, or a count that differs) changes nothing, nor does a line
     * that cannot be used — not JSON, a field of the wrong type (a revision or count that is not an integer of 0 or
     * more), an operation or catalog not of the engine's wire form, an operation the engine cannot apply, a line longer
     * than {@link ReplicaLines} reads: an {@link UnexpectedResponseException} {@code malformed_answer} naming the line
     * ({@link Wire#read}), never the parser's or the engine's own exception.
     * {@code beforeSwap} runs once the snapshot is complete, just before readers and waiters can see it.
     */
    long loadSnapshot(ReplicaLines lines, Runnable beforeSwap) throws IOException {
        // the snapshot's catalogs join the replica's at the swap, so a snapshot that fails part-way changes none
        Map<String, Catalog> freshCatalogs = new ConcurrentHashMap<>();
        EngineWriter fresh = EngineWriter.create(id -> freshCatalogs.getOrDefault(id, catalogs.get(id)));
        Map<Long, Members.Member> freshMembers = new ConcurrentHashMap<>();
        long revision = -1;
        long ops = 0;
        long number = 0;
        String line;
        while ((line = nextLine(lines, number)) != null) {
            number++;
            if (line.isEmpty()) {
                continue;
            }
            String where = SNAPSHOT + ", line " + number;
            JsonNode n = Wire.answer(200, where, line);
            String type = Wire.read(200, where, n, json -> Wire.text(json, "type"));
            if ("snapshot".equals(type)) {
                revision = Wire.read(200, where, n, json -> integer(json, "revision", 0));
            } else if ("catalog".equals(type)) {
                Catalog catalog = Wire.read(200, where, n, json -> EngineWire.readCatalog(json.get("catalog")));
                freshCatalogs.put(catalog.id(), catalog);
            } else if ("op".equals(type)) {
                EngineOp op = Wire.read(200, where, n, json -> EngineWire.readOp(json.get("op")));
                try {
                    fresh.apply(op);
                } catch (EngineException | IllegalArgumentException unusable) {
                    throw Wire.malformed(200, where, "the operation cannot be applied: " + unusable.getMessage(),
                            unusable);
                }
                track(freshMembers, op);
                ops++;
            } else if ("end".equals(type)) {
                long endRevision = Wire.read(200, where, n, json -> integer(json, "revision", 0));
                long endOps = Wire.read(200, where, n, json -> integer(json, "ops", 0));
                if (endRevision != revision || endOps != ops) {
                    throw new IOException("the snapshot's end line says revision " + endRevision + " and " + endOps
                            + " operations, but " + revision + " and " + ops + " were read");
                }
                fresh.markRevision(revision);
                beforeSwap.run();
                synchronized (this) {
                    catalogs.putAll(freshCatalogs);
                    writer.replaceWith(fresh);
                    members = freshMembers;
                    notifyAll();
                }
                return revision;
            }
        }
        throw new IOException("the snapshot ended before its end line (" + ops + " operations read)");
    }

    /** The snapshot's next line, or null at its end; one too long is a {@code malformed_answer} naming it. */
    private static String nextLine(ReplicaLines lines, long before) throws IOException {
        try {
            return lines.readLine();
        } catch (ReplicaLines.TooLong tooLong) {
            throw Wire.malformed(200, SNAPSHOT + ", line " + (before + 1), tooLong.getMessage(), tooLong);
        }
    }

    /**
     * Applies one {@code change} event of the change stream, its data as received ({@code {"revision", "catalogs"?,
     * "ops"}}). The one place a change is read: anything that keeps it from being applied whole and in order is a
     * {@link ResyncNeeded} — data that is not JSON or not an object; a revision that is not an integer above the one
     * held (the stream resumes after that one, so a revision at or below it means the replica and the server no
     * longer agree on the history); {@code ops} or {@code catalogs} that are not lists, an operation or catalog not
     * of the engine's wire form, an operation the engine cannot apply (an organization the replica does not hold).
     * Its cause is an {@link UnexpectedResponseException} {@code malformed_answer} naming the stream, as a snapshot's
     * unusable line is, or the engine's exception. Nothing is applied unless all of it was read, nor when the engine
     * refuses an operation of it (it refuses a change whole): readers keep the state held until a snapshot replaces it.
     */
    void apply(String data) {
        long held = writer.revision();
        JsonNode item;
        long revision;
        List<Catalog> newCatalogs = new ArrayList<>();
        List<EngineOp> ops = new ArrayList<>();
        try {
            item = Wire.answer(200, CHANGES, data);
            revision = Wire.read(200, CHANGES, item, ReplicaState::changeRevision);
            Wire.read(200, CHANGES + ", revision " + revision, item, json -> {
                JsonNode catalogsJson = Wire.node(json, "catalogs");
                if (catalogsJson != null) {
                    for (JsonNode c : list(catalogsJson, "catalogs")) {
                        newCatalogs.add(EngineWire.readCatalog(c));
                    }
                }
                for (JsonNode op : list(json.get("ops"), "ops")) {
                    ops.add(EngineWire.readOp(op));
                }
                return ops;
            });
        } catch (UnexpectedResponseException unreadable) {
            throw new ResyncNeeded("a change that cannot be read after revision " + held + ": "
                    + unreadable.getMessage(), unreadable);
        }
        if (revision <= held) {
            throw new ResyncNeeded("the stream sent revision " + revision + " after revision " + held
                    + ": the replica no longer follows the server's history", null);
        }
        try {
            newCatalogs.forEach(catalog -> catalogs.putIfAbsent(catalog.id(), catalog));
            if (writer.apply(revision, ops)) {
                ops.forEach(op -> track(members, op));
            }
        } catch (RuntimeException e) {
            throw new ResyncNeeded("revision " + revision + " could not be applied: " + e.getMessage(), e);
        }
        synchronized (this) {
            notifyAll();
        }
    }

    /** A change's revision: an integer of 1 or more, nothing else (not text, not a fraction, not null). */
    private static long changeRevision(JsonNode item) {
        if (!item.isObject()) {
            throw new IllegalArgumentException("a change must be a JSON object, got " + item.getNodeType());
        }
        return integer(item, "revision", 1);
    }

    /** {@code field} of {@code json}, an integer of at least {@code min}; anything else names the field and value. */
    private static long integer(JsonNode json, String field, long min) {
        JsonNode value = json.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < min) {
            throw new IllegalArgumentException(field + " must be an integer of " + min + " or more, got "
                    + (value == null ? "nothing" : abbreviate(value.toString())));
        }
        return value.longValue();
    }

    private static String abbreviate(String value) {
        return value.length() <= 100 ? value : value.substring(0, 100) + "…";
    }

    /** {@code value} as a list, which it must be. */
    private static JsonNode list(JsonNode value, String field) {
        if (value == null || !value.isArray()) {
            throw new IllegalArgumentException(field + " must be a list, got "
                    + (value == null ? "nothing" : value.getNodeType()));
        }
        return value;
    }

    /** The member with this Gatehouse id as the replica knows it, or null. */
    Members.Member member(long memberId) {
        return members.get(memberId);
    }

    private static void track(Map<Long, Members.Member> members, EngineOp op) {
        if (op instanceof EngineOp.PutMember m) {
            members.put(m.memberId(), new Members.Member(m.memberId(), m.orgId(), m.userId(), null, null, null,
                    m.roleId() == 0 ? null : m.roleId(), m.external(),
                    m.active() ? Members.Status.ACTIVE : Members.Status.DEACTIVATED, 0, null, null));
        } else if (op instanceof EngineOp.RemoveMember m) {
            members.remove(m.memberId());
        } else if (op instanceof EngineOp.RemoveOrganization o) {
            members.values().removeIf(member -> member.orgId() == o.orgId());
        }
    }

    /**
     * Waits until revision {@code revision} is held, at most {@code timeout}; whether it is. A timeout too long to
     * count in nanoseconds (some 292 years) waits as long as that, not at all: the time left is counted from the
     * start, never as a deadline that could overflow.
     */
    synchronized boolean awaitRevision(long revision, Duration timeout) throws InterruptedException {
        long budget = nanos(timeout);
        long start = System.nanoTime();
        while (writer.revision() < revision) {
            long left = budget - (System.nanoTime() - start);
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** {@code timeout} in nanoseconds, {@link Long#MAX_VALUE} for one longer than that counts. */
    private static long nanos(Duration timeout) {
        try {
            return timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return timeout.isNegative() ? 0 : Long.MAX_VALUE;
        }
    }
}
