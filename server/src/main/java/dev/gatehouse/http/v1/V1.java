package dev.gatehouse.http.v1;

import dev.gatehouse.error.InvalidInputException;
import dev.gatehouse.error.PreconditionFailedException;
import dev.gatehouse.error.UnsupportedMediaTypeException;
import dev.gatehouse.http.HeaderValues;
import dev.gatehouse.http.MediaTypes;
import dev.gatehouse.http.QueryParameters;
import dev.gatehouse.json.Digits;
import dev.gatehouse.json.Fields;
import dev.gatehouse.json.Json;
import dev.gatehouse.json.Text;
import dev.gatehouse.model.ModelParser;
import dev.gatehouse.model.ResourceType;
import dev.gatehouse.store.Written;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Request and response conventions of the native API, in one place. */
final class V1 {

    static final String REVISION_HEADER = "Gatehouse-Revision";
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    /** The query parameters of a list: {@link #limit} and the {@code cursor} of {@link #after}. */
    static final QueryParameters PAGE = QueryParameters.of("limit", "cursor");
    /** The query parameter of a read answered from this node's engine: {@link #minRevision}. */
    static final QueryParameters AT_REVISION = QueryParameters.of("min_revision");

    /** The format of the cursors this version writes, which their text starts with ({@link #cursor}). */
    private static final String CURSOR_FORMAT = "c2:";
    /** The length of a cursor's list tag ({@link #listing}). */
    private static final int LISTING_TAG_LENGTH = 8;

    /** How object types and actions are named in event filters and webhook subscriptions. */
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    private V1() {
    }

    /** Null when {@code value} is an object type or action name ("role", "updated"), else why it is not. */
    static String nameProblem(String value) {
        return NAME.matcher(value).matches() ? null : "values are lower-case names such as \"role\" or \"updated\", "
                + "got \"" + Fields.abbreviate(value) + "\"";
    }

    /** A positive numeric id from the path; anything else is a 400 naming the parameter. */
    static long id(Context ctx, String param) {
        return id(param, ctx.pathParam(param));
    }

    /** See {@link #id(Context, String)}: {@code raw} is the value of path parameter {@code param}. */
    static long id(String param, String raw) {
        long id = Digits.id(raw);
        if (id > 0) {
            return id;
        }
        throw new InvalidInputException("invalid_id", param + " must be a positive integer id, got \""
                + Fields.abbreviate(raw) + "\"", Map.of(param, "must be a positive integer id"));
    }

    /**
     * The path's resource {@code id} where a write records it (a resource, a member's role on one): a 400 naming
     * {@code id} when no resource recorded now may have it ({@link ResourceType#recordedIdProblem}: its length, no
     * dot segment). Routes that only name a resource read the id as given, so one stored before is named as stored.
     */
    static String recordedResourceId(Context ctx) {
        String id = ctx.pathParam("id");
        String problem = ResourceType.recordedIdProblem(id);
        if (problem != null) {
            throw InvalidInputException.field("id", problem);
        }
        return id;
    }

    /** The JSON object body; a non-JSON content type is a 415 {@code unsupported_media_type}, malformed JSON a 400. */
    static Fields body(Context ctx) {
        requireJson(ctx);
        return Fields.of(ctx.bodyAsBytes());
    }

    /** A 415 {@code unsupported_media_type} unless the body's content type is JSON (or absent). */
    static void requireJson(Context ctx) {
        requireJson(ctx.contentType());
    }

    /** See {@link #requireJson(Context)}: {@code type} is the request's {@code Content-Type}, or null. */
    static void requireJson(String type) {
        if (type != null && !MediaTypes.json(type)) {
            throw new UnsupportedMediaTypeException("Content-Type must be application/json, got \""
                    + HeaderValues.shown(type) + "\"");
        }
        requireUtf8(type);
    }

    /**
     * A 415 {@code unsupported_media_type} for a body declared in a charset other than UTF-8: the native API reads
     * UTF-8 only, and a body in another charset read as UTF-8 would be other text than the one sent.
     */
    static void requireUtf8(String type) {
        if (!MediaTypes.utf8(type)) {
            throw new UnsupportedMediaTypeException("bodies are read as UTF-8, the only charset of JSON; got charset \""
                    + HeaderValues.shown(MediaTypes.charset(type)) + "\": send the body in UTF-8");
        }
    }

