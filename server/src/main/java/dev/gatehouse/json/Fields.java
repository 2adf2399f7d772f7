package dev.gatehouse.json;

import dev.gatehouse.error.InvalidInputException;
import java.text.Normalizer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Reads typed fields from one JSON object and collects every problem with its field name, so that a
 * request with three mistakes gets one answer naming all three (up to {@link #MAX_NAMED}). Call {@link #check()}
 * after reading.
 * Strings of a parsed request body are already free of control characters and unpaired surrogates
 * ({@link Json#parse} refuses them, {@link Text}).
 *
 * <p>Not thread-safe: one instance per request.
 */
public final class Fields {

    /** A Gatehouse API key ({@code gh<kind>_<24 hex digits>_<secret>}): its prefix and id, then its secret. */
    private static final Pattern KEY_SECRET = Pattern.compile("(gh[smr]_[0-9a-fA-F]{24}_)[A-Za-z0-9_-]+");
    /** The characters that reorder the text around them ({@link #abbreviate}). */
    private static final Pattern BIDI_CONTROL = Pattern.compile("[\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069]");

    /** The most field errors one answer names; its detail counts the others ({@link #check}). */
    public static final int MAX_NAMED = 50;

    /**
     * The reason given for a required field that is absent or null, the same from every reader, so that a dialect
     * can say it in its original's words.
     */
    public static final String REQUIRED = "is required";

    private final JsonNode node;
    private final String prefix;
    private final Map<String, String> errors;

    private Fields(JsonNode node, String prefix, Map<String, String> errors) {
        this.node = node;
        this.prefix = prefix;
        this.errors = errors;
    }

    /** Reads a JSON object; anything else is a 400. */
    public static Fields of(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new InvalidInputException("invalid_json", "a JSON object was expected");
        }
        return new Fields(node, "", new LinkedHashMap<>());
    }

    public static Fields of(byte[] body) {
        return of(Json.parse(body));
    }

    public JsonNode node() {
        return node;
    }

    public boolean has(String name) {
        return node.has(name);
    }

    /** True when the field is present with JSON null. */
    public boolean isNull(String name) {
        return node.has(name) && node.get(name).isNull();
    }

    /**
     * Fields of a {@code PATCH} that null does not clear: each present with null is an error, rather than read as
     * absent, which would change nothing and answer as if it had (a text is emptied with {@code ""}).
     */
    public Fields rejectNulls(String... names) {
        for (String name : names) {
            if (isNull(name)) {
                error(name, "cannot be null: leave it out to keep its value");
            }
        }
        return this;
    }

    public void error(String name, String reason) {
        errors.putIfAbsent(prefix + name, reason);
    }

    /** Names every field not in {@code allowed} as an error (the native API rejects unknown fields). */
    public Fields allowOnly(Set<String> allowed) {
        for (String name : node.propertyNames()) {
            if (!allowed.contains(name)) {
                error(name, "unknown field");
            }
        }
        return this;
    }

    public String string(String name, boolean required, int maxLength) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                error(name, REQUIRED);
            }
            return null;
        }
        if (!v.isString()) {
            error(name, "must be a string");
            return null;
        }
        String s = v.stringValue();
        int characters = characters(s);
        if (characters > maxLength) {
            error(name, "must be at most " + maxLength + " characters, got " + characters);
            return null;
        }
        return s;
    }

    /**
     * A string that is not blank after trimming Java's whitespace; returned trimmed: a text that names no object for
     * people (a reason, a reference to what is stored by a name, which a name stored before {@link #name}'s
     * rule must still find). A name is read by {@link #name}; a value whose whitespace its own rules refuse (a URL) by
     * {@link #unstripped}.
     */
    public String text(String name, boolean required, int maxLength) {
        String s = unstripped(name, required, maxLength);
        return s == null ? null : s.strip();
    }

    /**
     * A string that is not blank, returned as sent: for a value whose rules refuse whitespace around it rather than
     * dropping it silently (a webhook's URL, which its checker then refuses naming the field).
     */
    public String unstripped(String name, boolean required, int maxLength) {
        String s = string(name, required, maxLength);
        if (s != null && s.isBlank()) {
            error(name, "must not be blank");
            return null;
        }
        return s;
    }

    /**
     * An optional text a reader shows as it is stored (an office's address parts, a key's name, the optional ids and
     * reasons of the Rooms dialect's bodies and of an import's Rooms lines), returned as sent: absent or JSON null is
     * none (null); a value that shows nothing — empty, or made of invisible characters alone, as a name is blank
     * ({@link #blank}: a no-break space, a tab, a zero-width space, a Hangul filler) — is this field's error, as a
     * blank required name is, never stored as a value that looks absent but is not. The one reader of such a field
     * for every API and import that writes it, so that none stores what another refuses.
     */
    public String optional(String name, int maxLength) {
        String s = string(name, false, maxLength);
        if (s != null && blank(s)) {
            error(name, "must not be blank: leave it out, or send null, for none");
            return null;
        }
        return s;
    }

    /**
     * An optional text whose empty value is one of its own (a description, which {@code ""} empties; an import's
     * {@code lock_reason}, {@code ""} locked without a reason): as {@link #optional}, but {@code ""} is taken as sent;
     * any other value made of invisible characters alone is this field's error.
     */
    public String optionalOrEmpty(String name, int maxLength) {
        String s = string(name, false, maxLength);
        if (s != null && !s.isEmpty() && blank(s)) {
            error(name, "must not be blank: send \"\" for none");
            return null;
        }
        return s;
    }

    /**
     * A name people pick an object by in a list (a role, a group, an organization, a room, an office, a region, a
     * model and its types, a member's first and last name), returned without the spaces of every kind at its ends
     * ({@link #stripSpaces}: the no-break spaces and U+3000 as much as ASCII's) and in Unicode's composed form
     * ({@link #composed}), then refused when it is blank or holds
     * an invisible character anywhere by {@link Invisible}'s rule, which names the character and where it is: inside,
     * a space U+0020 is the name's own, and the joiners and selectors a person writes (an emoji sequence, a
     * non-joiner in a Persian word); an {@code @} is a character like any other ({@code Sales @ Berlin}). Names are
     * compared ignoring case where they are unique, so {@code Default Admin} followed by a no-break space, or with a
     * zero-width space inside, would otherwise be a second role looking exactly like the system role
     * {@code Default Admin}; and {@code Re}, U+0301, {@code sume}, U+0301 a second role beside {@code Résumé} written
     * with U+00E9, were it not composed. Its length is counted as sent.
     */
    public String name(String name, boolean required, int maxLength) {
        String s = string(name, required, maxLength);
        return s == null ? null : named(name, asName(s), false);
    }

    /**
     * An optional {@link #name} that {@code ""} empties (a member's first or last name): a value of spaces alone is
     * {@code ""} too; any other is a name by {@link #name}'s rule, and one of invisible characters alone is blank.
     */
    public String nameOrEmpty(String name, int maxLength) {
        String s = string(name, false, maxLength);
        return s == null ? null : named(name, asName(s), true);
    }

    /**
     * {@code stripped}, or null with the field's error when {@link #nameProblem} finds one; {@code ""} is kept when it
     * {@code empties}.
     */
    private String named(String name, String stripped, boolean empties) {
        String problem = empties && stripped.isEmpty() ? null : nameProblem(stripped);
        if (problem != null) {
            error(name, problem);
            return null;
        }
        return stripped;
    }

    /**
     * An identifier a client chose (a product's user id), returned verbatim: holding no whitespace nor another
     * invisible character, but a space inside and the joiners and selectors a person writes ({@link Invisible}: a
     * no-break space and a zero-width space as much as a tab), nor made of them alone. It is refused rather than
     * trimmed because the same id is read verbatim where it only names (paths, decision bodies): trimmed here,
     * {@code " u-77"} would make the member {@code u-77}, whom {@code " u-77"} names nowhere else; taken, {@code u-77}
     * followed by a no-break space, or with a zero-width space inside, would be a second member that looks exactly
     * like {@code u-77}.
     */
    public String identifier(String name, boolean required, int maxLength) {
        String s = string(name, required, maxLength);
        String problem = s == null ? null : Invisible.problem(s);
        if (problem != null) {
            error(name, problem);
            return null;
        }
        return s;
    }

    /**
     * An email address as {@link EmailAddress} defines it (name@domain, within mail's lengths, without whitespace of
     * any kind nor another invisible character), returned composed ({@link #composed}, the form RFC 6532 asks an
     * address to be in) and otherwise as sent: refused, never trimmed.
     */
    public String email(String name, boolean required) {
        String sent = string(name, required, Integer.MAX_VALUE);
        String email = sent == null ? null : composed(sent);
        String problem = email == null ? null : EmailAddress.problem(email);
        if (problem != null) {
            error(name, problem);
            return null;
        }
        return email;
    }

    /**
     * Why {@code userId} is not a user id {@link #identifier} takes, ready to follow the field's name, or null when it
     * is one: the invisible rule alone ({@link Invisible}), for a reader that checks a value before sending it (the
     * command line's apply file), so that it refuses what the server refuses, by the same rule, and for an identifier
     * read as an item of a list (a role's user field ids, Close's custom field ids). The rule every
     * member's user id meets besides (its length, no control character, no reference's prefix) is the member
     * feature's ({@code MemberRef.userIdProblem}); such a reader checks both.
     */
    public static String identifierProblem(String userId) {
        return Invisible.problem(userId);
    }

    /**
     * Why {@code name} is not a name {@link #name} takes, ready to follow the field's name, or null when it is one:
     * judged as {@link #name} takes it ({@link #asName}); for a reader that checks a value before sending it, as
     * {@link #identifierProblem}.
     */
    public static String nameProblem(String name) {
        return Invisible.problem(asName(name), false);
    }

    /**
     * Whether {@code s} shows nothing: empty, or made of invisible characters alone ({@link Invisible#isInvisible}:
     * spaces of every kind, a zero-width space, a word joiner, a byte order mark, a soft hyphen, a Hangul filler, the
     * braille pattern without dots) — what {@link #name} calls blank, a zero-width space alone as much as a space, for
     * a reader that refuses a blank value of another kind by the same rule.
     */
    public static boolean blank(String s) {
        return Invisible.blank(s);
    }

    /**
     * {@code s} as {@link #name} takes a name: without the spaces at its ends ({@link #stripSpaces}), composed
     * ({@link #composed}). What a name a request gives is stored, compared and looked up as.
     */
    public static String asName(String s) {
        return composed(stripSpaces(s));
    }

    /**
     * {@code s} in Unicode's Normalization Form C: each letter and the accents on it as the one character Unicode has
     * for them, where it has one ({@code e} followed by the combining acute U+0301 is U+00E9; the Ångström sign
     * U+212B is U+00C5). Text written either way looks the same, and a name or an email is one value whichever way
     * it was typed, where PostgreSQL's {@code lower()}, by which names and emails are unique, changes case and composes
     * nothing. Returns {@code s} itself when it is composed already, as ASCII always is.
     */
    public static String composed(String s) {
        return Normalizer.isNormalized(s, Normalizer.Form.NFC) ? s : Normalizer.normalize(s, Normalizer.Form.NFC);
    }

    /**
     * {@code s} without the spaces of every kind at its ends ({@link Invisible#isSpace}: Java's whitespace and every
     * Unicode space separator, where {@link String#strip} knows no no-break space), as {@link #name} takes a name.
     */
    public static String stripSpaces(String s) {
        int begin = 0;
        int end = s.length();
        while (begin < end && Invisible.isSpace(s.codePointAt(begin))) {
            begin += Character.charCount(s.codePointAt(begin));
        }
        while (end > begin && Invisible.isSpace(s.codePointBefore(end))) {
            end -= Character.charCount(s.codePointBefore(end));
        }
        return s.substring(begin, end);
    }

    /**
     * Why {@code email} is not an email address {@link #email} takes ({@link EmailAddress}), ready to follow the
     * field's name, or null when it is one; for a reader that checks a value before sending it, as
     * {@link #identifierProblem}.
     */
    public static String emailProblem(String email) {
        return EmailAddress.problem(composed(email));
    }

    /**
     * The reason {@link #email} gives an address not shaped as one, for an API whose original asks more of an address
     * than the one rule does (Close: a dot in the domain), so that an email field has one message whichever rule
     * refuses it.
     */
    public static String notAnEmailAddress(String email) {
        return EmailAddress.notOne(email);
    }

    /**
     * An optional RFC 3339 date-time ({@code 2025-06-30T17:00:00Z}) within years 1 to 9999 in UTC
     * ({@link Rfc3339}); null when absent or null.
     */
    public Instant instant(String name) {
        String raw = string(name, false, 64);
        if (raw == null) {
            return null;
        }
        Instant instant = Rfc3339.parse(raw);
        if (instant == null) {
            error(name, Rfc3339.problem(raw));
        }
        return instant;
    }

    public Boolean bool(String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            error(name, "must be true or false");
            return null;
        }
        return v.booleanValue();
    }

    /**
     * An integer from {@code min} to {@code max}; null when absent or null (an error if {@code required}). A number
     * written with a fraction or an exponent is no integer; an integer outside the range — one beyond what a
     * {@code long} holds included ({@code 9223372036854775808}), as {@link Digits#whyRefused} tells of a query's — is
     * named with the range and the value, never called no integer.
     */
    public Long integer(String name, boolean required, long min, long max) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                error(name, REQUIRED);
            }
            return null;
        }
        if (!v.isIntegralNumber()) {
            error(name, "must be an integer");
            return null;
        }
        if (!v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
            error(name, "must be between " + min + " and " + max + ", got " + abbreviate(v.bigIntegerValue()
                    .toString()));
            return null;
        }
        return v.longValue();
    }

    /** An id that may be sent as a JSON number or a string of digits. */
    public Long id(String name, boolean required) {
        JsonNode v = node.get(name);
        if (v != null && v.isString()) {
            long n = Digits.id(v.stringValue());
            if (n > 0) {
                return n;
            }
            error(name, "must be a positive integer id, got \"" + abbreviate(v.stringValue()) + "\"");
            return null;
        }
        return integer(name, required, 1, Long.MAX_VALUE);
    }

    public List<String> strings(String name, boolean required, int maxItems, int maxLength) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                error(name, REQUIRED);
            }
            return null;
        }
        if (!v.isArray()) {
            error(name, "must be an array of strings");
            return null;
        }
        if (v.size() > maxItems) {
            tooMany(name, v.size(), maxItems);
            return null;
        }
        List<String> out = new ArrayList<>(v.size());
        boolean bad = false;
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            if (!item.isString() || characters(item.stringValue()) > maxLength) {
                // every bad item is named, not only the first: a caller mends them all at once
                error(name + "[" + i + "]", "must be a string of at most " + maxLength + " characters");
                bad = true;
            } else {
                out.add(item.stringValue());
            }
        }
        return bad ? null : out;
    }

    /**
     * Names a list sent with more items than it may hold, by its path and with both numbers ({@code "lists 101 items;
     * saved_view_ids holds at most 100"}), so that the reason alone — all a dialect that keys errors by field shows
     * beside the key — says which list and by how much.
     */
    private void tooMany(String name, int sent, int maxItems) {
        error(name, "lists " + sent + " items; " + abbreviate(prefix + name) + " holds at most " + maxItems);
    }

    /** A nested object, read with the same error collection; null when absent or JSON null. */
    public Fields object(String name, boolean required) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                error(name, REQUIRED);
            }
            return null;
        }
        if (!v.isObject()) {
            error(name, "must be an object");
            return null;
        }
        return new Fields(v, prefix + name + ".", errors);
    }

    /** Items of an array of objects, each read with the same error collection. */
    public List<Fields> objects(String name, boolean required, int maxItems) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                error(name, REQUIRED);
            }
            return List.of();
        }
        if (!v.isArray()) {
            error(name, "must be an array of at most " + maxItems + " objects");
            return List.of();
        }
        if (v.size() > maxItems) {
            tooMany(name, v.size(), maxItems);
            return List.of();
        }
        List<Fields> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            if (!item.isObject()) {
                error(name + "[" + i + "]", "must be an object");
                continue;
            }
            out.add(new Fields(item, prefix + name + "[" + i + "].", errors));
        }
        return out;
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }

    /**
     * Throws a 400 naming the collected field errors: the first {@link #MAX_NAMED} of them, in the detail ({@link
     * #detail}) and as field errors, the detail counting the rest.
     */
    public void check() {
        if (!errors.isEmpty()) {
            Map<String, String> named = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : errors.entrySet()) {
                if (named.size() == MAX_NAMED) {
                    break;
                }
                named.put(distinct(named, abbreviate(e.getKey())), e.getValue());
            }
            throw new InvalidInputException("invalid_input", detail(errors), named);
        }
    }

    /**
     * {@code shown} as a key of {@code errors} not taken yet: itself, else followed by {@code " (2)"},
     * {@code " (3)"}… — two fields or parameters whose names are shown alike (the same first 61 characters of a long
     * name, or characters replaced by {@code ?}) stay two entries.
     */
    public static String distinct(Map<String, String> errors, String shown) {
        String key = shown;
        for (int n = 2; errors.containsKey(key); n++) {
            key = shown + " (" + n + ")";
        }
        return key;
    }

    /**
     * {@code "field: reason; field: reason"} for the first {@link #MAX_NAMED} of {@code errors} (not empty), each
     * field's name abbreviated ({@link #abbreviate}), then {@code "; and 89950 more fields"} when there are more: an
     * answer stays small, and costs time in proportion to what it names, whatever a body holds (a body of a million
     * bytes can hold a hundred thousand unknown fields).
     */
    public static String detail(Map<String, String> errors) {
        StringBuilder detail = new StringBuilder();
        int named = 0;
        for (Map.Entry<String, String> e : errors.entrySet()) {
            if (named == MAX_NAMED) {
                break;
            }
            if (named++ > 0) {
                detail.append("; ");
            }
            detail.append(abbreviate(e.getKey())).append(": ").append(e.getValue());
        }
        int more = errors.size() - named;
        if (more > 0) {
            detail.append("; and ").append(more).append(more == 1 ? " more field" : " more fields");
        }
        return detail.toString();
    }

    /** {@code word} with its article, for messages: "an assignment", "a member", "an admin". */
    public static String withArticle(String word) {
        return ("aeiou".indexOf(word.charAt(0)) >= 0 ? "an " : "a ") + word;
    }

    /**
     * {@code s} as an error quotes it: whole when it has at most 64 characters, otherwise its first 61 and "...",
     * never cut inside a character (a surrogate pair left half would be sent as "?"). The secret of an API key in it
     * (a key pasted where an id or a name belongs) is left out: an error quoting the value never repeats a key. A
     * character that reorders the text around it (the bidirectional marks, embeddings, overrides and isolates, U+061C,
     * U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069) is written as its code, {@code \u202E}: quoted raw, a
     * right-to-left override in a refused value drew the rest of the message backwards wherever it was shown.
     */
    public static String abbreviate(String s) {
        String shown = s.indexOf('_') < 0 ? s : KEY_SECRET.matcher(s).replaceAll("$1[secret]");
        shown = characters(shown) <= 64 ? shown : shown.substring(0, shown.offsetByCodePoints(0, 61)) + "...";
        return BIDI_CONTROL.matcher(shown).replaceAll(m -> String.format("\\\\u%04X", (int) m.group().charAt(0)));
    }


    /**
     * The characters a user sees counted in {@code s} (code points): a limit in characters is one an emoji or a
     * character outside the Basic Multilingual Plane counts once against, not twice as its UTF-16 units would.
     */
    static int characters(String s) {
        return s.codePointCount(0, s.length());
    }
}
