package dev.gatehouse.json;

import dev.gatehouse.error.InvalidInputException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextTest {

    @Test
    void controlCharactersAndUnpairedSurrogates_areRefused_tabsAndLineBreaksOnlyInFreeText() {
        assertThat(Text.problem("plain text, émoji 😀, CJK 漢字", false)).isNull();
        assertThat(Text.problem("a\u0000b", true)).contains("U+0000").contains("position 1");
        assertThat(Text.problem("\u001f", true)).contains("U+001F");
        assertThat(Text.problem("\u007f", true)).contains("U+007F");
        assertThat(Text.problem("\u0085", true)).contains("U+0085");
        assertThat(Text.problem("x\ud800", true)).contains("unpaired surrogate").contains("U+D800");
        assertThat(Text.problem("\udc00x", true)).contains("unpaired surrogate");
        assertThat(Text.problem("\udc00\ud800", true)).contains("unpaired surrogate");
        assertThat(Text.problem("line\nbreak\tand\r", true)).isNull();
        assertThat(Text.problem("line\nbreak", false)).contains("U+000A");
    }

    @Test
    void parse_namesTheFieldHoldingARefusedString_atAnyDepth() {
        assertThatThrownBy(() -> Json.parse("{\"name\": \"a\\u0000\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_text");
                    assertThat(e.fieldErrors()).containsKey("name");
                });
        assertThatThrownBy(() -> Json.parse("{\"admin\": {\"emails\": [\"ok\", \"\\ud800\"]}}"
                .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.fieldErrors()).containsKey("admin.emails[1]"));
        assertThatThrownBy(() -> Json.parse("{\"a\\u0001\": 1}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.detail()).contains("field name").doesNotContain("\u0001"));
        assertThat(Json.parse("{\"text\": \"two\\nlines\\twith a tab\"}".getBytes(StandardCharsets.UTF_8))
                .get("text").stringValue()).isEqualTo("two\nlines\twith a tab");
    }

    @Test
    void parse_namesTheFirstRefusedString_inTheBodysOrder() {
        assertThatThrownBy(() -> Json.parse("{\"a\": [{\"b\": \"ok\"}, {\"c\": \"x\\u0002\"}], \"d\": \"\\u0003\"}"
                .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.fieldErrors()).containsOnlyKeys("a[1].c"));
    }

    @Test
    void parse_refusesABodyNestedDeeperThanTheLimit_namingWhere() {
        String deepest = "{\"a\":".repeat(Text.MAX_DEPTH) + "1" + "}".repeat(Text.MAX_DEPTH);
        assertThat(Json.parse(deepest.getBytes(StandardCharsets.UTF_8)).at("/a/a/a").isObject()).isTrue();
        String deeper = "{\"x\": [" + "[".repeat(Text.MAX_DEPTH) + "]".repeat(Text.MAX_DEPTH) + "]}";
        assertThatThrownBy(() -> Json.parse(deeper.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_text");
                    assertThat(e.detail()).contains("nests deeper than " + Text.MAX_DEPTH + " levels");
                    // named as every field an error names: abbreviated to 64 characters
                    assertThat(e.fieldErrors()).containsOnlyKeys(Fields.abbreviate("x" + "[0]".repeat(Text.MAX_DEPTH
                            - 1)));
                    assertThat(e.fieldErrors().keySet().iterator().next()).hasSize(64);
                });
    }

    /**
     * A number is stored written out in full (PostgreSQL's jsonb) and must read back: at most 1000 digits so written.
     * Each stored form here is read back by the mapper, as every read of a stored value does.
     */
    @Test
    void parse_refusesANumberOfMoreThan1000DigitsWrittenOut_namingWhere() {
        for (String kept : List.of("1e999", "-1e999", "1.5e999", "1e-999", "-1.5e-998", "0e99999", "0.5", "1.50",
                "1" + "0".repeat(999), "-0")) {
            JsonNode number = Json.parse(("[" + kept + "]").getBytes(StandardCharsets.UTF_8)).get(0);
            String stored = number.isBigDecimal() ? number.decimalValue().toPlainString() : number.toString();
            assertThat(Json.readTree("[" + stored + "]").get(0).asString()).as(kept).isNotNull();
        }
        assertThat(StoredNumbers.digitsWrittenOut(new BigDecimal("0.001"))).isEqualTo(4);
        assertThat(StoredNumbers.digitsWrittenOut(new BigDecimal("1.5e3"))).isEqualTo(4);
        assertThat(StoredNumbers.digitsWrittenOut(new BigDecimal("0e5"))).isEqualTo(1);
        assertThat(StoredNumbers.digitsWrittenOut(new BigDecimal("0.000"))).isEqualTo(4);
        assertThat(StoredNumbers.digitsWrittenOut(new BigDecimal("-12.50"))).isEqualTo(4);
        for (String refused : List.of("1e1000", "-1e1000", "1.5e1000", "1e-1000", "1e2147483647", "1e99999999999",
                "-1e-99999999999", "0e99999999999")) {
            assertThatThrownBy(() -> Json.parse(("{\"a\": {\"b\": [true, " + refused + "]}}")
                    .getBytes(StandardCharsets.UTF_8)))
                    .as(refused)
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                        assertThat(e.code()).isEqualTo("invalid_input");
                        assertThat(e.fieldErrors()).containsOnlyKeys("a.b[1]");
                        assertThat(e.detail()).startsWith("a.b[1]: the number ").contains("at most 1000 digits");
                    });
        }
    }

    @Test
    void times_areRepresentableWithinYears1To9999() {
        assertThat(Text.representable(Instant.parse("0001-01-01T00:00:00Z"))).isTrue();
        assertThat(Text.representable(Instant.parse("9999-12-31T23:59:59.999999999Z"))).isTrue();
        assertThat(Text.representable(Instant.parse("+10000-01-01T00:00:00Z"))).isFalse();
        assertThat(Text.representable(Instant.parse("0000-12-31T23:59:59.999999999Z"))).isFalse();
        assertThat(Text.representable(Instant.parse("-0001-01-01T00:00:00Z"))).isFalse();
        assertThat(Text.representable(Instant.MAX)).isFalse();
        assertThat(Text.representable(Instant.MIN)).isFalse();
    }
}