    /**
     * The version from {@code If-Match} ({@code "3"}, as the ETag gives it, or {@code 3}), or null when absent or
     * {@code *}. A weak tag ({@code W/"3"}) never matches, for {@code If-Match} compares strongly (RFC 9110): 412. A
     * version is written as the ETag writes it (no leading zero), in one header.
     */
    static Integer ifMatch(Context ctx) {
        String given = oneHeader(ctx, "If-Match", times -> new InvalidInputException("invalid_if_match",
                "If-Match is given " + times + " times; send one, with the version the ETag gave"));
        String header = given == null ? null : given.strip();
        if (header == null || header.isEmpty() || header.equals("*")) {
            return null;
        }
        if (header.startsWith("W/")) {
            throw new PreconditionFailedException("version_mismatch", "If-Match compares entity tags strongly, so "
                    + "the weak " + HeaderValues.shown(header) + " never matches: send the ETag as it was given");
        }
        boolean quoted = header.length() >= 2 && header.startsWith("\"") && header.endsWith("\"");
        String digits = quoted ? header.substring(1, header.length() - 1) : header;
        long version = digits.equals("0") ? 0 : Digits.id(digits);
        if (version >= 0 && version <= Integer.MAX_VALUE) {
            return (int) version;
        }
        throw new InvalidInputException("invalid_if_match", "If-Match must carry a version such as \"3\", got "
                + HeaderValues.shown(header));
    }

    /**
     * Whether a read of the object at {@code version} is answered 304 Not Modified: a {@code GET} (or {@code HEAD})
     * whose {@code If-None-Match} is {@code *} (the object exists) or lists the version's entity tag, compared weakly
     * as RFC 9110 compares for this header ({@code W/"3"} names {@code "3"}); the bare number ({@code 3}) is read as
     * {@code "3"}, as {@link #ifMatch} reads it. A tag spelled otherwise names no version, and the object is answered
     * in full, which is always a right answer to a read. Several headers are one list.
     */
    static boolean notModified(Context ctx, String version) {
        if (ctx.method() != HandlerType.GET && ctx.method() != HandlerType.HEAD) {
            return false;
        }
        List<String> given = Collections.list(ctx.req().getHeaders("If-None-Match"));
        return !given.isEmpty() && namesVersion(String.join(",", given), version);
    }

    /** Whether the {@code If-None-Match} list {@code tags} is {@code *} or names {@code version} (see above). */
    private static boolean namesVersion(String tags, String version) {
        if (tags.strip().equals("*")) {
            return true;
        }
        int at = 0;
        while (at < tags.length()) {
            char c = tags.charAt(at);
            if (c == ',' || c == ' ' || c == '\t') {
                at++;
                continue;
            }
            int tag = tags.startsWith("W/\"", at) ? at + 2 : at;
            if (tags.charAt(tag) == '"') {
                int close = tags.indexOf('"', tag + 1);
                if (close < 0) {
                    return false; // an unclosed tag: nothing after it is a tag
                }
                if (tags.substring(tag + 1, close).equals(version)) {
                    return true;
                }
                at = close + 1;
            } else {
                int end = tags.indexOf(',', at);
                end = end < 0 ? tags.length() : end;
                if (tags.substring(at, end).strip().equals(version)) {
                    return true;
                }
                at = end;
            }
        }
        return false;
    }

    /**
     * The value of header {@code name}, or null when it is absent; given more than once, the 400 {@code repeated}
     * makes of the count: of two values, neither is known to be the one the client meant.
     */
    static String oneHeader(Context ctx, String name, IntFunction<InvalidInputException> repeated) {
        List<String> values = Collections.list(ctx.req().getHeaders(name));
        if (values.size() > 1) {
            throw repeated.apply(values.size());
        }
        return values.isEmpty() ? null : values.get(0);
    }

    static int limit(Context ctx) {
        String raw = ctx.queryParam("limit");
        if (raw == null) {
            return DEFAULT_LIMIT;
        }
        long limit = Digits.parse(raw);
        if (limit >= 1 && limit <= MAX_LIMIT) {
            return (int) limit;
        }
        throw new InvalidInputException("invalid_limit", "limit must be an integer from 1 to " + MAX_LIMIT + ", got \""
                + Fields.abbreviate(raw) + "\"", Map.of("limit", "must be 1.." + MAX_LIMIT));
    }

