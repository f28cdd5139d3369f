package dev.coldsendproxy.quota;

import dev.coldsendproxy.cluster.RedisTier;
import dev.coldsendproxy.cluster.RedisUnavailableException;
import dev.coldsendproxy.consumer.Consumer;
import dev.coldsendproxy.upstream.AttemptGate;
import dev.coldsendproxy.upstream.AttemptRefusedException;
import dev.coldsendproxy.upstream.RateLimitHeaders;
import io.smallrye.mutiny.Uni;

/**
 * Pays each attempt from the budget all replicas share in Redis, then passes it through the local
 * governor too (which still holds off when Coldsend's own headers say the key is spent). While
 * Redis is unreachable, each attempt must also fit this replica's conservative local-only share
 * ({@code 1/proxy.redis.expected-replicas} of each window), so the replicas together stay within
 * the key's limits even without coordination.
 *
 * <p>A shared grant that the local governor then refuses (a hold from Coldsend's headers) stays
 * spent in the shared window: wasting one unit is the safe side of the key's limits.
 */
final class SharedQuotaGate implements AttemptGate {

    private final QuotaGate local;
    private final Consumer consumer;
    private final RedisTier tier;
    private final SharedQuota shared;
    private final LocalOnlyAllowance localOnly;

    SharedQuotaGate(QuotaGate local, Consumer consumer, RedisTier tier, SharedQuota shared, LocalOnlyAllowance localOnly) {
        this.local = local;
        this.consumer = consumer;
        this.tier = tier;
        this.shared = shared;
        this.localOnly = localOnly;
    }

    @Override
    public Uni<Void> beforeAttempt() {
        if (!tier.shared()) {
            return withoutRedis();
        }
        return shared.tryAcquire(consumer.name(), consumer.share())
                .onFailure(RedisUnavailableException.class).recoverWithItem(() -> null)
                .flatMap(decision -> {
                    if (decision == null) {
                        return withoutRedis();
                    }
                    return decision.granted() ? local.beforeAttempt()
                            : Uni.createFrom().failure(new AttemptRefusedException(decision.reason(), decision.retryAfterSeconds(),
                                    /* upstreamOverloaded= */ false));
                });
    }

    @Override
    public void afterAnswer(int status, RateLimitHeaders headers) {
        local.afterAnswer(status, headers);
    }

    private Uni<Void> withoutRedis() {
        long wait = localOnly.tryAcquire();
        if (wait > 0) {
            return Uni.createFrom().failure(new AttemptRefusedException(
                    "the proxy's shared budget is unreachable and this replica's safe part of it is spent", wait,
                    /* upstreamOverloaded= */ false));
        }
        return local.beforeAttempt();
    }
}
