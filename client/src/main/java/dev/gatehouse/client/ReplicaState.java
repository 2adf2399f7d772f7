package dev.gatehouse.client;

import dev.gatehouse.engine.Catalog;
import dev.gatehouse.engine.DecisionEngine;
import dev.gatehouse.engine.EngineException;
import dev.gatehouse.engine.EngineOp;
import dev.gatehouse.engine.EngineWriter;
import dev.gatehouse.engine.wire.EngineWire;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
     * that cannot be used — not JSON, a field of the wrong type, an operation or catalog not of the engine's wire
     * form, an operation the engine cannot apply: an {@link UnexpectedResponseException} {@code malformed_answer}
     * naming the line ({@link Wire#read}), never the parser's or the engine's own exception.
     * {@code beforeSwap} runs once the snapshot is complete, just before readers and waiters can see it.
     */
    long loadSnapshot(BufferedReader lines, Runnable beforeSwap) throws IOException {
        // the snapshot's catalogs join the replica's at the swap, so a snapshot that fails part-way changes none
        Map<String, Catalog> freshCatalogs = new ConcurrentHashMap<>();
        EngineWriter fresh = EngineWriter.create(id -> freshCatalogs.getOrDefault(id, catalogs.get(id)));
        Map<Long, Members.Member> freshMembers = new ConcurrentHashMap<>();
        long revision = -1;
        long ops = 0;
        long number = 0;
        String line;
        while ((line = lines.readLine()) != null) {
            number++;
            if (line.isEmpty()) {
                continue;
            }
            String where = SNAPSHOT + ", line " + number;
            JsonNode n = Wire.answer(200, where, line);
            String type = Wire.read(200, where, n, json -> Wire.text(json, "type"));
            if ("snapshot".equals(type)) {
                revision = Wire.read(200, where, n, json -> Wire.number(json, "revision"));
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
                long endRevision = Wire.read(200, where, n, json -> Wire.number(json, "revision"));
                long endOps = Wire.read(200, where, n, json -> Wire.number(json, "ops"));
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

    /** Applies one item of the change stream ({@code {"revision", "catalogs"?, "ops"}}). */
    void apply(JsonNode item) {
        long revision = Wire.number(item, "revision");
        try {
            JsonNode catalogsJson = item.get("catalogs");
            if (catalogsJson != null) {
                for (JsonNode c : catalogsJson) {
                    Catalog catalog = EngineWire.readCatalog(c);
                    catalogs.putIfAbsent(catalog.id(), catalog);
                }
            }
            List<EngineOp> ops = new ArrayList<>();
            for (JsonNode op : item.get("ops")) {
                ops.add(EngineWire.readOp(op));
            }
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

    /** Waits until revision {@code revision} is held, at most {@code millis}; whether it is. */
    synchronized boolean awaitRevision(long revision, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (writer.revision() < revision) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }
}
