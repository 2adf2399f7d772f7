package dev.gatehouse.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

/**
 * The lines of what a replica reads — the snapshot's NDJSON, the change stream's Server-Sent Events — split as
 * {@link java.io.BufferedReader#readLine()} splits them (at {@code \n}, {@code \r} or {@code \r\n}, UTF-8), but at
 * most {@code maxChars} characters each: a longer line is a {@link TooLong}, thrown as soon as the bound is passed,
 * before the rest of it is read. So whatever a server sends, a replica never holds more than the bound of one line.
 *
 * <p>Not thread-safe: one reader, the follower's thread (a watchdog may close the stream beneath it, which ends a
 * read with an {@link IOException}).
 */
final class ReplicaLines {

    /** A line longer than the bound; the stream is left part-way through it. */
    static final class TooLong extends IOException {
        private static final long serialVersionUID = 1L;

        TooLong(int maxChars) {
            super("a line longer than " + maxChars + " characters");
        }
    }

    private final Reader in;
    private final int maxChars;
    private final char[] buffer = new char[8192];
    private final StringBuilder line = new StringBuilder();
    private int position;
    private int limit;
    /** The last line ended with {@code \r}: a {@code \n} right after it belongs to that line's end. */
    private boolean skipNewline;

    ReplicaLines(InputStream in, int maxChars) {
        this.in = new InputStreamReader(in, StandardCharsets.UTF_8);
        this.maxChars = maxChars;
    }

    /** The next line without its end, or null at the end of the stream. */
    String readLine() throws IOException {
        line.setLength(0);
        while (true) {
            if (position == limit) {
                int read = in.read(buffer, 0, buffer.length);
                if (read < 0) {
                    return line.length() == 0 ? null : line.toString();
                }
                position = 0;
                limit = read;
                continue;
            }
            if (skipNewline) {
                skipNewline = false;
                if (buffer[position] == '\n') {
                    position++;
                    continue;
                }
            }
            int start = position;
            while (position < limit) {
                char c = buffer[position];
                if (c == '\n' || c == '\r') {
                    append(start, position);
                    position++;
                    skipNewline = c == '\r';
                    return line.toString();
                }
                position++;
            }
            append(start, position);
        }
    }

    private void append(int start, int end) throws TooLong {
        if (line.length() + (end - start) > maxChars) {
            throw new TooLong(maxChars);
        }
        line.append(buffer, start, end - start);
    }
}
