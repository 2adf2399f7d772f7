package dev.gatehouse.json;

import dev.gatehouse.error.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

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
                    assertThat(e.fieldErrors()).containsOnlyKeys("x" + "[0]".repeat(Text.MAX_DEPTH - 1));
                });
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
