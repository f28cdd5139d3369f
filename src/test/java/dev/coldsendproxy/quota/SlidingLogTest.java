package dev.coldsendproxy.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The exact sliding window on its own, on explicit nanosecond times: no clock, no sleeps. */
class SlidingLogTest {

    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    /** An arbitrary start, far from 0, so that a sum mistaken for a difference shows. */
    private static final long T0 = 5_000 * SECOND;

    @Test
    void letsRequestsThroughUntilTheLimitThenAsksToWaitForTheOldestToLeave() {
        SlidingLog log = new SlidingLog(3, MINUTE);

        assertThat(log.waitNanos(T0)).isZero();
        log.record(T0);
        log.record(T0 + 10 * SECOND);
        assertThat(log.waitNanos(T0 + 15 * SECOND)).as("one unit still free").isZero();
        log.record(T0 + 20 * SECOND);

        assertThat(log.waitNanos(T0 + 25 * SECOND)).isEqualTo(MINUTE - 25 * SECOND);
    }

    @Test
    void movesTheNewestRequestCountedAtOrBeforeTheMarkToNowAndKeepsTheOthersWhereTheyWere() {
        SlidingLog log = new SlidingLog(4, MINUTE);
        log.record(T0);
        log.record(T0 + 10 * SECOND);
        log.record(T0 + 20 * SECOND); // a later send: must not be the one moved
        long now = T0 + 30 * SECOND;

        assertThat(log.countsOneAtOrBefore(T0 + 15 * SECOND, now)).isTrue();
        assertThat(log.countsOneAtOrBefore(T0 - 1, now)).isFalse();
        log.moveToNow(T0 + 15 * SECOND, now);

        assertThat(log.count(now)).as("moved, not added").isEqualTo(3);
        assertThat(log.nextFreeAt(now)).isEqualTo(T0 + MINUTE);
        assertThat(log.count(T0 + MINUTE + 20 * SECOND)).as("the send at +20 s left at its time").isEqualTo(1);
        assertThat(log.nextFreeAt(T0 + MINUTE + 20 * SECOND)).as("the moved one counts from now").isEqualTo(now + MINUTE);
    }

    @Test
    void refusesOnceTheMinuteWindowIsFullAndFreesAUnitExactlyOneMinuteLater() {
        SlidingLog log = new SlidingLog(2, MINUTE);
        log.record(T0);
        log.record(T0 + SECOND);

        assertThat(log.waitNanos(T0 + MINUTE - 1)).as("one nanosecond early").isEqualTo(1);
        assertThat(log.remaining(T0 + MINUTE - 1)).isZero();
        assertThat(log.waitNanos(T0 + MINUTE)).as("the first send has left the window").isZero();
        assertThat(log.remaining(T0 + MINUTE)).isEqualTo(1);
    }

    @Test
    void countsDownTheRemainingUnitsAndGivesThemAllBackAfterAQuietWindow() {
        SlidingLog log = new SlidingLog(3, MINUTE);
        assertThat(log.remaining(T0)).isEqualTo(3);

        log.record(T0);
        log.record(T0);

        assertThat(log.remaining(T0 + 30 * SECOND)).isEqualTo(1);
        assertThat(log.remaining(T0 + MINUTE)).as("read without a send or a wait check first").isEqualTo(3);
    }

    @Test
    void saysWhenTheOldestCountedRequestFreesItsUnit() {
        SlidingLog log = new SlidingLog(3, MINUTE);
        assertThat(log.nextFreeAt(T0)).as("nothing counted").isEqualTo(T0);

        log.record(T0);
        log.record(T0 + 20 * SECOND);

        assertThat(log.nextFreeAt(T0 + 30 * SECOND)).isEqualTo(T0 + MINUTE);
        assertThat(log.nextFreeAt(T0 + MINUTE + SECOND)).as("the first left, the second is now the oldest")
                .isEqualTo(T0 + 20 * SECOND + MINUTE);
        assertThat(log.nextFreeAt(T0 + 2 * MINUTE)).as("both left").isEqualTo(T0 + 2 * MINUTE);
    }

