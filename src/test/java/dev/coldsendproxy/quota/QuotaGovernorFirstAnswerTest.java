package dev.coldsendproxy.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.support.Configs;

/**
 * A new process without the Redis tier knows nothing of what the process before it sent: one
 * request at a time goes out until Coldsend's first answer says what remains.
 */
class QuotaGovernorFirstAnswerTest {

    private static final Duration IN_FLIGHT = Duration.ofMillis(2100);

    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private final QuotaGovernor governor = QuotaGovernor.waitingForFirstAnswer(Configs.quota(100, 1000),
            IN_FLIGHT.toNanos(), now::get);

    @Test
    void sendsOneRequestUntilColdsendAnswersThenAsManyAsItSaysRemain() {
        Grant first = governor.tryAcquire("crm", 1.0, /* cold= */ true);
        Grant whileItIsInFlight = governor.tryAcquire("crm", 1.0, /* cold= */ true);
        governor.observe(200, 100L, 3L, resetIn(Duration.ofSeconds(40)), null);
        int granted = 0;
        for (int i = 0; i < 10; i++) {
            granted += governor.tryAcquire("crm", 1.0, /* cold= */ true).granted() ? 1 : 0;
        }

        assertThat(first.granted()).isTrue();
        assertThat(whileItIsInFlight.granted()).isFalse();
        assertThat(whileItIsInFlight.retryAfterSeconds()).as("the answer usually comes within a second").isEqualTo(1);
        assertThat(whileItIsInFlight.reason()).contains("first answer");
        assertThat(granted).as("what the process before left, not the whole minute").isEqualTo(3);
    }

    @Test
    void aFirstAnswerThatSaysTheWindowIsSpentStopsEverySend() {
        governor.tryAcquire("crm", 1.0, /* cold= */ true);

        governor.observe(200, 100L, 0L, resetIn(Duration.ofSeconds(40)), null);

        Grant afterwards = governor.tryAcquire("crm", 1.0, /* cold= */ true);
        assertThat(afterwards.granted()).isFalse();
        assertThat(afterwards.retryAfterSeconds()).isBetween(38L, 40L);
    }

    @Test
    void anAttemptThatNeverGetsAnAnswerHoldsTheNextOneOnlyForItsTimeInFlight() {
        assertThat(governor.tryAcquire("crm", 1.0).granted()).isTrue();

        advance(IN_FLIGHT.minusMillis(1));
        Grant stillInFlight = governor.tryAcquire("crm", 1.0);
        advance(Duration.ofMillis(1));
        Grant next = governor.tryAcquire("crm", 1.0);
        Grant besideIt = governor.tryAcquire("crm", 1.0);

        assertThat(stillInFlight.granted()).isFalse();
        assertThat(next.granted()).as("the first attempt has surely ended: one more may go").isTrue();
        assertThat(besideIt.granted()).as("still one at a time: Coldsend has not answered yet").isFalse();
    }

    @Test
    void anAnswerWithoutColdsendsCountLetsTheNextRequestGoStillOneAtATime() {
        governor.tryAcquire("crm", 1.0);

        governor.observe(502, null, null, null);
        Grant next = governor.tryAcquire("crm", 1.0);
        Grant besideIt = governor.tryAcquire("crm", 1.0);
        governor.observe(500, 100L, 40L, resetIn(Duration.ofSeconds(40)), null);
        Grant afterColdsendsCount = governor.tryAcquire("crm", 1.0);

        assertThat(next.granted()).as("the request in flight has ended").isTrue();
        assertThat(besideIt.granted()).as("a gateway's 502 says nothing of what the process before spent").isFalse();
        assertThat(afterColdsendsCount.granted()).isTrue();
        assertThat(governor.tryAcquire("crm", 1.0).granted()).as("Coldsend said what remains: no more waiting").isTrue();
    }

    @Test
    void aSpareBudgetRefreshWaitsForTheFirstAnswerToo() {
        governor.tryAcquire("crm", 1.0);

        Grant spare = governor.tryAcquireSpare();

        assertThat(spare.granted()).isFalse();
        assertThat(spare.reason()).contains("first answer");
    }

    @Test
    void aGovernorBuiltWithoutTheWaitSendsAtOnce() {
        QuotaGovernor plain = new QuotaGovernor(Configs.quota(100, 1000), now::get);

        assertThat(plain.tryAcquire("crm", 1.0).granted()).isTrue();
        assertThat(plain.tryAcquire("crm", 1.0).granted()).isTrue();
    }

    private void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }

    private static long resetIn(Duration duration) {
        return System.currentTimeMillis() / 1000 + duration.toSeconds();
    }
}
