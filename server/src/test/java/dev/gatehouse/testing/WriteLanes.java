package dev.gatehouse.testing;

import dev.gatehouse.store.Store;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * Makes a node's writes wait together in its write lanes' queue, deterministically: {@link #occupy} holds one
 * organization's row lock while a write of it occupies every lane, {@link #queue} then queues the writes under test
 * in a known order, and releasing the lock lets them all go — into one batch.
 */
public final class WriteLanes {

    private WriteLanes() {
    }

    /**
     * Holds {@code blocked}'s row lock and queues one write of it per lane (each {@code blocker}, named by its
     * number), so that every lane waits for the lock and whatever is queued next waits for a lane; closing the
     * lock lets them all go.
     */
    public static OrgRowLock occupy(TestNode node, long blocked, IntConsumer blocker) {
        OrgRowLock lock = OrgRowLock.hold(node, blocked);
        int lanes = node.node().core().store().lanes();
        try {
            // one at a time: two blockers queued together could be taken into one lane's batch
            for (int i = 0; i < lanes; i++) {
                int n = i;
                CompletableFuture.runAsync(() -> blocker.accept(n));
                Await.until(Duration.ofSeconds(20), "lane " + n + " waits for the lock", () -> lock.waiters() == n + 1);
            }
            return lock;
        } catch (RuntimeException | Error e) {
            lock.release();
            throw e;
        }
    }

    /** Starts a write on its own thread and returns once it waits in the queue (so arrival order is known). */
    public static <T> CompletableFuture<T> queue(Store store, Supplier<T> write) {
        int waiting = store.waitingWrites();
        CompletableFuture<T> future = CompletableFuture.supplyAsync(write);
        Await.until(Duration.ofSeconds(20), "the write is queued", () -> store.waitingWrites() == waiting + 1);
        return future;
    }
}
