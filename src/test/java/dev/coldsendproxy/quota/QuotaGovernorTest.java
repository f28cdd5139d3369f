package dev.coldsendproxy.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.support.Configs;
import io.quarkus.runtime.configuration.ConfigurationException;

/** The governor on its own, on a manual clock. */
class QuotaGovernorTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);

    @Test
    void grantsAtMostTheLimitInAnyMinute() {
        QuotaGovernor governor = governor(10, 1000);

        int granted = 0;
        Grant last = null;
        for (int i = 0; i < 30; i++) {
            Grant grant = governor.tryAcquire("anonymous", 1.0);
            if (grant.granted()) {
                granted++;
            } else {
                last = grant;
            }
            advance(Duration.ofMillis(100));
        }

        assertThat(granted).isEqualTo(10);
        assertThat(last.retryAfterSeconds()).isBetween(55L, 60L);
        assertThat(last.upstreamOverloaded()).isFalse();
    }

    @Test
    void slidesTheWindowRatherThanResettingItOnTheMinute() {
        QuotaGovernor governor = governor(10, 1000);
        for (int i = 0; i < 10; i++) {
            assertThat(governor.tryAcquire("a", 1.0).granted()).isTrue();
            advance(Duration.ofSeconds(5));
        }
        assertThat(governor.tryAcquire("a", 1.0).granted()).isFalse();

        advance(Duration.ofSeconds(10));

        assertThat(governor.tryAcquire("a", 1.0).granted()).as("the first send left the window").isTrue();
        assertThat(governor.tryAcquire("a", 1.0).granted()).isFalse();
    }

    @Test
    void grantsAtMostTheLimitInAnyHour() {
        QuotaGovernor governor = governor(100, 150);
        int granted = 0;
        for (int minute = 0; minute < 60; minute++) {
            for (int i = 0; i < 100; i++) {
                granted += governor.tryAcquire("a", 1.0).granted() ? 1 : 0;
            }
            advance(Duration.ofMinutes(1));
        }
        assertThat(granted).isEqualTo(150);
    }

    @Test
    void stopsWhenColdsendSaysNoneRemainUntilItsReset() {
        QuotaGovernor governor = governor(100, 1000);
        long reset = System.currentTimeMillis() / 1000 + 30;

        governor.observe(200, 0L, reset, null);

        Grant refused = governor.tryAcquire("a", 1.0);
        assertThat(refused.granted()).isFalse();
        assertThat(refused.retryAfterSeconds()).isBetween(28L, 30L);
        advance(Duration.ofSeconds(31));
        assertThat(governor.tryAcquire("a", 1.0).granted()).isTrue();
    }

    @Test
    void spendsNoMoreThanColdsendSaysRemain() {
        QuotaGovernor governor = governor(100, 1000);
        governor.observe(200, 2L, System.currentTimeMillis() / 1000 + 30, null);

        assertThat(governor.tryAcquire("a", 1.0).granted()).isTrue();
        assertThat(governor.tryAcquire("a", 1.0).granted()).isTrue();
        assertThat(governor.tryAcquire("a", 1.0).granted()).isFalse();
    }

    @Test
    void holdsEverythingAfterA429AndMarksA503HoldAsOverload() {
        QuotaGovernor governor = governor(100, 1000);

        governor.observe(429, null, null, 20L);
        Grant afterLimit = governor.tryAcquire("a", 1.0);
        advance(Duration.ofSeconds(21));
        governor.observe(503, null, null, 5L);
        Grant afterOverload = governor.tryAcquire("a", 1.0);
        advance(Duration.ofSeconds(6));

        assertThat(afterLimit.granted()).isFalse();
        assertThat(afterLimit.retryAfterSeconds()).isEqualTo(20);
        assertThat(afterOverload.upstreamOverloaded()).isTrue();
        assertThat(governor.tryAcquire("a", 1.0).granted()).isTrue();
    }

    @Test
    void capsAGreedyConsumerAtItsShareWhileOthersKeepTheirs() {
        QuotaGovernor governor = governor(10, 1000);
        int greedy = 0;
        for (int i = 0; i < 20; i++) {
            greedy += governor.tryAcquire("greedy", 0.5).granted() ? 1 : 0;
        }
        int polite = 0;
        for (int i = 0; i < 5; i++) {
            polite += governor.tryAcquire("polite", 0.5).granted() ? 1 : 0;
        }

        assertThat(greedy).isEqualTo(5);
        assertThat(polite).isEqualTo(5);
        Grant refused = governor.tryAcquire("greedy", 0.5);
        assertThat(refused.reason()).contains("your share");
    }

    @Test
    void reportsAConsumersOwnBudget() {
        QuotaGovernor governor = governor(10, 1000);
        governor.tryAcquire("a", 0.5);
        governor.tryAcquire("a", 0.5);
        advance(Duration.ofSeconds(20));

        Budget budget = governor.budget("a", 0.5);

        assertThat(budget.limit()).isEqualTo(5);
        assertThat(budget.remaining()).isEqualTo(3);
        assertThat(governor.resetSeconds(budget)).isEqualTo(40);
    }

    @Test
    void saysTheBudgetIsLowBelowTheRatio() {
        QuotaGovernor governor = governor(10, 1000);
        for (int i = 0; i < 8; i++) {
            governor.tryAcquire("a", 1.0);
        }
        assertThat(governor.budgetLow()).isFalse();
        governor.tryAcquire("a", 1.0);
        assertThat(governor.budgetLow()).isTrue();
    }

    @Test
    void refusesALimitBelowOneNamingTheProperty() {
        assertThatThrownBy(() -> governor(0, 1000)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("coldsend.quota.per-minute");
    }

    private void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }

    QuotaGovernor governor(int perMinute, int perHour) {
        return new QuotaGovernor(Configs.quota(perMinute, perHour), now::get);
    }
}
