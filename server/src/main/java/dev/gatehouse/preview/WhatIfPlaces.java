package dev.gatehouse.preview;

import dev.gatehouse.error.UnavailableException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The places of one node's previews to compute their what-ifs in. A what-if copies its organization's state under
 * the engine's writer monitor — the lock this node applies every committed write under, of every organization — and
 * then computes on the copies, O(organization) in processor time and memory. Unbounded, twelve previews at once of
 * an organization of 100,000 members took another organization's writes, whose answers wait for their node to apply
 * them, from ~6 ms to ~1 s (median, 2 cores): the copies queued on the monitor, and the processors were taken.
 *
 * <p>So at most {@link PreviewSettings#atOnce()} previews hold a place at once. One more waits for a place, first
 * come first served, up to {@link PreviewSettings#longestWait()}, as long as no more than {@link PreviewSettings#waiting()}
 * wait already (each holds a request thread, which every tenant shares); otherwise, or when no place comes within
 * the wait, it is refused with 503 {@code previews_busy} and {@code Retry-After}, having changed nothing: a node
 * refuses a preview rather than delay every tenant's writes.
 *
 * <p>A place is taken with no database connection held and no organization locked ({@link PreviewService}), so a
 * preview waiting for one holds up no write. Thread-safe.
 */
final class WhatIfPlaces {

    private final int atOnce;
    private final int maxWaiting;
    private final Duration wait;
    private final Semaphore places;
    private final AtomicInteger waiting = new AtomicInteger();

    WhatIfPlaces(PreviewSettings settings) {
        this.atOnce = settings.atOnce();
        this.maxWaiting = settings.waiting();
        this.wait = settings.longestWait();
        this.places = new Semaphore(atOnce, true);
    }

    /** The answer of {@code work}, computed in a place; 503 {@code previews_busy} when none comes in time. */
    <T> T hold(Supplier<T> work) {
        enter();
        try {
            return work.get();
        } finally {
            places.release();
        }
    }

    /** Takes a place, waiting as the settings allow, or throws the refusal. */
    private void enter() {
        try {
            // a timed acquire keeps to the queue's order, which an untimed tryAcquire would jump
            if (places.tryAcquire(0, TimeUnit.NANOSECONDS)) {
                return;
            }
            if (waiting.incrementAndGet() > maxWaiting) {
                waiting.decrementAndGet();
                throw busy(maxWaiting + " wait already");
            }
            try {
                if (places.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                    return;
                }
            } finally {
                waiting.decrementAndGet();
            }
            throw busy("none ended within " + wait.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("node_stopping", "this node is stopping; retry the preview on another");
        }
    }

    private UnavailableException busy(String why) {
        return new UnavailableException("previews_busy", "this node computes " + atOnce + " preview(s) at once "
                + "already, and " + why + " (at most " + maxWaiting + " wait, each up to " + wait.toMillis()
                + " ms); retry shortly", (int) Math.max(1, wait.toSeconds()));
    }
}
