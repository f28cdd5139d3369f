package dev.coldsendproxy.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.support.Configs;

/** Coldsend's own X-RateLimit-Limit caps both windows when it is lower than configured, and budget-low is judged on it. */
class DeclaredLimitTest {

    private final AtomicLong now = new AtomicLong(TimeUnit.DAYS.toNanos(1));
    private final long reset = System.currentTimeMillis() / 1000 + 3600;

    @Test
    void judgesColdsendsRemainingCountAgainstTheLimitColdsendDeclares() {
        QuotaGovernor governor = new QuotaGovernor(Configs.quota(100_000, 1_000_000), now::get);

        governor.observe(200, 999L, 990L, reset, null);

        assertThat(governor.budgetLow()).as("990 of 999 left is plenty").isFalse();
        governor.observe(200, 999L, 150L, reset, null);
        assertThat(governor.budgetLow()).as("150 of 999 is under a fifth").isTrue();
    }

    @Test
    void spendsNoMoreThanADeclaredMinuteLimitLowerThanTheConfiguredOne() {
        QuotaGovernor governor = new QuotaGovernor(Configs.quota(10, 100), now::get);

        governor.observe(200, 3L, null, System.currentTimeMillis() / 1000 + 30, null);

        assertThat(governor.minuteLimit()).isEqualTo(3);
        assertThat(governor.hourLimit()).as("Coldsend spoke of the window that resets within the minute").isEqualTo(100);
        for (int i = 0; i < 3; i++) {
            assertThat(governor.tryAcquire("billing", 1.0).granted()).isTrue();
        }
        Grant refused = governor.tryAcquire("billing", 1.0);
        assertThat(refused.granted()).isFalse();
        assertThat(refused.retryAfterSeconds()).isEqualTo(60);
        Budget budget = governor.budget("billing", 1.0);
        assertThat(budget.limit()).isEqualTo(3);
        assertThat(budget.remaining()).isZero();
    }

    @Test
    void readsALimitWhoseResetIsMoreThanAMinuteAwayAsTheHoursAndOneWithoutAResetAsTheMinutes() {
        QuotaGovernor governor = new QuotaGovernor(Configs.quota(10, 100), now::get);

        governor.observe(200, 50L, null, System.currentTimeMillis() / 1000 + 1800, null);
        governor.observe(200, 4L, null, null, null);

        assertThat(governor.hourLimit()).isEqualTo(50);
        assertThat(governor.minuteLimit()).isEqualTo(4);
    }

    @Test
    void keepsTheConfiguredLimitsWhenColdsendDeclaresMoreAndIgnoresNonsense() {
        QuotaGovernor governor = new QuotaGovernor(Configs.quota(10, 100), now::get);
        long inAnHalfHour = System.currentTimeMillis() / 1000 + 1800;

        governor.observe(200, 50L, null, null, null);
        assertThat(governor.minuteLimit()).isEqualTo(10);
        governor.observe(200, 50L, null, inAnHalfHour, null);
        assertThat(governor.hourLimit()).isEqualTo(50);
        governor.observe(200, 0L, null, inAnHalfHour, null);
        assertThat(governor.hourLimit()).as("a limit of 0 is no limit Coldsend would send").isEqualTo(50);
        governor.observe(200, 5000L, null, inAnHalfHour, null);
        assertThat(governor.hourLimit()).as("Coldsend raised it again").isEqualTo(100);
    }
}
