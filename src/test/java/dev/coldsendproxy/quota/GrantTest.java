package dev.coldsendproxy.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** {@code Retry-After} on a refusal: whole seconds, rounded up, never 0, and why the caller must wait. */
class GrantTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void asksForAtLeastOneSecondEvenWhenTheUnitIsAlmostFree() {
        assertThat(Grant.refused("spent", 1).retryAfterSeconds()).isEqualTo(1);
        assertThat(Grant.refused("spent", 0).retryAfterSeconds()).isEqualTo(1);
    }

    @Test
    void roundsAPartSecondUpAndKeepsWholeSeconds() {
        assertThat(Grant.refused("spent", 2 * SECOND + SECOND / 2).retryAfterSeconds()).isEqualTo(3);
        assertThat(Grant.refused("spent", 20 * SECOND).retryAfterSeconds()).isEqualTo(20);
        assertThat(Grant.overloaded("busy", 5 * SECOND + 1).retryAfterSeconds()).isEqualTo(6);
    }

    @Test
    void tellsASpentBudgetFromAnOverloadedColdsend() {
        Grant spent = Grant.refused("the proxy's Coldsend budget is spent", SECOND);
        Grant overloaded = Grant.overloaded("Coldsend is overloaded", SECOND);

        assertThat(spent.granted()).isFalse();
        assertThat(spent.upstreamOverloaded()).isFalse();
        assertThat(spent.reason()).isEqualTo("the proxy's Coldsend budget is spent");
        assertThat(overloaded.granted()).isFalse();
        assertThat(overloaded.upstreamOverloaded()).isTrue();
        assertThat(overloaded.reason()).isEqualTo("Coldsend is overloaded");
    }

    @Test
    void aGrantNeedsNoWait() {
        assertThat(Grant.GRANTED.granted()).isTrue();
        assertThat(Grant.GRANTED.retryAfterSeconds()).isZero();
        assertThat(Grant.GRANTED.upstreamOverloaded()).isFalse();
    }
}
