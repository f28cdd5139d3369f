package dev.coldsendproxy.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/**
 * The log of this replica's sends that it re-reports to Redis: numbered members, ages in ms, the
 * last hour only, the oldest forgotten when the ring is full. Explicit nanosecond times, no sleeps.
 */
class SendLogTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    /** An arbitrary start far from 0, so that a sum mistaken for a difference shows. */
    private final AtomicLong now = new AtomicLong(5_000 * SECOND);

    @Test
    void reReportsOnlyUnleasedSendsUnlessAllAreAsked() {
        SendLog log = new SendLog(4);
        log.record(now.get(), false);
        now.addAndGet(MS);
        log.record(now.get(), true);
        now.addAndGet(MS);
        log.record(now.get(), false);
        now.addAndGet(8 * MS);

        assertThat(log.since(now.get(), "r1", false))
                .containsExactly(new LeaseLedger.Sent("s:r1:1", 9));
        assertThat(log.since(now.get(), "r1", true)).as("oldest first, numbered from 0").containsExactly(
                new LeaseLedger.Sent("s:r1:0", 10),
                new LeaseLedger.Sent("s:r1:1", 9),
                new LeaseLedger.Sent("s:r1:2", 8));
    }

    @Test
    void reportsAgesInWholeMillisecondsRoundedDown() {
        SendLog log = new SendLog(2);
        log.record(now.get(), true);

        assertThat(log.since(now.get() + 2 * MS - 1, "r1", true))
                .containsExactly(new LeaseLedger.Sent("s:r1:0", 1));
    }

    @Test
    void reportsNothingBeforeTheFirstSend() {
        SendLog log = new SendLog(3);

        assertThat(log.since(now.get(), "r1", true)).isEmpty();
    }

    @Test
    void forgetsSendsOlderThanAnHour() {
        SendLog log = new SendLog(4);
        log.record(now.get(), true);
        now.addAndGet(MS);
        log.record(now.get(), true);
        long anHourAfterTheFirst = now.get() - MS + Units.HOUR;

        assertThat(log.since(anHourAfterTheFirst - 1, "r1", true)).as("one nanosecond short of an hour").containsExactly(
                new LeaseLedger.Sent("s:r1:0", Units.HOUR / MS - 1),
                new LeaseLedger.Sent("s:r1:1", Units.HOUR / MS - 2));
        assertThat(log.since(anHourAfterTheFirst, "r1", true)).as("the first is exactly an hour old")
                .containsExactly(new LeaseLedger.Sent("s:r1:1", Units.HOUR / MS - 1));
    }

    @Test
    void makesRoomByForgettingTheOldest() {
        SendLog log = new SendLog(2);
        log.record(now.get(), true);
        now.addAndGet(MS);
        log.record(now.get(), false);
        now.addAndGet(MS);
        log.record(now.get(), true);
        now.addAndGet(MS);
        log.record(now.get(), true);
        now.addAndGet(MS);

        assertThat(log.since(now.get(), "r2", true)).as("the last two, numbering carries on").containsExactly(
                new LeaseLedger.Sent("s:r2:2", 2),
                new LeaseLedger.Sent("s:r2:3", 1));
    }

    @Test
    void keepsEverySendWhileTheRingHasRoom() {
        SendLog log = new SendLog(3);
        log.record(now.get(), true);
        now.addAndGet(MS);
        log.record(now.get(), true);
        now.addAndGet(MS);

        assertThat(log.since(now.get(), "r1", false)).containsExactly(
                new LeaseLedger.Sent("s:r1:0", 2),
                new LeaseLedger.Sent("s:r1:1", 1));
    }

    @Test
    void aLargeCapacityHoldsOnlyWhatWasSentAndKeepsEveryNumberAsItGrows() {
        SendLog log = new SendLog(2_000_000);
        assertThat(log.slots()).as("not 2,000,000 sends up front").isEqualTo(SlidingLog.FIRST_SLOTS);
        for (int i = 0; i < 40; i++) {
            log.record(now.get(), i % 3 == 0);
            now.addAndGet(MS);
        }

        assertThat(log.slots()).isBetween(40, 64);
        assertThat(log.since(now.get(), "r1", true)).hasSize(40).first()
                .isEqualTo(new LeaseLedger.Sent("s:r1:0", 40));
        assertThat(log.since(now.get(), "r1", false)).extracting(LeaseLedger.Sent::member)
                .containsExactly("s:r1:0", "s:r1:3", "s:r1:6", "s:r1:9", "s:r1:12", "s:r1:15", "s:r1:18", "s:r1:21",
                        "s:r1:24", "s:r1:27", "s:r1:30", "s:r1:33", "s:r1:36", "s:r1:39");
    }

    @Test
    void growsToItsCapacityThenForgetsTheOldest() {
        SendLog log = new SendLog(20);
        for (int i = 0; i < 25; i++) {
            log.record(now.get(), true);
            now.addAndGet(MS);
        }

        assertThat(log.slots()).isEqualTo(20);
        assertThat(log.since(now.get(), "r1", true)).hasSize(20).first()
                .isEqualTo(new LeaseLedger.Sent("s:r1:5", 20));
    }
}
