package dev.coldsendproxy.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/**
 * What a replica cut off from Redis may spend without a lease: nothing until a full hour plus the
 * settle time has passed since Redis last answered, then its share (1/expected-replicas, at least
 * 1) of each window, with exact waits. Explicit nanosecond times, no sleeps.
 */
class LocalOnlyAllowanceTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long SETTLE = 7 * SECOND;
    /** Sends that reach Coldsend when granted: the windows here are plain ones (LeasesTest covers the in-flight time). */
    private static final long NO_TIME_IN_FLIGHT = 0;

    /** An arbitrary start far from 0, so that a sum mistaken for a difference shows. */
    private final AtomicLong now = new AtomicLong(50_000 * SECOND);
    private final long lastContact = now.get();

    @Test
    void staysClosedUntilAFullHourAndTheSettleTimeOfSilence() {
        LocalOnlyAllowance allowance = new LocalOnlyAllowance(100, 1000, 1, SETTLE, NO_TIME_IN_FLIGHT);

        long rightAway = allowance.tryAcquire(now.get(), lastContact, lastContact);
        now.addAndGet(TimeUnit.MINUTES.toNanos(40));
        long after40Minutes = allowance.tryAcquire(now.get(), lastContact, lastContact);
        now.set(lastContact + Units.HOUR + SETTLE - 1);
        long oneNanosecondEarly = allowance.tryAcquire(now.get(), lastContact, lastContact);

        assertThat(rightAway).isEqualTo(Units.HOUR + SETTLE);
        assertThat(after40Minutes).as("a minute of silence is not enough: the hour decides")
                .isEqualTo(TimeUnit.MINUTES.toNanos(20) + SETTLE);
        assertThat(oneNanosecondEarly).isEqualTo(1);
    }

    @Test
    void opensExactlyAnHourAndTheSettleTimeAfterRedisLastAnswered() {
        LocalOnlyAllowance allowance = new LocalOnlyAllowance(1, 1000, 1, SETTLE, NO_TIME_IN_FLIGHT);
        now.set(lastContact + Units.HOUR + SETTLE);

        long first = allowance.tryAcquire(now.get(), lastContact, lastContact);
        long second = allowance.tryAcquire(now.get(), lastContact, lastContact);

        assertThat(first).isZero();
        assertThat(second).as("the one unit of the minute was spent by the first").isEqualTo(Units.MINUTE);
    }

    @Test
    void spendsItsShareOfTheMinuteThenWaitsExactlyForTheOldestToLeave() {
        // 10 per minute over 3 replicas: 3 each.
        LocalOnlyAllowance allowance = new LocalOnlyAllowance(10, 1000, 3, SETTLE, NO_TIME_IN_FLIGHT);
        now.set(lastContact + Units.HOUR + SETTLE + SECOND);
        long opened = now.get();

        for (int i = 0; i < 3; i++) {
            assertThat(allowance.tryAcquire(now.get(), lastContact, lastContact)).as("unit %d", i).isZero();
            now.addAndGet(SECOND);
        }
        long fourth = allowance.tryAcquire(now.get(), lastContact, lastContact);
        now.set(opened + Units.MINUTE);
        long aMinuteAfterTheFirst = allowance.tryAcquire(now.get(), lastContact, lastContact);

        assertThat(fourth).as("asked 3 s after the first").isEqualTo(Units.MINUTE - 3 * SECOND);
        assertThat(aMinuteAfterTheFirst).isZero();
    }

    @Test
    void spendsItsShareOfTheHourThenWaitsExactlyForTheOldestToLeave() {
        // 10 per hour over 2 replicas: 5 each; the minute (50 each) never binds here.
        LocalOnlyAllowance allowance = new LocalOnlyAllowance(100, 10, 2, SETTLE, NO_TIME_IN_FLIGHT);
        now.set(lastContact + Units.HOUR + SETTLE);
        long opened = now.get();

        for (int i = 0; i < 5; i++) {
            assertThat(allowance.tryAcquire(now.get(), lastContact, lastContact)).as("unit %d", i).isZero();
            now.addAndGet(Units.MINUTE);
        }
        long sixth = allowance.tryAcquire(now.get(), lastContact, lastContact);

        assertThat(sixth).isEqualTo(opened + Units.HOUR - now.get());
        assertThat(allowance.tryAcquire(opened + Units.HOUR, lastContact, lastContact)).isZero();
    }

    @Test
    void allowsAtLeastOneUnitWhenTheShareRoundsDownToNothing() {
        LocalOnlyAllowance allowance = new LocalOnlyAllowance(2, 2, 3, SETTLE, NO_TIME_IN_FLIGHT);
        now.set(lastContact + Units.HOUR + SETTLE);

        long first = allowance.tryAcquire(now.get(), lastContact, lastContact);
        long second = allowance.tryAcquire(now.get() + Units.MINUTE, lastContact, lastContact);

        assertThat(first).isZero();
        assertThat(second).as("one unit per hour").isEqualTo(Units.HOUR - Units.MINUTE);
    }
}
