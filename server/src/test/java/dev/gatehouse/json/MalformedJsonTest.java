package dev.gatehouse.json;

import dev.gatehouse.error.InvalidInputException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Each failure the parser reports, described in plain words with its place and none of the parser's names. */
class MalformedJsonTest {

    static String detail(String body) {
        InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
                () -> Json.parse(body.getBytes(StandardCharsets.ISO_8859_1)));
        assertThat(e).as(body).isNotNull();
        assertThat(e.code()).isEqualTo("invalid_json");
        return e.detail();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '^', value = {
            "{                       | the text ends before an object is closed (line 1, column 2)",
            "[1, [                   | the text ends before an array is closed (line 1, column 6)",
            "{\"a                    | the text ends inside a property name (line 1, column 4)",
            "{\"a\": \"abc           | the text ends inside a string (line 1, column 11)",
            "[1,                     | the text ends before an array is closed (line 1, column 4)",
            "{\"a\": NaN}            | \"NaN\" is not a JSON value: numbers must be finite",
            "{\"a\": -Infinity}      | \"-Infinity\" is not a JSON value",
            "{\"a\": tru}            | unrecognized word \"tru\"; expected a string, number",
            "{\"a\": 1,}             | unexpected '}': expected a property name in double quotes (a trailing comma?) (line 1, column 9)",
            "[1, ]                   | unexpected ']': expected a value (a trailing comma?) (line 1, column 5)",
            "{'a': 1}                | unexpected \"'\": strings and property names take double quotes (line 1, column 2)",
            "{\"a\": 'x'}            | strings and property names take double quotes",
            "{a: 1}                  | unexpected 'a': expected a property name in double quotes",
            "{\"a\" 1}               | unexpected '1': expected ':' after the property name",
            "{\"a\": 1 \"b\": 2}     | unexpected '\"': expected ',' or '}'",
            "[1 2]                   | unexpected '2': expected ',' or ']'",
            "/* c */ {}              | unexpected '/': JSON has no comments",
            "{\"a\": +1}             | unexpected '+' in a number",
            "{\"a\": 01}             | an invalid number (a leading zero)",
            "{\"a\": 1]              | unexpected ']', which does not close the object open there",
            "]                       | unexpected ']' with nothing open to close",
            "{\"a\": 1, \"a\": 2}    | the property \"a\" appears more than once (line 1, column 13)",
            "{} {}                   | more follows the JSON value; the text must hold exactly one",
            "{\"a\": \"\\q\"}        | an invalid escape sequence in a string",
            "^\u00ff^                | the text is not valid UTF-8",
    })
    void describesWhatBrokeAndWhere(String body, String expected) {
        String detail = detail(body);
        assertThat(detail).startsWith("malformed JSON: ").contains(expected);
        assertPlain(detail);
    }

    /** The place's column counts characters, as a reader counts them; the parser's own counts bytes. */
    @Test
    void theColumn_countsCharacters_notBytes() {
        String body = "{\"name\": \"\u00fcber \u2603\", \n \"\u00e9\": 1,}";
        InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
                () -> Json.parse(body.getBytes(StandardCharsets.UTF_8)));
        assertThat(e.detail()).as("the '}' after a two-byte character").endsWith("(line 2, column 9)");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource({"500, nested deeper than 500 levels", "0, a number longer than 1000 characters"})
    void limits_nameTheLimit(int depth, String expected) {
        String body = depth > 0 ? "[".repeat(depth + 1) + "]".repeat(depth + 1) : "[" + "1".repeat(1001) + "]";
        String detail = detail(body);
        assertThat(detail).isEqualTo("malformed JSON: " + expected);
        assertPlain(detail);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\": \"x\u0001\"}", "{\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\": 1, "
            + "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\": 2}", "[xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx]"})
    void quotesAtMostAShortTokenOfTheBody(String body) {
        String detail = detail(body);
        assertThat(detail).doesNotContain("x".repeat(20)).doesNotContain("\u0001");
        assertPlain(detail);
    }

    static void assertPlain(String detail) {
        assertThat(detail).doesNotContain("`", "Feature", "Constraints", "Source:", "REDACTED", "jackson", "JsonToken",
                "VALUE_STRING", "#UNKNOWN", "code ");
    }
}
