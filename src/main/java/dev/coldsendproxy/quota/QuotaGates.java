package dev.coldsendproxy.quota;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import dev.coldsendproxy.consumer.Consumer;
import dev.coldsendproxy.upstream.AttemptGate;
import dev.coldsendproxy.upstream.AttemptRefusedException;
import dev.coldsendproxy.upstream.RateLimitHeaders;
import io.smallrye.mutiny.Uni;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Picks the attempt gate for one consumer's upstream call: the local governor alone when the Redis
 * tier is disabled, else a unit leased from the budget all replicas share, then the local governor.
 */
@ApplicationScoped
public class QuotaGates {

    private final QuotaGovernor governor;
    private final ClusterQuota cluster;
    private final BudgetWaits waits;

    QuotaGates(QuotaGovernor governor, ClusterQuota cluster, BudgetWaits waits) {
        this.governor = governor;
        this.cluster = cluster;
        this.waits = waits;
    }

    /**
     * The gate of one consumer's upstream call, once its first attempt has a unit: a cold ask
     * (no copy the caller accepts) that the budget refuses waits up to {@code maxWaitNanos} for one
     * ({@link BudgetWaits}), in the queue of the replica, before the call and its deadline start;
     * the lead asked for most ({@code demand}, asks an hour) gets a freed unit first, since its copy
     * will answer the most asks. Fails with the refusal when no unit frees in time.
     */
    public Uni<AttemptGate> admit(Consumer consumer, boolean cold, long maxWaitNanos, long demand) {
        AttemptGate gate = forConsumer(consumer, cold);
        if (!cold || maxWaitNanos <= 0) {
            return Uni.createFrom().item(gate);
        }
        // Asking again is no new cold demand: the first ask counted it.
        AttemptGate again = forConsumer(consumer, /* cold= */ false);
        // Marked on the thread that was granted the unit, before a served waiter hops back to its own context.
        AtomicReference<QuotaGovernor.PaidMark> paid = new AtomicReference<>();
        return gate.beforeAttempt().invoke(() -> paid.set(paidMark(gate)))
                .onFailure(AttemptRefusedException.class).recoverWithUni(failure -> {
                    Uni<Void> wait = waits.await(consumer, (AttemptRefusedException) failure, maxWaitNanos, demand,
                            () -> again.beforeAttempt().invoke(() -> paid.set(paidMark(again))));
                    return wait != null ? wait : Uni.createFrom().failure(failure);
                })
                .replaceWith(() -> new Prepaid(gate, governor, consumer, paid.get()));
    }

    /**
     * The mark of a unit {@code passed} was just granted. Without the Redis tier, only this
     * replica's windows count it, and they can count it again from whenever it goes out. With the
     * tier, Redis counts it as its lease's cover says: a send that starts by the lease's end and a
     * grace after ({@link Grant#leasedUntil()}); a unit granted without a lease (Redis unreachable)
     * covers a prompt send only.
     */
    private QuotaGovernor.PaidMark paidMark(AttemptGate passed) {
        if (!cluster.enabled()) {
            return governor.paidMark(Long.MAX_VALUE);
        }
        long leasedUntil = passed instanceof LeaseGate lease ? lease.leasedUntil() : Grant.NOT_LEASED;
        return governor.paidMark(leasedUntil == Grant.NOT_LEASED ? Long.MIN_VALUE : leasedUntil + Prepaid.PREPAID_GRACE);
    }

    /**
     * The gate of a refresh paid from spare budget ({@link QuotaGovernor#tryAcquireSpare()}); with
     * the Redis tier, a unit leased from the spare budget all replicas share comes first.
     */
    public AttemptGate forSpare() {
        return new AttemptGate() {
            @Override
            public Uni<Void> beforeAttempt() {
                if (!cluster.enabled()) {
                    return QuotaGate.refusedOrVoid(governor.tryAcquireSpare());
                }
                return cluster.acquireSpare().chain(leased -> QuotaGate.refusedOrVoid(
                        leased.granted() ? governor.tryAcquireSpare() : leased));
            }

            @Override
            public void afterAnswer(int status, RateLimitHeaders headers) {
                long pause = governor.observe(status, headers.limit(), headers.remaining(), headers.resetEpochSeconds(),
                        headers.retryAfterSeconds());
                if (cluster.enabled()) {
                    cluster.shareHold(pause, status);
                }
            }
        };
    }

    /**
     * A gate whose first attempt was paid for while the call was admitted; later attempts pay as
     * usual. The unit was counted when it was granted, and a window frees it a minute after that:
     * sent much later (the call waited in the bulkhead's queue, up to its deadline), it would still
     * be counted by Coldsend when the proxy's window had let it go. So the paid unit serves as it is
     * only an attempt that starts within {@link #PREPAID_GRACE} of the grant. A later one has the
     * unit counted again from when it goes out ({@link QuotaGovernor#countFromNow}) while all that
     * counts it can: always when only this replica's windows count it (no Redis tier), and with the
     * tier until its lease's cover in Redis ends ({@link Grant#leasedUntil()}). Else it pays anew,
     * and the first unit stays counted: spent, never sent, on the safe side.
     */
    static final class Prepaid implements AttemptGate {
        /** How long after its grant a paid unit may still go out: well inside a send's own time to reach Coldsend. */
        static final long PREPAID_GRACE = TimeUnit.MILLISECONDS.toNanos(100);

        private final AttemptGate gate;
        private final QuotaGovernor clock;
        private final Consumer consumer;
        /** When the unit was granted, read on the granting thread, the first-answer mark then, and how late it may go. */
        private final QuotaGovernor.PaidMark paid;
        private final AtomicBoolean firstPending = new AtomicBoolean(true);

        Prepaid(AttemptGate gate, QuotaGovernor clock, Consumer consumer, QuotaGovernor.PaidMark paid) {
            this.gate = gate;
            this.clock = clock;
            this.consumer = consumer;
            this.paid = paid;
        }

        @Override
        public Uni<Void> beforeAttempt() {
            if (!firstPending.getAndSet(false)) {
                return gate.beforeAttempt();
            }
            if (clock.now() - paid.at() <= PREPAID_GRACE) {
                return Uni.createFrom().voidItem();
            }
            return clock.countFromNow(consumer, paid) ? Uni.createFrom().voidItem() : gate.beforeAttempt();
        }

        @Override
        public void afterAnswer(int status, RateLimitHeaders headers) {
            gate.afterAnswer(status, headers);
        }
    }

    /** The gate every attempt of this call (retries included) must pass. */
    public AttemptGate forConsumer(Consumer consumer) {
        return forConsumer(consumer, /* cold= */ false);
    }

    /** As {@link #forConsumer(Consumer)}; {@code cold} when the lead has no copy at all (cold demand). */
    public AttemptGate forConsumer(Consumer consumer, boolean cold) {
        return cluster.enabled() ? new LeaseGate(governor, cluster, consumer, cold) : new QuotaGate(governor, consumer, cold);
    }
}
