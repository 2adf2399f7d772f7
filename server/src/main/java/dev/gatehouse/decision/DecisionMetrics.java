package dev.gatehouse.decision;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Decisions by API and result, and how long answering one takes. Every meter exists from the start (a result that
 * never happened reads 0), so a scrape shows the whole set; labels are bounded: the API of {@link Api} and the
 * result ({@code allowed}, {@code denied} for checks, {@code answered} for the other questions, {@code rejected}
 * when the question could not be answered: an unknown member or permission, a member key asking about others
 * without the right). Requests turned away before a question is asked (authentication, an organization the caller
 * may not address, a malformed body, a {@code min_revision} not reached) are not decisions.
 *
 * <p>The duration is one observation per question asked, a batch as a whole, from the decision service's start on
 * it to the answer (after any {@code min_revision} wait, without HTTP parsing and rendering). Documented in
 * docs/deployment.md ("Metrics"). Thread-safe; recording is a few atomic additions.
 */
final class DecisionMetrics {

    /** The decision APIs, as labelled. */
    enum Api {
        CHECK("check", true),
        CHECK_BATCH("check_batch", true),
        LOOKUP_RESOURCES("lookup_resources", false),
        LOOKUP_MEMBERS("lookup_members", false),
        VISIBILITY_CHECK("visibility_check", false),
        VISIBILITY_FILTER("visibility_filter", false),
        PERMISSIONS("permissions", false);

        final String label;
        /** Whether the answer is allowed or denied (a check), rather than a set of things. */
        final boolean yesNo;

        Api(String label, boolean yesNo) {
            this.label = label;
            this.yesNo = yesNo;
        }
    }

    /** Bucket bounds of the duration histogram: engine-speed answers to slow member lookups. */
    private static final Duration[] BUCKETS = {
            Duration.ofNanos(10_000), Duration.ofNanos(25_000), Duration.ofNanos(50_000), Duration.ofNanos(100_000),
            Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofNanos(2_500_000),
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofSeconds(1)};

    private record Meters(Counter allowed, Counter denied, Counter answered, Counter rejected, Timer duration) {
    }

    private final Map<Api, Meters> meters = new EnumMap<>(Api.class);

    DecisionMetrics(MeterRegistry registry) {
        for (Api api : Api.values()) {
            Timer duration = Timer.builder("gatehouse.decision.duration").tag("api", api.label)
                    .description("time to answer a decision question (a batch as a whole)")
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry);
            meters.put(api, new Meters(api.yesNo ? counter(registry, api, "allowed") : null,
                    api.yesNo ? counter(registry, api, "denied") : null,
                    api.yesNo ? null : counter(registry, api, "answered"), counter(registry, api, "rejected"),
                    duration));
        }
    }

    private static Counter counter(MeterRegistry registry, Api api, String result) {
        return Counter.builder("gatehouse.decisions").tag("api", api.label).tag("result", result)
                .description("decision questions answered, by API and result").register(registry);
    }

    /** One check answered, begun at {@code startNanos} ({@link System#nanoTime}). */
    void checked(Api api, boolean allowed, long startNanos) {
        Meters m = meters.get(api);
        (allowed ? m.allowed : m.denied).increment();
        m.duration.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    /** A batch of checks answered: so many allowed, denied and rejected, begun at {@code startNanos}. */
    void batch(int allowed, int denied, int rejected, long startNanos) {
        Meters m = meters.get(Api.CHECK_BATCH);
        m.allowed.increment(allowed);
        m.denied.increment(denied);
        m.rejected.increment(rejected);
        m.duration.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    /** A question other than a check answered, begun at {@code startNanos}. */
    void answered(Api api, long startNanos) {
        Meters m = meters.get(api);
        m.answered.increment();
        m.duration.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    /** A question that could not be answered (a typed error), begun at {@code startNanos}. */
    void rejected(Api api, long startNanos) {
        Meters m = meters.get(api);
        m.rejected.increment();
        m.duration.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }
}
