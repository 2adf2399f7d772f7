package dev.gatehouse.webhook;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookSettingsTest {

    @Test
    void defaults_arePinned() {
        WebhookSettings s = WebhookSettings.of(Duration.ofHours(24), Duration.ofSeconds(10));
        assertThat(s.workers()).isEqualTo(256);
        assertThat(s.orgConcurrency()).isEqualTo(2);
        assertThat(s.claimBudget()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.initialBackoff()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.maxBackoff()).isEqualTo(Duration.ofMinutes(15));
        assertThat(s.pollInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.deliveryLogDays()).isEqualTo(30);
        assertThat(s.allowedNetworks()).isEmpty();
        assertThat(s.lease()).isEqualTo(Duration.ofSeconds(50));
        assertThat(s.backoff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.backoff(4)).isEqualTo(Duration.ofSeconds(8));
        assertThat(s.backoff(40)).isEqualTo(Duration.ofMinutes(15));
    }

    /** Deliverers between requests take at most a quarter of the node's pool, at least one connection. */
    @Test
    void deliverersLeaveThreeQuartersOfThePool_toTheApi() {
        assertThat(WebhookDispatcher.turns(2)).isEqualTo(1);
        assertThat(WebhookDispatcher.turns(8)).isEqualTo(2);
        assertThat(WebhookDispatcher.turns(200)).isEqualTo(50);
    }

    @Test
    void anOrganizationCannotBeGivenMoreThanEveryWorker() {
        assertThatThrownBy(() -> new WebhookSettings(Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofMinutes(1), 4, Duration.ofMillis(500), 30, 5, Duration.ofSeconds(1), List.of(),
                Duration.ZERO)).hasMessageContaining("orgConcurrency").hasMessageContaining("5");
    }

    @Test
    void operatorDefaults_arePinned() {
        assertThat(WebhookSettings.DEFAULTS.retryWindow()).isEqualTo(Duration.ofHours(24));
        assertThat(WebhookSettings.DEFAULTS.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(WebhookSettings.DEFAULTS.retentionHold()).isEqualTo(Duration.ofDays(7));
        assertThat(WebhookSettings.DEFAULTS.allowedNetworks()).isEmpty();
    }

    @Test
    void operatorValues_outOfRange_nameTheirOption() {
        WebhookSettings d = WebhookSettings.DEFAULTS;
        assertThatThrownBy(() -> d.withRetry(Duration.ofMillis(999), d.timeout()))
                .hasMessageContaining("--webhook-retry-window must be 1s..30d");
        assertThatThrownBy(() -> d.withRetry(Duration.ofDays(31), d.timeout()))
                .hasMessageContaining("--webhook-retry-window");
        assertThatThrownBy(() -> d.withRetry(d.retryWindow(), Duration.ofMillis(99)))
                .hasMessageContaining("--webhook-timeout must be 100ms..2m");
        assertThatThrownBy(() -> d.withRetry(d.retryWindow(), Duration.ofMinutes(3)))
                .hasMessageContaining("--webhook-timeout");
        assertThatThrownBy(() -> d.withRetentionHold(Duration.ofDays(366)))
                .hasMessageContaining("--webhook-retention-hold").hasMessageContaining("PT8784H");
        assertThatThrownBy(() -> d.withRetentionHold(Duration.ofSeconds(-1)))
                .hasMessageContaining("--webhook-retention-hold");
        assertThat(d.withRetentionHold(Duration.ZERO).retentionHold()).isZero();
    }
}
