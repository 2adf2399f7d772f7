package dev.gatehouse.webhook;

import dev.gatehouse.changelog.Retention;
import java.time.InstantSource;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What webhook delivery asks of change-log retention. An active subscription holds back the records it has
 * not delivered yet (for at most the retention's {@code maxHold} past the retention period); a paused one
 * holds nothing. When records a subscription had not received are deleted all the same — it was paused, or
 * further behind than that — its cursor moves past them and the loss is recorded where the organization
 * sees it: a {@code failed} entry with error {@code events_pruned} in the subscription's deliveries log,
 * whose revision is the newest matching event lost. Stateless apart from the node id and clock; thread-safe.
 */
public final class WebhookRetention implements Retention.Holder {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookRetention.class);

    private final WebhookStore store = new WebhookStore();
    private final String nodeId;
    private final InstantSource clock;

    /**
     * @param nodeId the node recorded as the author of {@code events_pruned} entries
     * @param clock  the node's clock, which dates those entries
     */
    public WebhookRetention(String nodeId, InstantSource clock) {
        this.nodeId = nodeId;
        this.clock = clock;
    }

    @Override
    public long neededAfter(Handle h) {
        return WebhookStore.neededAfter(h);
    }

    @Override
    public void pruning(Handle h, long through) {
        for (WebhookStore.Lost lost : store.skipPruned(h, through)) {
            store.logDelivery(h, lost.webhookId(), lost.last(), 0, clock.instant(), 0, null, Delivery.FAILED,
                    DeliveryFailure.EVENTS_PRUNED.code(), nodeId);
            LOG.warn("webhook {} of organization {} will not receive its events after revision {} up to {}: "
                    + "retention deleted them", lost.webhookId(), lost.orgId(), lost.after(), lost.last());
        }
    }
}
