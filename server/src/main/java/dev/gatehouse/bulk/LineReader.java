package dev.gatehouse.bulk;

import dev.gatehouse.error.TooLargeException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.function.LongConsumer;

/**
 * Splits a streamed body into lines, whatever its size, holding one line at a time: lines end with {@code \n}
 * (a {@code \r} before it is dropped), the last one may end with the body instead. A line longer than the
 * limit is a 400 naming it ({@link LineFailure}), read no further. Line numbers count from 1 and include blank lines.
 * After each read of the body, whatever it brought, the reader's caller is told (an import's deadline: a line sent a
 * few bytes at a time, or a late end of the body, is judged as it arrives, not once whole).
 *
 * <p>Not thread-safe; one reader per request.
 */
final class LineReader {

    /** One line: its number, its bytes without the line break, and whether the body ended inside it. */
    record Line(long number, byte[] bytes, boolean cutOff) {
        boolean blank() {
            for (byte b : bytes) {
                if (b != ' ' && b != '\t' && b != '\r') {
                    return false;
                }
            }
            return true;
        }
    }

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;
    private boolean ended;
    private long number;
    private long bytesRead;
    private byte[] line = new byte[1024];

    /** Told, after each read of the body (its end too), the number of the line being read: it may throw. */
    private final LongConsumer afterRead;

    LineReader(InputStream in, int maxLineBytes, LongConsumer afterRead) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
        this.afterRead = afterRead;
    }

    /** The next line, or null at the end of the body. An {@link IOException} when the body cannot be read. */
    Line next() throws IOException {
        int size = 0;
        while (true) {
            if (position == limit) {
                if (ended || !fill()) {
                    if (size == 0) {
                        return null;
                    }
                    return new Line(++number, Arrays.copyOf(line, size), true);
                }
            }
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            int n = position - start;
            if ((long) size + n > maxLineBytes) {
                throw new LineFailure(number + 1, new TooLargeException("line_too_long", "the line is longer "
                        + "than " + maxLineBytes + " bytes"));
            }
            if (size + n > line.length) {
                line = Arrays.copyOf(line, Math.min(maxLineBytes, Math.max(size + n, line.length * 2)));
            }
            System.arraycopy(buffer, start, line, size, n);
            size += n;
            if (position < limit) {
                position++; // the '\n'
                if (size > 0 && line[size - 1] == '\r') {
                    size--;
                }
                return new Line(++number, Arrays.copyOf(line, size), false);
            }
        }
    }

    /** Bytes of the body read so far. */
    long bytesRead() {
        return bytesRead;
    }

    private boolean fill() throws IOException {
        int n = in.read(buffer, 0, buffer.length);
        afterRead.accept(number + 1);
        if (n < 0) {
            ended = true;
            return false;
        }
        position = 0;
        limit = n;
        bytesRead += n;
        return true;
    }
}
