package dev.gatehouse.json;

import dev.gatehouse.error.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Json#parse} reads a valid body in one pass; what it answers must be what the mapper's tree and
 * {@link Text#check} answer ({@link Json#parseAndCheck}), for every body: the same tree, node for node and class for
 * class, or the same refusal.
 */
class JsonParseTest {

    @Test
    void bodiesOfEveryKind_areAnsweredAsTheMapperAndTheCheckAnswerThem() {
        List<String> bodies = List.of(
                "{}", "[]", " {\"a\":1} ", "{\"a\":1}\n", "[1,2,[3,[4]],{\"b\":null}]",
                "{\"name\":\"x\",\"n\":2147483647,\"m\":2147483648,\"big\":123456789012345678901234567890,\"neg\":-9223372036854775808}",
                "{\"t\":true,\"f\":false,\"z\":null,\"e\":\"\",\"u\":\"émoji 😀 漢字\"}",
                "{\"f\":1.5}", "{\"f\":1e400}", "{\"f\":-0.0}", "[0.10]", "{\"f\":1E+2}",
                "{\"a\":1,\"a\":2}", "{\"a\":{\"b\":1,\"b\":1}}",
                "{\"a\":1} {\"b\":2}", "{\"a\":1} x", "[1] ]", "{\"a\":1}}",
                "{\"a\":", "{\"a\" 1}", "{'a':1}", "[1,]", "{\"a\":01}", "{\"a\":tru}",
                "", " ", "\n", "null", "1", "\"text\"", "true", "-5",
                "{\"a\":\"\\u0000\"}", "{\"a\\u0001\":1}", "{\"a\":\"\\ud800\"}", "{\"a\":[\"ok\",\"\\udc00x\"]}",
                "{\"a\":\"tab\\tline\\nbreak\\r\"}", "{\"a\\n\":1}", "{\"a\":\"\\u007f\"}", "{\"a\":\"\\u0085\"}",
                "{\"a\":\"x\\u0002\",\"b\":1.5}", "{\"a\":1.5,\"b\":\"x\\u0002\"}", "{\"a\":\"x\\u0002\",\"b\":tru}",
                "{\"a\":\"\u0001raw\"}",
                "{\"a\":" + "[".repeat(Text.MAX_DEPTH - 1) + "]".repeat(Text.MAX_DEPTH - 1) + "}",
                "{\"a\":" + "[".repeat(Text.MAX_DEPTH) + "]".repeat(Text.MAX_DEPTH) + "}",
                "[".repeat(Text.MAX_DEPTH) + "]".repeat(Text.MAX_DEPTH),
                "[".repeat(Text.MAX_DEPTH + 1) + "]".repeat(Text.MAX_DEPTH + 1),
                "[".repeat(2_000) + "]".repeat(2_000));
        for (String body : bodies) {
            assertSameAnswer(body.getBytes(StandardCharsets.UTF_8));
        }
        assertSameAnswer(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xc3, '"', '}'}); // not UTF-8
    }

    @Test
    void randomBodies_areAnsweredAsTheMapperAndTheCheckAnswerThem_validOnesInOnePass() {
        Random random = new Random(20261204);
        int onePass = 0;
        for (int i = 0; i < 5_000; i++) {
            StringBuilder body = new StringBuilder();
            value(random, body, 0);
            if (random.nextInt(20) == 0) {
                body.setLength(random.nextInt(body.length() + 1)); // cut off
            }
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            assertSameAnswer(bytes);
            if (Json.validTree(bytes) != null) {
                onePass++;
            }
        }
        assertThat(onePass).as("bodies read in one pass").isGreaterThan(1_000);
    }

    @Test
    void aValidBody_isReadInOnePass_andOneWithAnythingToRefuseOrAFraction_isNot() {
        assertThat(Json.validTree("{\"type\":\"member\",\"user_id\":\"u1\",\"n\":[1,2,{\"x\":null}]}"
                .getBytes(StandardCharsets.UTF_8))).isNotNull();
        for (String body : List.of("{\"a\":\"\\u0000\"}", "{\"a\\u0001\":1}", "{\"a\":1.5}", "{\"a\":1} 2", "{\"a\":1,\"a\":2}",
                "\"text\"", "{\"a\":" + "[".repeat(Text.MAX_DEPTH) + "]".repeat(Text.MAX_DEPTH) + "}")) {
            assertThat(Json.validTree(body.getBytes(StandardCharsets.UTF_8))).as(body).isNull();
        }
    }

    private static void assertSameAnswer(byte[] body) {
        String shown = new String(body, StandardCharsets.UTF_8);
        Object expected = answer(() -> Json.parseAndCheck(body));
        Object actual = answer(() -> Json.parse(body));
        if (body.length == 0) {
            assertThat(actual).as(shown).isInstanceOf(InvalidInputException.class);
            return;
        }
        if (expected instanceof JsonNode e) {
            assertThat(actual).as(shown).isInstanceOf(JsonNode.class);
            assertSameTree((JsonNode) actual, e, shown);
        } else {
            assertThat(actual).as(shown).isInstanceOf(InvalidInputException.class);
            InvalidInputException a = (InvalidInputException) actual;
            InvalidInputException x = (InvalidInputException) expected;
            assertThat(a.code()).as(shown).isEqualTo(x.code());
            assertThat(a.detail()).as(shown).isEqualTo(x.detail());
            assertThat(a.fieldErrors()).as(shown).isEqualTo(x.fieldErrors());
        }
    }

    private static void assertSameTree(JsonNode actual, JsonNode expected, String body) {
        assertThat(actual.getClass()).as(body).isEqualTo(expected.getClass());
        assertThat(actual).as(body).isEqualTo(expected);
        if (expected.isObject()) {
            assertThat(actual.propertyNames()).as(body).containsExactlyElementsOf(expected.propertyNames());
            for (Map.Entry<String, JsonNode> field : expected.properties()) {
                assertSameTree(actual.get(field.getKey()), field.getValue(), body);
            }
        } else if (expected.isArray()) {
            Iterator<JsonNode> a = actual.values().iterator();
            for (JsonNode e : expected.values()) {
                assertSameTree(a.next(), e, body);
            }
        }
    }

    private static Object answer(java.util.function.Supplier<JsonNode> parse) {
        try {
            return parse.get();
        } catch (InvalidInputException e) {
            return e;
        }
    }

    private static final List<String> NUMBERS = List.of("0", "-1", "7", "2147483647", "2147483648", "-2147483649",
            "9223372036854775807", "9223372036854775808", "-9223372036854775809", "123456789012345678901234567890",
            "1.5", "-0.0", "1e3", "2E-2", "0.1000", "1e400");
    private static final List<String> STRINGS = List.of("", "plain", "émoji 😀", "漢字", "\\u0000", "\\u001f", "a\\tb",
            "a\\nb", "\\r", "\\u007f", "\\u0085", "\\ud800", "\\udc00", "\\ud83d\\ude00", "\\\"quoted\\\"", "back\\\\slash",
            "\\/", "\\u00e9");

    private static void value(Random random, StringBuilder out, int depth) {
        int kind = random.nextInt(depth > 70 ? 4 : 9);
        switch (kind) {
            case 0 -> out.append(NUMBERS.get(random.nextInt(NUMBERS.size())));
            case 1 -> string(random, out);
            case 2 -> out.append(List.of("true", "false", "null").get(random.nextInt(3)));
            case 3 -> out.append(random.nextInt(30) == 0 ? "tru" : "1");
            case 4, 5, 6 -> {
                out.append('{');
                int n = random.nextInt(4);
                List<String> names = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    out.append(i > 0 ? "," : "");
                    String name = random.nextInt(40) == 0 && !names.isEmpty() ? names.get(0) : name(random);
                    names.add(name);
                    out.append('"').append(name).append("\":");
                    value(random, out, depth + 1);
                }
                out.append('}');
            }
            default -> {
                out.append('[');
                int n = random.nextInt(depth > 50 ? 2 : 4);
                for (int i = 0; i < n; i++) {
                    out.append(i > 0 ? "," : "");
                    value(random, out, depth + 1);
                }
                out.append(random.nextInt(100) == 0 ? ",]" : "]");
            }
        }
    }

    private static String name(Random random) {
        return random.nextInt(30) == 0 ? STRINGS.get(random.nextInt(STRINGS.size())) : "f" + random.nextInt(6);
    }

    private static void string(Random random, StringBuilder out) {
        out.append('"');
        for (int i = random.nextInt(3); i >= 0; i--) {
            out.append(random.nextInt(4) == 0 ? STRINGS.get(random.nextInt(STRINGS.size())) : "text");
        }
        out.append('"');
    }
}
