package dev.gatehouse.cli;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Gives up on a streamed answer that stops coming (an export's lines): the command calls {@link #waiting} before each
 * wait for the server (the answer's start, its next part) and {@link #arrived} once the part is there; a wait longer
 * than {@code timeout} runs {@code giveUp} (closing the client, which ends the read in progress) and {@link #stalled}
 * then says so, so that the command names the timeout rather than the closed client. Only the waits for the server
 * count: a slow reader of the command's output (a paused pager) never stops it, and an answer that keeps coming is
 * never cut, however long it takes in all. One daemon thread, stopped by {@link #close}. Thread-safe.
 */
final class StallWatch implements AutoCloseable {

    private static final long NOT_WAITING = Long.MIN_VALUE;

    private final Duration timeout;
    private final ScheduledExecutorService timer;
    /** When the current wait began ({@link System#nanoTime}), or {@link #NOT_WAITING}. */
    private volatile long waitingSince = NOT_WAITING;
    private volatile boolean stalled;

    StallWatch(Duration timeout, Runnable giveUp) {
        this.timeout = timeout;
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "gatehouse-cli-stall-watch");
            thread.setDaemon(true);
            return thread;
        });
        long checkEveryMillis = Math.max(10, timeout.toMillis() / 10);
        timer.scheduleWithFixedDelay(() -> {
            long since = waitingSince;
            if (!stalled && since != NOT_WAITING && System.nanoTime() - since >= timeout.toNanos()) {
                stalled = true;
                giveUp.run();
            }
        }, checkEveryMillis, checkEveryMillis, TimeUnit.MILLISECONDS);
    }

    /** A wait for the server begins. */
    void waiting() {
        waitingSince = System.nanoTime();
    }

    /** What was waited for has arrived. */
    void arrived() {
        waitingSince = NOT_WAITING;
    }

    /** Whether a wait outlasted the timeout and the watch gave up. */
    boolean stalled() {
        return stalled;
    }

    Duration timeout() {
        return timeout;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
