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
        assertThat(s.workers()).isEqualTo(8);
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

    @Test
    void anOrganizationCannotBeGivenMoreThanEveryWorker() {
        assertThatThrownBy(() -> new WebhookSettings(Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofMinutes(1), 4, Duration.ofMillis(500), 30, 5, Duration.ofSeconds(1), List.of()))
                .hasMessageContaining("orgConcurrency").hasMessageContaining("5");
    }
}
