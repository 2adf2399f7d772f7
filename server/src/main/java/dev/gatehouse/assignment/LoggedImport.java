package dev.gatehouse.assignment;

import dev.gatehouse.json.InstantText;
import dev.gatehouse.json.Json;
import dev.gatehouse.json.MalformedJson;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.node.ObjectNode;

/**
 * How the change log stores the assignments one run of a bulk import gave, in one record (object type
 * {@code bulk_import}, action {@code imported}) instead of one record per assignment. A storage format like
 * {@link LoggedAssignment}'s: existing rows hold it; change it only compatibly.
 *
 * <p>The record's {@code after} is the summary:
 * <pre>{@code {"object_type": "assignment", "lines": {"first": 101, "last": 5100}, "objects": 5000,
 *  "created": 4990, "updated": 10}}</pre>
 * and its {@code objects} column the assignments, in the order they were given, as one JSON array with one array
 * per assignment:
 * <pre>{@code [type, resource_id, member_id, role_id]                          created, no end
 * [type, resource_id, member_id, role_id, expires_at]                              created, ending then
 * [type, resource_id, member_id, role_id, expires_at, before_role_id, before_expires_at, created_at,
 *  before_updated_at]                                                               updated (role or end changed)}</pre>
 * Times are ISO-8601 instants, {@code expires_at} null where there is no end. Everything else an assignment's
 * snapshot holds is the record's: its organization, and its time as the new {@code updated_at} (and the
 * {@code created_at} of one created). The engine's decoder reads the first four elements; {@link #events}
 * rebuilds each assignment's {@link LoggedAssignment} snapshots before and after, as a record of its own would
 * hold them.
 *
 * <p>Stateless; {@link Writer} is not thread-safe.
 */
public final class LoggedImport {

    /** Fields of the summary. */
    public static final String OBJECT_TYPE = "object_type";
    public static final String LINES = "lines";
    public static final String OBJECTS = "objects";

    private LoggedImport() {
    }

    /** One assignment of the list; {@code before} null for one created. */
    public record Entry(String type, String resourceId, long memberId, long roleId, String expiresAt, Before before) {
    }

    /** What an updated assignment was: its role, its end, its creation and its last update. */
    public record Before(long roleId, String expiresAt, String createdAt, String updatedAt) {
    }

    /** The list being written, one assignment after another; then {@link #objects} and {@link #summary}. */
    public static final class Writer {

        // UTF-8 bytes, as the other JSON the import writes: one generator for the JIT to compile, not two
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final JsonGenerator json = Json.MAPPER.createGenerator(out);
        private int created;
        private int updated;

        public Writer() {
            json.writeStartArray();
        }

        /** Adds an assignment that changed from {@code before} (null: created) to {@code after}. */
        public void add(Assignment before, Assignment after) {
            json.writeStartArray();
            json.writeString(after.resourceType());
            json.writeString(after.resourceId());
            json.writeNumber(after.memberId());
            json.writeNumber(after.roleId());
            if (before != null) {
                writeInstant(after.expiresAt());
                json.writeNumber(before.roleId());
                writeInstant(before.expiresAt());
                json.writeString(InstantText.of(before.createdAt()));
                json.writeString(InstantText.of(before.updatedAt()));
                updated++;
            } else {
                if (after.expiresAt() != null) {
                    json.writeString(InstantText.of(after.expiresAt()));
                }
                created++;
            }
            json.writeEndArray();
        }

        private void writeInstant(Instant at) {
            if (at == null) {
                json.writeNull();
            } else {
                json.writeString(InstantText.of(at));
            }
        }

        public int size() {
            return created + updated;
        }

        /** The list as stored; ends the writer. */
        public String objects() {
            json.writeEndArray();
            json.close();
            return out.toString(StandardCharsets.UTF_8);
        }

        /** The record's summary for the lines {@code firstLine} to {@code lastLine}. */
        public ObjectNode summary(long firstLine, long lastLine) {
            ObjectNode n = Json.object();
            n.put(OBJECT_TYPE, "assignment");
            n.putObject(LINES).put("first", firstLine).put("last", lastLine);
            n.put(OBJECTS, created + updated);
            n.put("created", created);
            n.put("updated", updated);
            return n;
        }
    }

