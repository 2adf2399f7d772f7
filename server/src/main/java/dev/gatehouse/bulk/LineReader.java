package dev.gatehouse.bulk;

import dev.gatehouse.error.TooLargeException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.function.LongConsumer;

/**
 * Splits a streamed body into lines, whatever its size, holding one line at a time: lines end with {@code \n}
 * (a {@code \r} before it is dropped), the last one may end with the body instead. A UTF-8 byte order mark at the
 * start of the body is skipped, whatever follows it (a line holding only it is blank). A line longer than the limit
 * without its line break — a {@code \r} before the {@code \n} counts for nothing, a {@code \r} ending the body is
 * part of the line — is a 413 naming it ({@link LineFailure}), read no further. Line numbers count from 1 and include
 * blank lines.
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

    private static final byte[] BYTE_ORDER_MARK = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;
    private boolean ended;
    private long number;
    private long bytesRead;
    /** Whether the start of the body has been looked at for a byte order mark. */
    private boolean started;
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
        if (!started) {
            skipByteOrderMark();
        }
        int size = 0;
        while (true) {
            if (position == limit) {
                if (ended || !fill()) {
                    if (size == 0) {
                        return null;
                    }
                    if (size > maxLineBytes) { // a '\r' held back in case a '\n' followed: none did
                        throw tooLong();
                    }
                    return new Line(++number, Arrays.copyOf(line, size), true);
                }
            }
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            int n = position - start;
            long total = (long) size + n;
            // one byte over is let in while it is a '\r', which a '\n' after it drops
            if (total > maxLineBytes && (total > maxLineBytes + 1L
                    || (n > 0 ? buffer[position - 1] : line[size - 1]) != '\r')) {
                throw tooLong();
            }
            if (size + n > line.length) {
                line = Arrays.copyOf(line, Math.min(maxLineBytes + 1, Math.max(size + n, line.length * 2)));
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

    private LineFailure tooLong() {
        return new LineFailure(number + 1, new TooLargeException("line_too_long", "the line is longer than "
                + maxLineBytes + " bytes"));
    }

    /**
     * Reads the start of the body until it is known whether it begins with a byte order mark (its first three bytes,
     * or fewer once they differ from the mark's or the body ends), and skips the mark if so.
     */
    private void skipByteOrderMark() throws IOException {
        started = true;
        while (limit < BYTE_ORDER_MARK.length && startsAsByteOrderMark()) {
            if (!readMore()) {
                return;
            }
        }
        if (limit >= BYTE_ORDER_MARK.length && startsAsByteOrderMark()) {
            position = BYTE_ORDER_MARK.length;
        }
    }

    /** Whether the bytes read so far (at most the mark's length of them) are the byte order mark's first ones. */
    private boolean startsAsByteOrderMark() {
        for (int i = 0; i < Math.min(limit, BYTE_ORDER_MARK.length); i++) {
            if (buffer[i] != BYTE_ORDER_MARK[i]) {
                return false;
            }
        }
        return true;
    }

    /** Bytes of the body read so far. */
    long bytesRead() {
        return bytesRead;
    }

    /** Reads the body's next bytes into the emptied buffer; false at its end. */
    private boolean fill() throws IOException {
        position = 0;
        limit = 0;
        return readMore();
    }

    /**
     * Reads more of the body into the buffer, after the bytes it holds, and tells the caller ({@link #afterRead});
     * false at its end.
     */
    private boolean readMore() throws IOException {
        int n = in.read(buffer, limit, buffer.length - limit);
        afterRead.accept(number + 1);
        if (n < 0) {
            ended = true;
            return false;
        }
        limit += n;
        bytesRead += n;
        return true;
    }
}
