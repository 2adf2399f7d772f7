package dev.gatehouse.json;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.UnexpectedEndOfInputException;

/**
 * What is wrong with text that is not JSON, in plain words and where: {@code the body ends before an object is
 * closed (line 1, column 2)}. The parser's own messages name its Java API (feature and constraint names in
 * backticks, its redacted-source placeholder, token type names), which tell a caller nothing and describe the
 * server's insides; they are read here only to tell which of the known failures happened, and are never passed
 * on. A failure not recognised is "not valid JSON", with its location. Of the text itself at most a short token
 * is quoted (the character or word where it broke, a repeated property name), made printable and cut to
 * {@value #TOKEN} characters.
 *
 * <p>Thread-safe (stateless).
 */
public final class MalformedJson {

    static final int TOKEN = 20;
    private static final String NOT_UTF8 = "the text is not valid UTF-8";

    private static final StreamReadConstraints LIMITS = Json.MAPPER.tokenStreamFactory().streamReadConstraints();
    private static final Pattern QUOTED = Pattern.compile("'(.*?)'");
    private static final Pattern CODE = Pattern.compile("code (\\d+)");

    private MalformedJson() {
    }

    /** What broke and where, e.g. {@code "NaN" is not a JSON value ... (line 1, column 9)}. */
    public static String describe(JacksonException e) {
        return describe(e, null);
    }

    /**
     * {@link #describe(JacksonException)} of the parse of {@code text} (null: not known), whose column is then
     * counted in characters, as a reader counts them, where the parser counts bytes.
     */
    public static String describe(JacksonException e, byte[] text) {
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        return what(e, message) + where(e.getLocation(), text);
    }

