package dev.gatehouse.http;

import dev.gatehouse.json.Fields;

/** How a message quotes a request header's value it refuses, in every dialect. Thread-safe (stateless). */
public final class HeaderValues {

    private HeaderValues() {
    }

    /**
     * A header's value as a message may quote it: abbreviated, printable ASCII as is, a backslash doubled, and every
     * other character escaped as {@code \xHH} when it fits a byte (a Java unicode escape beyond). Header values
     * arrive as ISO-8859-1, one character per byte, so the UTF-8 a client sends for {@code ٥} reads {@code Ù¥}: it is
     * shown as {@code \xD9\xA5}, the bytes that were sent, rather than as characters the client never meant.
     */
    public static String shown(String raw) {
        String shown = Fields.abbreviate(raw);
        StringBuilder out = new StringBuilder(shown.length());
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            if (c == '\\') {
                out.append("\\\\");
            } else if (c >= 0x20 && c < 0x7f) {
                out.append(c);
            } else {
                out.append(c <= 0xff ? String.format("\\x%02X", (int) c) : String.format("\\u%04X", (int) c));
            }
        }
        return out.toString();
    }
}
