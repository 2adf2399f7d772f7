package dev.gatehouse.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.Map;

/**
 * Webhook delivery's meters: this node's claims, its delivery attempts by outcome, its failed attempts by class
 * ({@link DeliveryFailure}, a bounded set: never a status code or an address), and the deployment's backlog — active
 * subscriptions behind their organization's newest change and the age of the oldest change still to deliver —
 * as last sampled ({@link #backlog}) by the dispatcher. Every meter exists from the start. Documented in
 * docs/deployment.md ("Metrics"). Thread-safe.
 */
final class WebhookMetrics {

    private final Counter claims;
    private final Counter succeeded;
    private final Counter failed;
    private final Map<DeliveryFailure, Counter> failures = new EnumMap<>(DeliveryFailure.class);
    private final InstantSource clock;
    private volatile WebhookStore.Backlog backlog = WebhookStore.Backlog.NONE;

    /** @param clock the node's clock, against which the oldest pending change's age is read */
    WebhookMetrics(MeterRegistry registry, InstantSource clock) {
        this.clock = clock;
        this.claims = Counter.builder("gatehouse.webhook.claims")
                .description("times this node looked for subscriptions with deliveries due (claims)").register(registry);
        this.succeeded = attempts(registry, "succeeded");
        this.failed = attempts(registry, "failed");
        for (DeliveryFailure f : DeliveryFailure.values()) {
            if (f != DeliveryFailure.EVENTS_PRUNED) { // not an attempt: retention's note in the deliveries log
                failures.put(f, Counter.builder("gatehouse.webhook.delivery.failures").tag("class", f.code())
                        .description("failed webhook delivery attempts by this node, by class").register(registry));
            }
        }
        Gauge.builder("gatehouse.webhook.backlog.subscriptions", this, m -> m.backlog.subscriptions())
                .description("active subscriptions with changes still to deliver (the deployment's, sampled)")
                .register(registry);
        Gauge.builder("gatehouse.webhook.backlog.oldest.seconds", this, WebhookMetrics::oldestSeconds)
                .description("age of the oldest change an active subscription has still to deliver; 0 when none")
                .baseUnit("seconds")
                .register(registry);
    }

    private static Counter attempts(MeterRegistry registry, String outcome) {
        return Counter.builder("gatehouse.webhook.deliveries").tag("outcome", outcome)
                .description("webhook delivery attempts by this node, by outcome").register(registry);
    }

    /** This node looked for subscriptions with deliveries due. */
    void claimed() {
        claims.increment();
    }

    /** One attempt made: succeeded when {@code failure} is null. */
    void attempted(DeliveryFailure failure) {
        if (failure == null) {
            succeeded.increment();
        } else {
            failed.increment();
            Counter byClass = failures.get(failure);
            if (byClass != null) {
                byClass.increment();
            }
        }
    }

    /** The backlog as just read from the database. */
    void backlog(WebhookStore.Backlog sampled) {
        backlog = sampled;
    }

    private double oldestSeconds() {
        Instant oldest = backlog.oldest();
        if (oldest == null) {
            return 0;
        }
        Duration age = Duration.between(oldest, clock.instant());
        return age.isNegative() ? 0 : age.toNanos() / 1e9;
    }
}
