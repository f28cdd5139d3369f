package dev.coldsendproxy.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.coldsendproxy.consumer.Consumer;
import dev.coldsendproxy.consumer.Priority;
import dev.coldsendproxy.support.Configs;
import dev.coldsendproxy.support.SlidingWindows;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * Spreading the hour ({@code proxy.quota.pace-window}), on a manual clock: consumers that are not
 * critical spend at most the hour's part of a pace window in any such window, shared as the key's
 * windows are; critical consumers are never paced, and their sends count against the others' pace.
 */
class PaceTest {

    private static final Duration SIX_MINUTES = Duration.ofMinutes(6);

    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private final Consumer normal = new Consumer("normal", 1.0);
    private final Consumer critical = new Consumer("critical", 0.35, Consumer.NO_MAX_STALE, Priority.CRITICAL);
    private final Consumer bulk = new Consumer("bulk", 0.65, Consumer.NO_MAX_STALE, Priority.BACKGROUND);

    @Test
    void spreadsTheHourOverItsPaceWindowsInsteadOfSpendingItInTheFirstMinutes() {
        QuotaGovernor paced = governor(SIX_MINUTES, 0, normal);
        QuotaGovernor unpaced = governor(Duration.ZERO, 0, normal);

        List<Long> pacedSends = askEverySecondFor(paced, normal, Duration.ofHours(1));
        now.set(1_000_000_000_000L);
        List<Long> unpacedSends = askEverySecondFor(unpaced, normal, Duration.ofHours(1));

        assertThat(unpacedSends).as("unpaced: the hour is gone in its first 10 minutes").hasSize(1000)
                .allSatisfy(at -> assertThat(at - 1_000_000_000_000L).isLessThan(Duration.ofMinutes(10).toNanos()));
        assertThat(pacedSends).as("paced: the whole hour is still spent").hasSize(1000);
        assertThat(SlidingWindows.busiest(pacedSends, SIX_MINUTES).count()).as("100 of 1,000 in any 6 minutes")
                .isEqualTo(100);
        assertThat(pacedSends).as("sends in each tenth of the hour")
                .filteredOn(at -> at - 1_000_000_000_000L >= Duration.ofMinutes(54).toNanos()).hasSize(100);
    }

    @Test
    void neverPacesACriticalConsumerAndCountsItsSendsAgainstTheOthersPace() {
        QuotaGovernor governor = governor(SIX_MINUTES, 0, critical, bulk);

        assertThat(grants(governor, critical, 30)).as("critical: 30 of its 35 a minute, not paced").isEqualTo(30);
        assertThat(grants(governor, bulk, 200)).as("bulk: its 65 of the pace; critical's unspent 5 is kept from a"
                + " background borrower").isEqualTo(65);
        assertThat(grants(governor, critical, 10)).as("critical still gets the rest of its minute's guarantee, 5")
                .isEqualTo(5);

        advance(Duration.ofMinutes(1).plusSeconds(1));
        assertThat(grants(governor, critical, 35)).as("a minute later, a full minute's guarantee again").isEqualTo(35);
        assertThat(grants(governor, bulk, 200)).as("the pace is spent for bulk").isZero();
    }

    @Test
    void sharesThePaceAsTheKeysWindowsAreSharedAndServesAReturningConsumerFromItsHoldback() {
        Consumer a = new Consumer("a", 0.5);
        Consumer b = new Consumer("b", 0.5);
        QuotaGovernor governor = governor(SIX_MINUTES, 0.1, a, b);

        // The pace: 100 of 1,000 in 6 minutes, and the holdbacks on top: 110.
        assertThat(grants(governor, a, 90)).isEqualTo(90);
        advance(Duration.ofSeconds(61));
        assertThat(grants(governor, a, 200)).as("the pace less b's holdback of its half of it, 6").isEqualTo(14);
        Grant refused = governor.tryAcquire(a, true);
        assertThat(grants(governor, b, 10)).as("b comes back: its holdback of the pace at once").isEqualTo(6);

        assertThat(refused.reason()).contains("spreads its Coldsend budget over the hour");
        assertThat(refused.retryAfterSeconds()).as("until the first sends leave the 6-minute window").isEqualTo(299);
    }

