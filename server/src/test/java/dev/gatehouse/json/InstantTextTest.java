package dev.gatehouse.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link InstantText} writes exactly what {@link Instant#toString()} does, whatever the instant. */
class InstantTextTest {

    @Test
    void edges_areWrittenAsTheJdkWritesThem() {
        for (String text : new String[] {"1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999999999Z",
                "2026-12-03T19:52:07Z", "2026-12-03T19:52:07.100Z", "2026-12-03T19:52:07.000100Z",
                "2026-12-03T19:52:07.000000100Z", "2024-02-29T12:00:00.123456Z", "0000-01-01T00:00:00Z",
                "9999-12-31T23:59:59.999999999Z", "+10000-01-01T00:00:00Z", "-0001-12-31T23:59:59Z",
                "-1000000000-01-01T00:00:00Z", "+1000000000-12-31T23:59:59.999999999Z"}) {
            Instant instant = Instant.parse(text);
            assertThat(InstantText.of(instant)).isEqualTo(instant.toString()).isEqualTo(text);
        }
        assertThat(InstantText.of(Instant.MIN)).isEqualTo(Instant.MIN.toString());
        assertThat(InstantText.of(Instant.MAX)).isEqualTo(Instant.MAX.toString());
        assertThat(InstantText.of(null)).isNull();
    }

    @Test
    void randomInstants_ofEveryPrecision_areWrittenAsTheJdkWritesThem() {
        SplittableRandom random = new SplittableRandom(20261203);
        long min = Instant.parse("-2000-01-01T00:00:00Z").getEpochSecond();
        long max = Instant.parse("+12000-01-01T00:00:00Z").getEpochSecond();
        for (int i = 0; i < 200_000; i++) {
            int nanos = random.nextInt(1_000_000_000);
            nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> nanos / 1_000_000 * 1_000_000;
                case 2 -> nanos / 1000 * 1000;
                default -> nanos;
            };
            Instant instant = Instant.ofEpochSecond(random.nextLong(min, max), nanos);
            assertThat(InstantText.of(instant)).isEqualTo(instant.toString());
        }
    }
}
