package dev.gatehouse.json;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Invisible} inside a value: an invisible character anywhere makes a second user id or email that looks exactly
 * like one already there, unless it is one a person writes — an emoji's variation selector, joiner or tags, a joiner
 * between letters of a script that joins — and what Unicode calls invisible is its 15.1 tables, whatever the JDK.
 */
class InvisibleTest {

    /** The string of {@code codePoints}. */
    private static String of(int... codePoints) {
        return new String(codePoints, 0, codePoints.length);
    }

    private static final String PERSIAN = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645";
    private static final String FAMILY = of(0x1F468, 0x200D, 0x1F469, 0x200D, 0x1F467);
    private static final String RAINBOW_FLAG = of(0x1F3F3, 0xFE0F, 0x200D, 0x1F308);
    private static final String SCOTLAND = of(0x1F3F4, 0xE0067, 0xE0062, 0xE0073, 0xE0063, 0xE0074, 0xE007F);
    private static final String ENGLAND = of(0x1F3F4, 0xE0067, 0xE0062, 0xE0065, 0xE006E, 0xE0067, 0xE007F);

    @Test
    void lookalikesOfAMember_withAnInvisibleCharacterInside_areRefused_namingItAndWhereItIs() {
        for (String inside : List.of("\u200b", "\u2060", "\u034f", "\ufe00", of(0xE0041), "\u2800", "\u3164",
                "\u00a0", "\u2007", "\u3000", "\t", "\u200c", "\u200d", "\ufe0f", "\u00ad", "\u061c", "\ufffc",
                of(0xE0100))) {
            String shown = Invisible.name(inside.codePointAt(0));
            String userId = "ad" + inside + "min1";
            assertThat(Fields.identifierProblem(userId)).as(shown).isEqualTo("must not hold an invisible character or "
                    + "whitespace other than a space, got \"" + Fields.abbreviate(userId) + "\" (" + shown
                    + " inside, at position 2)");
        }
        for (String email : List.of("b\u200bob@acme.test", "bo\ufe0fb@acme.test", "bob@ac\u2060me.test",
                "b\u200dob@acme.test", "bob@acme" + of(0xE0041) + ".test")) {
            assertThat(Fields.emailProblem(email)).as(email).startsWith("must not hold an invisible character")
                    .endsWith(" inside, at position " + email.indexOf(email.codePoints()
                            .filter(Invisible::isInvisible).findFirst().orElseThrow()) + ")");
        }
        // spaces inside an email keep their own message
        assertThat(Fields.emailProblem("b\u00a0ob@acme.test"))
                .isEqualTo("must be an email address, got \"b\u00a0ob@acme.test\" (no whitespace: U+00A0 at position 1)");
        assertThat(Fields.identifierProblem("a b")).isNull();
        assertThat(Fields.identifierProblem("admin1")).isNull();
    }

    /** Format characters newer than Java 17's Unicode 13 are format characters whatever JDK runs the server. */
    @Test
    void formatCharactersOfUnicode14And15_areInvisible_whateverTheJdk() {
        for (int format : new int[] {0x0890, 0x0891, 0x13439, 0x1343A, 0x1343F}) {
            String shown = Invisible.name(format);
            assertThat(Invisible.isInvisible(format)).as(shown).isTrue();
            assertThat(Fields.identifierProblem("admin1" + of(format))).as(shown).endsWith(shown + " at its end)");
            assertThat(Fields.identifierProblem(of(format) + "admin1")).as(shown).endsWith(shown + " at its beginning)");
            assertThat(Fields.identifierProblem("ad" + of(format) + "min1")).as(shown)
                    .endsWith(shown + " inside, at position 2)");
            assertThat(Fields.emailProblem("c" + of(format) + "@x.io")).as(shown).endsWith(shown + " before its @)");
        }
        // the hieroglyph format controls of Unicode 15 next to those of 12, all of them Cf
        assertThat(Invisible.isInvisible(0x13430)).isTrue();
        assertThat(Invisible.isInvisible(0x13440)).isFalse();
    }

