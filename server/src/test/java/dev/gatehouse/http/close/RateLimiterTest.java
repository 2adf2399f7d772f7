package dev.gatehouse.http.close;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final RateLimiter limiter = new RateLimiter(new RateLimit(3, 10), now::get);

    @Test
    void budget_isCountedDownThenRefused_untilTheWindowEnds() {
        assertThat(limiter.acquire("k", "GET /role/").header()).isEqualTo("limit=3, remaining=2, reset=10");
        limiter.acquire("k", "GET /role/");
        now.addAndGet(4_500);
        RateLimiter.Outcome last = limiter.acquire("k", "GET /role/");
        assertThat(last.allowed()).isTrue();
        assertThat(last.header()).isEqualTo("limit=3, remaining=0, reset=6");
        RateLimiter.Outcome refused = limiter.acquire("k", "GET /role/");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.remaining()).isZero();
        now.addAndGet(5_600);
        assertThat(limiter.acquire("k", "GET /role/").header()).isEqualTo("limit=3, remaining=2, reset=10");
    }

    @Test
    void budgets_arePerCallerAndPerEndpointGroup() {
        for (int i = 0; i < 3; i++) {
            limiter.acquire("k", "GET /role/");
        }
        assertThat(limiter.acquire("k", "GET /role/").allowed()).isFalse();
        assertThat(limiter.acquire("k", "POST /role/").allowed()).isTrue();
        assertThat(limiter.acquire("other", "GET /role/").allowed()).isTrue();
    }

    @Test
    void configuration_parsesAndValidates() {
        assertThat(RateLimit.parse("--close-rate-limit", "100")).isEqualTo(new RateLimit(100, 1));
        assertThat(RateLimit.parse("--close-rate-limit", " 600/60 ")).isEqualTo(new RateLimit(600, 60));
        assertThatThrownBy(() -> RateLimit.parse("--close-rate-limit", "0"))
                .hasMessageContaining("--close-rate-limit").hasMessageContaining("\"0\"");
        assertThatThrownBy(() -> RateLimit.parse("--close-rate-limit", "ten"))
                .hasMessageContaining("--close-rate-limit");
        assertThatThrownBy(() -> RateLimit.parse("--close-rate-limit", "1/2/3"))
                .hasMessageContaining("--close-rate-limit");
        assertThatThrownBy(() -> RateLimit.parse("--close-rate-limit", "5/0"))
                .hasMessageContaining("seconds");
    }
}
