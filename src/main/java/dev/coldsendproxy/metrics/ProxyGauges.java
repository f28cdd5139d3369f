package dev.coldsendproxy.metrics;

import java.util.Locale;

import dev.coldsendproxy.cache.CacheConfig;
import dev.coldsendproxy.cache.LeadCache;
import dev.coldsendproxy.quota.QuotaConfig;
import dev.coldsendproxy.quota.QuotaGovernor;
import dev.coldsendproxy.upstream.ColdsendClient;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.quarkus.runtime.Startup;
import io.smallrye.faulttolerance.api.CircuitBreakerState;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The proxy's state as Prometheus gauges, read only when scraped: cache size and bytes (plus
 * Caffeine's own hit, miss and eviction counters), the shared quota windows, and the breaker.
 * Request-time counters live with the route ({@code lead.LeadTelemetry}).
 */
@Startup
@ApplicationScoped
class ProxyGauges {

    /** Value of the {@code cache} tag on Caffeine's meters. */
    static final String CACHE_NAME = "leads";

    ProxyGauges(MeterRegistry registry, LeadCache cache, CacheConfig cacheConfig, QuotaGovernor quota,
            QuotaConfig quotaConfig, ColdsendClient upstream) {
        CaffeineCacheMetrics.monitor(registry, cache.caffeine(), CACHE_NAME);
        Gauge.builder("proxy.cache.bytes", cache, leads -> leads.snapshot().weightedBytes())
                .description("Body bytes (plus per-entry overhead) held by the lead cache")
                .baseUnit("bytes").strongReference(true).register(registry);

        window(registry, quota, "minute", 0, quotaConfig.perMinute());
        window(registry, quota, "hour", 1, quotaConfig.perHour());
        // Beside proxy_cache_bytes on the dashboard, so the bound is read from the replica, not from a ConfigMap.
        long maxBytes = cacheConfig.maxBytes();
        Gauge.builder("proxy.cache.max.bytes", () -> maxBytes)
                .description("Bound on the bytes the lead cache holds (proxy.cache.max-bytes)")
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder("proxy.quota.budget.low", quota, governor -> governor.budgetLow() ? 1 : 0)
                .description("1 while stale copies are served instead of refreshed to save the budget")
                .strongReference(true).register(registry);

        quota.spentByConsumer().keySet().forEach(consumer -> {
            FunctionCounter.builder("proxy.quota.sent", quota, governor -> spent(governor, consumer, 0))
                    .description("Requests this replica sent to Coldsend for the consumer")
                    .tag("consumer", consumer).register(registry);
            FunctionCounter.builder("proxy.quota.borrowed", quota, governor -> spent(governor, consumer, 1))
                    .description("Of those, requests sent beyond the consumer's guarantee, lent from idle shares")
                    .tag("consumer", consumer).register(registry);
        });

        FunctionCounter.builder("proxy.quota.spare.refreshes", quota, QuotaGovernor::spareSent)
                .description("Refreshes of the most-asked leads paid from budget that would otherwise go unused")
                .register(registry);

        for (CircuitBreakerState state : CircuitBreakerState.values()) {
            Gauge.builder("proxy.upstream.circuit.state", upstream, client -> client.breakerState() == state ? 1 : 0)
                    .description("1 for the Coldsend circuit breaker's current state, 0 for the others")
                    .tag("state", state.name().toLowerCase(Locale.ROOT))
                    .strongReference(true).register(registry);
        }
    }

    private static double spent(QuotaGovernor governor, String consumer, int which) {
        long[] spent = governor.spentByConsumer().get(consumer);
        return spent == null ? 0 : spent[which];
    }

    private static void window(MeterRegistry registry, QuotaGovernor quota, String window, int index, int limit) {
        Gauge.builder("proxy.quota.remaining", quota, governor -> governor.sharedRemaining()[index])
                .description("Upstream requests the proxy may still send in the sliding window")
                .tag("window", window).strongReference(true).register(registry);
        Gauge.builder("proxy.quota.spent", quota, governor -> limit - governor.sharedRemaining()[index])
                .description("Upstream requests the proxy sent in the sliding window")
                .tag("window", window).strongReference(true).register(registry);
        Gauge.builder("proxy.quota.limit", () -> limit)
                .description("Upstream requests allowed in the sliding window")
                .tag("window", window).strongReference(true).register(registry);
    }
}