    @Test
    void keepsExactTimesAcrossManyTurnsOfTheRing() {
        SlidingLog log = new SlidingLog(3, MINUTE);
        long now = T0;
        for (int i = 0; i < 10; i++) {
            assertThat(log.waitNanos(now)).as("send %d", i).isZero();
            log.record(now);
            now += 25 * SECOND;
        }
        // Sends every 25 s from T0 to T0 + 225 s; at T0 + 250 s only those of 200 s and 225 s are
        // younger than a minute.
        assertThat(log.remaining(now)).isEqualTo(1);
        log.record(now);

        assertThat(log.waitNanos(now)).as("full: waits for the send at 200 s").isEqualTo(T0 + 200 * SECOND + MINUTE - now);
        assertThat(log.nextFreeAt(now)).isEqualTo(T0 + 200 * SECOND + MINUTE);
    }

    @Test
    void underALimitBelowTheRingWaitsUntilEnoughSendsHaveLeft() {
        SlidingLog log = new SlidingLog(4, MINUTE);
        for (int i = 0; i < 4; i++) {
            log.record(T0 + i * 10 * SECOND);
        }
        long now = T0 + 35 * SECOND;

        assertThat(log.remaining(now, 2)).as("four counted against a limit of two: none left, not minus two").isZero();
        assertThat(log.waitNanos(now, 2)).as("three must leave, the last of them sent at 20 s")
                .isEqualTo(T0 + 20 * SECOND + MINUTE - now);
        assertThat(log.waitNanos(now, 4)).isEqualTo(T0 + MINUTE - now);
        assertThat(log.waitNanos(T0 + 20 * SECOND + MINUTE, 2)).isZero();
        assertThat(log.remaining(T0 + 20 * SECOND + MINUTE, 2)).isEqualTo(1);
    }

    @Test
    void countsTheEventsStillInTheWindow() {
        SlidingLog log = new SlidingLog(3, MINUTE);
        log.record(T0);
        log.record(T0 + 30 * SECOND);

        assertThat(log.count(T0 + 40 * SECOND)).isEqualTo(2);
        assertThat(log.count(T0 + MINUTE)).as("the first left the window").isEqualTo(1);
        assertThat(log.count(T0 + 30 * SECOND + MINUTE)).isZero();
    }

    @Test
    void saturatesAtTheRingsSizeKeepingTheNewestWhenEventsComeFasterThanTheLimit() {
        SlidingLog log = new SlidingLog(3, MINUTE);
        for (int i = 0; i < 5; i++) {
            log.recordSaturating(T0 + i * SECOND);
        }
        long now = T0 + 5 * SECOND;

        assertThat(log.count(now)).isEqualTo(3);
        assertThat(log.nextFreeAt(now)).as("the asks of 0 s and 1 s were forgotten").isEqualTo(T0 + 2 * SECOND + MINUTE);
        log.recordSaturating(T0 + 2 * SECOND + MINUTE);
        assertThat(log.count(T0 + 2 * SECOND + MINUTE)).as("those of 2 s left, 3 s and 4 s remain beside the new one")
                .isEqualTo(3);
        assertThat(log.nextFreeAt(T0 + 2 * SECOND + MINUTE)).isEqualTo(T0 + 3 * SECOND + MINUTE);
    }

    @Test
    void refusesToCountARequestBeyondTheLimit() {
        SlidingLog log = new SlidingLog(1, MINUTE);
        log.record(T0);

        assertThatThrownBy(() -> log.record(T0 + SECOND)).isInstanceOf(IllegalStateException.class);
        assertThat(log.remaining(T0 + SECOND)).as("the refused send was not counted").isZero();

        log.record(T0 + MINUTE);
        assertThat(log.nextFreeAt(T0 + MINUTE)).isEqualTo(T0 + 2 * MINUTE);
    }

