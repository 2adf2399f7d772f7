package dev.gatehouse.changelog;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The change feed's meters: whether this node is in sync, the revision its engine has applied, the newest
 * revision it knows the change log holds and how far behind it is (revisions; seconds since it last knew it had
 * everything), changes it failed to apply and whole-state reloads. Every value is read from the {@link ChangeFeed} when scraped; nothing is counted
 * here. Documented in docs/deployment.md ("Metrics").
 */
public final class FeedMetrics {

    private FeedMetrics() {
    }

    /** Registers the feed's meters on {@code registry}. */
    public static void register(ChangeFeed feed, MeterRegistry registry) {
        Gauge.builder("gatehouse.feed.in.sync", feed, f -> f.inSync() ? 1 : 0)
                .description("1 while this node's state holds every change it has seen; 0 while it reloads")
                .register(registry);
        FunctionCounter.builder("gatehouse.feed.log.reads", feed, ChangeFeed::reads)
                .description("reads of the change log for records this node lacked: other nodes' changes, the "
                        + "tailer's poll, checks waiting for a revision (its own writes are applied without one)")
                .register(registry);
        FunctionCounter.builder("gatehouse.feed.reloads", feed, ChangeFeed::reloads)
                .description("reloads of the whole state after a change could not be applied or the log had a gap")
                .register(registry);
        FunctionCounter.builder("gatehouse.feed.apply.failures", feed, ChangeFeed::listenerFailures)
                .tag("reason", "listener_failed")
                .description("changes this node could not apply: a part of its state (the engine, keys, models) "
                        + "failed on the change, or the log lacked revisions it had not applied yet")
                .register(registry);
        FunctionCounter.builder("gatehouse.feed.apply.failures", feed, ChangeFeed::gaps)
                .tag("reason", "gap")
                .description("changes this node could not apply: a part of its state (the engine, keys, models) "
                        + "failed on the change, or the log lacked revisions it had not applied yet")
                .register(registry);
        Gauge.builder("gatehouse.engine.revision", feed, ChangeFeed::applied)
                .description("the change-log revision this node's engine (and every other part of its state) has "
                        + "applied; decisions are answered at it")
                .register(registry);
        Gauge.builder("gatehouse.changelog.revision", feed, ChangeFeed::head)
                .description("the newest change-log revision this node knows the database holds")
                .register(registry);
        Gauge.builder("gatehouse.engine.lag.revisions", feed, f -> Math.max(0, f.head() - f.applied()))
                .description("revisions this node knows the database holds and has not applied yet")
                .register(registry);
        Gauge.builder("gatehouse.engine.lag.seconds", feed, ChangeFeed::lagSeconds)
                .description("seconds since this node last knew it had applied every revision in the database "
                        + "(about one poll interval at most while all is well)")
                .baseUnit("seconds")
                .register(registry);
    }
}
