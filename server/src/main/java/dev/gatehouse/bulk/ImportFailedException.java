package dev.gatehouse.bulk;

import dev.gatehouse.error.GatehouseException;
import java.util.Objects;

/**
 * An import stopped at a line: {@link #reason()} is what that line's own request would have answered (its
 * status and code), {@link #progress()} what had committed before — the chunks before the line's, which stay
 * committed — and so where to resume ({@code committed_lines + 1}). The line's chunk changed nothing.
 */
public final class ImportFailedException extends RuntimeException {

    private final long line;
    private final GatehouseException reason;
    private final ImportProgress progress;

    ImportFailedException(long line, GatehouseException reason, ImportProgress progress) {
        super("line " + line + ": " + reason.detail(), reason);
        this.line = line;
        this.reason = Objects.requireNonNull(reason, "reason");
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    public long line() {
        return line;
    }

    public GatehouseException reason() {
        return reason;
    }

    public ImportProgress progress() {
        return progress;
    }
}
