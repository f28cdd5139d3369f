package dev.coldsendproxy.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.consumer.Consumer;
import dev.coldsendproxy.consumer.Priority;
import dev.coldsendproxy.upstream.AttemptRefusedException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;

/**
 * The queue of cold asks waiting for a budget unit, on a manual clock with the real governor:
 * priority, then the lead's demand, then arrival order, the bound, the deadline, and a 429 at once when no unit frees in time.
 */
class WaitQueueTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private final Consumer critical = new Consumer("critical", 0.5, Consumer.NO_MAX_STALE, Priority.CRITICAL);
    private final Consumer normal = new Consumer("normal", 0.25);
    private final Consumer bulk = new Consumer("bulk", 0.25, Consumer.NO_MAX_STALE, Priority.BACKGROUND);
    /** Spends the minute before the test: a borrower, so the waiters below their guarantees come first. */
    private final Consumer filler = new Consumer("filler", 0.01);
    private final QuotaGovernor governor = new QuotaGovernor(
            new TwoWindows(4, 1000).config(), 0, List.of(critical, normal, bulk, filler), now::get);
    private final List<String> ended = new ArrayList<>();

    @Test
    void servesWaitersAsUnitsFreeInPriorityThenArrivalOrder() {
        spendTheMinuteOneUnitASecond();
        WaitQueue queue = new WaitQueue(now::get, 10);
        List<String> served = new ArrayList<>();
        List<UniAssertSubscriber<Void>> waits = new ArrayList<>();
        for (Consumer consumer : new Consumer[] { bulk, normal, bulk, critical }) {
            waits.add(waitFor(queue, consumer, 4 * SECOND, served));
        }

        for (int second = 0; second < 3; second++) {
            now.addAndGet(SECOND);
            queue.pump().await().indefinitely();
        }

        assertThat(served).containsExactly("critical", "normal", "bulk");
        waits.get(0).assertCompleted();
        // The second bulk ask would borrow, and must leave critical's unspent guarantee: no unit for it in time.
        waits.get(2).assertFailedWith(AttemptRefusedException.class);
        assertThat(ended).containsExactly("critical SERVED", "normal SERVED", "bulk SERVED", "bulk NO_UNIT_IN_TIME");
    }

    @Test
    void servesTheMostAskedLeadFirstAmongWaitersOfOnePriority() {
        spendTheMinuteOneUnitASecond();
        WaitQueue queue = new WaitQueue(now::get, 10);
        List<String> served = new ArrayList<>();
        waitFor(queue, normal, 4 * SECOND, 2, "asked twice an hour", served);
        waitFor(queue, normal, 4 * SECOND, 0, "never asked before", served);
        waitFor(queue, normal, 4 * SECOND, 600, "asked every 6 s", served);
        waitFor(queue, critical, 4 * SECOND, 0, "critical's, never asked", served);

        for (int second = 0; second < 3; second++) {
            now.addAndGet(SECOND);
            queue.pump().await().indefinitely();
        }

        assertThat(served).as("one unit frees each second").containsExactly("critical's, never asked", "asked every 6 s",
                "asked twice an hour");
    }

    @Test
    void givesUpAtTheDeadlineWithTheLastRefusal() {
        spendTheMinuteOneUnitASecond();
        now.addAndGet(SECOND); // one unit frees each second from now
        governor.tryAcquire(normal, true); // and is taken at once
        WaitQueue queue = new WaitQueue(now::get, 10);
        UniAssertSubscriber<Void> wait = waitFor(queue, bulk, SECOND / 2, new ArrayList<>());

        now.addAndGet(SECOND / 2);
        queue.pump().await().indefinitely();

        wait.assertFailedWith(AttemptRefusedException.class);
        assertThat(ended).containsExactly("bulk TIMED_OUT");
        assertThat(queue.size()).isZero();
    }

    @Test
    void refusesAtOnceWhenNoUnitFreesWithinTheWaitOrTheQueueIsFull() {
        spendTheMinuteOneUnitASecond();
        WaitQueue queue = new WaitQueue(now::get, 1);
        AttemptRefusedException inAMinute = new AttemptRefusedException("spent", 57, false);
        AttemptRefusedException inASecond = new AttemptRefusedException("spent", 1, false);
        AttemptRefusedException overloaded = new AttemptRefusedException("overloaded", 1, true);

        Uni<Void> tooLong = queue.offer(normal, inAMinute, 2 * SECOND, 0, () -> attempt(normal), this::ended);
        Uni<Void> coldsendOverloaded = queue.offer(normal, overloaded, 2 * SECOND, 0, () -> attempt(normal), this::ended);
        Uni<Void> first = queue.offer(normal, inASecond, 2 * SECOND, 0, () -> attempt(normal), this::ended);
        Uni<Void> beyondTheBound = queue.offer(normal, inASecond, 2 * SECOND, 0, () -> attempt(normal), this::ended);

        assertThat(tooLong).isNull();
        assertThat(coldsendOverloaded).isNull();
        assertThat(first).isNotNull();
        assertThat(beyondTheBound).isNull();
    }

    @Test
    void endsAWaitAtOnceWhenARefusalSaysNoUnitFreesBeforeItsDeadline() {
        for (int i = 0; i < 4; i++) {
            governor.tryAcquire(normal, true); // the whole minute at once: the next unit frees in 60 s
        }
        WaitQueue queue = new WaitQueue(now::get, 10);
        UniAssertSubscriber<Void> wait = queue.offer(normal, new AttemptRefusedException("spent", 1, false), 2 * SECOND,
                0, () -> attempt(normal), this::ended).subscribe().withSubscriber(UniAssertSubscriber.create());

        queue.pump().await().indefinitely();

        wait.assertFailedWith(AttemptRefusedException.class);
        assertThat(ended).containsExactly("normal NO_UNIT_IN_TIME");
    }

    @Test
    void forgetsAWaiterWhoseCallerWentAway() {
        spendTheMinuteOneUnitASecond();
        WaitQueue queue = new WaitQueue(now::get, 10);
        AtomicInteger asked = new AtomicInteger();
        UniAssertSubscriber<Void> wait = queue.offer(normal, new AttemptRefusedException("spent", 1, false), 2 * SECOND,
                0, () -> {
                    asked.incrementAndGet();
                    return attempt(normal);
                }, this::ended).subscribe().withSubscriber(UniAssertSubscriber.create());

        wait.cancel();
        now.addAndGet(SECOND);
        queue.pump().await().indefinitely();

        assertThat(queue.size()).isZero();
        assertThat(asked).as("no unit is spent for a caller that left").hasValue(0);
    }

    /** Four sends a second apart: from a minute after the first, one unit frees each second. */
    private void spendTheMinuteOneUnitASecond() {
        for (int i = 0; i < 4; i++) {
            assertThat(governor.tryAcquire(filler, true).granted()).isTrue();
            now.addAndGet(SECOND);
        }
        now.addAndGet(Duration.ofMinutes(1).toNanos() - 5 * SECOND);
    }

    private UniAssertSubscriber<Void> waitFor(WaitQueue queue, Consumer consumer, long maxWait, List<String> served) {
        return waitFor(queue, consumer, maxWait, 0, consumer.name(), served);
    }

    private UniAssertSubscriber<Void> waitFor(WaitQueue queue, Consumer consumer, long maxWait, long demand, String lead,
            List<String> served) {
        Uni<Void> wait = queue.offer(consumer, new AttemptRefusedException("spent", 1, false), maxWait, demand,
                () -> attempt(consumer), this::ended);
        return wait.invoke(() -> served.add(lead)).subscribe().withSubscriber(UniAssertSubscriber.create());
    }

    private Uni<Void> attempt(Consumer consumer) {
        return QuotaGate.refusedOrVoid(governor.tryAcquire(consumer, false));
    }

    private void ended(Consumer consumer, WaitQueue.Outcome outcome, long waitedNanos) {
        ended.add(consumer.name() + " " + outcome);
    }

    /** A budget of a few units a minute. */
    private record TwoWindows(int perMinute, int perHour) {
        QuotaConfig config() {
            return dev.coldsendproxy.support.Configs.quota(perMinute, perHour);
        }
    }
}
