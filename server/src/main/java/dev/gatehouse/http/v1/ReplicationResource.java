package dev.gatehouse.http.v1;

import dev.gatehouse.apikey.ReplicaReader;
import dev.gatehouse.error.ConflictException;
import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.UnauthenticatedException;
import dev.gatehouse.http.Auth;
import dev.gatehouse.http.HeaderValues;
import dev.gatehouse.http.Problem;
import dev.gatehouse.http.QueryParameters;
import dev.gatehouse.http.Route;
import dev.gatehouse.json.Digits;
import dev.gatehouse.json.Fields;
import dev.gatehouse.json.Json;
import dev.gatehouse.replication.ChangeStream;
import dev.gatehouse.replication.ReplicationService;
import dev.gatehouse.replication.StreamPlace;
import io.javalin.http.Context;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What an in-process replica reads (docs/api.md, "Replication"), with a service key or a replica key:
 * {@code GET /v1/snapshot} streams the decision state at one revision as NDJSON, and {@code GET /v1/changes?after=N}
 * the committed changes after revision N — as Server-Sent Events that stay open (events {@code change},
 * {@code heartbeat}, {@code resync}, {@code revoked}), or, with {@code wait}, as one long-polled JSON page; a
 * {@code Last-Event-ID} header (an {@code EventSource} reconnecting) moves the position past {@code after} to that
 * event. A follower whose position the log can no longer serve is answered 410 {@code resync_required} (an SSE stream
 * that meets it sends a {@code resync} event and ends). Both name the history their revisions number in
 * {@value #DEPLOYMENT_HEADER} ({@link ReplicationService#deployment()}), on every answer to a reader whose key is good:
 * a follower that meets another id than its snapshot's loads a fresh snapshot instead of following.
 *
 * <p>A stream holds one request thread while open; it ends when the client goes away (a write fails, at the latest
 * at the next heartbeat), when its key is revoked (with a {@code revoked} event, before anything committed after the
 * revocation is sent; a key of one organization deleted with it, right after the change that deleted it, so that
 * its follower removes the organization too: {@link ChangeStream}) or when the node stops. So does a snapshot while
 * it is written and a long poll while it waits: each takes a place of the node's and of its key's, or is 503
 * {@code too_many_streams} ({@link ReplicationService#hold}).
 */
final class ReplicationResource {

    static final String DEPLOYMENT_HEADER = "Gatehouse-Deployment";
    private static final int MAX_ITEMS = 1000;
    private static final long MAX_WAIT_MILLIS = 60_000;
    private static final long DEFAULT_HEARTBEAT_MILLIS = 10_000;
    private static final long MIN_HEARTBEAT_MILLIS = 100;
    private static final long MAX_HEARTBEAT_MILLIS = 25_000;
    private static final Pattern DURATION = Pattern.compile("(\\d{1,6})(ms|s)?");

    private final ReplicationService replication;
    private final Auth auth;

    ReplicationResource(ReplicationService replication, Auth auth) {
        this.replication = replication;
        this.auth = auth;
    }

    List<Route> routes() {
        return List.of(Route.get("/v1/snapshot", this::snapshot).reading(QueryParameters.of("org")),
                Route.get("/v1/changes", this::changes)
                        .reading(QueryParameters.of("after", "org", "wait", "heartbeat", "limit")));
    }

    private void snapshot(Context ctx) {
        ReplicaReader reader = auth.reader(ctx);
        ctx.header(DEPLOYMENT_HEADER, replication.deployment());
        Long orgId = org(ctx);
        StreamPlace place = replication.hold(reader);
        try {
            snapshot(ctx, reader, orgId);
        } finally {
            place.close();
        }
    }

    private void snapshot(Context ctx, ReplicaReader reader, Long orgId) {
        boolean[] started = {false};
        try {
            OutputStream out = new BufferedOutputStream(ctx.res().getOutputStream(), 64 * 1024);
            replication.snapshot(reader, orgId, revision -> {
                ctx.status(200).contentType(BulkResource.NDJSON_UTF8);
                ctx.header(V1.REVISION_HEADER, String.valueOf(revision));
                started[0] = true;
            }, out);
        } catch (IOException | UncheckedIOException e) {
            if (!started[0]) {
                throw e instanceof UncheckedIOException u ? u : new UncheckedIOException((IOException) e);
            }
            // the client went away mid-snapshot: nothing left to answer
        }
    }

    private void changes(Context ctx) throws InterruptedException {
        ReplicaReader reader = auth.reader(ctx);
        ctx.header(DEPLOYMENT_HEADER, replication.deployment());
        Long orgId = org(ctx);
        long after = Math.max(after(ctx), lastEventId(ctx));
        String waitParam = ctx.queryParam("wait");
        Long waitMillis = waitParam == null ? null : duration("wait", waitParam, 0, MAX_WAIT_MILLIS);
        String beatParam = ctx.queryParam("heartbeat");
        long heartbeat = beatParam == null ? DEFAULT_HEARTBEAT_MILLIS
                : duration("heartbeat", beatParam, MIN_HEARTBEAT_MILLIS, MAX_HEARTBEAT_MILLIS);
        int limit = ctx.queryParam("limit") == null ? MAX_ITEMS : V1.limit(ctx);
        StreamPlace place = replication.hold(reader);
        try {
            changes(ctx, reader, orgId, after, waitMillis, heartbeat, limit);
        } finally {
            place.close();
        }
    }

    private void changes(Context ctx, ReplicaReader reader, Long orgId, long after, Long waitMillis, long heartbeat,
                         int limit) throws InterruptedException {
        ChangeStream stream;
        ChangeStream.Page first;
        try {
            stream = replication.changes(reader, orgId, after);
            first = stream.next(limit, waitMillis == null ? 0 : waitMillis);
        } catch (ConflictException e) {
            if (ChangeStream.RESYNC_REQUIRED.equals(e.code())) {
                gone(ctx, e);
                return;
            }
            throw e;
        }
        if (first == null) {
            throw new dev.gatehouse.error.UnavailableException("node_stopping", "this node is stopping; reconnect");
        }
        if (waitMillis != null) {
            ObjectNode body = Json.object();
            body.put("revision", first.revision());
            ArrayNode items = body.putArray("changes");
            first.items().forEach(items::add);
            ctx.header(V1.REVISION_HEADER, String.valueOf(replication.applied()));
            V1.ok(ctx, body);
            return;
        }
        sse(ctx, stream, after, first, limit, heartbeat);
    }

    /**
     * Writes the stream: a heartbeat at {@code start} (the position the follower asked for; never the position after
     * {@code first}, whose items follow it), then {@code first} and every page after it.
     */
    private void sse(Context ctx, ChangeStream stream, long start, ChangeStream.Page first, int limit, long heartbeat)
            throws InterruptedException {
        ctx.status(200).contentType("text/event-stream; charset=utf-8");
        // set here: the headers leave with the first event, before the readiness gate would add it on the way out
        ctx.header(V1.REVISION_HEADER, String.valueOf(replication.applied()));
        ctx.header("Cache-Control", "no-store");
        ctx.header("X-Accel-Buffering", "no");
        try {
            OutputStream out = ctx.res().getOutputStream();
            heartbeat(out, start);
            ChangeStream.Page page = first;
            while (page != null) {
                if (page.items().isEmpty()) {
                    if (page != first || page.revision() != start) { // the opening heartbeat said it already
                        heartbeat(out, page.revision());
                    }
                } else {
                    StringBuilder events = new StringBuilder();
                    for (ObjectNode item : page.items()) {
                        events.append("id: ").append(item.get("revision").longValue()).append("\nevent: change\ndata: ")
                                .append(Json.writeString(item)).append("\n\n");
                    }
                    out.write(events.toString().getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                try {
                    page = stream.next(limit, heartbeat);
                } catch (UnauthenticatedException e) {
                    // the key was revoked: said before the stream ends, so that the follower stops rather than taking
                    // the end for a dropped connection (reconnecting is answered 401)
                    last(out, "revoked", e.code(), e.getMessage());
                    return;
                } catch (ConflictException e) {
                    if (!ChangeStream.RESYNC_REQUIRED.equals(e.code())) {
                        throw e;
                    }
                    last(out, "resync", e.code(), e.getMessage());
                    return;
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // the client went away: the stream ends
        }
    }

    /** The event that ends a stream which cannot go on: {@code event} with the problem's code and detail. */
    private static void last(OutputStream out, String event, String code, String detail) throws IOException {
        ObjectNode problem = Json.object().put("code", code).put("detail", detail);
        out.write(("event: " + event + "\ndata: " + Json.writeString(problem) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void heartbeat(OutputStream out, long revision) throws IOException {
        out.write(("event: heartbeat\ndata: {\"revision\":" + revision + ",\"applied\":" + replication.applied()
                + "}\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void gone(Context ctx, ConflictException e) {
        var reply = Problem.reply(410, e.code(), e.getMessage(), Map.of(), Map.of());
        ctx.status(410).contentType(reply.contentType()).result(reply.body());
    }

    private static Long org(Context ctx) {
        String raw = ctx.queryParam("org");
        if (raw == null) {
            return null;
        }
        long org = Digits.id(raw);
        if (org <= 0) {
            throw new InvalidInputException("invalid_org", "org must be a positive integer id, got \""
                    + Fields.abbreviate(raw) + "\"", Map.of("org", "must be a positive integer id"));
        }
        return org;
    }

    private static long after(Context ctx) {
        String raw = ctx.queryParam("after");
        long after = Digits.parse(raw);
        if (after >= 0) {
            return after;
        }
        throw new InvalidInputException("invalid_after", raw == null ? "after is required: the revision to follow "
                + "from (0, or a snapshot's revision)" : "after must be a revision: it " + Digits.whyRefused(raw)
                + ", got \"" + Fields.abbreviate(raw) + "\"", Map.of("after", Digits.whyRefused(raw)));
    }

    /**
     * The {@code Last-Event-ID} header an {@code EventSource} sends when it reconnects (the {@code id} of the last
     * {@code change} it received; the URL, and so {@code after}, is the one it first opened): 0 when absent, so that
     * the stream resumes after the later of the two and repeats nothing. Given twice, it is a 400: of two positions,
     * neither is known to be the one the client meant (as with {@code If-Match}, {@link V1#ifMatch}).
     */
    private static long lastEventId(Context ctx) {
        String raw = V1.oneHeader(ctx, "Last-Event-ID", times -> new InvalidInputException("invalid_last_event_id",
                "Last-Event-ID is given " + times + " times; send one, with the id of the last change event received",
                Map.of("Last-Event-ID", "given " + times + " times; give it once")));
        if (raw == null || raw.isEmpty()) {
            return 0;
        }
        long id = Digits.parse(raw);
        if (id >= 0) {
            return id;
        }
        throw new InvalidInputException("invalid_last_event_id", "Last-Event-ID must be the id of a change event, an "
                + "integer of 0 or more, got \"" + HeaderValues.shown(raw) + "\"",
                Map.of("Last-Event-ID", "must be an integer of 0 or more"));
    }

    private static long duration(String name, String raw, long min, long max) {
        Matcher m = DURATION.matcher(raw);
        if (m.matches()) {
            long millis = Long.parseLong(m.group(1)) * ("ms".equals(m.group(2)) ? 1 : 1000);
            if (millis >= min && millis <= max) {
                return millis;
            }
        }
        throw new InvalidInputException("invalid_" + name, name + " must be a duration from " + min + "ms to "
                + max / 1000 + "s (\"30s\", \"500ms\", or seconds), got \"" + Fields.abbreviate(raw) + "\"",
                Map.of(name, "must be a duration from " + min + "ms to " + max / 1000 + "s"));
    }
}