    @Test
    void aConsumerRefusedByThePaceBelowItsGuaranteeHasFirstClaimOnThePaceAsItFrees() {
        Consumer a = new Consumer("a", 0.5);
        Consumer b = new Consumer("b", 0.5);
        QuotaGovernor governor = governor(SIX_MINUTES, 0, a, b);
        assertThat(grants(governor, b, 100)).as("b borrows a's idle half").isEqualTo(100);
        advance(Duration.ofMinutes(2));
        assertThat(governor.tryAcquire(a, true).granted()).as("a, below its guarantee: refused by the pace alone").isFalse();

        advance(Duration.ofMinutes(4));
        int toB = grants(governor, b, 100);
        int toA = grants(governor, a, 100);

        assertThat(toB).as("b asks first, but leaves a's unspent half of the pace").isEqualTo(50);
        assertThat(toA).isEqualTo(50);
    }

    @Test
    void aPaceRefusalBeforeALeaseClaimsAsALocalOneDoes() {
        Consumer a = new Consumer("a", 0.5);
        Consumer b = new Consumer("b", 0.5);
        QuotaGovernor governor = governor(SIX_MINUTES, 0, a, b);
        grants(governor, b, 100);
        advance(Duration.ofMinutes(2));

        Grant refused = governor.paceRefusal(a);
        advance(Duration.ofMinutes(4));

        assertThat(refused).isNotNull();
        assertThat(grants(governor, b, 100)).as("a's claim holds its half of the pace").isEqualTo(50);
    }

    @Test
    void aPaceRefusalsClaimHoldsOnlyThePaceNotTheKeysWindows() {
        Consumer critical = new Consumer("critical", 0.5, Consumer.NO_MAX_STALE, Priority.CRITICAL);
        Consumer a = new Consumer("a", 0.5);
        QuotaGovernor governor = governor(SIX_MINUTES, 0, critical, a);
        assertThat(grants(governor, critical, 100)).as("critical borrows a's idle half of the minute").isEqualTo(100);
        advance(Duration.ofSeconds(71));
        assertThat(governor.tryAcquire(a, true).granted()).as("a: refused by the pace (critical's 100 count)").isFalse();

        int critical2 = grants(governor, critical, 100);

        assertThat(critical2).as("a's claim of the pace keeps no unit of the minute from critical").isEqualTo(100);
    }

    @Test
    void aPaceSmallerThanTheOthersHoldbacksStillLetsAUnitThrough() {
        List<Consumer> twelve = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            twelve.add(new Consumer("c" + i, 1.0 / 12));
        }
        // 100 an hour: 11 in 6 minutes with the holdbacks, and each of the eleven others keeps 1.
        QuotaGovernor governor = new QuotaGovernor(Configs.quota(100, 100), 0.1, twelve, 0, SIX_MINUTES.toNanos(), 1,
                now::get);