    /**
     * The {@code min_revision} query parameter of a read answered from this node's engine (the {@code GET} twin of
     * the decision bodies' field): null when absent.
     */
    static Long minRevision(Context ctx) {
        String raw = ctx.queryParam("min_revision");
        if (raw == null) {
            return null;
        }
        long revision = Digits.parse(raw);
        if (revision >= 0) {
            return revision;
        }
        throw new InvalidInputException("invalid_parameter", "min_revision " + Digits.whyRefused(raw) + ", got \""
                + Fields.abbreviate(raw) + "\"", Map.of("min_revision", Digits.whyRefused(raw)));
    }

    /**
     * The position after which a page of the list {@code ctx} asks for starts ({@link #cursor(Context, String)}): 0
     * without a cursor. An empty one ({@code ?cursor=}) is no cursor this API returned, 400 {@code invalid_cursor} as
     * in a body, never the first page again: a client that lost its cursor would otherwise page from the start
     * without being told.
     */
    static long after(Context ctx) {
        return after(ctx, "");
    }

    /** See {@link #after(Context)}: of the list's {@code variant} ({@link #variant}). */
    static long after(Context ctx, String variant) {
        String raw = ctx.queryParam("cursor");
        if (raw == null) {
            return 0L;
        }
        return Long.parseLong(decodeCursor(ctx, variant, raw));
    }

    /** The text position (a model id, a key id) after which a page starts: null without a cursor ({@link #after}). */
    static String afterText(Context ctx) {
        String raw = ctx.queryParam("cursor");
        if (raw == null) {
            return null;
        }
        String position = decodeCursorText(ctx, "", raw);
        if (position.isEmpty() || position.length() > 200) {
            throw invalidCursor(raw);
        }
        return position;
    }

    /** The cursor of the page after {@code position} in the list {@code ctx} asks for (see below). */
    static String cursor(Context ctx, String position) {
        return cursor(ctx, "", position);
    }

    /**
     * The cursor of the page after {@code position} in the list {@code ctx} asks for, as {@code variant} orders or
     * narrows it ({@link #variant}; empty for a list that takes no filter): {@code c2:}, the list's
     * {@linkplain #listing tag}, a colon and the position, in unpadded URL-safe base64. The tag ties the cursor to the
     * list: read back by another route, for another organization or object, or with another filter, order or lookup
     * parameter, where its position would silently start another page, it is 400 {@code invalid_cursor}.
     */
    static String cursor(Context ctx, String variant, String position) {
        return encoded(CURSOR_FORMAT + listing(ctx, variant) + ":" + position);
    }

    /**
     * The length of the longest cursor {@link #cursor(Context, String, String)} writes for a position of
     * {@code positionBytes} bytes in UTF-8, so that a body's bound on a cursor's length takes every one it answers.
     */
    static int cursorLength(int positionBytes) {
        return (CURSOR_FORMAT.length() + LISTING_TAG_LENGTH + 1 + positionBytes + 2) / 3 * 4;
    }

    /**
     * The numeric position of a cursor of the list {@code ctx} asks for, made by
     * {@link #cursor(Context, String, String)} from an id or a position, both from 1 and written without a leading
     * zero: a position of 0 or 040 is no cursor this API returned.
     */
    static String decodeCursor(Context ctx, String variant, String cursor) {
        String position = decodeCursorText(ctx, variant, cursor);
        if (Digits.id(position) > 0) {
            return position;
        }
        throw invalidCursor(cursor);
    }

