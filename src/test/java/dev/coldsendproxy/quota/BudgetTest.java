package dev.coldsendproxy.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** {@code RateLimit-Reset}: whole seconds until a unit frees up, rounded so that waiting that long is enough. */
class BudgetTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long NOW = 7_000 * SECOND;

    @Test
    void roundsAPartSecondUpSoThatACallerWaitingThatLongFindsTheUnitFree() {
        assertThat(resetIn(1).resetSeconds(NOW)).isEqualTo(1);
        assertThat(resetIn(30 * SECOND + 1).resetSeconds(NOW)).isEqualTo(31);
    }

    @Test
    void keepsWholeSecondsAsTheyAre() {
        assertThat(resetIn(30 * SECOND).resetSeconds(NOW)).isEqualTo(30);
        assertThat(resetIn(SECOND).resetSeconds(NOW)).isEqualTo(1);
    }

    @Test
    void saysZeroOnceTheResetHasCome() {
        assertThat(resetIn(0).resetSeconds(NOW)).isZero();
        assertThat(resetIn(-5 * SECOND).resetSeconds(NOW)).as("never negative").isZero();
    }

    @Test
    void describesBothWindowsOfTheConsumersQuotaForRateLimitPolicy() {
        assertThat(Budget.policy(5, 50)).hasToString("\"minute\";q=5;w=60, \"hour\";q=50;w=3600");
        assertThat(resetIn(0).policy()).as("a minute view built without a policy names its limit for both")
                .hasToString("\"minute\";q=10;w=60, \"hour\";q=10;w=3600");
    }

    @Test
    void namesThePolicyOfTheWindowItIsAViewOf() {
        assertThat(new Budget(5, 2, NOW, NOW, 60, Budget.policy(5, 50)).policyName()).isEqualTo("minute");
        assertThat(new Budget(50, 2, NOW, NOW, 3600, Budget.policy(5, 50)).policyName()).isEqualTo("hour");
    }

    private static Budget resetIn(long nanos) {
        return new Budget(10, 0, NOW + nanos, Long.MAX_VALUE);
    }
}
