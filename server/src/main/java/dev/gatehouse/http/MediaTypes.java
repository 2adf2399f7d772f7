package dev.gatehouse.http;

import dev.gatehouse.error.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
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
        if (contentType == null || contentType.indexOf(';') < 0) {
            return null;
        }
        for (String parameter : contentType.split(";")) {
            String[] pair = parameter.split("=", 2);
            if (pair.length == 2 && pair[0].strip().equalsIgnoreCase("charset")) {
                return pair[1].strip().replace("\"", "");
            }
        }
        return null;
    }

    /**
     * The first parameter of a {@code Content-Type} value that has no {@code =} ({@code application/json; charset}),
     * which no media type allows; null when every parameter has its value.
     */
    public static String parameterWithoutValue(String contentType) {
        if (contentType == null || contentType.indexOf(';') < 0) {
            return null;
        }
        String[] parts = contentType.split(";");
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].strip();
            if (!parameter.isEmpty() && parameter.indexOf('=') < 0) {
                return parameter;
            }
        }
        return null;
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
     * not text in its charset is 400 {@code invalid_json}. The charset is one the server knows (an unknown one was
     * refused before the route).
     */
    public static byte[] asUtf8(String contentType, byte[] body) {
        if (utf8(contentType)) {
            return body;
        }
        String name = charset(contentType);
        try {
            return Charset.forName(name).newDecoder().decode(ByteBuffer.wrap(body)).toString()
                    .getBytes(StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new InvalidInputException("invalid_json", "the body is not text in its charset \""
                    + HeaderValues.shown(name) + "\"");
        }
    }
}
