package dev.coldsendproxy.quota;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Ticker;

import dev.coldsendproxy.consumer.Consumer;
import dev.coldsendproxy.upstream.AttemptRefusedException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Cold asks the budget refused, waiting a short while for a unit instead of a 429: each
 * {@link #pump()} offers freed units to them in priority order, then most-asked lead first (its
 * copy will answer the most asks for the unit), then arrival order. A waiter
 * gives up with its last refusal at its deadline, or at once when its refusal says no unit frees
 * before it. Bounded: an ask beyond the bound is not queued. Never blocks; nothing here sleeps.
 */
final class WaitQueue {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final Ticker ticker;
    private final int capacity;
    private final TreeSet<Waiter> waiters = new TreeSet<>();
    private long arrivals;
    private boolean pumping;

    WaitQueue(Ticker ticker, int capacity) {
        this.ticker = ticker;
        this.capacity = capacity;
    }

    /** How one wait ended, for metrics. */
    enum Outcome {
        SERVED, TIMED_OUT, NO_UNIT_IN_TIME
    }

    /** Told of every wait that ends: how, and how long it lasted. */
    interface Listener {
        void ended(Consumer consumer, Outcome outcome, long waitedNanos);
    }

    /**
     * Queues {@code consumer}'s ask, refused with {@code refusal}, for at most {@code maxWaitNanos};
     * {@code attempt} asks the budget again and fails with a refusal while none is free.
     * {@code demand}: how much its lead is asked for (asks an hour), 0 when unknown.
     *
     * @return completes once a unit was granted, fails with the last refusal otherwise; null when
     *         the wait cannot help (no unit frees in time, Coldsend overloaded, or the queue full)
     */
    Uni<Void> offer(Consumer consumer, AttemptRefusedException refusal, long maxWaitNanos, long demand,
            Supplier<Uni<Void>> attempt, Listener listener) {
        if (refusal.upstreamOverloaded() || !mayFreeWithin(refusal, maxWaitNanos)) {
            return null;
        }
        long now = ticker.read();
        Waiter waiter;
        synchronized (this) {
            if (waiters.size() >= capacity) {
                return null;
            }
            waiter = new Waiter(consumer, arrivals++, demand, now, now + maxWaitNanos, attempt, listener, refusal);
            waiters.add(waiter);
        }
        return Uni.createFrom().completionStage(waiter.result).onCancellation().invoke(() -> remove(waiter));
    }

    /** Waiters now queued. */
    synchronized int size() {
        return waiters.size();
    }

    /** Asks ever queued: it moves exactly when an ask starts to wait. */
    synchronized long queued() {
        return arrivals;
    }

    /**
     * Offers freed units to the waiters, once each in order; a consumer refused in this round is
     * not asked again for its later waiters. Completes when the round is done; a round asked for
     * while one runs is skipped (the next one sees its waiters).
     */
    Uni<Void> pump() {
        List<Waiter> round;
        synchronized (this) {
            if (pumping || waiters.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            pumping = true;
            round = new ArrayList<>(waiters);
        }
        Set<String> refused = new HashSet<>();
        return Multi.createFrom().iterable(round)
                .onItem().transformToUniAndConcatenate(waiter -> offerUnit(waiter, refused))
                .collect().last().replaceWithVoid()
                .eventually(() -> {
                    synchronized (this) {
                        pumping = false;
                    }
                });
    }

    private Uni<Void> offerUnit(Waiter waiter, Set<String> refused) {
        long now = ticker.read();
        if (now >= waiter.deadline) {
            end(waiter, Outcome.TIMED_OUT, now, waiter.lastRefusal);
            return Uni.createFrom().voidItem();
        }
        if (refused.contains(waiter.consumer.name()) || waiter.result.isDone()) {
            return Uni.createFrom().voidItem();
        }
        return waiter.attempt.get()
                .invoke(() -> end(waiter, Outcome.SERVED, ticker.read(), null))
                .onFailure(AttemptRefusedException.class).recoverWithUni(failure -> {
                    AttemptRefusedException refusal = (AttemptRefusedException) failure;
                    refused.add(waiter.consumer.name());
                    waiter.lastRefusal = refusal;
                    long at = ticker.read();
                    if (refusal.upstreamOverloaded() || !mayFreeWithin(refusal, waiter.deadline - at)) {
                        end(waiter, Outcome.NO_UNIT_IN_TIME, at, refusal);
                    }
                    return Uni.createFrom().voidItem();
                })
                .onFailure().recoverWithUni(failure -> {
                    end(waiter, Outcome.TIMED_OUT, ticker.read(), failure);
                    return Uni.createFrom().voidItem();
                });
    }

    private void end(Waiter waiter, Outcome outcome, long now, Throwable failure) {
        if (!remove(waiter)) {
            return;
        }
        waiter.listener.ended(waiter.consumer, outcome, now - waiter.since);
        if (failure == null) {
            waiter.result.complete(null);
        } else {
            waiter.result.completeExceptionally(failure);
        }
    }

    private synchronized boolean remove(Waiter waiter) {
        return waiters.remove(waiter);
    }

    /**
     * Whether a unit may free within {@code nanos}: a refusal's {@code Retry-After} is rounded up
     * to whole seconds, so the unit may free up to a second before it.
     */
    private static boolean mayFreeWithin(AttemptRefusedException refusal, long nanos) {
        return (refusal.retryAfterSeconds() - 1) * SECOND < nanos;
    }

    /** One queued ask, ordered by its consumer's priority, then by its lead's demand (most first), then by arrival. */
    private static final class Waiter implements Comparable<Waiter> {
        final Consumer consumer;
        final long arrival;
        final long demand;
        final long since;
        final long deadline;
        final Supplier<Uni<Void>> attempt;
        final Listener listener;
        final CompletableFuture<Void> result = new CompletableFuture<>();
        volatile AttemptRefusedException lastRefusal;

        Waiter(Consumer consumer, long arrival, long demand, long since, long deadline, Supplier<Uni<Void>> attempt,
                Listener listener, AttemptRefusedException refusal) {
            this.consumer = consumer;
            this.arrival = arrival;
            this.demand = demand;
            this.since = since;
            this.deadline = deadline;
            this.attempt = attempt;
            this.listener = listener;
            this.lastRefusal = refusal;
        }

        @Override
        public int compareTo(Waiter other) {
            int byPriority = consumer.priority().compareTo(other.consumer.priority());
            if (byPriority != 0) {
                return byPriority;
            }
            int byDemand = Long.compare(other.demand, demand);
            return byDemand != 0 ? byDemand : Long.compare(arrival, other.arrival);
        }
    }
}
