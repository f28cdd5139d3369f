package dev.coldsendproxy.quota;

import dev.coldsendproxy.consumer.Consumer;
import dev.coldsendproxy.upstream.AttemptGate;
import dev.coldsendproxy.upstream.RateLimitHeaders;
import io.smallrye.mutiny.Uni;

/**
 * The attempt gate with the Redis tier on: a unit leased from the budget all replicas share, then
 * the local governor (Coldsend's headers seen here, this replica's own windows). A pause that
 * Coldsend asks for is passed on to every replica. A leased unit that the local governor then
 * refuses stays spent: wasting one unit is the safe side of the key's limits.
 */
final class LeaseGate implements AttemptGate {

    private final QuotaGovernor governor;
    private final ClusterQuota cluster;
    private final Consumer consumer;
    private final boolean cold;
    /** {@link Grant#leasedUntil()} of the last unit this gate was granted: how late a prepaid send may still go. */
    private volatile long leasedUntil = Grant.NOT_LEASED;

    /** {@code cold}: the lead has no copy at all, so each attempt also counts as cold demand. */
    LeaseGate(QuotaGovernor governor, ClusterQuota cluster, Consumer consumer, boolean cold) {
        this.governor = governor;
        this.cluster = cluster;
        this.consumer = consumer;
        this.cold = cold;
    }

    @Override
    public Uni<Void> beforeAttempt() {
        return cluster.acquire(consumer).chain(leased -> {
            if (!leased.granted() && cold) {
                governor.coldAsk();
            }
            Grant grant = leased.granted() ? governor.tryAcquire(consumer, cold) : leased;
            leasedUntil = grant.granted() ? leased.leasedUntil() : Grant.NOT_LEASED;
            return QuotaGate.refusedOrVoid(grant);
        });
    }

    /** Until when the lease of the unit last granted here covers its send ({@link Grant#leasedUntil()}). */
    long leasedUntil() {
        return leasedUntil;
    }

    @Override
    public void afterAnswer(int status, RateLimitHeaders headers) {
        long pause = governor.observe(status, headers.limit(), headers.remaining(), headers.resetEpochSeconds(),
                headers.retryAfterSeconds());
        cluster.shareHold(pause, status);
    }
}
