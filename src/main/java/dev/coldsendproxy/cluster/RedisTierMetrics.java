package dev.coldsendproxy.cluster;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The Redis tier's mode as metrics, so an alert can fire when replicas run local-only:
 * {@code proxy_redis_tier_shared} (1 shared, 0 local-only or disabled),
 * {@code proxy_redis_tier_enabled} and {@code proxy_redis_tier_fallbacks_total}.
 */
@ApplicationScoped
public class RedisTierMetrics {

    void register(@Observes StartupEvent event, MeterRegistry registry, RedisTierState state, RedisTier tier) {
        Gauge.builder("proxy.redis.tier.shared", state, s -> s.shared() ? 1 : 0)
                .description("1 while this replica shares cache, single flight, quota and purges through Redis")
                .register(registry);
        Gauge.builder("proxy.redis.tier.enabled", tier, t -> t.enabled() ? 1 : 0)
                .description("1 when proxy.redis.enabled=true")
                .register(registry);
        FunctionCounter.builder("proxy.redis.tier.fallbacks", state, RedisTierState::fallbacks)
                .description("times this replica fell back to local-only because Redis failed or was slow")
                .register(registry);
    }
}
