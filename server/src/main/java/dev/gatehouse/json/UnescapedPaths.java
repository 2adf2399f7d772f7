package dev.gatehouse.json;

/**
 * The characters a value must not hold when a client puts it into a URL's path without escaping it — as Close's own
 * clients do ({@code closeio_api} and the npm {@code close.io} formatting {@code base + "group/%s/member/%s/"}), which
 * then send the URL as Python's requests or Node's WHATWG URL reads it. Such a path names another object than the
 * value: {@code ?} begins the query ({@code victim?x} names {@code victim}), {@code #} the fragment, which is never
 * sent ({@code victim#x} names {@code victim}), {@code %} an escape the server decodes ({@code victim%2Fx} names
 * {@code victim/x}; requests even decodes {@code %41} to {@code A} before sending), {@code /} a segment
 * ({@code victim/x} is two), and {@code \} one too, read as {@code /} by WHATWG URLs. Every other character reaches
 * the server as the value holds it: requests and WHATWG URLs escape a space, a non-ASCII letter and the characters a
 * path may not hold ({@code "}, {@code <}, {@code `}, a brace), the server reads {@code +} and {@code ;} as
 * themselves, and a character Node sends unescaped that a path may not hold ({@code |}, {@code ^}) is a 400, never
 * another object. Control characters are refused in every body ({@link Text}), dot segments where recorded
 * ({@link DotSegments}).
 *
 * <p>Thread-safe (stateless).
 */
public final class UnescapedPaths {

    private UnescapedPaths() {
    }

    /**
     * Null when no character of {@code value} changes what an unescaped path names, else why it may not hold the first
     * one, ready to follow a field name; {@code clients} says whose clients put it into a path so ("Close's
     * clients"). Free of allocation when the value passes.
     */
    public static String problem(String value, String clients) {
        for (int i = 0; i < value.length(); i++) {
            String effect = effect(value.charAt(i));
            if (effect != null) {
                return "must not hold \"" + value.charAt(i) + "\" (got \"" + Fields.abbreviate(value) + "\"): "
                        + clients + " put it into a path unescaped, where \"" + value.charAt(i) + "\" " + effect
                        + ", so the request would act on another object";
            }
        }
        return null;
    }

    /** What {@code c} does in a path sent unescaped, or null when it reaches the server as itself. */
    private static String effect(char c) {
        return switch (c) {
            case '?' -> "begins the query";
            case '#' -> "begins the fragment, which is never sent";
            case '%' -> "begins an escape the server decodes (\"%2F\" is a \"/\")";
            case '/' -> "separates two segments";
            case '\\' -> "separates two segments, read as \"/\"";
            default -> null;
        };
    }
}
