package dev.gatehouse.json;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The limits of {@link EmailAddress} at their edges, counted in UTF-8 bytes, and the shape it always required. */
class EmailAddressTest {

    @Test
    void theLocalPart_mayHave64BytesAndNoMore() {
        assertThat(EmailAddress.problem("a".repeat(64) + "@acme.test")).isNull();
        assertThat(EmailAddress.problem("a".repeat(65) + "@acme.test"))
                .isEqualTo("must have at most 64 bytes before the @, got 65");
        // 32 two-byte letters are 64 bytes; a 33rd is 66, though only 33 characters
        assertThat(EmailAddress.problem("\u00e9".repeat(32) + "@acme.test")).isNull();
        assertThat(EmailAddress.problem("\u00e9".repeat(33) + "@acme.test")).endsWith("got 66");
        // a character outside the Basic Multilingual Plane is 4 bytes, counted once
        assertThat(EmailAddress.problem("\uD83D\uDE00".repeat(16) + "@acme.test")).isNull();
        assertThat(EmailAddress.problem("\uD83D\uDE00".repeat(16) + "a@acme.test")).endsWith("got 65");
    }

    @Test
    void theWholeAddress_mayHave254BytesAndNoMore() {
        String domain = "d".repeat(184) + ".test";
        assertThat(EmailAddress.problem("a".repeat(64) + "@" + domain)).isNull();
        assertThat(EmailAddress.problem("a".repeat(64) + "@d" + domain))
                .isEqualTo("must be at most 254 bytes long, got 255");
        assertThat(EmailAddress.problem("a@" + "\u00e9".repeat(126))).isNull();
        assertThat(EmailAddress.problem("a@" + "\u00e9".repeat(127))).endsWith("got 256");
    }

    @Test
    void theShape_isOneAtWithTextOnBothSides_andNoWhitespace() {
        assertThat(EmailAddress.problem("ada@acme")).isNull();
        for (String bad : new String[] {"ada", "@acme.test", "ada@", "a@b@c", "a da@acme.test", "ada@acme\ttest"}) {
            assertThat(EmailAddress.problem(bad)).as(bad).startsWith("must be an email address, got \"");
        }
        assertThat(EmailAddress.problem("x".repeat(300))).endsWith("...\"");
    }
}
