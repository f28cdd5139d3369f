package dev.coldsendproxy.quota;

import dev.coldsendproxy.consumer.Consumer;
import dev.coldsendproxy.upstream.AttemptGate;
import dev.coldsendproxy.upstream.AttemptRefusedException;
import dev.coldsendproxy.upstream.RateLimitHeaders;
import io.smallrye.mutiny.Uni;

/**
 * Connects the upstream client's attempt gate to the quota governor for one consumer, so that
 * every attempt (retries and refreshes included) is paid from that consumer's share.
 */
final class QuotaGate implements AttemptGate {

    private final QuotaGovernor governor;
    private final Consumer consumer;
    private final boolean cold;

    QuotaGate(QuotaGovernor governor, Consumer consumer) {
        this(governor, consumer, /* cold= */ false);
    }

    /** {@code cold}: the lead has no copy at all, so each attempt also counts as cold demand. */
    QuotaGate(QuotaGovernor governor, Consumer consumer, boolean cold) {
        this.governor = governor;
        this.consumer = consumer;
        this.cold = cold;
    }

    @Override
    public Uni<Void> beforeAttempt() {
        return refusedOrVoid(governor.tryAcquire(consumer, cold));
    }

    /** Completes when {@code grant} lets the attempt go, else fails with the refusal the upstream client understands. */
    static Uni<Void> refusedOrVoid(Grant grant) {
        return grant.granted() ? Uni.createFrom().voidItem()
                : Uni.createFrom().failure(new AttemptRefusedException(grant.reason(), grant.retryAfterSeconds(),
                        grant.upstreamOverloaded()));
    }

    @Override
    public void afterAnswer(int status, RateLimitHeaders headers) {
        governor.observe(status, headers.limit(), headers.remaining(), headers.resetEpochSeconds(), headers.retryAfterSeconds());
    }
}
