package dev.gatehouse.limit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LimitsTest {

    @Test
    void defaults_arePinned() {
        assertThat(Limits.DEFAULTS).isEqualTo(new Limits(1_000, 100_000, 1_000, 20, 10_000, 5_000,
                1_000_000, 1_000_000));
    }

    @Test
    void outOfRangeValues_nameTheirOption() {
        assertThatThrownBy(() -> new Limits(0, 1, 1, 1, 1, 1, 1, 1)).hasMessageContaining("--max-roles-per-org")
                .hasMessageContaining("0");
        assertThatThrownBy(() -> new Limits(1, -5, 1, 1, 1, 1, 1, 1)).hasMessageContaining("--max-members-per-org")
                .hasMessageContaining("-5");
        assertThatThrownBy(() -> new Limits(1, 1, 0, 1, 1, 1, 1, 1)).hasMessageContaining("--max-groups-per-org");
        assertThatThrownBy(() -> new Limits(1, 1, 1, 1001, 1, 1, 1, 1)).hasMessageContaining("--max-keys-per-member")
                .hasMessageContaining("1001");
        assertThatThrownBy(() -> new Limits(1, 1, 1, 1, 0, 1, 1, 1)).hasMessageContaining("--max-assignments-per-resource");
        assertThatThrownBy(() -> new Limits(1, 1, 1, 1, 1, 100_001, 1, 1)).hasMessageContaining("--max-members-per-group");
        assertThatThrownBy(() -> new Limits(1, 1, 1, 1, 1, 1, 0, 1)).hasMessageContaining("--max-resources-per-org");
        assertThatThrownBy(() -> new Limits(1, 1, 1, 1, 1, 1, 1, 0)).hasMessageContaining("--max-rooms-per-org");
    }
}
