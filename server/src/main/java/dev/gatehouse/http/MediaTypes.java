package dev.gatehouse.http;

import dev.gatehouse.error.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a request's {@code Content-Type} says its body is, read as a media type (the part before any parameter),
 * never by searching the header for a word: {@code text/plain; application/json} is text, and a browser sends text
 * cross-site without asking the server first. Stateless.
 */
public final class MediaTypes {

    /** JSON by its registered name, the older {@code text/json}, and any {@code +json} structured syntax. */
    private static final Pattern JSON = Pattern.compile("application/json|text/json|application/[a-z0-9.!#$&^_-]+\\+json");

    private MediaTypes() {
    }

    /** The media type of a {@code Content-Type} value, lower case and without parameters; null for null. */
    public static String of(String contentType) {
        return contentType == null ? null : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    }

    /** The {@code charset} parameter of a {@code Content-Type} value (without quotes), or null when it has none. */
    public static String charset(String contentType) {
        return charset(parameters(contentType));
    }

    private static String charset(List<Parameter> parameters) {
        for (Parameter parameter : parameters) {
            if (parameter.name().equalsIgnoreCase("charset") && parameter.value() != null) {
                return parameter.value();
            }
        }
        return null;
    }

    /**
     * What is wrong with the parameters of a {@code Content-Type} value, in words quoting the parameter; null when
     * nothing is. A parameter without {@code =} ({@code application/json; charset}) and a quoted value left open
     * ({@code charset="utf-8}) are wrong: no media type allows them, and a reader guessing where the value ends need
     * not guess as a proxy in front of it did; so is a charset named twice ({@code ; charset=iso-8859-1;
     * charset=utf-8}): which of two a server takes (the first, here) need not be the one a proxy took.
     */
    private static String parameterProblem(List<Parameter> parameters) {
        int charsets = 0;
        for (Parameter parameter : parameters) {
            if (parameter.name().equalsIgnoreCase("charset") && ++charsets > 1) {
                return "the Content-Type names its charset more than once; name it once";
            }
            if (parameter.value() == null) {
                return "the Content-Type parameter \"" + HeaderValues.shown(parameter.name())
                        + "\" has no value (name=value)";
            }
            if (parameter.unclosed()) {
                return "the Content-Type parameter \"" + HeaderValues.shown(parameter.name())
                        + "\" opens a quoted value it does not close";
            }
        }
        return null;
    }

    /**
     * What a {@code Content-Type} value declares, its parameters read once: what is wrong with them
     * ({@link #parameterProblem}; null when nothing is) and its charset ({@link #charset}; null when none).
     */
    public record Declared(String problem, String charset) {
    }

    /** {@link Declared}: the problem with a {@code Content-Type}'s parameters and its charset, in one reading. */
    public static Declared declared(String contentType) {
        List<Parameter> parameters = parameters(contentType);
        String problem = listed(contentType) ? "the Content-Type holds more than one media type (\""
                + HeaderValues.shown(contentType.strip()) + "\"), as two headers merged into one; send one"
                : parameterProblem(parameters);
        return new Declared(problem, charset(parameters));
    }

