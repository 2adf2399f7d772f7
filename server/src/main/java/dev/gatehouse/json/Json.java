package dev.gatehouse.json;

import dev.gatehouse.error.InvalidInputException;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ContainerNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one configured JSON mapper: duplicate keys rejected, big numbers kept exact and written out in full
 * ({@link StoredNumbers}: {@code 1e-7} as {@code 0.0000001}, as PostgreSQL writes it back, so a number reads the same
 * in the answer to a write and in every later read), output without indentation. Thread-safe.
 */
public final class Json {

    public static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            // a decimal's own toString() writes 1E-7 and 1E+3; StoredNumbers bounds how long the plain form can be
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    /**
     * Reads a body in one pass ({@link #validTree}), which tells a repeated name by the node it replaces, so that its
     * parser need not keep every object's names a second time.
     */
    private static final ObjectReader ONE_PASS = MAPPER.reader().without(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

    private Json() {
    }

    /**
     * Parses a request body; bytes that are not UTF-8 ({@link Utf8}) and malformed JSON become a 400 saying in plain
     * words what broke and where ({@link MalformedJson}), a string no field may hold ({@link Text#problem}) or a number
     * that would not read back once stored ({@link StoredNumbers}) a 400 naming the field.
     *
     * <p>A body of an object or an array that holds no such problem — every body a client sends in earnest, and every
     * line of an import — is read and checked in one pass ({@link #validTree}). Anything else is read again by the
     * mapper and walked by {@link Text#check} ({@link #parseAndCheck}), which alone decides what is wrong; the one
     * pass only ever gives a tree that reading would have given.
     */
    public static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw new InvalidInputException("invalid_json", "request body is empty; a JSON object was expected");
        }
        requireUtf8(body);
        JsonNode tree = validTree(body);
        return tree != null ? tree : readAndCheck(body);
    }

    /**
     * The mapper's tree of {@code body}, then {@link Text#check}ed: what {@link #parse} answers, in two passes (public
     * for the benchmark that compares them).
     */
    public static JsonNode parseAndCheck(byte[] body) {
        requireUtf8(body);
        return readAndCheck(body);
    }

    /**
     * A 400 {@code invalid_json} unless {@code body} is UTF-8: the parser refuses a byte that begins no character, but
     * reads an overlong form inside a string as the character it spells ({@link Utf8}).
     */
    private static void requireUtf8(byte[] body) {
        int at = Utf8.firstMalformed(body);
        if (at >= 0) {
            throw new InvalidInputException("invalid_json", "malformed JSON: " + MalformedJson.notUtf8(body, at));
        }
    }

    private static JsonNode readAndCheck(byte[] body) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw new InvalidInputException("invalid_json", "malformed JSON: " + MalformedJson.describe(e, body), Map.of(),
                    e);
        } catch (NumberFormatException e) {
            throw StoredNumbers.exponentOutOfRange(body, ONE_PASS);
        }
        Text.check(tree);
        return tree;
    }

    /**
     * The tree of {@code body} when it is one object or array, with nothing after it and no name twice in an object,
     * that {@link Text#check} passes and whose numbers are all integers (as the mapper reads them); else null. The
     * nodes are made by the mapper's own factory as its reader makes them; a fractional number is left to the
     * mapper, which reads it by its configuration (an integer as written is never too long to store:
     * {@link StoredNumbers}). {@code body} is UTF-8 ({@link Utf8}).
     */
    static JsonNode validTree(byte[] body) {
        JsonNodeFactory nodes = MAPPER.getNodeFactory();
        try (JsonParser p = ONE_PASS.createParser(body)) {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY) {
                return null;
            }
            ContainerNode<?>[] open = new ContainerNode<?>[Text.MAX_DEPTH];
            int depth = 0;
            open[0] = t == JsonToken.START_OBJECT ? nodes.objectNode() : nodes.arrayNode();
            String name = null;
            while ((t = p.nextToken()) != null) {
                JsonNode value;
                switch (t) {
                    case PROPERTY_NAME -> {
                        name = p.currentName();
                        if (Text.problem(name, false) != null) {
                            return null;
                        }
                        continue;
                    }
                    case END_OBJECT, END_ARRAY -> {
                        if (depth == 0) {
                            return p.nextToken() == null ? open[0] : null;
                        }
                        depth--;
                        continue;
                    }
                    case START_OBJECT, START_ARRAY -> {
                        if (depth + 1 >= Text.MAX_DEPTH) {
                            return null;
                        }
                        ContainerNode<?> inner = t == JsonToken.START_OBJECT ? nodes.objectNode() : nodes.arrayNode();
                        if (!add(open[depth], name, inner)) {
                            return null;
                        }
                        open[++depth] = inner;
                        continue;
                    }
                    case VALUE_STRING -> {
                        String s = p.getString();
                        if (Text.problem(s, true) != null) {
                            return null;
                        }
                        value = nodes.stringNode(s);
                    }
                    case VALUE_NUMBER_INT -> value = switch (p.getNumberType()) {
                        case INT -> nodes.numberNode(p.getIntValue());
                        case LONG -> nodes.numberNode(p.getLongValue());
                        default -> nodes.numberNode(p.getBigIntegerValue());
                    };
                    case VALUE_TRUE -> value = nodes.booleanNode(true);
                    case VALUE_FALSE -> value = nodes.booleanNode(false);
                    case VALUE_NULL -> value = nodes.nullNode();
                    default -> {
                        return null;
                    }
                }
                if (!add(open[depth], name, value)) {
                    return null;
                }
            }
            return null;
        } catch (JacksonException e) {
            return null;
        }
    }

    /** Adds {@code value} to an array, or to an object under {@code name}; false when the object held that name. */
    private static boolean add(ContainerNode<?> to, String name, JsonNode value) {
        if (to instanceof ObjectNode o) {
            return o.replace(name, value) == null;
        }
        ((ArrayNode) to).add(value);
        return true;
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static byte[] write(Object value) {
        return MAPPER.writeValueAsBytes(value);
    }

    public static String writeString(Object value) {
        return MAPPER.writeValueAsString(value);
    }

    public static JsonNode readTree(String text) {
        return MAPPER.readTree(text);
    }
}
