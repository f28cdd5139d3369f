package dev.coldsendproxy.quota;

import dev.coldsendproxy.cluster.RedisTier;
import dev.coldsendproxy.consumer.Consumer;
import dev.coldsendproxy.upstream.AttemptGate;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Picks the attempt gate for one consumer's upstream call: the local governor alone when the Redis
 * tier is disabled, else the cluster-wide budget with its local-only fallback.
 */
@ApplicationScoped
public class QuotaGates {

    private final QuotaGovernor governor;
    private final RedisTier tier;
    private final SharedQuota shared;
    private final LocalOnlyAllowance localOnly;

    QuotaGates(QuotaGovernor governor, RedisTier tier, SharedQuota shared, LocalOnlyAllowance localOnly) {
        this.governor = governor;
        this.tier = tier;
        this.shared = shared;
        this.localOnly = localOnly;
    }

    /** The gate every attempt of this call (retries included) must pass. */
    public AttemptGate forConsumer(Consumer consumer) {
        QuotaGate local = new QuotaGate(governor, consumer);
        return tier.enabled() ? new SharedQuotaGate(local, consumer, tier, shared, localOnly) : local;
    }
}
