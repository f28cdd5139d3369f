package dev.coldsendproxy.quota;

import dev.coldsendproxy.consumer.Consumer;
import dev.coldsendproxy.upstream.AttemptGate;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Picks the attempt gate for one consumer's upstream call: the local governor alone when the Redis
 * tier is disabled, else a unit leased from the budget all replicas share, then the local governor.
 */
@ApplicationScoped
public class QuotaGates {

    private final QuotaGovernor governor;
    private final ClusterQuota cluster;

    QuotaGates(QuotaGovernor governor, ClusterQuota cluster) {
        this.governor = governor;
        this.cluster = cluster;
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
