package dev.gatehouse.testing;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bodies that are not JSON, each with words its 400 must use, and the check that the detail speaks of the body
 * and not of the JSON library: no Java feature, constraint or class names, no redacted-source placeholder.
 * Every dialect reads bodies through the same parser, so each sends these to one of its body routes.
 */
public final class MalformedBodies {

    /** Body, and what the detail must contain; in this order. */
    public static final List<Map.Entry<String, List<String>>> EXPECTED = List.of(
            Map.entry("{", List.of("ends before an object is closed", "line 1, column 2")),
            Map.entry("{\"name\": NaN}", List.of("\"NaN\"", "finite", "line 1, column 13")),
            Map.entry("[".repeat(501) + "]".repeat(501), List.of("nested deeper than 500 levels")),
            Map.entry("{\"name\": \"Trailing\",}", List.of("unexpected '}'", "trailing comma", "line 1, column 21")),
            Map.entry("{'name': 'single quotes'}", List.of("double quotes", "line 1, column 2")),
            Map.entry("{\"name\": \"a\", \"name\": \"b\"}", List.of("\"name\" appears more than once")),
            Map.entry("{} {}", List.of("more follows the JSON value")),
            Map.entry("{\"name\": tru}", List.of("\"tru\"", "line 1, column 10")));

    /** What a detail must not hold: the names of the library's Java API and of its redacted source. */
    static final List<String> LIBRARY_WORDS = List.of("`", "Feature", "Constraints", "Source:", "REDACTED", "jackson",
            "JsonToken", "JsonNode", "#UNKNOWN");

    private MalformedBodies() {
    }

    /** Sends every body with {@code send} and checks the detail {@code detail} reads from each answer. */
    public static void assertDescribedPlainly(Function<String, Http.Res> send, Function<Http.Res, String> detail) {
        for (Map.Entry<String, List<String>> bad : EXPECTED) {
            String body = bad.getKey();
            String shown = body.length() > 40 ? body.substring(0, 37) + "..." : body;
            Http.Res res = send.apply(body);
            assertThat(res.status()).as("%s: %s", shown, res).isEqualTo(400);
            String text = detail.apply(res);
            assertThat(text).as(shown).startsWith("malformed JSON: ").doesNotContain(LIBRARY_WORDS);
            assertThat(text).as(shown).contains(bad.getValue());
        }
    }
}
