package dev.gatehouse.store;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The write path's meters: how many writes wait for a write lane ({@link GroupCommit}; always 0 with one transaction
 * per write), and whether the database answers ({@link DatabaseHealth}; writes are refused while it does not). Read from the {@link Store} when scraped; nothing is counted here. Documented in docs/deployment.md.
 */
public final class WriteMetrics {

    private WriteMetrics() {
    }

    /** Registers the store's meters on {@code registry}. */
    public static void register(Store store, MeterRegistry registry) {
        Gauge.builder("gatehouse.writes.waiting", store, Store::waitingWrites)
                .description("writes queued for a write lane (group commit)")
                .register(registry);
        for (boolean held : new boolean[] {true, false}) {
            FunctionCounter.builder("gatehouse.write.batches", store, s -> s.writeBatches(held))
                    .tag("turn", held ? "held" : "passed")
                    .description("transactions of several queued writes (group commit) begun by a write lane: holding "
                            + "the turn, or passing a lane whose batch took longer than the turn's patience")
                    .register(registry);
        }
        DatabaseHealth health = store.health();
        if (health != null) {
            Gauge.builder("gatehouse.database.reachable", health, h -> h.reachable() ? 1 : 0)
                    .description("1 while the database answers this node's probe, 0 while it is unreachable "
                            + "(decisions answered from memory, writes refused)")
                    .register(registry);
        }
    }
}
