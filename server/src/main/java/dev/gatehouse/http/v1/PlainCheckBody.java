package dev.gatehouse.http.v1;

import dev.gatehouse.decision.OrgDecisions.CheckRequest;
import dev.gatehouse.json.Text;
import dev.gatehouse.json.Utf8;
import dev.gatehouse.member.MemberRef;
import dev.gatehouse.model.ResourceType;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;

/**
 * The check route's fast path: reads the body almost every check carries — {@code user_id}, {@code permission}
 * and optionally {@code resource: {type, id}} with a string id, each once, nothing else — straight from the
 * token stream, without building a tree. Whatever else a body holds (another field, a duplicate, a null, a
 * numeric id, a string too long or with a character {@link Text#problem} refuses, malformed or trailing JSON,
 * bytes that are not UTF-8 though the parser would decode them: {@link Utf8}) makes {@link #read} answer null, and
 * the route reads the body the general way ({@link dev.gatehouse.json.Fields}), which accepts it or answers the
 * 400 it always did. So this class never decides that a body is wrong; it only recognises the plain ones, and
 * reads them exactly as the general way would.
 *
 * <p>The limits are those of {@code DecisionsResource.parseCheck}: {@code user_id} at most 200 characters,
 * {@code permission} 128, {@code resource.type} 64, {@code resource.id} as {@link ResourceType#idProblem} says.
 * Thread-safe (stateless).
 */
final class PlainCheckBody {

    /**
     * Jackson's default limits, as {@code Json.MAPPER}'s; buffers recycled per thread (the shared default pool's
     * hand-over cost more than reading a check body).
     */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .recyclerPool(JsonRecyclerPools.threadLocalPool())
            .build();
    private static final int USER_ID = 1;
    private static final int PERMISSION = 2;
    private static final int RESOURCE = 4;

    private PlainCheckBody() {
    }

    /** The check a plain body asks, or null when the body is anything else (see the class comment). */
    static CheckRequest read(byte[] body) {
        if (Utf8.firstMalformed(body) >= 0) {
            return null;
        }
        try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            int seen = 0;
            String userId = null;
            String permission = null;
            String type = null;
            String id = null;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                if (t != JsonToken.PROPERTY_NAME) {
                    return null;
                }
                String name = p.currentName();
                int field = switch (name) {
                    case "user_id" -> USER_ID;
                    case "permission" -> PERMISSION;
                    case "resource" -> RESOURCE;
                    default -> 0;
                };
                if (field == 0 || (seen & field) != 0) {
                    return null;
                }
                seen |= field;
                JsonToken value = p.nextToken();
                if (field == RESOURCE) {
                    if (value != JsonToken.START_OBJECT) {
                        return null;
                    }
                    String[] resource = resource(p);
                    if (resource == null) {
                        return null;
                    }
                    type = resource[0];
                    id = resource[1];
                } else {
                    String text = value == JsonToken.VALUE_STRING ? plain(p.getString(), field == USER_ID ? 200 : 128) : null;
                    if (text == null) {
                        return null;
                    }
                    if (field == USER_ID) {
                        userId = text;
                    } else {
                        permission = text;
                    }
                }
            }
            if ((seen & (USER_ID | PERMISSION)) != (USER_ID | PERMISSION) || p.nextToken() != null) {
                return null;
            }
            return new CheckRequest(MemberRef.userId(userId), permission, type, id, false);
        } catch (JacksonException e) {
            return null;
        }
    }

    /** {@code {"type": "...", "id": "..."}} with both strings, each once; null otherwise. */
    private static String[] resource(JsonParser p) {
        String type = null;
        String id = null;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            if (t != JsonToken.PROPERTY_NAME) {
                return null;
            }
            String name = p.currentName();
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                return null;
            }
            if (name.equals("type") && type == null) {
                type = plain(p.getString(), 64);
                if (type == null) {
                    return null;
                }
            } else if (name.equals("id") && id == null) {
                id = plain(p.getString(), Integer.MAX_VALUE);
                if (id == null || ResourceType.idProblem(id) != null) {
                    return null;
                }
            } else {
                return null;
            }
        }
        return type == null || id == null ? null : new String[] {type, id};
    }

    /** {@code s} when within {@code maxLength} characters and acceptable text in a body; null otherwise. */
    private static String plain(String s, int maxLength) {
        return s.length() <= maxLength && Text.problem(s, true) == null ? s : null;
    }
}