    /**
     * The position of a cursor made by {@link #cursor(Context, String, String)} for the list {@code ctx} asks for,
     * written as it made it: the decoder also takes padding and stray low bits, which would give one cursor several
     * spellings. A cursor of another list (its tag differs) is 400 {@code invalid_cursor}, saying so.
     */
    static String decodeCursorText(Context ctx, String variant, String cursor) {
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalidCursor(cursor);
        }
        int position = CURSOR_FORMAT.length() + LISTING_TAG_LENGTH + 1;
        if (!text.startsWith(CURSOR_FORMAT) || text.length() < position || text.charAt(position - 1) != ':'
                || !encoded(text).equals(cursor)) {
            throw invalidCursor(cursor);
        }
        if (!text.regionMatches(CURSOR_FORMAT.length(), listing(ctx, variant), 0, LISTING_TAG_LENGTH)) {
            throw new InvalidInputException("invalid_cursor", "cursor \"" + Fields.abbreviate(cursor) + "\" was "
                    + "written for another list (another route, organization or object, or other filters, order or "
                    + "lookup parameters): a cursor continues only the list whose next_cursor it was, asked for with "
                    + "the same filters and parameters (only limit, and a lookup's min_revision, may change)",
                    Map.of("cursor", "written for another list"));
        }
        return text.substring(position);
    }

    private static String encoded(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * What selects a list's items or orders them beyond its route and path, as its cursors are tied to it
     * ({@link #cursor(Context, String, String)}): {@code namesAndValues} are pairs of a parameter's name and its
     * value as the route read it — every filter of a query (the members list's {@code status}, {@code role_id} and
     * {@code q}, the events list's filters and order, …) and every parameter of a lookup's body but those that only
     * shape a page ({@code limit}, {@code cursor}) or say how fresh an answer must be ({@code min_revision}). A
     * value is a text, a number, an instant or a collection (a filter of several values: their order is not the
     * list's, so it is sorted); null when the request leaves the parameter out. Two requests have the same variant
     * exactly when they name the same parameters with the same values, each written with its length so that no two
     * selections read alike; the list's tag hashes it ({@link #listing}), so a cursor is as long whatever it holds.
     */
    static String variant(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("a variant is pairs of a name and a value, got "
                    + namesAndValues.length + " arguments");
        }
        StringBuilder variant = new StringBuilder();
        for (int at = 0; at < namesAndValues.length; at += 2) {
            Object value = namesAndValues[at + 1];
            if (value == null) {
                continue;
            }
            counted(variant, String.valueOf(namesAndValues[at]));
            if (value instanceof Collection<?> values) {
                variant.append('[');
                values.stream().map(String::valueOf).sorted().forEach(each -> counted(variant, each));
                variant.append(']');
            } else {
                counted(variant, String.valueOf(value));
            }
        }
        return variant.toString();
    }

    /** Appends {@code text} after its length, so that text written after it is never read as part of it. */
    private static void counted(StringBuilder to, String text) {
        to.append(text.length()).append(':').append(text);
    }

    /**
     * The tag of the list {@code ctx} asks for, which its cursors carry: eight hex digits of the CRC-32 of the
     * route's template, the values of its path parameters (the organization, the group, the member, the
     * resource, …) and {@code variant}, the filters, order and lookup parameters that select its items
     * ({@link #variant}). Every node computes the same tag, so a cursor continues on any of them; it is a check
     * against a cursor used in the wrong place, not a secret (a cursor only positions a list the caller may read
     * anyway).
     */
    private static String listing(Context ctx, String variant) {
        Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
        StringBuilder listing = new StringBuilder(endpoint == null ? ctx.path() : endpoint.path);
        new TreeMap<>(ctx.pathParamMap()).forEach((name, value) ->
                listing.append('\0').append(name).append('=').append(value));
        listing.append('\0').append(variant);
        CRC32 crc = new CRC32();
        crc.update(listing.toString().getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().toHexDigits((int) crc.getValue());
    }

    /** A position in a list ordered by resource: a resource type and one of its ids. */
    record ResourcePosition(String type, String id) {

        /** Before the first resource: the position of the first page. */
        static final ResourcePosition FIRST = new ResourcePosition("", "");

        /** The cursor of the page after this position in the list {@code ctx} asks for. */
        String cursor(Context ctx) {
            return V1.cursor(ctx, type + "/" + id);
        }
    }

    /**
     * The resource after which a page ordered by (type, id) starts — a resource's children, a member's assignments —
     * read from the {@code cursor} parameter as {@link ResourcePosition#cursor} wrote it for this list (position
     * {@code <type>/<id>}; a type holds no {@code /}, so it splits at the first): {@link ResourcePosition#FIRST}
     * without a cursor. A type not spelled as a model's keys are, or an id that is none ({@link #afterResourceId}),
     * is no cursor this API returned: 400 {@code invalid_cursor}, as is an empty one ({@link #after}).
     */
    static ResourcePosition afterResource(Context ctx) {
        String cursor = ctx.queryParam("cursor");
        if (cursor == null) {
            return ResourcePosition.FIRST;
        }
        String position = decodeCursorText(ctx, "", cursor);
        int slash = position.indexOf('/');
        if (slash < 0 || !ModelParser.isKey(position.substring(0, slash))) {
            throw invalidCursor(cursor);
        }
        return new ResourcePosition(position.substring(0, slash), resourceId(cursor, position.substring(slash + 1)));
    }

    /**
     * The resource id after which a page of one type's resources starts ({@code lookup/resources}), read from
     * {@code cursor} as {@link #cursor(Context, String, String)} wrote it from the id for this list and
     * {@code variant}: null without a cursor. The id must be one a resource can have — {@link ResourceType#idProblem},
     * and text a request can carry ({@link Text#problem}: no NUL, which PostgreSQL cannot hold, nor another control
     * character but those a body's text may hold) — else 400 {@code invalid_cursor}, as is an empty one (a body's
     * cursor is left out for the first page).
     */
    static String afterResourceId(Context ctx, String variant, String cursor) {
        return cursor == null ? null : resourceId(cursor, decodeCursorText(ctx, variant, cursor));
    }

    private static String resourceId(String cursor, String id) {
        if (ResourceType.idProblem(id) != null || Text.problem(id, true) != null) {
            throw invalidCursor(cursor);
        }
        return id;
    }

    private static InvalidInputException invalidCursor(String cursor) {
        return new InvalidInputException("invalid_cursor", "cursor is not one this API returned: \""
                + Fields.abbreviate(cursor) + "\"", Map.of("cursor", "invalid"));
    }

    /**
     * {@code answer}'s value; its 400 {@code unknown_resource_type} naming {@code field}, where this request carried
     * the type (a lookup's {@code type}, a query's {@code resource_type}): the engine names a body's
     * {@code resource.type}, the only place it can know of.
     */
    static <T> T typeIn(String field, Supplier<T> answer) {
        try {
            return answer.get();
        } catch (InvalidInputException e) {
            if (!"unknown_resource_type".equals(e.code())) {
                throw e;
            }
            String reason = e.fieldErrors().values().stream().findFirst().orElse("unknown resource type");
            throw new InvalidInputException(e.code(), e.detail(), Map.of(field, reason), e);
        }
    }

    /** A page of items; {@code lastId} positions the next page when the page was full. */
    static <T> void page(Context ctx, List<T> items, int limit, java.util.function.ToLongFunction<T> id,
                         java.util.function.Function<T, JsonNode> render) {
        page(ctx, "", items, limit, false, id, render);
    }

    /**
     * A page of items that may also have ended early ({@code cutShort}: more follow though it is not full), its cursor
     * written for the list's {@code variant} ({@link #cursor(Context, String, String)}).
     */
    static <T> void page(Context ctx, String variant, List<T> items, int limit, boolean cutShort,
                         java.util.function.ToLongFunction<T> id, java.util.function.Function<T, JsonNode> render) {
        ObjectNode body = Json.object();
        ArrayNode array = body.putArray("items");
        items.forEach(item -> array.add(render.apply(item)));
        boolean more = !items.isEmpty() && (items.size() == limit || cutShort);
        body.put("next_cursor", more ? cursor(ctx, variant, String.valueOf(id.applyAsLong(items.get(items.size() - 1))))
                : null);
        ok(ctx, body);
    }

    static void ok(Context ctx, JsonNode body) {
        ctx.status(200).contentType("application/json").result(Json.write(body));
    }

    /**
     * A single versioned object, with its ETag. A read ({@code GET}, {@code HEAD}) evaluates {@code If-Match} against
     * that version first, as RFC 9110 orders preconditions: 412 {@code version_mismatch} when it names another
     * ({@link #ifMatch}: compared strongly, {@code *} or a blank header holds). A read whose {@code If-None-Match}
     * names its version is then answered 304 Not Modified, with the ETag and no body ({@link #notModified}). The web
     * framework would also answer 304 after any handler, a write's included, when {@code If-None-Match} equals the
     * ETag as text: every write refuses that header before it runs ({@code http/Conditions}), and a read it names is
     * answered here.
     */
    static void object(Context ctx, int status, JsonNode body) {
        JsonNode version = body.get("version");
        if (version != null) {
            ctx.header("ETag", "\"" + version.asString() + "\"");
            if (status == 200 && (ctx.method() == HandlerType.GET || ctx.method() == HandlerType.HEAD)) {
                Integer expected = ifMatch(ctx);
                if (expected != null && expected != version.asInt()) {
                    throw new PreconditionFailedException("version_mismatch", "the object is at version "
                            + version.asString() + ", not " + expected + " (If-Match)");
                }
            }
            if (status == 200 && notModified(ctx, version.asString())) {
                ctx.status(304);
                return;
            }
        }
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }

    /** A write's response: the object and the revision it committed at. */
    static void written(Context ctx, int status, Written<?> written, JsonNode body) {
        ctx.header(REVISION_HEADER, String.valueOf(written.revision()));
        if (status == 204) {
            ctx.status(204);
            return;
        }
        object(ctx, status, body);
    }
}