    @Test
    void aLogWithNoRoomAlwaysAsksForAWholeWindow() {
        SlidingLog log = new SlidingLog(0, MINUTE);

        assertThat(log.waitNanos(T0)).isEqualTo(MINUTE);
        assertThat(log.remaining(T0)).isZero();
    }

    @Test
    void aLargeLimitHoldsOnlyWhatItCountsAndGrowsAsRequestsCome() {
        SlidingLog log = new SlidingLog(2_000_000, HOUR);
        assertThat(log.slots()).as("not 2,000,000 longs up front").isEqualTo(SlidingLog.FIRST_SLOTS);

        for (int i = 0; i < 1_000; i++) {
            log.record(T0 + i * SECOND / 1_000);
        }

        assertThat(log.slots()).isBetween(1_000, 2_048);
        assertThat(log.count(T0 + SECOND)).isEqualTo(1_000);
        assertThat(log.nextFreeAt(T0 + SECOND)).isEqualTo(T0 + HOUR);
        assertThat(log.remaining(T0 + SECOND)).isEqualTo(2_000_000 - 1_000);
    }

    @Test
    void stopsGrowingAtItsLimitAndStillRefusesTheNextRequest() {
        SlidingLog log = new SlidingLog(20, MINUTE);
        for (int i = 0; i < 20; i++) {
            log.record(T0 + i * SECOND);
        }

        assertThat(log.slots()).isEqualTo(20);
        assertThat(log.waitNanos(T0 + 20 * SECOND)).isEqualTo(MINUTE - 20 * SECOND);
        assertThatThrownBy(() -> log.record(T0 + 20 * SECOND)).isInstanceOf(IllegalStateException.class);
        log.recordSaturating(T0 + 21 * SECOND);
        assertThat(log.slots()).isEqualTo(20);
        assertThat(log.nextFreeAt(T0 + 21 * SECOND)).as("the oldest forgotten").isEqualTo(T0 + SECOND + MINUTE);
    }

    /**
     * The growing ring against a plain list of times, over random sends, asks, moves and reads
     * with the window sliding: growth after the ring has wrapped keeps the order of what it counts.
     */
    @Test
    void growingAfterTheRingWrappedKeepsEveryCountedTimeInOrder() {
        Random random = new Random(7);
        for (int limit : new int[] { 1, 17, 40, 100 }) {
            SlidingLog log = new SlidingLog(limit, MINUTE);
            List<Long> model = new ArrayList<>();
            long now = T0;
            for (int step = 0; step < 5_000; step++) {
                now += random.nextInt(4) * SECOND / 2;
                long current = now;
                model.removeIf(time -> current - time >= MINUTE);
                int lower = 1 + random.nextInt(limit);
                long expectedWait = model.size() < lower ? 0 : model.get(model.size() - lower) + MINUTE - now;
                assertThat(log.waitNanos(now, lower)).as("limit %d, step %d", limit, step).isEqualTo(expectedWait);
                switch (random.nextInt(4)) {
                    case 0, 1 -> {
                        if (model.size() < limit) {
                            log.record(now);
                            model.add(now);
                        }
                    }
                    case 2 -> {
                        log.recordSaturating(now);
                        if (model.size() == limit) {
                            model.remove(0);
                        }
                        model.add(now);
                    }
                    default -> {
                        long mark = now - random.nextInt(60) * SECOND;
                        if (log.countsOneAtOrBefore(mark, now)) {
                            int newest = model.size() - 1;
                            while (model.get(newest) > mark) {
                                newest--;
                            }
                            model.remove(newest);
                            model.add(now);
                            log.moveToNow(mark, now);
                        }
                    }
                }
                assertThat(log.count(now)).isEqualTo(model.size());
                assertThat(log.nextFreeAt(now)).isEqualTo(model.isEmpty() ? now : model.get(0) + MINUTE);
            }
            assertThat(log.slots()).isLessThanOrEqualTo(limit);
        }
    }
}
