package dev.gatehouse.json;

/**
 * The dot segments a value recorded to be named in a path must not hold. A client that puts a value into a path
 * without escaping it — Close's own client, or any that formats {@code base + "group/%s/member/%s/"} — hands the URL
 * to a library that removes dot segments before sending (RFC 3986 §5.2.4: Python's requests and urllib3; browsers'
 * and {@code fetch}'s WHATWG URL, which also reads a backslash as a slash and {@code %2e} as a dot). The request then
 * acts on another object than the one it names: removing the member whose user id is
 * {@code ../../../membership/7} from a group deactivates membership 7, and the member {@code ..} takes a
 * {@code DELETE} to the group itself. So a member's user id, and a resource id a write records, is not {@code .} or
 * {@code ..} and holds neither as a segment between {@code /} or {@code \} separators. Ids that only name an object
 * (a path, a check, a lookup) are not asked: one stored before the rule is read as stored.
 *
 * <p>Thread-safe (stateless).
 */
public final class DotSegments {

    private DotSegments() {
    }

    /**
     * Null when {@code value} holds no dot segment, else why it may not hold one, ready to follow a field name:
     * {@code .} or {@code ..} (each dot also as {@code %2e}, which WHATWG URLs read as one) as the whole value, or
     * as a segment at its start ({@code ../x}, {@code ..\x}), at its end ({@code x/..}) or inside ({@code x/./y}).
     * Dots that are no whole segment pass: {@code a.b}, {@code v1..2}, {@code ...}, {@code .hidden}, {@code a/b}.
     * Free of allocation when the value passes.
     */
    public static String problem(String value) {
        int start = 0;
        for (int i = 0; i <= value.length(); i++) {
            if (i == value.length() || value.charAt(i) == '/' || value.charAt(i) == '\\') {
                if (isDotSegment(value, start, i)) {
                    return "must not be \".\" or \"..\" nor hold one between \"/\" or \"\\\" separators (got \""
                            + Fields.abbreviate(value) + "\"): a path naming it would be rewritten by clients, which "
                            + "remove such segments before sending, and would act on another object";
                }
                start = i + 1;
            }
        }
        return null;
    }

    /** Whether {@code value} from {@code begin} to {@code end} is one or two dots, each {@code .} or {@code %2e}. */
    private static boolean isDotSegment(String value, int begin, int end) {
        int dots = 0;
        int i = begin;
        while (i < end && dots < 3) {
            if (value.charAt(i) == '.') {
                i++;
            } else if (value.startsWith("%2e", i) || value.startsWith("%2E", i)) {
                i += 3;
            } else {
                return false;
            }
            dots++;
        }
        return i == end && dots >= 1 && dots <= 2;
    }
}
