package dev.gatehouse.json;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DigitsTest {

    @Test
    void parse_readsAsciiDigitsOnly() {
        assertThat(Digits.parse("0")).isZero();
        assertThat(Digits.parse("042")).isEqualTo(42);
        assertThat(Digits.parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(Digits.parse("0009223372036854775807")).as("longer than 19 digits").isEqualTo(-1);
        for (String refused : new String[] {null, "", "+1", "-1", " 1", "1 ", "1e3", "1.0", "0x1", "\uFF11", "\u0661",
                "1\u0662", "9223372036854775808", "99999999999999999999"}) {
            assertThat(Digits.parse(refused)).as(String.valueOf(refused)).isEqualTo(-1);
        }
    }

    @Test
    void id_isPositive_withoutALeadingZero() {
        assertThat(Digits.id("7")).isEqualTo(7);
        assertThat(Digits.id("0")).isEqualTo(-1);
        assertThat(Digits.id("07")).isEqualTo(-1);
        assertThat(Digits.id(null)).isEqualTo(-1);
    }

    @Test
    void ascii_tellsOtherScriptsApart() {
        assertThat(Digits.ascii("+12 ")).isTrue();
        assertThat(Digits.ascii("\uFF11")).isFalse();
        assertThat(Digits.ascii("\u0661")).isFalse();
    }
}
