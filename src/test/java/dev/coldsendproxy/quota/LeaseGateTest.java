package dev.coldsendproxy.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.consumer.Consumer;
import dev.coldsendproxy.support.Configs;
import dev.coldsendproxy.upstream.AttemptRefusedException;
import dev.coldsendproxy.upstream.RateLimitHeaders;

/**
 * The attempt gate with the Redis tier on: a unit leased from the shared budget, then the local
 * governor. No Redis: the shared budget is a stub that grants or refuses every lease and keeps
 * the holds passed on to it; the governor is real, on a fake clock.
 */
class LeaseGateTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final Consumer CRM = new Consumer("crm-sync", 1.0);

    private final AtomicLong now = new AtomicLong(TimeUnit.DAYS.toNanos(1));
    private final QuotaGovernor governor = new QuotaGovernor(Configs.quota(10, 10_000), now::get);

    @Test
    void letsAnAttemptGoWhenALeaseIsGrantedAndPaysItFromTheLocalWindows() {
        LeaseGate gate = new LeaseGate(governor, cluster(Grant.GRANTED), CRM, /* cold= */ false);

        gate.beforeAttempt().await().indefinitely();

        assertThat(governor.budget(CRM.name(), CRM.share()).remaining()).isEqualTo(9);
    }

    @Test
    void refusesAnAttemptTheSharedBudgetRefusesWithItsReasonAndWait() {
        LeaseGate gate = new LeaseGate(governor,
                cluster(Grant.refused("the proxy's Coldsend budget is spent", 3 * SECOND)), CRM, /* cold= */ false);

        AttemptRefusedException refused = catchThrowableOfType(AttemptRefusedException.class,
                () -> gate.beforeAttempt().await().indefinitely());

        assertThat(refused).isNotNull();
        assertThat(refused.reason()).isEqualTo("the proxy's Coldsend budget is spent");
        assertThat(refused.retryAfterSeconds()).isEqualTo(3);
        assertThat(refused.upstreamOverloaded()).isFalse();
        assertThat(governor.budget(CRM.name(), CRM.share()).remaining()).as("nothing paid locally").isEqualTo(10);
    }

    @Test
    void refusesALeasedAttemptTheLocalGovernorRefuses() {
        LeaseGate gate = new LeaseGate(governor, cluster(Grant.GRANTED), CRM, /* cold= */ false);
        for (int i = 0; i < 10; i++) {
            gate.beforeAttempt().await().indefinitely();
        }

        AttemptRefusedException refused = catchThrowableOfType(AttemptRefusedException.class,
                () -> gate.beforeAttempt().await().indefinitely());

        assertThat(refused).as("the eleventh attempt in the minute").isNotNull();
        assertThat(refused.retryAfterSeconds()).isEqualTo(60);
    }

    @Test
    void countsAColdAttemptThatGotNoLeaseAsColdDemand() {
        spendWarm(6);
        LeaseGate gate = new LeaseGate(governor, cluster(Grant.refused("held", SECOND)), CRM, /* cold= */ true);

        attempts(gate, 4);
        boolean lowAfterFour = governor.budgetLow();
        attempts(gate, 1);

        assertThat(lowAfterFour).as("4 left, 4 cold asks").isFalse();
        assertThat(governor.budgetLow()).as("4 left, 5 cold asks").isTrue();
    }

    @Test
    void countsAColdAttemptThatGotALeaseAsColdDemandOnce() {
        LeaseGate gate = new LeaseGate(governor, cluster(Grant.GRANTED), CRM, /* cold= */ true);

        attempts(gate, 5);

        assertThat(governor.budgetLow()).as("5 left, 5 cold asks").isFalse();
        attempts(gate, 1);
        assertThat(governor.budgetLow()).as("4 left, 6 cold asks").isTrue();
    }

    @Test
    void doesNotCountAWarmAttemptThatGotNoLeaseAsColdDemand() {
        spendWarm(6);
        LeaseGate gate = new LeaseGate(governor, cluster(Grant.refused("held", SECOND)), CRM, /* cold= */ false);

        attempts(gate, 5);

        assertThat(governor.budgetLow()).as("4 left, no cold asks").isFalse();
    }

    @Test
    void passesThePauseColdsendAskedForOnToEveryReplica() {
        StubClusterQuota cluster = cluster(Grant.GRANTED);
        LeaseGate gate = new LeaseGate(governor, cluster, CRM, /* cold= */ false);

        gate.afterAnswer(429, new RateLimitHeaders(null, null, null, 5L));

        assertThat(cluster.holds).containsExactly(List.of(5 * SECOND, 429L));
    }

    private void spendWarm(int units) {
        for (int i = 0; i < units; i++) {
            assertThat(governor.tryAcquire("billing", 1.0).granted()).isTrue();
        }
    }

    private static void attempts(LeaseGate gate, int n) {
        for (int i = 0; i < n; i++) {
            try {
                gate.beforeAttempt().await().indefinitely();
            } catch (AttemptRefusedException refused) {
                // counted all the same
            }
        }
    }

    private StubClusterQuota cluster(Grant answer) {
        return new StubClusterQuota(governor, now::get, answer, /* enabled= */ true);
    }
}