    /**
     * Whether a {@code Content-Type} value is a list ({@code application/json; charset=utf-8, text/plain}): a comma
     * outside a quoted string, which one media type never holds, is two header lines a proxy merged into one, as
     * RFC 9110 lets it. Which of the two a server reads need not be the one a proxy in front of it judged.
     */
    private static boolean listed(String contentType) {
        if (contentType == null || contentType.indexOf(',') < 0) {
            return false;
        }
        boolean quoted = false;
        for (int i = 0; i < contentType.length(); i++) {
            char c = contentType.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                return true;
            }
        }
        return false;
    }

    /**
     * One parameter of a media type: its name, its value (a quoted string's without its quotes and escapes; null
     * when there is no {@code =}), and whether its value opened a quoted string that the text ends inside.
     */
    private record Parameter(String name, String value, boolean unclosed) {
    }

    /**
     * The parameters of a {@code Content-Type} value, read as RFC 9110 writes them: after the media type, {@code ;}
     * then {@code name=value}, each value a token or a quoted string, in which {@code ;} is text and {@code \\}
     * escapes the character after it ({@code foo="a;b"} is one parameter). Empty parts ({@code ;;}) are skipped.
     */
    private static List<Parameter> parameters(String contentType) {
        int i = contentType == null ? -1 : contentType.indexOf(';');
        if (i < 0) {
            return List.of();
        }
        List<Parameter> parameters = new ArrayList<>();
        int length = contentType.length();
        while (i < length) {
            i++; // past the ';'
            int nameStart = i;
            while (i < length && contentType.charAt(i) != '=' && contentType.charAt(i) != ';') {
                i++;
            }
            String name = contentType.substring(nameStart, i).strip();
            if (i >= length || contentType.charAt(i) == ';') {
                if (!name.isEmpty()) {
                    parameters.add(new Parameter(name, null, false));
                }
                continue;
            }
            i++; // past the '='
            while (i < length && (contentType.charAt(i) == ' ' || contentType.charAt(i) == '\t')) {
                i++;
            }
            StringBuilder value = new StringBuilder();
            boolean unclosed = false;
            if (i < length && contentType.charAt(i) == '"') {
                i++;
                unclosed = true;
                while (i < length) {
                    char c = contentType.charAt(i++);
                    if (c == '"') {
                        unclosed = false;
                        break;
                    }
                    value.append(c == '\\' && i < length ? contentType.charAt(i++) : c);
                }
                while (i < length && contentType.charAt(i) != ';') {
                    i++; // anything after the closing quote is not part of the value
                }
            } else {
                int valueStart = i;
                while (i < length && contentType.charAt(i) != ';') {
                    i++;
                }
                value.append(contentType, valueStart, i);
            }
            parameters.add(new Parameter(name, value.toString().strip(), unclosed));
        }
        return parameters;
    }

    /** Whether a {@code Content-Type} value declares no charset, or UTF-8 (the only one JSON is written in). */
    public static boolean utf8(String contentType) {
        String charset = charset(contentType);
        return charset == null || charset.equalsIgnoreCase("utf-8") || charset.equalsIgnoreCase("utf8");
    }

    /** Whether a {@code Content-Type} value names JSON. */
    public static boolean json(String contentType) {
        String media = of(contentType);
        return media != null && JSON.matcher(media).matches();
    }

    /**
     * A body declared in another charset ({@code application/json; charset=ISO-8859-1}) as UTF-8, the bytes the JSON
     * reader takes; a UTF-8 body (or one without a charset) as it is. For the dialects, which read a body in the
     * charset it names as the APIs they imitate do; the native API reads UTF-8 only (415 otherwise). A body that is
     * not text in its charset is 400 {@code invalid_json}: a byte sequence its charset does not define, and a
     * character it decodes to that is not one (a lone surrogate, which CESU-8 and UTF-32 decoders pass through), are
     * reported, never replaced. The charset is one the server knows (an unknown one was refused before the route).
     */
    public static byte[] asUtf8(String contentType, byte[] body) {
        if (utf8(contentType)) {
            return body;
        }
        String name = charset(contentType);
        try {
            CharBuffer text = Charset.forName(name).newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body));
            // Some decoders (CESU-8, UTF-32) pass a lone surrogate through as a char; UTF-8 cannot write it, and
            // String.getBytes would put '?' in its place: the encoder reports it instead.
            ByteBuffer utf8 = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(text);
            byte[] bytes = new byte[utf8.remaining()];
            utf8.get(bytes);
            return bytes;
        } catch (CharacterCodingException e) {
            throw new InvalidInputException("invalid_json", "the body is not text in its charset \""
                    + HeaderValues.shown(name) + "\"");
        }
    }
}
