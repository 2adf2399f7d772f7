package dev.gatehouse.json;

import dev.gatehouse.error.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class FieldsTest {

    private static Fields of(String json) {
        return Fields.of(json.getBytes(StandardCharsets.UTF_8));
    }

    private static InvalidInputException failure(Fields f) {
        return catchThrowableOfType(InvalidInputException.class, f::check);
    }

    @Test
    void readsTypedValues() {
        Fields f = of("""
                {"name": "  Ada  ", "n": 5, "flag": true, "id": "42", "num_id": 43, "tags": ["a", "b"],
                 "nested": {"x": "y"}, "list": [{"k": 1}], "nothing": null}""");
        assertThat(f.text("name", true, 10)).isEqualTo("Ada");
        assertThat(f.string("name", true, 10)).isEqualTo("  Ada  ");
        assertThat(f.integer("n", true, 1, 10)).isEqualTo(5L);
        assertThat(f.bool("flag")).isTrue();
        assertThat(f.id("id", true)).isEqualTo(42L);
        assertThat(f.id("num_id", true)).isEqualTo(43L);
        assertThat(f.strings("tags", true, 5, 5)).containsExactly("a", "b");
        assertThat(f.object("nested", true).string("x", true, 5)).isEqualTo("y");
        assertThat(f.objects("list", true, 5)).hasSize(1);
        assertThat(f.isNull("nothing")).isTrue();
        assertThat(f.string("nothing", false, 5)).isNull();
        assertThat(f.string("absent", false, 5)).isNull();
        assertThat(f.has("absent")).isFalse();
        f.check();
    }

    /** Limits count characters as a user sees them: an emoji is one, not the two UTF-16 units it takes. */
    @Test
    void lengthLimits_countCharacters_notUtf16Units() {
        String emoji = "\uD83D\uDE00";
        Fields fits = of("{\"name\": \"" + emoji.repeat(3) + "\", \"tags\": [\"" + emoji.repeat(3) + "\"]}");
        assertThat(fits.string("name", true, 3)).isEqualTo(emoji.repeat(3));
        assertThat(fits.strings("tags", true, 1, 3)).containsExactly(emoji.repeat(3));
        fits.check();

        Fields over = of("{\"name\": \"" + emoji.repeat(4) + "\"}");
        over.string("name", true, 3);
        assertThat(failure(over).fieldErrors()).containsEntry("name", "must be at most 3 characters, got 4");

        String abbreviated = Fields.abbreviate("a" + emoji.repeat(70));
        assertThat(abbreviated).isEqualTo("a" + emoji.repeat(60) + "...");
    }

    @Test
    void collectsEveryFieldError_withTheReason() {
        Fields f = of("""
                {"name": 5, "blank": "   ", "long": "abcdef", "n": 11, "frac": 1.5, "flag": "yes", "id": "abc",
                 "neg": -3, "tags": ["a", 7], "many": ["a", "b", "c"], "nested": [], "req_missing_is_absent": 1}""");
        f.string("name", true, 10);
        f.text("blank", true, 10);
        f.string("long", true, 3);
        f.integer("n", true, 1, 10);
        f.integer("frac", true, 0, 10);
        f.bool("flag");
        f.id("id", true);
        f.id("neg", true);
        f.strings("tags", true, 5, 5);
        f.strings("many", true, 2, 5);
        f.object("nested", true);
        f.string("required", true, 5);
        InvalidInputException e = failure(f);
        assertThat(e.code()).isEqualTo("invalid_input");
        assertThat(e.fieldErrors()).containsOnlyKeys("name", "blank", "long", "n", "frac", "flag", "id", "neg",
                "tags[1]", "many", "nested", "required");
        assertThat(e.fieldErrors().get("name")).isEqualTo("must be a string");
        assertThat(e.fieldErrors().get("long")).contains("at most 3", "got 6");
        assertThat(e.fieldErrors().get("n")).contains("between 1 and 10", "got 11");
        assertThat(e.fieldErrors().get("id")).contains("\"abc\"");
        assertThat(e.fieldErrors().get("required")).isEqualTo("is required");
        assertThat(e.detail()).contains("name: must be a string", "required: is required");
    }

    /**
     * A name and an email are read composed (NFC), whichever way their accents were written, and judged so; a user id
     * is read as sent.
     */
    @Test
    void namesAndEmails_areComposed_userIdsVerbatim() {
        Fields f = of("""
                {"name": " Re\\u0301sume\\u0301 ", "first": "\\u212Bngstr\\u00f6m", "email": "ne\\u0301w@acme.test",
                 "user_id": "ne\\u0301w"}""");
        assertThat(f.name("name", true, 100)).isEqualTo("R\u00e9sum\u00e9");
        assertThat(f.nameOrEmpty("first", 100)).isEqualTo("\u00c5ngstr\u00f6m");
        assertThat(f.email("email", true)).isEqualTo("n\u00e9w@acme.test");
        assertThat(f.identifier("user_id", true, 100)).isEqualTo("ne\u0301w");
        f.check();
        assertThat(Fields.asName("Cafe\u0301\u00a0")).isEqualTo("Caf\u00e9");
        assertThat(Fields.composed("plain")).isSameAs("plain");
    }

    @Test
    void allowOnly_namesUnknownFields() {
        Fields f = of("{\"name\": \"a\", \"nme\": \"typo\", \"extra\": 1}").allowOnly(Set.of("name"));
        assertThat(failure(f).fieldErrors()).containsOnlyKeys("nme", "extra").containsValue("unknown field");
    }

    /** Two unknown fields whose names are shown alike once abbreviated stay two errors, the second numbered. */
    @Test
    void unknownFields_shownAlike_stayDistinct() {
        String stem = "x".repeat(70);
        Fields f = of("{\"" + stem + "a\": 1, \"" + stem + "b\": 2}").allowOnly(Set.of("name"));
        String shown = Fields.abbreviate(stem + "a");
        assertThat(failure(f).fieldErrors()).containsOnlyKeys(shown, shown + " (2)");
    }

    @Test
    void nestedErrors_carryThePath() {
        Fields f = of("{\"admin\": {\"email\": 1, \"x\": 2}, \"items\": [{\"k\": \"v\"}, 3]}");
        Fields admin = f.object("admin", true).allowOnly(Set.of("email"));
        admin.string("email", true, 10);
        List<Fields> items = f.objects("items", true, 5);
        items.get(0).integer("k", true, 0, 1);
        assertThat(failure(f).fieldErrors()).containsOnlyKeys("admin.email", "admin.x", "items[0].k", "items[1]");
    }

    @Test
    void hugeIntegers_areErrorsNotCrashes() {
        Fields f = of("{\"a\": 99999999999999999999999, \"b\": \"99999999999999999999999\", \"c\": 1e400}");
        assertThat(f.integer("a", true, 0, Long.MAX_VALUE)).isNull();
        assertThat(f.id("b", true)).isNull();
        assertThat(f.integer("c", true, 0, 10)).isNull();
        assertThat(failure(f).fieldErrors()).containsOnlyKeys("a", "b", "c");
    }

    /**
     * An identifier is taken verbatim, so one beginning or ending with a character nobody sees would be another that
     * looks the same: every space (the no-break ones too, which Java's {@link String#strip} keeps) and every format
     * character, every default ignorable (the Hangul fillers, the variation selectors, the combining grapheme joiner,
     * the tags beyond the BMP: what Java's tests know nothing of) and the characters drawn blank (U+2800, U+FFFC) is
     * refused at either end, and a value of them alone is blank; inside, a space U+0020 is the id's own, and a joiner
     * between letters of a script that joins ({@link InvisibleTest} has the rule inside).
     */
    @Test
    void identifier_refusesEveryInvisibleCharacterAtAnEnd_andCallsAValueOfThemAloneBlank() {
        for (String invisible : List.of(" ", "\t", "\n", "\u00a0", "\u2007", "\u202f", "\u2003", "\u3000", "\u2028",
                "\u2029", "\u200b", "\u200d", "\u2060", "\ufeff", "\u180e", "\u00ad",
                // default ignorables that are no format character
                "\u3164", "\u115f", "\u1160", "\uffa0", "\u034f", "\ufe00", "\ufe0f", "\u17b4", "\u17b5", "\u180b",
                "\u180f", "\u2065", "\ufff0", "\ufff8",
                // default ignorables beyond the BMP: U+1BCA0, U+1D173, U+E0001, U+E0100, U+E0FFF
                "\uD82F\uDCA0", "\uD834\uDD73", "\uDB40\uDC01", "\uDB40\uDD00", "\uDB43\uDFFF",
                // drawn blank
                "\u2800", "\ufffc")) {
            String shown = String.format("U+%04X", invisible.codePointAt(0));
            for (String padded : List.of("admin1" + invisible, invisible + "admin1")) {
                Fields f = Fields.of(Json.write(Map.of("user_id", padded)));
                assertThat(f.identifier("user_id", true, 200)).as(shown).isNull();
                assertThat(failure(f).fieldErrors().get("user_id")).as(shown)
                        .startsWith("must not begin or end with whitespace or an invisible character, got \"")
                        .endsWith(shown + (padded.startsWith("admin1") ? " at its end)" : " at its beginning)"));
            }
            Fields alone = Fields.of(Json.write(Map.of("user_id", invisible + invisible, "email", invisible)));
            assertThat(alone.identifier("user_id", true, 200)).as(shown).isNull();
            assertThat(alone.email("email", true)).as(shown).isNull();
            assertThat(failure(alone).fieldErrors()).as(shown)
                    .isEqualTo(Map.of("user_id", "must not be blank", "email", "must not be blank"));
        }
        String persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645";
        Fields f = Fields.of(Json.write(Map.of("a", "Ada Lovelace", "b", persian, "c", "\uD83D\uDE00",
                "d", "")));
        assertThat(f.identifier("a", true, 200)).isEqualTo("Ada Lovelace");
        assertThat(f.identifier("b", true, 200)).isEqualTo(persian);
        assertThat(f.identifier("c", true, 200)).isEqualTo("\uD83D\uDE00");
        assertThat(f.identifier("d", true, 200)).isNull();
        assertThat(failure(f).fieldErrors()).isEqualTo(Map.of("d", "must not be blank"));
    }

    /**
     * A name is stripped of spaces of every kind at its ends (Java's strip keeps a no-break space, U+2007, U+202F), then
     * refused when blank or when it holds an invisible character by the user id's rule, anywhere; inside, spaces
     * U+0020 are the name's own, an {@code @} is a character like any other, and the joiners and selectors a person
     * writes are taken. {@link Fields#nameOrEmpty} keeps {@code ""} (spaces alone are {@code ""} too), nothing else.
     */
    @Test
    void name_stripsSpacesOfEveryKind_thenRefusesBlankAndEveryInvisibleCharacter_byTheUserIdsRule() {
        Map<String, String> refused = Map.of(
                "Default Admin\u2060", "must not begin or end with whitespace or an invisible character, got "
                        + "\"Default Admin\u2060\" (U+2060 at its end)",
                "Default\u200bAdmin", "must not hold an invisible character or whitespace other than a space, got "
                        + "\"Default\u200bAdmin\" (U+200B inside, at position 7)",
                "\u00a0Default\u00a0\u00a0Admin\u3000", "must not hold an invisible character or whitespace other "
                        + "than a space, got \"Default\u00a0\u00a0Admin\" (U+00A0 inside, at position 7)",
                "\u3164Agent", "must not begin or end with whitespace or an invisible character, got \"\u3164Agent\" "
                        + "(U+3164 at its beginning)",
                "\u0301Agent", "must not begin with a combining mark, got \"\u0301Agent\" (U+0301 at its beginning)",
                "\u00a0", "must not be blank", "\u200b", "must not be blank", "\u2800\u3000", "must not be blank",
                "", "must not be blank");
        refused.forEach((name, why) -> {
            Fields f = Fields.of(Json.write(Map.of("name", name)));
            assertThat(f.name("name", true, 100)).as(name).isNull();
            assertThat(failure(f).fieldErrors().get("name")).as(name).isEqualTo(why);
            assertThat(Fields.nameProblem(name)).as(name).isEqualTo(why);
        });
        String persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645";
        String family = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67";
        Map<String, String> taken = Map.of(
                "\u00a0Default Admin\u202f", "Default Admin", "\u2007 Caf\u00e9 \u00d6konomie\t\n", "Caf\u00e9 \u00d6konomie",
                persian, persian, family + " Team", family + " Team", "Sales @ Berlin", "Sales @ Berlin",
                "\u0928\u092e\u0938\u094d\u0924\u0947", "\u0928\u092e\u0938\u094d\u0924\u0947", "1\ufe0f\u20e3 Jos\u00e9", "1\ufe0f\u20e3 Jos\u00e9");
        taken.forEach((name, stored) -> {
            Fields f = Fields.of(Json.write(Map.of("name", name)));
            assertThat(f.name("name", true, 100)).as(name).isEqualTo(stored);
            assertThat(Fields.nameProblem(name)).as(name).isNull();
            f.check();
        });
        Fields optional = Fields.of(Json.write(Map.of("empty", "", "spaces", " \u00a0", "hidden", "\u200b",
                "padded", "\u00a0Ada ")));
        assertThat(optional.name("absent", false, 100)).isNull();
        assertThat(optional.nameOrEmpty("absent", 100)).isNull();
        assertThat(optional.nameOrEmpty("empty", 100)).isEmpty();
        assertThat(optional.nameOrEmpty("spaces", 100)).isEmpty();
        assertThat(optional.nameOrEmpty("padded", 100)).isEqualTo("Ada");
        assertThat(optional.nameOrEmpty("hidden", 100)).isNull();
        assertThat(failure(optional).fieldErrors()).isEqualTo(Map.of("hidden", "must not be blank"));
        assertThat(Fields.stripSpaces("\u3000\u00a0a b\u2029\u205f")).isEqualTo("a b");
    }

    /**
     * A combining mark has no character of its own to sit on: first in a user id or an email it joins whatever is
     * printed before the value, so it is refused there (of every kind: Mn, Mc, Me); after a letter it is the letter's
     * (composed with it in an email).
     */
    @Test
    void identifierAndEmail_refuseACombiningMarkAsTheFirstCharacter_andKeepOneAfterALetter() {
        for (String mark : List.of("\u0301", "\u0903", "\u20dd", "\uD834\uDD65")) {
            String shown = String.format("U+%04X", mark.codePointAt(0));
            Fields f = Fields.of(Json.write(Map.of("user_id", mark + "admin1", "email", mark + "a@x.io",
                    "alone", mark)));
            assertThat(f.identifier("user_id", true, 200)).as(shown).isNull();
            assertThat(f.email("email", true)).as(shown).isNull();
            assertThat(f.identifier("alone", true, 200)).as(shown).isNull();
            assertThat(failure(f).fieldErrors()).as(shown).isEqualTo(Map.of(
                    "user_id", "must not begin with a combining mark, got \"" + mark + "admin1\" (" + shown
                            + " at its beginning)",
                    "email", "must not begin with a combining mark, got \"" + mark + "a@x.io\" (" + shown
                            + " at its beginning)",
                    "alone", "must not begin with a combining mark, got \"" + mark + "\" (" + shown
                            + " at its beginning)"));
        }
        Fields f = Fields.of(Json.write(Map.of("user_id", "Jose\u0301", "email", "jose\u0301@x.io")));
        assertThat(f.identifier("user_id", true, 200)).isEqualTo("Jose\u0301");
        assertThat(f.email("email", true)).isEqualTo("jos\u00e9@x.io");
        f.check();
    }

    /**
     * The two sides of an {@code @} are ends too: {@code c} U+3164 {@code @x.io} was a second member looking exactly
     * like {@code c@x.io} (Rooms makes an invited user's email its user id), in an email as in a user id.
     */
    @Test
    void identifierAndEmail_refuseAnInvisibleCharacterBesideAnAt_orACombiningMarkAfterIt() {
        for (String invisible : List.of("\u3164", "\u200b", "\ufe0f", "\u2800", "\u00a0", "\u034f")) {
            String shown = String.format("U+%04X", invisible.codePointAt(0));
            for (String value : List.of("c" + invisible + "@x.io", "c@" + invisible + "x.io")) {
                String where = value.startsWith("c@") ? " after its @)" : " before its @)";
                Fields f = Fields.of(Json.write(Map.of("user_id", value, "email", value)));
                assertThat(f.identifier("user_id", true, 200)).as(shown).isNull();
                assertThat(f.email("email", true)).as(shown).isNull();
                String problem = "must not hold an invisible character or a combining mark beside its @, got \""
                        + value + "\" (" + shown + where;
                assertThat(failure(f).fieldErrors()).as(shown).isEqualTo(Map.of("user_id", problem, "email", problem));
            }
        }
        Fields mark = Fields.of(Json.write(Map.of("email", "c@\u0301x.io")));
        assertThat(mark.email("email", true)).isNull();
        assertThat(failure(mark).fieldErrors().get("email")).endsWith("(U+0301 after its @)");
        // a Devanagari conjunct written with a joiner (ka, virama, joiner, ssa) is the address's own
        Fields f = Fields.of(Json.write(Map.of("user_id", "@ada", "email", "\u0915\u094d\u200d\u0937@x.io",
                "handle", "ada@")));
        assertThat(f.identifier("user_id", true, 200)).isEqualTo("@ada");
        assertThat(f.email("email", true)).isEqualTo("\u0915\u094d\u200d\u0937@x.io");
        assertThat(f.identifier("handle", true, 200)).isEqualTo("ada@");
        f.check();
    }

    /**
     * An email holds no space of any kind, nor another invisible character at an end (a format character, a default
     * ignorable such as the Hangul filler or a variation selector, the braille blank), and is taken as given: one
     * padded with spaces is refused, not trimmed (Rooms makes an invited user's email its user id).
     */
    @Test
    void email_refusesSpacesOfEveryKind_andInvisibleEnds_neverTrimming() {
        String atAnEnd = "must not begin or end with whitespace or an invisible character";
        String spaced = "must be an email address, got ";
        Map<String, String> refused = Map.of(
                "sp3@x.io\u00a0", atAnEnd, " sp3@x.io", atAnEnd, "\ufeffsp3@x.io", atAnEnd, "sp3@x.io\u200b", atAnEnd,
                "s\u00a0p@x.io", spaced + "\"s\u00a0p@x.io\" (no whitespace: U+00A0 at position 1)",
                "sp@x\u3000io", spaced + "\"sp@x\u3000io\" (no whitespace: U+3000 at position 4)",
                "s p3@x.io", spaced + "\"s p3@x.io\" (no whitespace: U+0020 at position 1)");
        refused.forEach((email, problem) -> {
            Fields f = Fields.of(Json.write(Map.of("email", email)));
            assertThat(f.email("email", true)).as(email).isNull();
            assertThat(failure(f).fieldErrors().get("email")).as(email).startsWith(problem);
        });
        for (String invisible : List.of("\u3164", "\ufe0f", "\u034f", "\u2800", "\u115f")) {
            String shown = String.format("U+%04X", invisible.codePointAt(0));
            Fields f = Fields.of(Json.write(Map.of("end", "sp3@x.io" + invisible, "start", invisible + "sp3@x.io")));
            assertThat(f.email("end", true)).as(shown).isNull();
            assertThat(f.email("start", true)).as(shown).isNull();
            assertThat(failure(f).fieldErrors()).as(shown).isEqualTo(Map.of(
                    "end", atAnEnd + ", got \"sp3@x.io" + invisible + "\" (" + shown + " at its end)",
                    "start", atAnEnd + ", got \"" + invisible + "sp3@x.io\" (" + shown + " at its beginning)"));
        }
        Fields f = Fields.of(Json.write(Map.of("email", "sp3@x.io", "joined", "\u0645\u200c\u0646@x.io")));
        assertThat(f.email("email", true)).isEqualTo("sp3@x.io");
        assertThat(f.email("joined", true)).as("a joiner inside").isEqualTo("\u0645\u200c\u0646@x.io");
        f.check();
    }

    @Test
    void instant_acceptsYears1To9999InUtc_andRefusesAnyInstantOutside_whateverItsSpelling() {
        Map<String, String> within = Map.of(
                "9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z",
                "9999-12-31T23:59:59.999999999Z", "9999-12-31T23:59:59.999999999Z",
                "0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z",
                "0001-01-01T00:00:00-01:00", "0001-01-01T01:00:00Z",
                "9999-12-31T23:59:59+18:00", "9999-12-31T05:59:59Z");
        within.forEach((raw, utc) -> {
            Fields f = of("{\"t\": \"" + raw + "\"}");
            assertThat(f.instant("t")).as(raw).isEqualTo(Instant.parse(utc));
            f.check();
        });
        for (String raw : List.of("+10000-01-01T00:00:00Z", "9999-12-31T23:59:59-18:00", "9999-12-31T23:00:00-01:00",
                "0001-01-01T00:00:00+01:00", "0001-01-01T00:00:00+18:00", "0000-12-31T23:59:59Z",
                "-0001-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z", "10000-01-01T00:00:00Z")) {
            Fields f = of("{\"t\": \"" + raw + "\"}");
            assertThat(f.instant("t")).as(raw).isNull();
            assertThat(failure(f).fieldErrors().get("t")).as(raw).contains("within years 1 to 9999", raw);
        }
    }

    @Test
    void instant_takesRfc3339Only() {
        for (String raw : List.of("2030-01-01T00:00:00.Z", "2030-01-01T00:00:00+01", "2030-01-01T00:00:00+01:00:30",
                "2030-01-01T00:00Z", "2030-01-01 00:00:00Z", "2030-01-01T00:00:00", "2030-01-01T00:00:00.1234567890Z",
                "2030-01-01T24:00:00Z", "2030-01-01T00:00:60Z", "2030-01-01T00:00:00+18:01", "2030-1-01T00:00:00Z",
                "\u0662030-01-01T00:00:00Z", "2030-01-01T00:00:00UTC",
                // RFC 3339 allows these; docs/api.md says why they are refused
                "2027-03-31T23:59:60Z", "2030-01-01T00:00:00+19:00", "2030-01-01T00:00:00-23:59")) {
            Fields f = of("{\"t\": \"" + raw + "\"}");
            assertThat(f.instant("t")).as(raw).isNull();
            assertThat(failure(f).fieldErrors().get("t")).as(raw).contains("RFC 3339");
        }
        Map<String, String> taken = Map.of(
                "2030-01-01t00:00:00z", "2030-01-01T00:00:00Z",
                "2030-01-01T00:00:00.1+14:00", "2029-12-31T10:00:00.100Z",
                "2030-01-01T00:00:00-12:00", "2030-01-01T12:00:00Z",
                "2030-01-01T00:00:00-00:00", "2030-01-01T00:00:00Z",
                "2030-01-01T00:00:00.123456789Z", "2030-01-01T00:00:00.123456789Z");
        taken.forEach((raw, utc) -> {
            Fields f = of("{\"t\": \"" + raw + "\"}");
            assertThat(f.instant("t")).as(raw).isEqualTo(Instant.parse(utc));
            f.check();
        });
    }

    /** A date-time in the right form naming no moment says which part names none, beside what was given. */
    @Test
    void instant_inTheRightFormNamingNoMoment_saysWhy() {
        Map<String, String> why = Map.ofEntries(
                Map.entry("2027-02-29T12:00:00Z", "February 29 does not exist in 2027, which is not a leap year"),
                Map.entry("2027-04-31T12:00:00Z", "April has no day 31"),
                Map.entry("2027-13-01T12:00:00Z", "month 13 does not exist"),
                Map.entry("2030-01-01T24:00:00Z", "hour 24 does not exist (hours run from 00 to 23)"),
                Map.entry("2030-01-01T00:60:00Z", "minute 60 does not exist (minutes run from 00 to 59)"),
                Map.entry("2027-03-31T23:59:60Z", "second 60 does not exist (leap seconds are not taken)"),
                Map.entry("2030-01-01T00:00:00+19:00", "offset +19:00 is beyond ±18:00"),
                Map.entry("2030-01-01T00:00:00-18:01", "offset -18:01 is beyond ±18:00"),
                Map.entry("2030-01-01T00:00:00+01:60", "offset +01:60 has no minute 60"),
                Map.entry("0001-01-01T00:00:00+01:00", "outside years 1 to 9999 in UTC"));
        why.forEach((raw, reason) -> {
            Fields f = of("{\"t\": \"" + raw + "\"}");
            assertThat(f.instant("t")).as(raw).isNull();
            assertThat(failure(f).fieldErrors().get("t")).as(raw).contains("RFC 3339", raw, "(" + reason + ")")
                    .doesNotContain("valid values", "Invalid", "Zone offset");
        });
    }

    @Test
    void nonObjectsAndMalformedJson_areInvalidJson() {
        for (String body : List.of("[]", "\"text\"", "42", "null", "{", "{\"a\": 1,}", "{\"a\": 1, \"a\": 2}", "")) {
            assertThatThrownBy(() -> of(body)).as(body).isInstanceOfSatisfying(InvalidInputException.class,
                    e -> assertThat(e.code()).isEqualTo("invalid_json"));
        }
    }

    @Test
    void abbreviate_keepsShortStrings_andCutsLongOnes() {
        assertThat(Fields.abbreviate("short")).isEqualTo("short");
        String cut = Fields.abbreviate("x".repeat(100));
        assertThat(cut).hasSize(64).endsWith("...");
    }

    /** A key pasted where a value belongs is quoted without its secret (its first 32 characters were shown). */
    @Test
    void abbreviate_leavesOutTheSecretOfAKey() {
        String key = "ghm_0123456789abcdef01234567_" + "S3cr3t-_".repeat(5) + "xyz";
        assertThat(Fields.abbreviate(key)).isEqualTo("ghm_0123456789abcdef01234567_[secret]");
        assertThat(Fields.abbreviate("user:" + key + " and more")).isEqualTo(
                "user:ghm_0123456789abcdef01234567_[secret] and more").doesNotContain("S3cr3t");
        assertThat(Fields.abbreviate("ghm_not_a_key")).isEqualTo("ghm_not_a_key");
    }

    /**
     * A character that reorders the text around it is quoted as its code: a right-to-left override in a refused
     * value, quoted raw, drew the rest of the message backwards in the console and wherever else it was shown.
     */
    @Test
    void abbreviate_writesTheCharactersThatReorderText_asTheirCodes() {
        assertThat(Fields.abbreviate("Ag\u202Eent")).isEqualTo("Ag\\u202Eent");
        assertThat(Fields.abbreviate("\u2066a\u2069\u200F\u061C")).isEqualTo("\\u2066a\\u2069\\u200F\\u061C");
        assertThat(Fields.abbreviate("\u0645\u062d\u0645\u062f \u05e9\u05dc\u05d5\u05dd")).as("letters of any direction")
                .isEqualTo("\u0645\u062d\u0645\u062f \u05e9\u05dc\u05d5\u05dd");
        assertThat(Fields.nameProblem("Ag\u202Eent")).contains("got \"Ag\\u202Eent\"").doesNotContain("\u202E");
    }
}
