package dev.coldsendproxy.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.consumer.Consumer;
import dev.coldsendproxy.support.Configs;

/**
 * The governor judging by what all replicas spent, as read from Redis ({@link QuotaGovernor#adopt}):
 * Coldsend's holds, budget-low, the {@code RateLimit-*} budget and the metrics follow the shared
 * view while it is recent, and this replica's own windows once it is too old. No Redis here: the
 * view is built from a status as the ledger would return it.
 */
class QuotaGovernorSharedViewTest {

    private static final int PER_MINUTE = 10;
    private static final int PER_HOUR = 100;
    private static final Duration VALID_FOR = Duration.ofSeconds(30);

    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private final QuotaGovernor governor = new QuotaGovernor(Configs.quota(PER_MINUTE, PER_HOUR), now::get);

    @Test
    void holdsOffWhileAllReplicasAreToldColdsendsLimitIsExceeded() {
        governor.adopt(view(hold(Duration.ofSeconds(10), 429)));

        Grant refused = governor.tryAcquire("a", 1.0);
        boolean lowDuringTheHold = governor.budgetLow();
        advance(Duration.ofSeconds(10));

        assertThat(refused.granted()).isFalse();
        assertThat(refused.upstreamOverloaded()).isFalse();
        assertThat(refused.reason()).isEqualTo("Coldsend's rate limit for the proxy's key is exceeded");
        assertThat(refused.retryAfterSeconds()).isEqualTo(10);
        assertThat(lowDuringTheHold).isTrue();
        assertThat(governor.budgetLow()).as("the hold ended").isFalse();
        assertThat(governor.tryAcquire("a", 1.0).granted()).as("granted exactly when the hold ends").isTrue();
    }

    @Test
    void passesAnOverloadPauseFromAnotherReplicaOnAsOverload() {
        governor.adopt(view(hold(Duration.ofSeconds(10), 503)));
        advance(Duration.ofSeconds(4));

        Grant refused = governor.tryAcquire("a", 1.0);

        assertThat(refused.granted()).isFalse();
        assertThat(refused.upstreamOverloaded()).isTrue();
        assertThat(refused.retryAfterSeconds()).isEqualTo(6);
    }

    @Test
    void stopsTrustingASharedViewThatIsTooOld() {
        governor.adopt(view(new LeaseLedger.Status("e1", 0, Duration.ofMinutes(5).toMillis(), 429,
                List.of(new LeaseLedger.Window(9, 50_000), new LeaseLedger.Window(95, 3_000_000)))));

        advance(VALID_FOR);

        assertThat(governor.tryAcquire("a", 1.0).granted()).isTrue();
        assertThat(governor.budgetLow()).isFalse();
        assertThat(governor.sharedRemaining()).containsExactly(PER_MINUTE - 1, PER_HOUR - 1);
    }

    @Test
    void saysTheBudgetIsLowWhenAllReplicasTogetherHaveSpentMostOfTheMinute() {
        governor.adopt(view(spent(8, 8)));
        boolean twoLeft = governor.budgetLow();
        governor.adopt(view(spent(9, 9)));

        assertThat(twoLeft).as("2 of 10 left is the ratio, not below it").isFalse();
        assertThat(governor.budgetLow()).isTrue();
    }

    @Test
    void saysTheBudgetIsLowWhenAllReplicasTogetherHaveSpentMostOfTheHour() {
        governor.adopt(view(spent(0, 81)));

        assertThat(governor.budgetLow()).isTrue();
    }

    @Test
    void reportsAllReplicasBudgetWhenItIsTighterThanThisReplicasOwn() {
        governor.adopt(view(consumerASpent(3, 40_000)));

        Budget budget = governor.budget("a", 0.5);

        assertThat(budget.limit()).isEqualTo(5);
        assertThat(budget.remaining()).isEqualTo(2);
        assertThat(governor.resetSeconds(budget)).isEqualTo(40);
    }

    @Test
    void aPacedConsumersSharedBudgetStillListsThePaceAndIsMadeOncePerView() {
        QuotaGovernor paced = new QuotaGovernor(Configs.quota(PER_MINUTE, PER_HOUR), 0.1, List.of(), 0,
                Duration.ofMinutes(6).toNanos(), 1, now::get);
        paced.adopt(view(consumerASpent(3, 40_000)));

        Budget budget = paced.budget("a", 0.5);

        assertThat(budget.remaining()).as("all replicas' count").isEqualTo(2);
        assertThat(budget.policy().toString()).isEqualTo("\"minute\";q=5;w=60, \"hour\";q=50;w=3600, \"pace\";q=5;w=360");
        assertThat(paced.budget("a", 0.5)).as("no object per answer").isSameAs(budget);
    }

        @Test
    void keepsThisReplicasBudgetWhenAllReplicasTogetherLeaveAsMuch() {
        for (int i = 0; i < 3; i++) {
            governor.tryAcquire("a", 0.5);
        }
        for (int i = 0; i < 5; i++) {
            governor.tryAcquire("b", 0.5); // so that nothing is left for "a" to borrow here either
        }
        governor.adopt(view(consumerASpent(3, 40_000)));

        Budget budget = governor.budget("a", 0.5);

        assertThat(budget.remaining()).isEqualTo(2);
        assertThat(governor.resetSeconds(budget)).as("this replica's own reset").isEqualTo(60);
    }

