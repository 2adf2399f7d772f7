package dev.gatehouse.limit;

import dev.gatehouse.error.UnavailableException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A node's places for heavy work of one kind (exports and snapshots filling their spools, the what-ifs of previews),
 * and a bounded wait for one. At most {@code atOnce} hold a place. One more waits for a place, first come first
 * served, up to {@code longestWait}, as long as fewer than {@code maxWaiting} wait already: each waiting request holds
 * a request thread, which every tenant shares, so the waits are bounded in number as well as in time. Otherwise, or
 * when no place comes within the wait, it is refused with 503 {@code code} and {@code Retry-After}, having done
 * nothing: a node refuses heavy work rather than delay every tenant. Thread-safe.
 */
public final class Places {

    private final int atOnce;
    private final int maxWaiting;
    private final Duration longestWait;
    private final String code;
    private final String doing;
    private final Semaphore places;
    private final AtomicInteger waiting = new AtomicInteger();

    /**
     * @param code  the refusal's code ({@code exports_busy})
     * @param doing what the places' holders do, to follow "this node" in the refusal ("reads 2 exports from the
     *              database")
     */
    public Places(int atOnce, int maxWaiting, Duration longestWait, String code, String doing) {
        if (atOnce < 1 || maxWaiting < 0 || longestWait.isNegative()) {
            throw new IllegalArgumentException("places: " + atOnce + " at once, " + maxWaiting + " waiting, "
                    + longestWait);
        }
        this.atOnce = atOnce;
        this.maxWaiting = maxWaiting;
        this.longestWait = longestWait;
        this.code = code;
        this.doing = doing;
        this.places = new Semaphore(atOnce, true);
    }

    /** The places held at once at most. */
    public int atOnce() {
        return atOnce;
    }

    /** The answer of {@code work}, computed in a place; 503 {@code code} when none comes in time. */
    public <T> T hold(Supplier<T> work) {
        enter();
        try {
            return work.get();
        } finally {
            places.release();
        }
    }

    /** Takes a place, waiting as the bounds allow, or throws the refusal. */
    private void enter() {
        try {
            // a timed acquire keeps to the queue's order, which an untimed tryAcquire would jump
            if (places.tryAcquire(0, TimeUnit.NANOSECONDS)) {
                return;
            }
            if (waiting.incrementAndGet() > maxWaiting) {
                waiting.decrementAndGet();
                throw busy(maxWaiting + " wait for a place already");
            }
            try {
                if (places.tryAcquire(longestWait.toNanos(), TimeUnit.NANOSECONDS)) {
                    return;
                }
            } finally {
                waiting.decrementAndGet();
            }
            throw busy("none ended within " + shown(longestWait));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("node_stopping", "this node is stopping; ask another");
        }
    }

    private UnavailableException busy(String why) {
        return new UnavailableException(code, "this node " + doing + " already, and " + why + " (at most "
                + maxWaiting + " wait, each up to " + shown(longestWait) + "); retry shortly",
                (int) Math.max(1, longestWait.toSeconds()));
    }

    private static String shown(Duration wait) {
        return wait.toMillis() % 1000 == 0 ? wait.toSeconds() + " s" : wait.toMillis() + " ms";
    }
}
