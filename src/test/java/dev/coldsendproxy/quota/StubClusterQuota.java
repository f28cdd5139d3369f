package dev.coldsendproxy.quota;

import java.time.Duration;

import java.util.ArrayList;
import java.util.List;

import com.github.benmanes.caffeine.cache.Ticker;

import dev.coldsendproxy.cluster.DisabledRedisTier;
import dev.coldsendproxy.consumer.Consumer;
import dev.coldsendproxy.support.Configs;
import io.smallrye.mutiny.Uni;

import jakarta.enterprise.inject.Vetoed;

/**
 * The budget all replicas share, stubbed for unit tests without Redis: every lease is answered
 * with the same grant or refusal, and the holds passed on to the other replicas are kept.
 *
 * <p>{@code @Vetoed}: it inherits {@code @ApplicationScoped}, and test classes are part of every
 * {@code @QuarkusTest} application, where it must not stand beside the real bean.
 */
@Vetoed
final class StubClusterQuota extends ClusterQuota {

    private final Grant answer;
    private final boolean enabled;
    /** Each hold passed on, as {@code [pause nanos, status]}. */
    final List<List<Long>> holds = new ArrayList<>();

    StubClusterQuota(QuotaGovernor governor, Ticker ticker, Grant answer, boolean enabled) {
        super(DisabledRedisTier.create(), DisabledRedisTier.config(), Configs.quota(governor.minuteLimit(),
                governor.hourLimit()), new InFlight(Duration.ofSeconds(2)), governor, ticker, /* vertx= */ null);
        this.answer = answer;
        this.enabled = enabled;
    }

    @Override
    public boolean enabled() {
        return enabled;
    }

    @Override
    Uni<Grant> acquire(Consumer consumer) {
        return Uni.createFrom().item(answer);
    }

    @Override
    Uni<Grant> acquireSpare() {
        return Uni.createFrom().item(answer);
    }

    @Override
    void shareHold(long pauseNanos, int status) {
        holds.add(List.of(pauseNanos, (long) status));
    }
}
