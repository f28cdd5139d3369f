package dev.coldsendproxy.quota;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Ticker;

import dev.coldsendproxy.consumer.Consumer;
import dev.coldsendproxy.upstream.AttemptRefusedException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The short wait for a budget unit ({@code proxy.quota.max-wait}, {@code Prefer: wait}): one
 * bounded {@link WaitQueue} for the replica, pumped by a Vert.x timer every {@link #POLL}, so a
 * unit that frees (a send leaving a window, a lease given back, Coldsend's hold ending) reaches a
 * waiter within that, and nothing blocks the event loop. Counts every wait by consumer and outcome.
 */
@ApplicationScoped
public class BudgetWaits {

    private static final Logger LOG = Logger.getLogger(BudgetWaits.class);
    /** How often the queue is offered freed units: a fraction of the shortest useful wait. */
    static final Duration POLL = Duration.ofMillis(50);
    /** No wait outlasts the overall deadline of an upstream call (ColdsendClient#fetchLead). */
    public static final long CAP_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final WaitQueue queue;
    private final long defaultWaitNanos;
    private final MeterRegistry registry;
    private final Vertx vertx;
    private long timer = -1;

    BudgetWaits(SharingConfig config, Ticker ticker, MeterRegistry registry, Vertx vertx) {
        this.queue = new WaitQueue(ticker, config.maxWaiters());
        this.defaultWaitNanos = Math.min(CAP_NANOS, Math.max(0, config.maxWait().toNanos()));
        this.registry = registry;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        registry.gauge("proxy.quota.waiting", queue, WaitQueue::size);
        timer = vertx.setPeriodic(POLL.toMillis(), id -> queue.pump().subscribe().with(done -> {
        }, failure -> LOG.debugf("wait queue round failed: %s", failure.getMessage())));
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != -1) {
            vertx.cancelTimer(timer);
        }
    }

    /** Asks waiting now, for tests and the {@code proxy_quota_waiting} gauge. */
    public int waiting() {
        return queue.size();
    }

    /** Asks ever queued, so a replay on a manual clock sees the moment an ask starts to wait. */
    public long queued() {
        return queue.queued();
    }

    /**
     * Offers freed units to the waiters now, as the timer does every {@link #POLL}: for a replay
     * on a manual clock, right after moving it. Completes when the round is done.
     */
    public Uni<Void> pump() {
        return queue.pump();
    }

    /**
     * How long a cold ask may wait: the caller's {@code Prefer: wait} ({@code preferredNanos}, or a
     * negative number when it said nothing) else {@code proxy.quota.max-wait}, never past {@link #CAP_NANOS}.
     */
    public long allowedWait(long preferredNanos) {
        return preferredNanos < 0 ? defaultWaitNanos : Math.min(CAP_NANOS, preferredNanos);
    }

    /**
     * Waits for a unit for {@code consumer}, whose first ask was refused with {@code refusal},
     * asking again with {@code attempt}; null when waiting cannot help, so the refusal stands at once.
     * Among waiters of one priority, the lead in most {@code demand} (asks an hour) is served first.
     */
    Uni<Void> await(Consumer consumer, AttemptRefusedException refusal, long maxWaitNanos, long demand,
            Supplier<Uni<Void>> attempt) {
        Uni<Void> wait = queue.offer(consumer, refusal, maxWaitNanos, demand, attempt, this::ended);
        if (wait == null) {
            registry.counter("proxy.quota.waits", "consumer", consumer.name(), "outcome", "not_queued").increment();
            return null;
        }
        // The pump's timer serves the waiter: the call goes on in the asker's own (duplicated) context,
        // where its trace and request data live, not in the timer's.
        Context asker = Vertx.currentContext();
        if (asker != null) {
            wait = wait.emitOn(task -> asker.runOnContext(ignored -> task.run()));
        }
        // The queue keeps deadlines on the budget's clock; wall time bounds the wait too, should that clock stall.
        return wait.ifNoItem().after(Duration.ofNanos(maxWaitNanos).plus(POLL.multipliedBy(4))).recoverWithUni(() -> {
            ended(consumer, WaitQueue.Outcome.TIMED_OUT, maxWaitNanos);
            return Uni.createFrom().failure(refusal);
        });
    }

    private void ended(Consumer consumer, WaitQueue.Outcome outcome, long waitedNanos) {
        String name = outcome.name().toLowerCase(Locale.ROOT);
        registry.counter("proxy.quota.waits", "consumer", consumer.name(), "outcome", name).increment();
        registry.timer("proxy.quota.wait", "consumer", consumer.name(), "outcome", name)
                .record(waitedNanos, TimeUnit.NANOSECONDS);
    }
}
