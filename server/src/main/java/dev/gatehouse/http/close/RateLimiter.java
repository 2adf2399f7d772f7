package dev.gatehouse.http.close;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Close's rate limits: a budget of requests per window for each (caller, endpoint group), where the caller
 * is a member — all of its keys share one budget — (or, before a key is known, the client address) and the
 * endpoint group is the method and route template. Fixed windows: the first request of a caller and group opens a window of the configured
 * length; when the budget is spent, requests are refused until it ends. Every outcome carries what Close's
 * {@code RateLimit} header reports: the limit, what is left, and whole seconds until the window resets.
 *
 * <p>Thread-safe: windows live in a concurrent map and are updated under their own monitor; windows that
 * have ended are swept out every few thousand requests, so memory follows the number of active callers.
 */
final class RateLimiter {

    /** One decision and the values for the {@code RateLimit} header. */
    record Outcome(boolean allowed, int limit, int remaining, long resetSeconds) {
        String header() {
            return "limit=" + limit + ", remaining=" + remaining + ", reset=" + resetSeconds;
        }
    }

    private static final class Window {
        long endsAtMillis;
        int used;
    }

    private static final int SWEEP_EVERY = 4096;

    private final int limit;
    private final long windowMillis;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
    private final AtomicLong calls = new AtomicLong();

    RateLimiter(RateLimit budget, LongSupplier clockMillis) {
        this.limit = budget.requests();
        this.windowMillis = budget.seconds() * 1000L;
        this.clock = clockMillis;
    }

    Outcome acquire(String caller, String group) {
        long now = clock.getAsLong();
        if (calls.incrementAndGet() % SWEEP_EVERY == 0) {
            windows.values().removeIf(w -> {
                synchronized (w) {
                    return w.endsAtMillis <= now;
                }
            });
        }
        Window w = windows.computeIfAbsent(caller + ' ' + group, k -> new Window());
        synchronized (w) {
            if (w.endsAtMillis <= now) {
                w.endsAtMillis = now + windowMillis;
                w.used = 0;
            }
            long reset = Math.max(1, (w.endsAtMillis - now + 999) / 1000);
            if (w.used >= limit) {
                return new Outcome(false, limit, 0, reset);
            }
            w.used++;
            return new Outcome(true, limit, limit - w.used, reset);
        }
    }
}
