package dev.coldsendproxy.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import dev.coldsendproxy.consumer.Consumer;
import dev.coldsendproxy.consumer.Priority;
import dev.coldsendproxy.support.Configs;
import dev.coldsendproxy.support.SlidingWindows;

/**
 * Weighted max-min sharing of the key between consumers, on a manual clock: idle guarantees are
 * lent, holdbacks are not, a returning consumer has first claim on freed units, and a background
 * consumer never borrows a critical one's guarantee.
 */
class LendingTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private final Consumer a = new Consumer("a", 0.5);
    private final Consumer b = new Consumer("b", 0.5);

    @Test
    void theHeadersPromiseNoUnitTheGovernorRefusesWhileTheUnitsAreCountedPastTheirWindow() {
        long second = Duration.ofSeconds(1).toNanos();
        QuotaGovernor governor = new QuotaGovernor(Configs.quota(10, 1000), 0.2, List.of(a, b),
                Duration.ofMillis(2100).toNanos(), now::get);
        assertThat(governor.tryAcquire(b, false).granted()).as("b spends its holdback").isTrue();
        now.addAndGet(second);
        for (int i = 0; i < 8; i++) {
            assertThat(governor.tryAcquire(a, false).granted()).as("a borrows").isTrue();
        }
        now.addAndGet(29 * second);
        assertThat(governor.budget("a", 0.5).remaining()).isEqualTo(1);

        // A minute and a second after b's send: the key still counts it, as in flight.
        now.addAndGet(31 * second);
        Budget headers = governor.budget("a", 0.5);
        Grant ask = governor.tryAcquire(a, false);

        assertThat(headers.remaining() > 0).as("RateLimit-Remaining %d, then the ask: %s", headers.remaining(), ask)
                .isEqualTo(ask.granted());
    }

    @Test
    void spendsTheWholeMinuteLessTheIdleConsumersHoldback() {
        QuotaGovernor governor = governor(100, 1000, 0.1, a, b);

        int granted = grants(governor, a, 200);

        assertThat(granted).as("100 less b's holdback, 10% of its 50").isEqualTo(95);
        assertThat(governor.spentByConsumer().get("a")).as("sent, and of them lent").containsExactly(95, 45);
    }

    @Test
    void spendsTheWholeHourLessTheIdleConsumersHoldback() {
        QuotaGovernor governor = governor(100, 1000, 0.1, a, b);
        int granted = 0;
        for (int minute = 0; minute < 60; minute++) {
            granted += grants(governor, a, 100);
            advance(Duration.ofMinutes(1));
        }

        assertThat(granted).as("1000 less b's holdback, 10% of its 500").isEqualTo(950);
    }

    @Test
    void servesAReturningConsumerFromItsHoldbackAtOnceInBothWindows() {
        QuotaGovernor governor = governor(100, 1000, 0.1, a, b);
        for (int minute = 0; minute < 10; minute++) {
            grants(governor, a, 100);
            advance(Duration.ofMinutes(1));
        }
        assertThat(governor.tryAcquire(a, false).granted()).as("the hour is spent but for b's holdback").isFalse();

        int returning = grants(governor, b, 100);

        assertThat(returning).as("b's hour holdback: 10% of its 500").isEqualTo(50);
    }

    @Test
    void givesFreedUnitsToTheRefusedConsumerBeforeAnyBorrowerUntilItIsBackAtItsGuarantee() {
        QuotaGovernor governor = governor(10, 1000, 0.2, a, b);
        assertThat(grants(governor, a, 10)).as("a borrows all but b's holdback").isEqualTo(9);
        assertThat(grants(governor, b, 2)).as("b's holdback, then refused: its claim starts").isEqualTo(1);

        advance(Duration.ofMinutes(1).plusNanos(1)); // all of a's sends leave the minute
        // b, refused below its guarantee, has first claim: a may only take its own guarantee (5).
        int borrower = grants(governor, a, 10);
        int claimant = grants(governor, b, 10);

        assertThat(borrower).isEqualTo(5);
        assertThat(claimant).as("back to its guarantee").isEqualTo(5);
    }

    @Test
    void lendsAgainOnceTheClaimLapsesWithoutAsks() {
        QuotaGovernor governor = governor(10, 1000, 0.2, a, b);
        grants(governor, a, 10);
        grants(governor, b, 2);

        advance(Duration.ofMinutes(1).plusNanos(ConsumerWindows.CLAIM_NANOS));

        assertThat(grants(governor, a, 10)).as("b stopped asking: only its holdback is kept").isEqualTo(9);
    }

    @Test
    void neverLetsABackgroundConsumerBorrowACriticalConsumersGuarantee() {
        Consumer critical = new Consumer("critical", 0.3, Consumer.NO_MAX_STALE, Priority.CRITICAL);
        Consumer bulk = new Consumer("bulk", 0.3, Consumer.NO_MAX_STALE, Priority.BACKGROUND);
        Consumer normal = new Consumer("normal", 0.4);
        QuotaGovernor governor = governor(100, 1000, 0.1, critical, bulk, normal);

        int taken = grants(governor, bulk, 200);

        assertThat(taken).as("its own 30, and normal's 40 less its holdback of 4").isEqualTo(66);
        assertThat(grants(governor, critical, 100)).as("critical keeps all of its guarantee").isEqualTo(30);
    }

    @Test
    void letsANormalConsumerBorrowACriticalConsumersIdleGuarantee() {
        Consumer critical = new Consumer("critical", 0.5, Consumer.NO_MAX_STALE, Priority.CRITICAL);
        QuotaGovernor governor = governor(100, 1000, 0.1, critical, a);

        assertThat(grants(governor, a, 200)).isEqualTo(95);
    }

    @ParameterizedTest
    @ValueSource(longs = { 1, 2, 3 })
    void neverGrantsMoreThanEitherWindowUnderRandomDemand(long seed) {
        Random random = new Random(seed);
        Consumer[] consumers = {
                new Consumer("critical", 0.2, Consumer.NO_MAX_STALE, Priority.CRITICAL),
                new Consumer("normal", 0.5),
                new Consumer("bulk", 0.3, Consumer.NO_MAX_STALE, Priority.BACKGROUND) };
        QuotaGovernor governor = governor(100, 1000, 0.1, consumers);
        List<Long> sends = new ArrayList<>();
        for (int step = 0; step < 40_000; step++) {
            advance(Duration.ofMillis(random.nextInt(400)));
            Consumer asker = consumers[random.nextInt(consumers.length)];
            if (governor.tryAcquire(asker, random.nextBoolean()).granted()) {
                sends.add(now.get());
            }
        }

        assertThat(SlidingWindows.busiest(sends, Duration.ofMinutes(1)).count()).isLessThanOrEqualTo(100);
        assertThat(SlidingWindows.busiest(sends, Duration.ofHours(1)).count()).isLessThanOrEqualTo(1000);
        assertThat(sends).as("demand is well above the budget: about 2.2 hours' worth is spent").hasSizeGreaterThan(2000);
    }

    private int grants(QuotaGovernor governor, Consumer consumer, int asks) {
        int granted = 0;
        for (int i = 0; i < asks; i++) {
            granted += governor.tryAcquire(consumer, true).granted() ? 1 : 0;
        }
        return granted;
    }

    private QuotaGovernor governor(int perMinute, int perHour, double holdback, Consumer... consumers) {
        return new QuotaGovernor(Configs.quota(perMinute, perHour), holdback, List.of(consumers), now::get);
    }

    private void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }
}
