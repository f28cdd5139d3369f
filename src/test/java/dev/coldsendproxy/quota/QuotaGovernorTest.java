package dev.coldsendproxy.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.consumer.Consumer;
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
    void theHeadersSayNothingIsLeftWhileColdsendAsksTheKeyToWaitOrSaysNoneRemain() {
        QuotaGovernor governor = governor(10, 1000);
        Budget before = governor.budget("a", 1.0);

        governor.observe(429, null, null, 30L);
        Budget held = governor.budget("a", 1.0);
        Grant refused = governor.tryAcquire("a", 1.0);
        advance(Duration.ofSeconds(30));
        Budget after = governor.budget("a", 1.0);
        governor.observe(200, 0L, TimeUnit.MILLISECONDS.toSeconds(System.currentTimeMillis()) + 20, null);
        Budget noneRemain = governor.budget("a", 1.0);

        assertThat(before.remaining()).isEqualTo(10);
        assertThat(held.remaining()).as("a 429 with Retry-After: 30").isZero();
        assertThat(held.resetSeconds(now.get() - Duration.ofSeconds(30).toNanos())).isEqualTo(30);
        assertThat(refused.granted()).isFalse();
        assertThat(after.remaining()).as("the hold is over").isEqualTo(10);
        assertThat(noneRemain.remaining()).as("X-RateLimit-Remaining: 0").isZero();
        assertThat(noneRemain.resetSeconds(now.get())).isBetween(19L, 20L);
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
    void countsAUnitUntilItsSendSurelyReachedColdsendAndAWindowAfter() {
        QuotaGovernor governor = governorInFlight(10, 1000);
        grant(governor, 10);

        // A send granted now may reach Coldsend up to 2.1 s later (a new TLS connection, say), and
        // Coldsend counts it from then: a minute after the grant it may still be in Coldsend's window.
        advance(Duration.ofSeconds(61));
        Grant aMinuteAfter = governor.tryAcquire("a", 1.0);
        advance(Duration.ofMillis(1100));
        Grant whenSurelyOut = governor.tryAcquire("a", 1.0);

        assertThat(aMinuteAfter.granted()).isFalse();
        assertThat(aMinuteAfter.retryAfterSeconds()).isEqualTo(2);
        assertThat(whenSurelyOut.granted()).isTrue();
    }

    @Test
    void countsAUnitInTheHourUntilItsSendSurelyReachedColdsendAndAnHourAfter() {
        QuotaGovernor governor = governorInFlight(1000, 10);
        grant(governor, 10);

        advance(Duration.ofHours(1).plusSeconds(1));
        Grant anHourAfter = governor.tryAcquire("a", 1.0);
        advance(Duration.ofMillis(1100));
        Grant whenSurelyOut = governor.tryAcquire("a", 1.0);

        assertThat(anHourAfter.granted()).isFalse();
        assertThat(whenSurelyOut.granted()).isTrue();
    }

    @Test
    void aConsumerThatWaitsTheResetItWasToldFindsAUnitFreed() {
        QuotaGovernor governor = governorInFlight(10, 1000);
        grant(governor, 3);
        Budget before = governor.budget("a", 1.0);
        long reset = governor.resetSeconds(before);

        advance(Duration.ofSeconds(reset));
        Budget atReset = governor.budget("a", 1.0);

        assertThat(before.remaining()).isEqualTo(7);
        assertThat(reset).as("a minute and the units' time in flight, rounded up").isEqualTo(63);
        assertThat(atReset.remaining()).isEqualTo(10);
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
    void aLateAnswerFromTheSameWindowNeverRaisesWhatColdsendSaysRemains() {
        QuotaGovernor governor = governor(100, 1000);
        long reset = System.currentTimeMillis() / 1000 + 30;

        governor.observe(200, 0L, reset, null);
        // The answer to a request sent before the one that said 0, read after it.
        governor.observe(200, 3L, reset, null);

        assertThat(governor.tryAcquire("a", 1.0).granted()).as("Coldsend's window has not reset").isFalse();
        advance(Duration.ofSeconds(31));
        governor.observe(200, 5L, reset + 60, null);
        assertThat(governor.tryAcquire("a", 1.0).granted()).as("a new window's count is taken as it is").isTrue();
    }

    @Test
    void a429WhoseResetIsNotAheadOfThisClockStillHoldsEveryone() {
        QuotaGovernor governor = governor(100, 1000);
        // Coldsend's 429 carries X-RateLimit-* and no Retry-After; this replica's clock runs ahead of its reset.
        long resetAsThisClockSeesIt = System.currentTimeMillis() / 1000 - 2;

        long pause = governor.observe(429, 0L, resetAsThisClockSeesIt, null);

        assertThat(pause).as("held, and shared with every replica, as when no reset is given").isEqualTo(Duration.ofMinutes(1).toNanos());
        assertThat(governor.tryAcquire("a", 1.0).granted()).isFalse();
        advance(Duration.ofSeconds(61));
        assertThat(governor.tryAcquire("a", 1.0).granted()).isTrue();
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
    void lendsAnIdleShareToAGreedyConsumerButKeepsTheIdleOnesHoldback() {
        QuotaGovernor governor = new QuotaGovernor(Configs.quota(10, 1000), 0.2,
                List.of(new Consumer("greedy", 0.5), new Consumer("polite", 0.5)), now::get);
        int greedy = 0;
        for (int i = 0; i < 20; i++) {
            greedy += governor.tryAcquire("greedy", 0.5).granted() ? 1 : 0;
        }
        int polite = 0;
        for (int i = 0; i < 5; i++) {
            polite += governor.tryAcquire("polite", 0.5).granted() ? 1 : 0;
        }

        assertThat(greedy).as("its own 5 and 4 lent, all but polite's holdback (20% of 5)").isEqualTo(9);
        assertThat(polite).as("its holdback, at once").isEqualTo(1);
        Grant refused = governor.tryAcquire("greedy", 0.5);
        assertThat(refused.reason()).contains("your share");
    }

    @Test
    void reportsAConsumersOwnBudget() {
        QuotaGovernor governor = governor(10, 1000);
        governor.tryAcquire("a", 0.5);
        governor.tryAcquire("a", 0.5);
        for (int i = 0; i < 5; i++) {
            governor.tryAcquire("b", 0.5); // leaves a its own 3 and nothing to borrow
        }
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

    @Test
    void grantsAgainExactlyWhenColdsendsRetryAfterEnds() {
        QuotaGovernor governor = governor(100, 1000);
        governor.observe(429, null, null, 20L);

        advance(Duration.ofSeconds(20).minusNanos(1));
        Grant early = governor.tryAcquire("a", 1.0);
        advance(Duration.ofNanos(1));

        assertThat(early.granted()).isFalse();
        assertThat(early.retryAfterSeconds()).isEqualTo(1);
        assertThat(governor.tryAcquire("a", 1.0).granted()).isTrue();
    }

    @Test
    void tellsTheCallerHowMuchOfAnOverloadPauseIsLeft() {
        QuotaGovernor governor = governor(100, 1000);

        long pause = governor.observe(503, null, null, 5L);
        advance(Duration.ofSeconds(2));
        Grant refused = governor.tryAcquire("a", 1.0);

        assertThat(pause).isEqualTo(Duration.ofSeconds(5).toNanos());
        assertThat(refused.granted()).isFalse();
        assertThat(refused.upstreamOverloaded()).isTrue();
        assertThat(refused.reason()).contains("overloaded");
        assertThat(refused.retryAfterSeconds()).isEqualTo(3);
    }

    @Test
    void doesNotPauseForA503ThatGivesNoRetryAfter() {
        QuotaGovernor governor = governor(100, 1000);

        long pause = governor.observe(503, null, null, null);

        assertThat(pause).isZero();
        assertThat(governor.tryAcquire("a", 1.0).granted()).isTrue();
        assertThat(governor.budgetLow()).isFalse();
    }

    @Test
    void holdsAMinuteAfterA429ThatSaysNeitherWhenToRetryNorWhenTheLimitResets() {
        QuotaGovernor governor = governor(100, 1000);

        long pause = governor.observe(429, null, null, null);
        Grant refused = governor.tryAcquire("a", 1.0);
        advance(Duration.ofMinutes(1));

        assertThat(pause).isEqualTo(Duration.ofMinutes(1).toNanos());
        assertThat(refused.retryAfterSeconds()).isEqualTo(60);
        assertThat(refused.reason()).contains("rate limit");
        assertThat(refused.upstreamOverloaded()).isFalse();
        assertThat(governor.tryAcquire("a", 1.0).granted()).isTrue();
    }

    @Test
    void holdsUntilColdsendsResetAfterA429WithoutRetryAfterButNeverLongerThanAnHour() {
        QuotaGovernor governor = governor(100, 1000);
        long twoHoursAhead = System.currentTimeMillis() / 1000 + Duration.ofHours(2).toSeconds();

        long pause = governor.observe(429, null, twoHoursAhead, null);
        advance(Duration.ofMinutes(59));
        Grant refused = governor.tryAcquire("a", 1.0);
        advance(Duration.ofMinutes(1));

        assertThat(pause).isEqualTo(Duration.ofHours(1).toNanos());
        assertThat(refused.retryAfterSeconds()).isEqualTo(60);
        assertThat(governor.tryAcquire("a", 1.0).granted()).isTrue();
    }

    @Test
    void waitsAMinuteWhenColdsendSaysNoneRemainWithoutSayingWhenItResets() {
        QuotaGovernor governor = governor(100, 1000);

        long pause = governor.observe(200, 0L, null, null);
        advance(Duration.ofMinutes(1).minusNanos(1));
        Grant refused = governor.tryAcquire("a", 1.0);
        advance(Duration.ofNanos(1));

        assertThat(pause).as("every replica should wait for the reset too").isEqualTo(Duration.ofMinutes(1).toNanos());
        assertThat(refused.granted()).isFalse();
        assertThat(refused.reason()).isEqualTo("Coldsend reports the key's rate limit is spent");
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
        assertThat(governor.tryAcquire("a", 1.0).granted()).as("granted exactly at the reset").isTrue();
    }

    @Test
    void asksNoReplicaToPauseWhileColdsendSaysSomeRemain() {
        QuotaGovernor governor = governor(100, 1000);
        long twoHoursAhead = System.currentTimeMillis() / 1000 + Duration.ofHours(2).toSeconds();

        assertThat(governor.observe(200, 3L, twoHoursAhead, null)).isZero();
        assertThat(governor.observe(200, null, null, null)).isZero();
        assertThat(governor.observe(200, 0L, twoHoursAhead, null)).isEqualTo(Duration.ofHours(1).toNanos());
    }

    @Test
    void capsTheKeyAtItsHourlyLimitEvenWhenTheSharesAddUpToMore() {
        QuotaGovernor governor = governor(100, 10);
        int granted = 0;
        for (String consumer : new String[] { "a", "b", "c" }) {
            for (int i = 0; i < 5; i++) {
                granted += governor.tryAcquire(consumer, 0.5).granted() ? 1 : 0;
            }
        }
        Grant refused = governor.tryAcquire("c", 0.5);

        assertThat(granted).isEqualTo(10);
        assertThat(refused.reason()).isEqualTo("the proxy's Coldsend budget is spent");
        assertThat(refused.retryAfterSeconds()).isEqualTo(3600);
    }

    @Test
    void keepsTheLongerPauseWhenColdsendLaterAsksForAShorterOne() {
        QuotaGovernor governor = governor(100, 1000);
        governor.observe(429, null, null, 60L);
        governor.observe(503, null, null, 5L);

        advance(Duration.ofSeconds(10));
        Grant refused = governor.tryAcquire("a", 1.0);

        assertThat(refused.granted()).isFalse();
        assertThat(refused.upstreamOverloaded()).isFalse();
        assertThat(refused.retryAfterSeconds()).isEqualTo(50);
    }

    @Test
    void keepsTheFirstReasonWhenASecondPauseEndsAtTheSameTime() {
        QuotaGovernor governor = governor(100, 1000);
        governor.observe(429, null, null, 20L);
        governor.observe(503, null, null, 20L);

        Grant refused = governor.tryAcquire("a", 1.0);

        assertThat(refused.upstreamOverloaded()).isFalse();
        assertThat(refused.reason()).contains("rate limit");
    }

    @Test
    void saysTheBudgetIsLowWhileColdsendHoldsTheProxyOffAndNoLongerOnceThePauseEnds() {
        QuotaGovernor governor = governor(10, 1000);
        governor.observe(429, null, null, 10L);

        assertThat(governor.budgetLow()).isTrue();
        advance(Duration.ofSeconds(10));
        assertThat(governor.budgetLow()).isFalse();
    }

    @Test
    void saysTheBudgetIsLowWhenColdsendsOwnCountFallsBelowTheRatio() {
        QuotaGovernor governor = governor(10, 1000);

        governor.observe(200, 2L, null, null);
        boolean atTheRatio = governor.budgetLow();
        governor.observe(200, 1L, null, null);
        boolean belowIt = governor.budgetLow();
        governor.observe(200, 0L, null, null);
        boolean noneLeft = governor.budgetLow();

        assertThat(atTheRatio).as("2 left of 10 a minute is the ratio, not below it").isFalse();
        assertThat(belowIt).isTrue();
        assertThat(noneLeft).isTrue();
    }

    @Test
    void forgetsColdsendsLowCountOnceItsResetHasCome() {
        QuotaGovernor governor = governor(10, 1000);
        governor.observe(200, 1L, null, null);

        advance(Duration.ofMinutes(1).minusNanos(1));
        boolean beforeTheReset = governor.budgetLow();
        advance(Duration.ofNanos(1));

        assertThat(beforeTheReset).isTrue();
        assertThat(governor.budgetLow()).isFalse();
    }

    @Test
    void saysTheBudgetIsLowWhenTheHourRunsLowThoughTheMinuteHasRoom() {
        QuotaGovernor governor = governor(100, 10);
        for (int i = 0; i < 8; i++) {
            governor.tryAcquire("a", 1.0);
        }
        boolean twoLeft = governor.budgetLow();
        governor.tryAcquire("a", 1.0);

        assertThat(twoLeft).as("2 left of 10 an hour is the ratio, not below it").isFalse();
        assertThat(governor.budgetLow()).isTrue();
    }

    @Test
    void neverCallsTheBudgetLowWithARatioOfZero() {
        QuotaGovernor governor = governor(2, 1000, 0.0);
        governor.tryAcquire("a", 1.0);
        governor.tryAcquire("a", 1.0);

        assertThat(governor.tryAcquire("a", 1.0).granted()).isFalse();
        assertThat(governor.budgetLow()).isFalse();
    }

    @Test
    void callsTheBudgetLowAfterOneSendWithARatioOfOne() {
        QuotaGovernor governor = governor(10, 1000, 1.0);
        assertThat(governor.budgetLow()).isFalse();

        governor.tryAcquire("a", 1.0);

        assertThat(governor.budgetLow()).isTrue();
    }

    @Test
    void refusesALowBudgetRatioOutsideZeroToOneNamingThePropertyAndTheValue() {
        for (double bad : new double[] { -0.1, 1.5, Double.NaN }) {
            assertThatThrownBy(() -> governor(10, 1000, bad)).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("coldsend.quota.low-budget-ratio").hasMessageContaining(String.valueOf(bad));
        }
    }

    @Test
    void refusesAnHourlyLimitBelowOneNamingThePropertyAndTheValue() {
        assertThatThrownBy(() -> governor(10, 0)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("coldsend.quota.per-hour").hasMessageContaining("0");
    }

    @Test
    void acceptsALimitOfOneAndGrantsOneAMinute() {
        QuotaGovernor governor = governor(1, 1);

        assertThat(governor.tryAcquire("a", 1.0).granted()).isTrue();
        assertThat(governor.tryAcquire("a", 1.0).granted()).isFalse();
    }

    @Test
    void givesAUnitBackInTheBudgetExactlyWhenTheMinuteFreesIt() {
        QuotaGovernor governor = governor(10, 1000);
        governor.tryAcquire("a", 1.0);

        advance(Duration.ofSeconds(30));
        Budget halfway = governor.budget("a", 1.0);
        long halfwayReset = governor.resetSeconds(halfway);
        advance(Duration.ofSeconds(30).minusNanos(1));
        Budget justBefore = governor.budget("a", 1.0);
        advance(Duration.ofNanos(1));
        Budget after = governor.budget("a", 1.0);

        assertThat(halfway.remaining()).isEqualTo(9);
        assertThat(halfwayReset).isEqualTo(30);
        assertThat(justBefore.remaining()).isEqualTo(9);
        assertThat(after.remaining()).isEqualTo(10);
        assertThat(governor.resetSeconds(after)).isZero();
    }

    @Test
    void keepsABudgetThatNothingChangesValidUntilTheNextSend() {
        QuotaGovernor governor = governor(10, 1000);

        Budget untouched = governor.budget("a", 1.0);
        governor.tryAcquire("a", 1.0);
        Budget afterASend = governor.budget("a", 1.0);

        assertThat(untouched.remaining()).isEqualTo(10);
        assertThat(untouched.validUntilNanos()).as("no time can free a unit").isEqualTo(Long.MAX_VALUE);
        assertThat(afterASend.remaining()).as("the send is seen at once").isEqualTo(9);
        assertThat(afterASend.validUntilNanos()).isEqualTo(now.get() + Duration.ofMinutes(1).toNanos());
    }

    @Test
    void reportsWhenAConsumersSpentMinuteFreesAUnit() {
        QuotaGovernor governor = governor(10, 1000);
        for (int i = 0; i < 10; i++) {
            governor.tryAcquire("a", 1.0);
        }
        advance(Duration.ofSeconds(20));

        Budget budget = governor.budget("a", 1.0);

        assertThat(budget.remaining()).isZero();
        assertThat(governor.resetSeconds(budget)).isEqualTo(40);
    }

    @Test
    void showsALowerLimitColdsendDeclaresInABudgetAlreadyReported() {
        QuotaGovernor governor = governor(10, 1000);
        Budget before = governor.budget("a", 1.0);

        governor.observe(200, 3L, null, null, null);
        Budget lowered = governor.budget("a", 1.0);
        governor.observe(200, 5000L, null, null, null);
        Budget raised = governor.budget("a", 1.0);

        assertThat(before.limit()).isEqualTo(10);
        assertThat(lowered.limit()).isEqualTo(3);
        assertThat(lowered.remaining()).isEqualTo(3);
        assertThat(raised.limit()).isEqualTo(10);
    }

    @Test
    void underALowerDeclaredLimitAnOverfullHourFreesAUnitOnlyWhenEnoughOfItsSendsHaveLeft() {
        QuotaGovernor governor = governor(10, 1000);
        for (int i = 0; i < 5; i++) {
            governor.tryAcquire("a", 1.0);
        }
        advance(Duration.ofSeconds(10));
        for (int i = 0; i < 5; i++) {
            governor.tryAcquire("a", 1.0);
        }
        advance(Duration.ofSeconds(110));

        // A reset more than a minute away: Coldsend speaks of the hour.
        governor.observe(200, 5L, null, System.currentTimeMillis() / 1000 + 1800, null);
        Budget budget = governor.budget("a", 1.0);
        Grant refused = governor.tryAcquire("a", 1.0);

        assertThat(budget.limit()).isEqualTo(5);
        assertThat(budget.remaining()).isZero();
        assertThat(budget.policyName()).isEqualTo("hour");
        assertThat(governor.resetSeconds(budget)).as("the sends of 10 s must leave the hour, not only those of 0 s")
                .isEqualTo(3600 + 10 - 120);
        assertThat(refused.retryAfterSeconds()).isEqualTo(3600 + 10 - 120);
    }

    /**
     * With both windows spent, the budget names the hour's reset (3600 s), when a unit really frees,
     * not the minute's (60 s): a caller obeying {@code RateLimit-Reset} is not refused again.
     */
    @Test
    void reportsTheLaterResetWhenBothWindowsAreSpent() {
        QuotaGovernor governor = governor(10, 10);
        for (int i = 0; i < 10; i++) {
            governor.tryAcquire("a", 1.0);
        }

        Budget budget = governor.budget("a", 1.0);
        Grant refused = governor.tryAcquire("a", 1.0);

        assertThat(refused.retryAfterSeconds()).isEqualTo(3600);
        assertThat(budget.remaining()).isZero();
        assertThat(governor.resetSeconds(budget)).isEqualTo(refused.retryAfterSeconds());
    }

    @Test
    void namesTheMinuteWhenBothSpentWindowsFreeAUnitAtTheSameTime() {
        QuotaGovernor governor = governor(1, 2);
        governor.tryAcquire("a", 1.0);
        advance(Duration.ofMinutes(59));
        governor.tryAcquire("a", 1.0);

        Budget budget = governor.budget("a", 1.0);

        assertThat(budget.remaining()).isZero();
        assertThat(governor.resetSeconds(budget)).isEqualTo(60);
        assertThat(budget.limit()).isEqualTo(1);
        assertThat(budget.policyName()).isEqualTo("minute");
    }

    @Test
    void reportsTheHourWindowWhenItIsTheTighterOne() {
        QuotaGovernor governor = governor(10, 12);
        for (int i = 0; i < 10; i++) {
            governor.tryAcquire("a", 1.0);
        }
        advance(Duration.ofMinutes(1));
        governor.tryAcquire("a", 1.0);
        governor.tryAcquire("a", 1.0);

        Budget budget = governor.budget("a", 1.0);

        assertThat(budget.limit()).isEqualTo(12);
        assertThat(budget.remaining()).isZero();
        assertThat(governor.resetSeconds(budget)).isEqualTo(3540);
        assertThat(budget.policyName()).isEqualTo("hour");
    }

    @Test
    void reportsTheMinuteWindowWhenBothWindowsHaveTheSameRoom() {
        QuotaGovernor governor = governor(10, 20);
        for (int i = 0; i < 10; i++) {
            governor.tryAcquire("a", 1.0);
        }
        advance(Duration.ofMinutes(1));

        Budget budget = governor.budget("a", 1.0);

        assertThat(budget.limit()).isEqualTo(10);
        assertThat(budget.remaining()).isEqualTo(10);
        assertThat(governor.resetSeconds(budget)).isZero();
        assertThat(budget.policyName()).isEqualTo("minute");
    }

    @Test
    void refreshesAnHourBoundBudgetWhenTheHourFreesAUnit() {
        QuotaGovernor governor = governor(10, 10);
        governor.tryAcquire("a", 1.0);
        advance(Duration.ofMinutes(1));
        Budget hourBound = governor.budget("a", 1.0);
        long hourBoundReset = governor.resetSeconds(hourBound);

        advance(Duration.ofMinutes(59));
        Budget afterTheHour = governor.budget("a", 1.0);

        assertThat(hourBound.remaining()).isEqualTo(9);
        assertThat(hourBoundReset).isEqualTo(3540);
        assertThat(afterTheHour.remaining()).isEqualTo(10);
    }

    @Test
    void countsWhatIsLeftOfTheKeysWindowsForMetrics() {
        QuotaGovernor governor = governor(10, 100);
        governor.tryAcquire("a", 0.5);
        governor.tryAcquire("b", 0.5);
        governor.tryAcquire("b", 0.5);

        int[] sameMinute = governor.sharedRemaining();
        advance(Duration.ofMinutes(1));
        int[] nextMinute = governor.sharedRemaining();

        assertThat(sameMinute).containsExactly(7, 97);
        assertThat(nextMinute).containsExactly(10, 97);
    }

    private void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }

    /** A governor whose sends may reach Coldsend up to 2.1 s after their grant, as the shipped attempt timeout allows. */
    private QuotaGovernor governorInFlight(int perMinute, int perHour) {
        return new QuotaGovernor(Configs.quota(perMinute, perHour), 0.1, List.of(), Duration.ofMillis(2100).toNanos(), now::get);
    }

    /** Grants {@code units} units to consumer "a", each of which must be granted. */
    private static void grant(QuotaGovernor governor, int units) {
        for (int i = 0; i < units; i++) {
            assertThat(governor.tryAcquire("a", 1.0).granted()).isTrue();
        }
    }

    QuotaGovernor governor(int perMinute, int perHour) {
        return new QuotaGovernor(Configs.quota(perMinute, perHour), now::get);
    }

    QuotaGovernor governor(int perMinute, int perHour, double lowBudgetRatio) {
        return new QuotaGovernor(Configs.quota(perMinute, perHour, lowBudgetRatio), now::get);
    }
}