    /** What people write, in every script and with the emoji sequences, is taken: as a user id and in an email. */
    @Test
    void whatPeopleWrite_isTaken_joinersOfJoiningScriptsAndEmojiSequencesAmongIt() {
        List<String> written = List.of(
                "\u0928\u092e\u0938\u094d\u0924\u0947", // Devanagari
                "\u0915\u094d\u200d\u0937", "\u0915\u094d\u200c\u0937", // Devanagari conjunct, joiners after a virama
                "\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35", // Thai
                "\u0645\u062d\u0645\u062f", PERSIAN, "\u0628\u0651\u200c\u0628", // Arabic, a joiner after a mark
                "\u05e9\u05dc\u05d5\u05dd", "\ud55c\uad6d\uc5b4", "\u3053\u3093\u306b\u3061\u306f", "\u65e5\u672c\u8a9e",
                "Jos\u00e9", "Jose\u0301", "Ada Lovelace",
                "love\u2764\ufe0f", "\u2764\ufe0fbob", of(0x1F44D, 0x1F3FD), of(0x1F44D, 0x1F3FD, 0xFE0F), FAMILY,
                RAINBOW_FLAG, "1\ufe0f\u20e3", "#\ufe0f\u20e3", "*\u20e3", SCOTLAND, ENGLAND, "go" + ENGLAND + "!",
                of(0x1F469, 0x1F3FD, 0x200D, 0x1F4BB), of(0x1F3C3, 0x200D, 0x2642, 0xFE0F),
                of(0x2764, 0xFE0F, 0x200D, 0x1F525), "\u2122\ufe0f", "\u203c\ufe0f", "\u2764\ufe0e");
        for (String value : written) {
            assertThat(Fields.identifierProblem(value)).as(value).isNull();
            assertThat(Fields.emailProblem(value.replace(" ", "") + "@x.io")).as(value).isNull();
            assertThat(Fields.emailProblem("a@" + value.replace(" ", ""))).as(value).isNull();
        }
        assertThat(Fields.emailProblem("love\u2764\ufe0f@x.io")).isNull();
        assertThat(Fields.emailProblem("bob" + SCOTLAND + "@x.io")).isNull();
    }

    /** Out of the contexts it is written in, the same character is a lookalike again. */
    @Test
    void theCharactersOfEmojiAndJoiningScripts_outOfTheirContext_areRefused() {
        Map<String, String> refused = Map.ofEntries(
                Map.entry("a\u200cb", "U+200C inside, at position 1"), // Latin does not join
                Map.entry("a\u200db", "U+200D inside, at position 1"),
                Map.entry("\u0628\u200cb", "U+200C inside, at position 1"), // Arabic beside Latin
                Map.entry("\u0628\u200c", "U+200C at its end"),
                Map.entry("\u0628\u200c@x.io", "U+200C before its @"),
                Map.entry("\u0e2a\u200c\u0e27", "U+200C inside, at position 1"), // Thai forms no conjuncts
                Map.entry("bo\ufe0fb", "U+FE0F inside, at position 2"), // no emoji before it
                Map.entry("bob\ufe0f", "U+FE0F at its end"),
                Map.entry("\u2764\ufe0f\ufe0f", "U+FE0F at its end"),
                Map.entry("1\ufe0fa", "U+FE0F inside, at position 1"), // no keycap after it
                Map.entry(of(0x1F468) + "\u200d", "U+200D at its end"),
                Map.entry(of(0x1F468) + "\u200da", "U+200D inside, at position 2"),
                Map.entry("a\u200d" + of(0x1F468), "U+200D inside, at position 1"),
                Map.entry("a" + of(0xE0067, 0xE007F) + "b", "U+E0067 inside, at position 1"), // no black flag
                Map.entry(of(0x1F3F4, 0xE0067, 0xE0062), "U+E0062 at its end"), // never cancelled
                Map.entry(of(0x1F3F4, 0xE007F), "U+E007F at its end"), // no tag
                // tags of no flag Unicode recommends: the black flag alone is shown, hiding "admin" or "A"
                Map.entry("u-" + of(0x1F3F4, 0xE0061, 0xE0064, 0xE006D, 0xE0069, 0xE006E, 0xE007F),
                        "U+E007F at its end"),
                Map.entry("u-" + of(0x1F3F4, 0xE0041, 0xE007F) + "x", "U+E0041 inside, at position 4"),
                Map.entry("b" + of(0xE007F) + "b", "U+E007F inside, at position 1"),
                Map.entry("\u0915\u094d\u200d", "U+200D at its end")); // a joiner joins to what follows
        refused.forEach((value, where) -> assertThat(Invisible.problem(value)).as(value).endsWith("(" + where + ")"));
        assertThat(Invisible.problem("\ufe0f")).isEqualTo("must not be blank");
        assertThat(Invisible.problem("\ufe0f\u2764")).endsWith("(U+FE0F at its beginning)");
        assertThat(Invisible.problem("c@\u2764\ufe0f")).isNull();
        assertThat(Invisible.problem("c@\ufe0f\u2764")).endsWith("(U+FE0F after its @)");
    }

    /**
     * A flag's tags are read once, and a joiner looks back over its letter's marks alone, so an email (whose length
     * is checked after) is read in one pass however long: a long run of tags is no flag.
     */
    @Test
    void aLongValue_isCheckedInOnePass() {
        String tags = of(0x1F3F4) + of(0xE0067).repeat(200_000) + of(0xE007F);
        String joiners = "\u0628\u064b\u200c".repeat(200_000) + "\u0628";
        assertThat(Invisible.problem(tags)).endsWith("(U+E007F at its end)");
        assertThat(Invisible.problem(joiners)).isNull();
    }
}
