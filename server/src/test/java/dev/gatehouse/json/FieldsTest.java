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

    @Test
    void allowOnly_namesUnknownFields() {
        Fields f = of("{\"name\": \"a\", \"nme\": \"typo\", \"extra\": 1}").allowOnly(Set.of("name"));
        assertThat(failure(f).fieldErrors()).containsOnlyKeys("nme", "extra").containsValue("unknown field");
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
                "\u0662030-01-01T00:00:00Z", "2030-01-01T00:00:00UTC")) {
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
}