    /**
     * What is wrong with {@code text} whose byte {@code at} begins no UTF-8 sequence ({@link Utf8}): the words the
     * parser's own refusal of such a byte gives, and where, the column counted in characters.
     */
    static String notUtf8(byte[] text, int at) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < at; i++) {
            if (text[i] == '\n') {
                line++;
                column = 1;
            } else if ((text[i] & 0xC0) != 0x80) {
                column++;
            }
        }
        return NOT_UTF8 + " (line " + line + ", column " + column + ")";
    }

    /**
     * Whether {@code failure} (the cause of {@link Json#parse}'s 400 {@code invalid_json}) is the text ending before
     * its value does: what a body cut off inside it gives, unlike any other mistake.
     */
    public static boolean endedEarly(Throwable failure) {
        return failure instanceof JacksonException e && endedEarly(e, e.getOriginalMessage() == null ? ""
                : e.getOriginalMessage());
    }

    private static boolean endedEarly(JacksonException e, String m) {
        return e instanceof UnexpectedEndOfInputException || m.startsWith("Unexpected end-of-input");
    }

    private static String what(JacksonException e, String m) {
        if (e instanceof StreamConstraintsException) {
            return limit(m);
        }
        if (endedEarly(e, m)) {
            return ended(m);
        }
        if (m.startsWith("Unexpected character (")) {
            return unexpected(m);
        }
        if (m.startsWith("Non-standard token ")) {
            return quoted(m) + " is not a JSON value: numbers must be finite, without NaN or Infinity";
        }
        if (m.startsWith("Unrecognized token ")) {
            return "unrecognized word " + quoted(m) + "; expected a string, number, object, array, true, false or null";
        }
        if (m.startsWith("Unexpected close marker ")) {
            Matcher marker = QUOTED.matcher(m);
            String found = "unexpected '" + (marker.find() ? token(marker.group(1)) : "") + "'";
            return m.contains("no open") ? found + " with nothing open to close"
                    : found + ", which does not close the " + (m.contains("for Object") ? "object" : "array")
                            + " open there";
        }
        if (m.startsWith("Duplicate Object property ")) {
            int open = m.indexOf('"');
            int close = m.lastIndexOf('"');
            String name = open >= 0 && close > open ? m.substring(open + 1, close) : "";
            return "the property \"" + token(name) + "\" appears more than once";
        }
        if (m.startsWith("Trailing token")) {
            return "more follows the JSON value; the text must hold exactly one";
        }
        if (m.startsWith("Invalid numeric value") || m.contains("in numeric value")) {
            return "an invalid number" + (m.contains("Leading zeroes") ? " (a leading zero)" : "");
        }
        if (m.startsWith("Illegal unquoted character")) {
            return "a control character inside a string must be escaped";
        }
        if (m.startsWith("Unrecognized character escape")) {
            return "an invalid escape sequence in a string";
        }
        if (m.contains("UTF-8")) {
            return NOT_UTF8;
        }
        return "not valid JSON";
    }

    /** An unexpected character, and what was expected instead where the parser said so. */
    private static String unexpected(String m) {
        String c = character(m);
        if (c.equals("'")) {
            return "unexpected \"'\": strings and property names take double quotes";
        }
        String found = "unexpected " + (c.length() == 1 ? "'" + c + "'" : c);
        if (m.contains("in numeric value")) {
            return found + " in a number";
        }
        if (m.contains("start property name")) {
            return found + ": expected a property name in double quotes"
                    + (c.equals("}") ? " (a trailing comma?)" : "");
        }
        if (m.contains("colon to separate")) {
            return found + ": expected ':' after the property name";
        }
        if (m.contains("comma to separate Object entries")) {
            return found + ": expected ',' or '}'";
        }
        if (m.contains("comma to separate Array entries")) {
            return found + ": expected ',' or ']'";
        }
        if (m.contains("expected a value") || m.contains("expected a valid value")) {
            return found + ": expected a value" + (c.equals("]") ? " (a trailing comma?)" : "");
        }
        if (m.contains("comment")) {
            return found + ": JSON has no comments";
        }
        return found;
    }

    private static String ended(String m) {
        if (m.contains("Object")) {
            return "the text ends before an object is closed";
        }
        if (m.contains("Array")) {
            return "the text ends before an array is closed";
        }
        if (m.contains("property name")) {
            return "the text ends inside a property name";
        }
        if (m.contains("VALUE_STRING") || m.contains("escape")) {
            return "the text ends inside a string";
        }
        return "the text ends before the JSON value is complete";
    }

    private static String limit(String m) {
        if (m.startsWith("Document nesting depth")) {
            return "nested deeper than " + LIMITS.getMaxNestingDepth() + " levels";
        }
        if (m.startsWith("Number value length")) {
            return "a number longer than " + LIMITS.getMaxNumberLength() + " characters";
        }
        if (m.startsWith("String value length")) {
            return "a string longer than " + LIMITS.getMaxStringLength() + " characters";
        }
        if (m.startsWith("Name length")) {
            return "a property name longer than " + LIMITS.getMaxNameLength() + " characters";
        }
        return "larger than the JSON reader's limits";
    }

    /** The character of {@code Unexpected character ('x' (code 120))}: itself when printable, else U+XXXX. */
    private static String character(String m) {
        Matcher code = CODE.matcher(m);
        if (!code.find()) {
            return "character";
        }
        int c = Integer.parseInt(code.group(1));
        String s = Character.toString(c);
        return Character.isISOControl(c) || Character.isWhitespace(c) || !Character.isDefined(c)
                ? String.format("U+%04X", c) : Text.printable(s);
    }

    /** The first single-quoted token of a message, in double quotes. */
    private static String quoted(String m) {
        Matcher token = QUOTED.matcher(m);
        return "\"" + (token.find() ? token(token.group(1)) : "") + "\"";
    }

    private static String token(String s) {
        String printable = Text.printable(s);
        return printable.length() <= TOKEN ? printable : printable.substring(0, TOKEN - 3) + "...";
    }

    /**
     * {@code (line 1, column 9)}, or {@code (byte 8)}, or nothing when the parser did not say. With {@code text} (the
     * bytes parsed), the parser's column, which counts bytes, becomes the count of characters to the same place.
     */
    private static String where(TokenStreamLocation at, byte[] text) {
        if (at == null) {
            return "";
        }
        if (at.getLineNr() > 0 && at.getColumnNr() > 0) {
            return " (line " + at.getLineNr() + ", column " + characterColumn(at, text) + ")";
        }
        return at.getByteOffset() >= 0 ? " (byte " + at.getByteOffset() + ")" : "";
    }

    /** The parser's column at {@code at}, counted in characters of {@code text} (as it is when text is null). */
    private static long characterColumn(TokenStreamLocation at, byte[] text) {
        long offset = at.getByteOffset();
        long lineStart = offset - (at.getColumnNr() - 1);
        if (text == null || offset < 0 || lineStart < 0 || offset > text.length) {
            return at.getColumnNr();
        }
        long column = 1;
        for (long i = lineStart; i < offset; i++) {
            if ((text[(int) i] & 0xC0) != 0x80) {
                column++;
            }
        }
        return column;
    }
}