        assertThat(governor.tryAcquire(twelve.get(0), true).granted()).isTrue();
    }

    @Test
    void aPacedConsumersHeadersSayThePaceAndPromiseNoUnitItRefuses() {
        QuotaGovernor governor = governor(SIX_MINUTES, 0, normal, critical);
        Budget before = governor.budget("normal", 1.0);
        grants(governor, normal, 80);
        advance(Duration.ofMinutes(2));
        grants(governor, normal, 20);

        Budget spent = governor.budget("normal", 1.0);

        assertThat(before.policy()).isEqualTo("\"minute\";q=100;w=60, \"hour\";q=1000;w=3600, \"pace\";q=100;w=360");
        assertThat(before.remaining()).isEqualTo(100);
        assertThat(spent.policyName()).isEqualTo("pace");
        assertThat(spent.remaining()).isZero();
        assertThat(governor.tryAcquire(normal, true).granted()).isFalse();
        assertThat(spent.resetSeconds(now.get())).as("when the first 80 leave the window").isEqualTo(240);
        assertThat(governor.budget("critical", 0.35).policy()).as("critical is not paced: two policies")
                .isEqualTo("\"minute\";q=35;w=60, \"hour\";q=350;w=3600");
    }

    @Test
    void pacesSpareBudgetRefreshesLikeABackgroundConsumer() {
        QuotaGovernor governor = governor(SIX_MINUTES, 0, normal);
        // Refreshes, not cold asks: cold demand would keep the spare units for cold leads.
        refreshes(governor, normal, 50);
        advance(Duration.ofMinutes(2));
        int spareBefore = governor.spareUnits();
        refreshes(governor, normal, 50);

        assertThat(spareBefore).as("the minute and the hour have units to spare, and so has the pace").isPositive();
        assertThat(governor.spareUnits()).as("the pace is spent: no unit is spare, whatever the minute has left").isZero();
        assertThat(governor.tryAcquireSpare().granted()).isFalse();
        assertThat(governor.clusterRoomForSpare()).as("nor before a lease, with the Redis tier").containsExactly(0, 0);
        assertThat(governor.paceRefusal(critical)).as("never for critical").isNull();
    }

    @Test
    void aReplicaPacesItsPartOfThePaceWithTheRedisTier() {
        QuotaGovernor governor = new QuotaGovernor(Configs.quota(100, 1000), 0, List.of(normal), 0,
                SIX_MINUTES.toNanos(), 2, now::get);

        assertThat(grants(governor, normal, 200)).as("half of 100 per 6 minutes, with 2 replicas").isEqualTo(50);
    }

    @Test
    void makesRoomInThePaceForTheUnitsTimeInFlightAndTheHoldbacks() {
        Pace shipped = new Pace(SIX_MINUTES.toNanos(), 1000, 1, Duration.ofMillis(2100).toNanos(), 0.1);
        Pace twoReplicas = new Pace(SIX_MINUTES.toNanos(), 1000, 2, Duration.ofMillis(2100).toNanos(), 0.1);
        Pace bare = new Pace(SIX_MINUTES.toNanos(), 1000, 1, 0, 0);

        assertThat(shipped.limit(1000)).as("1,000 x 362.1 s / 3,600 s x 1.1, rounded up").isEqualTo(111);
        assertThat(twoReplicas.limit(1000)).isEqualTo(56);
        assertThat(bare.limit(1000)).isEqualTo(100);
        assertThat(bare.limit(500)).as("a lower hour declared by Coldsend").isEqualTo(50);
    }

    @Test
    void refusesAPaceWindowOfAMinuteOrLessOrOfAnHourOrMore() {
        for (Duration window : List.of(Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofHours(1))) {
            assertThatThrownBy(() -> governor(window, 0, normal)).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("proxy.quota.pace-window");
        }
    }

    @ParameterizedTest
    @ValueSource(longs = { 1, 2, 3 })
    void neverGrantsMoreThanEitherWindowOrThePaceUnderRandomDemand(long seed) {
        Random random = new Random(seed);
        Consumer normalHalf = new Consumer("normal", 0.45);
        Consumer[] consumers = { new Consumer("critical", 0.2, Consumer.NO_MAX_STALE, Priority.CRITICAL), normalHalf,
                new Consumer("bulk", 0.35, Consumer.NO_MAX_STALE, Priority.BACKGROUND) };
        QuotaGovernor governor = governor(Duration.ofMinutes(10), 0.1, consumers);
        List<Long> sends = new ArrayList<>();
        List<Long> pacedSends = new ArrayList<>();
        for (int step = 0; step < 40_000; step++) {
            advance(Duration.ofMillis(random.nextInt(400)));
            Consumer asker = consumers[random.nextInt(consumers.length)];
            if (governor.tryAcquire(asker, random.nextBoolean()).granted()) {
                sends.add(now.get());
                if (asker.priority() != Priority.CRITICAL) {
                    pacedSends.add(now.get());
                }
            }
        }

        assertThat(SlidingWindows.busiest(sends, Duration.ofMinutes(1)).count()).isLessThanOrEqualTo(100);
        assertThat(SlidingWindows.busiest(sends, Duration.ofHours(1)).count()).isLessThanOrEqualTo(1000);
        assertThat(SlidingWindows.busiest(pacedSends, Duration.ofMinutes(10)).count()).as("1,000 / 6, and 10 % holdbacks")
                .isLessThanOrEqualTo(184);
        assertThat(sends).as("demand is well above the budget: about 2.2 hours' worth is spent").hasSizeGreaterThan(2000);
    }

    private List<Long> askEverySecondFor(QuotaGovernor governor, Consumer consumer, Duration duration) {
        List<Long> sends = new ArrayList<>();
        long end = now.get() + duration.toNanos();
        while (now.get() < end) {
            for (int i = 0; i < 5; i++) {
                if (governor.tryAcquire(consumer, true).granted()) {
                    sends.add(now.get());
                }
            }
            advance(Duration.ofSeconds(1));
        }
        return sends;
    }

    private void refreshes(QuotaGovernor governor, Consumer consumer, int asks) {
        for (int i = 0; i < asks; i++) {
            assertThat(governor.tryAcquire(consumer, false).granted()).isTrue();
        }
    }

    private int grants(QuotaGovernor governor, Consumer consumer, int asks) {
        int granted = 0;
        for (int i = 0; i < asks; i++) {
            granted += governor.tryAcquire(consumer, true).granted() ? 1 : 0;
        }
        return granted;
    }

    private QuotaGovernor governor(Duration paceWindow, double holdback, Consumer... consumers) {
        return new QuotaGovernor(Configs.quota(100, 1000), holdback, List.of(consumers), 0, paceWindow.toNanos(), 1,
                now::get);
    }

    private void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }
}
