package dev.gatehouse.bulk;

import java.time.Duration;
import java.util.Objects;

/**
 * How one import runs: lines per chunk (one transaction each), the first line to write (earlier ones are
 * skipped: resuming), how many lines one request may carry from there, and how long one chunk's lines may take to
 * arrive. Validated at construction with messages naming the parameter; immutable.
 *
 * @param chunkLines   lines per chunk, 1 to {@link #MAX_CHUNK_LINES}
 * @param fromLine     the first line written, from 1
 * @param maxLines     lines one request takes at most, counted from {@code fromLine}
 * @param chunkTimeout the lines of one chunk (or the body's end) must arrive within this time of the chunk's start
 *                     (the server's {@code --request-body-timeout}): see {@link ImportService}
 */
public record ImportOptions(int chunkLines, long fromLine, long maxLines, Duration chunkTimeout) {

    public static final int DEFAULT_CHUNK_LINES = 5_000;
    public static final int MAX_CHUNK_LINES = 10_000;
    /** Lines one request may carry (from {@code fromLine}); more get {@code too_many_lines}. */
    public static final long DEFAULT_MAX_LINES = 2_000_000;

    public ImportOptions {
        if (chunkLines < 1 || chunkLines > MAX_CHUNK_LINES) {
            throw new IllegalArgumentException("chunk_lines must be 1.." + MAX_CHUNK_LINES + ", got " + chunkLines);
        }
        if (fromLine < 1) {
            throw new IllegalArgumentException("from_line must be at least 1, got " + fromLine);
        }
        if (maxLines < 1) {
            throw new IllegalArgumentException("the line limit must be at least 1, got " + maxLines);
        }
        Objects.requireNonNull(chunkTimeout, "chunkTimeout");
        if (chunkTimeout.isNegative() || chunkTimeout.isZero()) {
            throw new IllegalArgumentException("a chunk's deadline must be positive, got " + chunkTimeout);
        }
    }
}
