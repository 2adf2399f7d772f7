package dev.gatehouse.testing;

import dev.gatehouse.changelog.ChangeFeed;
import java.util.concurrent.CountDownLatch;

/**
 * Stops a node from applying committed changes — its own and other nodes' — for as long as it is open: a
 * thread holds the {@link ChangeFeed}'s monitor, under which every delivery to the engine runs. The node then
 * answers from an engine that lags the database by an arbitrary amount, deterministically (a write of its own
 * commits, and its response waits until the feed is thawed). Closing thaws it.
 */
public final class FrozenFeed implements AutoCloseable {

    private final CountDownLatch thaw = new CountDownLatch(1);
    private final Thread holder;

    private FrozenFeed(ChangeFeed feed) {
        CountDownLatch frozen = new CountDownLatch(1);
        holder = new Thread(() -> {
            synchronized (feed) {
                frozen.countDown();
                try {
                    thaw.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "test-frozen-feed");
        holder.setDaemon(true);
        holder.start();
        try {
            frozen.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while freezing the feed");
        }
    }

    public static FrozenFeed of(TestNode node) {
        return new FrozenFeed(node.node().core().feed());
    }

    @Override
    public void close() {
        thaw.countDown();
        try {
            holder.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
