package dev.gatehouse.json;

import dev.gatehouse.error.InvalidInputException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one configured JSON mapper: duplicate keys rejected, big numbers kept exact, output without
 * indentation. Thread-safe.
 */
public final class Json {

    public static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    private Json() {
    }

    /**
     * Parses a request body; malformed JSON becomes a 400 saying in plain words what broke and where
     * ({@link MalformedJson}), a string no field may hold
     * ({@link Text#problem}) a 400 naming the field.
     */
    public static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw new InvalidInputException("invalid_json", "request body is empty; a JSON object was expected");
        }
        JsonNode tree;
        try {
            tree = MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw new InvalidInputException("invalid_json", "malformed JSON: " + MalformedJson.describe(e));
        }
        Text.check(tree);
        return tree;
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
