package dev.coldsendproxy.lead;

import java.math.BigInteger;

import dev.coldsendproxy.cache.CacheConfig;
import dev.coldsendproxy.cache.CachedLead;
import dev.coldsendproxy.cache.LeadCache;
import dev.coldsendproxy.consumer.Consumer;
import dev.coldsendproxy.quota.QuotaGovernor;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.MultiMap;

/**
 * The real {@link FreshHitRoute} and {@link LeadService}, wired by hand for the JMH benchmarks.
 * The upstream client, loaders and telemetry are absent: a benchmark that left the hit path would
 * fail with a NullPointerException, which is how the benchmark proves it stayed on it.
 */
public final class BenchRoute {

    private final FreshHitRoute route;

    public BenchRoute(LeadCache cache, QuotaGovernor quota, CacheConfig config) {
        LeadService leads = new LeadService(cache, null, quota, config, null, null, null, null);
        this.route = new FreshHitRoute(leads, null, quota, null, null, new MemorySize(BigInteger.valueOf(10_240L * 1024)));
    }

    /** What {@code FreshHitRoute.serve} does for a hit between reading the request and writing it out. */
    public CachedLead hit(String path, MultiMap headers) {
        CachedLead fresh = route.hit(LeadPath.keyOrNull(path), Consumer.ANONYMOUS, RequestDirectives.NONE, headers);
        if (fresh == null) {
            throw new IllegalStateException("the benchmark left the hit path: " + path);
        }
        return fresh;
    }
}
