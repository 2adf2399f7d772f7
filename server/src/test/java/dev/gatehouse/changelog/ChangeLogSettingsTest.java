package dev.gatehouse.changelog;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChangeLogSettingsTest {

    @Test
    void defaults_pollEverySecond_andKeepEverything() {
        assertThat(ChangeLogSettings.DEFAULTS).isEqualTo(new ChangeLogSettings(1000, 0));
    }

    @Test
    void valuesOutOfRange_nameTheirOption() {
        assertThatThrownBy(() -> ChangeLogSettings.DEFAULTS.withPollMillis(9))
                .hasMessageContaining("--poll-millis must be 10..60000");
        assertThatThrownBy(() -> ChangeLogSettings.DEFAULTS.withPollMillis(60_001)).hasMessageContaining("--poll-millis");
        assertThatThrownBy(() -> ChangeLogSettings.DEFAULTS.withRetentionDays(-1))
                .hasMessageContaining("--event-retention-days");
        assertThatThrownBy(() -> ChangeLogSettings.DEFAULTS.withRetentionDays(36_501))
                .hasMessageContaining("--event-retention-days");
    }
}
