package dev.gatehouse.bulk;

/**
 * How one import runs: lines per chunk (one transaction each), the first line to write (earlier ones are
 * skipped: resuming), and how many lines one request may carry from there. Validated at construction with
 * messages naming the parameter; immutable.
 *
 * @param chunkLines lines per chunk, 1 to {@link #MAX_CHUNK_LINES}
 * @param fromLine   the first line written, from 1
 * @param maxLines   lines one request takes at most, counted from {@code fromLine}
 */
public record ImportOptions(int chunkLines, long fromLine, long maxLines) {

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
    }
}
