package dev.gatehouse.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * A node's clock that a test moves instead of sleeping: it runs with the system clock until {@link #freeze}
 * stops it; {@link #advance} moves it ahead, stopped or running; {@link #run} lets it run on from where it stands.
 * It never goes back. Thread-safe.
 */
public final class TestClock implements InstantSource {

    private Instant frozen;
    private Duration ahead = Duration.ZERO;

    @Override
    public synchronized Instant instant() {
        return frozen != null ? frozen : Instant.now().plus(ahead);
    }

    /** Stops the clock where it stands. */
    public synchronized TestClock freeze() {
        frozen = instant();
        return this;
    }

    /** Moves the clock ahead by {@code by}. */
    public synchronized void advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("a clock only moves ahead, got " + by);
        }
        if (frozen != null) {
            frozen = frozen.plus(by);
        } else {
            ahead = ahead.plus(by);
        }
    }

    /** Lets a stopped clock run on with the system clock, from the instant where it stands. */
    public synchronized void run() {
        if (frozen != null) {
            ahead = Duration.between(Instant.now(), frozen);
            frozen = null;
        }
    }
}
