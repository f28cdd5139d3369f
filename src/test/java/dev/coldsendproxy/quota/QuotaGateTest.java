package dev.coldsendproxy.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.consumer.Consumer;
import dev.coldsendproxy.support.Configs;
import dev.coldsendproxy.upstream.AttemptRefusedException;
import dev.coldsendproxy.upstream.RateLimitHeaders;

/** The upstream client's attempt gate on the local governor: each attempt is paid from the consumer's share. */
class QuotaGateTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private final QuotaGovernor governor = new QuotaGovernor(Configs.quota(10, 1000), now::get);
    private final QuotaGate gate = new QuotaGate(governor, new Consumer("crm-sync", 1.0));

    @Test
    void letsAnAttemptGoAndPaysItFromTheConsumersShare() {
        gate.beforeAttempt().await().indefinitely();

        assertThat(governor.budget("crm-sync", 1.0).remaining()).isEqualTo(9);
    }

    @Test
    void refusesAnAttemptOnceTheShareIsSpentSayingWhyAndForHowLong() {
        for (int i = 0; i < 10; i++) {
            gate.beforeAttempt().await().indefinitely();
        }

        AttemptRefusedException refused = catchThrowableOfType(AttemptRefusedException.class,
                () -> gate.beforeAttempt().await().indefinitely());

        assertThat(refused).as("the eleventh attempt is refused").isNotNull();
        assertThat(refused.reason()).startsWith("your share of the proxy's Coldsend budget is spent");
        assertThat(refused.retryAfterSeconds()).isEqualTo(60);
        assertThat(refused.upstreamOverloaded()).isFalse();
    }

    @Test
    void holdsTheNextAttemptWhenColdsendAnswersThatItIsOverloaded() {
        gate.afterAnswer(503, new RateLimitHeaders(null, null, null, 5L));

        assertThatThrownBy(() -> gate.beforeAttempt().await().indefinitely())
                .isInstanceOfSatisfying(AttemptRefusedException.class, refused -> {
                    assertThat(refused.upstreamOverloaded()).isTrue();
                    assertThat(refused.retryAfterSeconds()).isEqualTo(5);
                });
    }
}
