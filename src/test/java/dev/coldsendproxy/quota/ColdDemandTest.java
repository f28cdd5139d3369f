package dev.coldsendproxy.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.support.Configs;

/**
 * Refreshes of stale copies leave room, in both windows, for as many units as leads with no copy
 * asked for in the last such window, and never less than the low-budget ratio.
 */
class ColdDemandTest {

    private final AtomicLong now = new AtomicLong(TimeUnit.DAYS.toNanos(1));

    @Test
    void refreshesOnlyWhileTheMinuteKeepsWhatColdLeadsAskedForInTheLastMinute() {
        QuotaGovernor governor = new QuotaGovernor(Configs.quota(100, 10_000), now::get);
        for (int i = 0; i < 45; i++) {
            governor.tryAcquire("billing", 1.0, /* cold= */ true);
        }
        assertThat(governor.budgetLow()).as("55 left, 45 asked").isFalse();

        for (int i = 0; i < 5; i++) {
            governor.tryAcquire("billing", 1.0, /* cold= */ true);
        }
        assertThat(governor.budgetLow()).as("50 left, 50 asked").isFalse();
        governor.tryAcquire("billing", 1.0, /* cold= */ true);
        assertThat(governor.budgetLow()).as("49 left, 51 asked").isTrue();

        advance(Duration.ofSeconds(61));
        assertThat(governor.budgetLow()).as("a new minute: the asks and the sends have left it").isFalse();
    }

    @Test
    void countsColdAsksThatWereRefusedToo() {
        QuotaGovernor governor = new QuotaGovernor(Configs.quota(10, 10_000), now::get);
        for (int i = 0; i < 4; i++) {
            governor.tryAcquire("billing", 1.0, /* cold= */ false);
        }
        for (int i = 0; i < 7; i++) {
            governor.coldAsk();
        }

        assertThat(governor.budgetLow()).as("6 left, 7 cold asks refused elsewhere").isTrue();
    }

    @Test
    void judgesTheHourByTheColdDemandOfTheLastHour() {
        QuotaGovernor governor = new QuotaGovernor(Configs.quota(100, 1_000), now::get);
        for (int minute = 0; minute < 9; minute++) {
            for (int i = 0; i < 60; i++) {
                governor.tryAcquire("billing", 1.0, /* cold= */ true);
            }
            advance(Duration.ofSeconds(61));
        }

        assertThat(governor.sharedRemaining()[1]).isEqualTo(460);
        assertThat(governor.budgetLow()).as("460 left in the hour, 540 asked in it").isTrue();
        advance(Duration.ofHours(1));
        assertThat(governor.budgetLow()).isFalse();
    }

    @Test
    void countsNoMoreColdAsksInTheHourThanAMinuteCouldServe() {
        QuotaGovernor governor = new QuotaGovernor(Configs.quota(100, 1_000), now::get);
        for (int burst = 0; burst < 4; burst++) {
            for (int i = 0; i < 300; i++) {
                governor.coldAsk(); // a sync job asks for 300 leads at once, every 15 minutes
            }
            advance(Duration.ofMinutes(15));
        }
        for (int i = 0; i < 500; i++) {
            governor.tryAcquire("billing", 1.0, /* cold= */ false);
            if (i % 90 == 89) {
                advance(Duration.ofSeconds(61));
            }
        }

        assertThat(governor.budgetLow()).as("500 left in the hour; the bursts asked 1200, a minute serves 100 of each")
                .isFalse();
    }

    @Test
    void refreshesCountNoDemand() {
        QuotaGovernor governor = new QuotaGovernor(Configs.quota(100, 10_000), now::get);
        for (int i = 0; i < 70; i++) {
            governor.tryAcquire("billing", 1.0, /* cold= */ false);
        }

        assertThat(governor.budgetLow()).as("30 left, above the 20 % ratio, no cold asks").isFalse();
    }

    private void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }
}
