package dev.gatehouse.app;

import dev.gatehouse.webhook.IpNetwork;
import dev.gatehouse.webhook.WebhookSettings;
import picocli.CommandLine.Option;

/** The {@code serve} options of webhooks ({@link WebhookSettings}), each with its {@code GATEHOUSE_*} variable. */
final class WebhookOptions {

    @Option(names = "--webhook-retry-window", defaultValue = "${env:GATEHOUSE_WEBHOOK_RETRY_WINDOW:-24h}", description = "retry a failing webhook event this long, then pause the subscription, e.g. 24h, 90m (GATEHOUSE_WEBHOOK_RETRY_WINDOW, default 24h)")
    String retryWindow;

    @Option(names = "--webhook-timeout", defaultValue = "${env:GATEHOUSE_WEBHOOK_TIMEOUT:-10s}", description = "time limit of one webhook request, e.g. 10s (GATEHOUSE_WEBHOOK_TIMEOUT, default 10s)")
    String timeout;

    @Option(names = "--webhook-allowed-networks", defaultValue = "${env:GATEHOUSE_WEBHOOK_ALLOWED_NETWORKS}", description = "networks webhooks may reach besides public addresses, comma-separated CIDRs, e.g. 127.0.0.0/8,10.0.0.0/8 (GATEHOUSE_WEBHOOK_ALLOWED_NETWORKS, default none)")
    String allowedNetworks;

    @Option(names = "--webhook-retention-hold", defaultValue = "${env:GATEHOUSE_WEBHOOK_RETENTION_HOLD:-7d}", description = "how long past --event-retention-days an active webhook that is behind keeps events from deletion, e.g. 7d (GATEHOUSE_WEBHOOK_RETENTION_HOLD, default 7d)")
    String retentionHold;

    WebhookSettings settings() {
        return WebhookSettings.of(Config.duration("--webhook-retry-window", retryWindow),
                        Config.duration("--webhook-timeout", timeout))
                .withAllowedNetworks(IpNetwork.parseList("--webhook-allowed-networks", allowedNetworks))
                .withRetentionHold(Config.duration("--webhook-retention-hold", retentionHold));
    }
}