    /**
     * Reads a stored list, handing each assignment to {@code each} in order; an {@link IllegalArgumentException}
     * saying what is wrong when the text is not such a list.
     */
    public static void read(String objects, Consumer<Entry> each) {
        // from UTF-8 bytes, as the import's lines are read: one parser for the JIT to compile, not two
        try (JsonParser p = Json.MAPPER.createParser(objects.getBytes(StandardCharsets.UTF_8))) {
            expect(p.nextToken() == JsonToken.START_ARRAY, "is not a JSON array");
            int index = 0;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                expect(t == JsonToken.START_ARRAY, "[" + index + "] is not an array");
                String type = text(p, index, "type");
                String resourceId = text(p, index, "resource_id");
                long memberId = number(p, index, "member_id");
                long roleId = number(p, index, "role_id");
                JsonToken next = p.nextToken();
                String expiresAt = null;
                Before before = null;
                if (next != JsonToken.END_ARRAY) {
                    expiresAt = textOrNull(p, next, index, "expires_at");
                    next = p.nextToken();
                    if (next != JsonToken.END_ARRAY) {
                        expect(next == JsonToken.VALUE_NUMBER_INT, "[" + index + "] before_role_id is not an integer");
                        long beforeRole = p.getLongValue();
                        String beforeExpires = textOrNull(p, p.nextToken(), index, "before_expires_at");
                        before = new Before(beforeRole, beforeExpires, text(p, index, "created_at"),
                                text(p, index, "before_updated_at"));
                        expect(p.nextToken() == JsonToken.END_ARRAY, "[" + index + "] has more than 9 elements");
                    }
                }
                each.accept(new Entry(type, resourceId, memberId, roleId, expiresAt, before));
                index++;
            }
            expect(p.nextToken() == null, "has text after its end");
        } catch (JacksonException e) {
            throw new IllegalArgumentException("is not JSON: " + MalformedJson.describe(e), e);
        }
    }

    /**
     * The stored list as the per-assignment changes it stands for (see the class comment), in order: those at
     * positions {@code after + 1} on (the first is at 1), at most {@code limit}, each with its {@code position}.
     */
    public static List<ObjectNode> events(long orgId, Instant at, String objects, long after, int limit) {
        List<ObjectNode> out = new ArrayList<>();
        long[] position = {0};
        read(objects, e -> {
            long p = ++position[0];
            if (p > after && out.size() < limit) {
                out.add(event(orgId, at, p, e));
            }
        });
        return out;
    }

    private static ObjectNode event(long orgId, Instant at, long position, Entry e) {
        try {
            Assignment before = e.before() == null ? null : new Assignment(orgId, e.type(), e.resourceId(),
                    e.memberId(), e.before().roleId(), Instant.parse(e.before().createdAt()),
                    Instant.parse(e.before().updatedAt()), instant(e.before().expiresAt()));
            Assignment after = new Assignment(orgId, e.type(), e.resourceId(), e.memberId(), e.roleId(),
                    before == null ? at : before.createdAt(), at, instant(e.expiresAt()));
            ObjectNode n = Json.object();
            n.put("position", position);
            n.put("object_type", "assignment");
            n.put("object_id", after.objectId());
            n.put("action", before == null ? "created" : "updated");
            n.set("before", before == null ? n.nullNode() : LoggedAssignment.of(before));
            n.set("after", LoggedAssignment.of(after));
            return n;
        } catch (DateTimeParseException ex) {
            throw new IllegalArgumentException("[" + (position - 1) + "] holds a time that is not an instant", ex);
        }
    }

    private static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }

    private static String text(JsonParser p, int index, String name) {
        expect(p.nextToken() == JsonToken.VALUE_STRING, "[" + index + "] " + name + " is not a string");
        return p.getString();
    }

    private static String textOrNull(JsonParser p, JsonToken t, int index, String name) {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(t == JsonToken.VALUE_STRING, "[" + index + "] " + name + " is not a string");
        return p.getString();
    }

    private static long number(JsonParser p, int index, String name) {
        expect(p.nextToken() == JsonToken.VALUE_NUMBER_INT, "[" + index + "] " + name + " is not an integer");
        return p.getLongValue();
    }

    private static void expect(boolean ok, String problem) {
        if (!ok) {
            throw new IllegalArgumentException(problem);
        }
    }
}