    @Test
    void reportsThisReplicasBudgetForAConsumerTheSharedViewDidNotInclude() {
        governor.adopt(view(consumerASpent(3, 40_000)));

        Budget budget = governor.budget("b", 0.5);

        assertThat(budget.remaining()).isEqualTo(5);
    }

    @Test
    void reportsThisReplicasBudgetOnceTheSharedViewIsTooOld() {
        governor.adopt(view(consumerASpent(3, 40_000)));
        advance(VALID_FOR);

        Budget budget = governor.budget("a", 0.5);

        assertThat(budget.remaining()).isEqualTo(5);
    }

    @Test
    void countsTheTighterOfThisReplicasAndAllReplicasWindowsForMetrics() {
        governor.adopt(view(spent(4, 10)));
        int[] othersSpentMore = governor.sharedRemaining();
        for (int i = 0; i < 7; i++) {
            governor.tryAcquire("a", 1.0);
        }

        assertThat(othersSpentMore).containsExactly(6, 90);
        assertThat(governor.sharedRemaining()).containsExactly(3, 90);
    }

    @Test
    void lendsAcrossReplicasWhatOtherConsumersLeftIdleEverywhereButTheirHoldback() {
        QuotaGovernor sharing = new QuotaGovernor(Configs.quota(PER_MINUTE, PER_HOUR), 0.2,
                List.of(new Consumer("a", 0.5), new Consumer("b", 0.5)), now::get);
        sharing.adopt(new SharedView(new LeaseLedger.Status("e1", 0, 0, 0, List.of(new LeaseLedger.Window(6, 30_000),
                new LeaseLedger.Window(6, 30_000), new LeaseLedger.Window(5, 30_000), new LeaseLedger.Window(5, 30_000),
                new LeaseLedger.Window(1, 30_000), new LeaseLedger.Window(1, 30_000))),
                List.of(new LeaseLedger.ShareLimits("a", 5, 50), new LeaseLedger.ShareLimits("b", 5, 50)), PER_MINUTE,
                PER_HOUR, now.get(), VALID_FOR.toNanos()));

        int[] roomForA = sharing.clusterRoom(new Consumer("a", 0.5));
        int[] roomForB = sharing.clusterRoom(new Consumer("b", 0.5));

        assertThat(roomForA).as("b spent its minute holdback (1 of 5) on another replica, not its hour's (10 of 50)")
                .containsExactly(10, 91);
        assertThat(roomForB).as("a spent all of its minute holdback (1), 5 of its hour's (10)").containsExactly(10, 95);
    }

    @Test
    void leavesASpareRefreshOnlyWhatNoConsumersHoldbackKeepsAcrossReplicas() {
        QuotaGovernor sharing = new QuotaGovernor(Configs.quota(PER_MINUTE, PER_HOUR), 0.2,
                List.of(new Consumer("a", 0.5), new Consumer("b", 0.5)), now::get);
        assertThat(sharing.clusterRoomForSpare()).as("nothing spent: room less both holdbacks").containsExactly(8, 80);

        sharing.adopt(new SharedView(new LeaseLedger.Status("e1", 0, 0, 0, List.of(new LeaseLedger.Window(9, 30_000),
                new LeaseLedger.Window(9, 30_000), new LeaseLedger.Window(9, 30_000), new LeaseLedger.Window(9, 30_000),
                new LeaseLedger.Window(0, 0), new LeaseLedger.Window(0, 0))),
                List.of(new LeaseLedger.ShareLimits("a", 5, 50), new LeaseLedger.ShareLimits("b", 5, 50)), PER_MINUTE,
                PER_HOUR, now.get(), VALID_FOR.toNanos()));

        assertThat(sharing.clusterRoomForSpare()).as("other replicas spent 9 of the minute: no spare unit")
                .containsExactly(0, 0);
    }

    private void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }

    /** The view as read now: valid for {@link #VALID_FOR}; consumer "a" has a share of 5 a minute and 50 an hour. */
    private SharedView view(LeaseLedger.Status status) {
        return new SharedView(status, List.of(new LeaseLedger.ShareLimits("a", 5, 50)), PER_MINUTE, PER_HOUR, now.get(),
                VALID_FOR.toNanos());
    }

    /** Coldsend asked every replica to wait {@code pause}, answering with {@code status}; nothing spent. */
    private static LeaseLedger.Status hold(Duration pause, int status) {
        return new LeaseLedger.Status("e1", 0, pause.toMillis(), status,
                List.of(new LeaseLedger.Window(0, 0), new LeaseLedger.Window(0, 0)));
    }

    /** All replicas together spent these many units of the key in the last minute and hour; no hold. */
    private static LeaseLedger.Status spent(int inMinute, int inHour) {
        return new LeaseLedger.Status("e1", 0, 0, 0,
                List.of(new LeaseLedger.Window(inMinute, 30_000), new LeaseLedger.Window(inHour, 1_800_000)));
    }

    /**
     * Consumer "a" spent {@code units} in the last minute, all of the key's spend, the oldest freeing
     * its unit in {@code freeMillis}; no hold.
     */
    private static LeaseLedger.Status consumerASpent(int units, long freeMillis) {
        return new LeaseLedger.Status("e1", 0, 0, 0, List.of(new LeaseLedger.Window(units, freeMillis),
                new LeaseLedger.Window(units, freeMillis), new LeaseLedger.Window(units, freeMillis),
                new LeaseLedger.Window(units, 3_600_000 - 60_000 + freeMillis)));
    }
}
