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
    private final long resumeOrgId;

    ImportFailedException(long line, GatehouseException reason, ImportProgress progress) {
        this(line, reason, progress, 0);
    }

    /** @param resumeOrgId see {@link #resumeOrgId()} */
    ImportFailedException(long line, GatehouseException reason, ImportProgress progress, long resumeOrgId) {
        super("line " + line + ": " + reason.detail(), reason);
        this.line = line;
        this.reason = Objects.requireNonNull(reason, "reason");
        this.progress = Objects.requireNonNull(progress, "progress");
        this.resumeOrgId = resumeOrgId;
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

    /**
     * In a deployment's import, the organization the line to resume from ({@code committed_lines + 1}) belongs to
     * when it exists already, which a resumed import names ({@code org_id}); 0 when there is none — an organization
     * line, which names its own, or an organization's import. Not the progress's {@code org_id}, the organization
     * the committed lines end in: the line after them may begin another.
     */
    public long resumeOrgId() {
        return resumeOrgId;
    }
}
