package dev.gatehouse.bulk;

import dev.gatehouse.error.GatehouseException;
import java.util.Objects;

/**
 * A typed failure ({@link GatehouseException}) of one line of an import: what the line's own request would have
 * answered, and the line's number. Internal to an import; {@link ImportService} turns it into the answer.
 */
final class LineFailure extends RuntimeException {

    private final long line;
    private final GatehouseException reason;

    LineFailure(long line, GatehouseException reason) {
        super("line " + line + ": " + reason.detail(), reason);
        this.line = line;
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    long line() {
        return line;
    }

    GatehouseException reason() {
        return reason;
    }
}
