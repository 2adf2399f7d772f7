package dev.gatehouse.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress of a long command on standard error: on a terminal one line redrawn in place (a bar when the total is
 * known), at most ten times a second; otherwise plain lines, one per {@link #step} call that {@code every} allows,
 * for logs. Standard output stays the data alone. Not thread-safe.
 */
final class Progress {

    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int BAR = 30;

    private final PrintWriter err;
    private final String name;
    private final boolean terminal;
    private long lastDrawn = Long.MIN_VALUE;
    private boolean drawn;

    Progress(PrintWriter err, String name, boolean terminal) {
        this.err = err;
        this.name = name;
        this.terminal = terminal;
    }

    /**
     * Shows {@code done} of {@code total} (0 when unknown) with {@code what} after it; on a terminal only when a
     * redraw is due (or {@code force}), otherwise only when {@code plainLine} says this step deserves a line.
     */
    void step(long done, long total, String what, boolean plainLine, boolean force) {
        if (terminal) {
            long now = System.nanoTime();
            if (!force && drawn && now - lastDrawn < REDRAW_NANOS) {
                return;
            }
            lastDrawn = now;
            drawn = true;
            err.print("\r" + name + ": " + bar(done, total) + what + "\u001b[K");
            err.flush();
        } else if (plainLine) {
            err.println(name + ": " + what);
            err.flush();
        }
    }

    /** Ends the progress display with a last plain line. */
    void finish(String what) {
        if (terminal && drawn) {
            err.print("\r\u001b[K");
        }
        err.println(name + ": " + what);
        err.flush();
    }

    private static String bar(long done, long total) {
        if (total <= 0) {
            return "";
        }
        long shown = Math.min(done, total);
        int filled = (int) (BAR * shown / total);
        return "[" + "#".repeat(filled) + "-".repeat(BAR - filled) + "] "
                + String.format(Locale.ROOT, "%3d%% ", 100 * shown / total);
    }
}
